// Runs before each test file of the "workers" project. Storage is isolated per
// test file; applying migrations is idempotent. After `reset()` from
// "cloudflare:test", call this again (import and await `applyMigrations`).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

/** Applies them to every shard: `DB`, and `DB_1` in the workers-sharded project. */
export async function applyMigrations(): Promise<void> {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  if (env.DB_1 !== undefined) await applyD1Migrations(env.DB_1, env.TEST_MIGRATIONS);
}

await applyMigrations();
