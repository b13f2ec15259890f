/** The worker's bindings. Settings are the `KINTO_*` vars, read through config.ts. */
import type { Writer } from "./writer/writer";

export interface Bindings {
  DB: D1Database;
  WRITER: DurableObjectNamespace<Writer>;
  [setting: `KINTO_${string}`]: string | undefined;
}
