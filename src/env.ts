/** The worker's bindings. Settings are the `KINTO_*` vars, read through config.ts. */
import type { Writer } from "./writer/writer";

export interface Bindings {
  DB: D1Database;
  WRITER: DurableObjectNamespace<Writer>;
  /** Attachment files (kinto_attachment); needed only while that plugin is included. */
  ATTACHMENTS?: R2Bucket;
  [setting: `KINTO_${string}`]: string | undefined;
}
