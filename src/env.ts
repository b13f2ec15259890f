/** The worker's bindings. Settings are the `KINTO_*` vars, read through config.ts. */
import type { Writer } from "./writer/writer";

export interface Bindings {
  /** Shard 0 and the catalog (storage/shards.ts). */
  DB: D1Database;
  /** More shards: `DB_1`, `DB_2`, … with no gap (storage/shards.ts). */
  [shard: `DB_${number}`]: D1Database | undefined;
  WRITER: DurableObjectNamespace<Writer>;
  /** Attachment files (kinto_attachment); needed only while that plugin is included. */
  ATTACHMENTS?: R2Bucket;
  [setting: `KINTO_${string}`]: string | undefined;
}
