/** Worker entry: the Hono app and the Durable Object classes it binds, wired to the plugins. */
import { buildApp } from "./app";
import { PLUGINS } from "./plugins";
import { liveFeedsOf, maintenanceOf, writeListenersOf } from "./plugins/plugin";
import type { Bindings } from "./env";
import { Writer as CoreWriter } from "./writer/writer";

async function maintain(env: Bindings): Promise<void> {
  await maintenanceOf(PLUGINS, env);
}

/** The Writer with the plugins' write listeners and live feeds (the core Writer never imports a plugin). */
export class Writer extends CoreWriter {
  protected override readonly listeners = writeListenersOf(PLUGINS);
  protected override readonly feeds = liveFeedsOf(PLUGINS);
}

const app = buildApp();

export default {
  fetch: app.fetch,
  /** The cron trigger (wrangler.toml): each enabled plugin's upkeep. */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(maintain(env));
  },
} satisfies ExportedHandler<Bindings>;
