/** Worker entry: the Hono app and the Durable Object classes it binds, wired to the plugins. */
import { buildApp } from "./app";
import { PLUGINS } from "./plugins";
import { writeListenersOf } from "./plugins/plugin";
import { Writer as CoreWriter } from "./writer/writer";

/** The Writer with the plugins' write listeners (the core Writer never imports a plugin). */
export class Writer extends CoreWriter {
  protected override readonly listeners = writeListenersOf(PLUGINS);
}

export default buildApp();
