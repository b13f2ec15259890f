/** Worker entry: the Hono app and the Durable Object classes it binds, wired to the plugins. */
import { buildApp } from "./app";
import { PLUGINS } from "./plugins";
import { colocatedOf, liveFeedsOf, maintenanceOf, writeListenersOf } from "./plugins/plugin";
import { bucketsWithMemberships } from "./storage/memberships";
import { useColocation } from "./storage/shards";
import type { Bindings } from "./env";
import { Writer as CoreWriter } from "./writer/writer";

useColocation((settings) => colocatedOf(PLUGINS, settings));

/** The upkeep: each plugin's, and on a sharded deployment the membership copies' (storage/memberships.ts). */
async function maintain(env: Bindings): Promise<void> {
  await Promise.all([maintenanceOf(PLUGINS, env), refreshMemberships(env)]);
}

async function refreshMemberships(env: Bindings): Promise<void> {
  try {
    for (const bucket of await bucketsWithMemberships(env)) {
      await env.WRITER.get(env.WRITER.idFromName(`/buckets/${bucket}`)).refreshMemberships(bucket);
    }
  } catch (error) {
    console.error("refreshing group memberships failed:", error instanceof Error ? error.name : "unknown error");
  }
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
