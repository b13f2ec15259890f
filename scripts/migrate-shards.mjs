#!/usr/bin/env node
// Applies the D1 migrations to every shard of a wrangler environment: each `d1_databases` binding
// of the configuration (DB, DB_1, …; see docs/scaling.md), one `wrangler d1 migrations apply`
// each, in order; stops at the first failure with its exit code.
//
//   node scripts/migrate-shards.mjs [--config wrangler.toml] [--env dev] [wrangler flags…]
//   e.g. --local --persist-to .wrangler/state   (npm run db:migrate:local)
//        --remote                               (a deployment)
import { spawnSync } from "node:child_process";
import path from "node:path";
import { unstable_readConfig } from "wrangler";

const args = process.argv.slice(2);
const valueOf = (flag) => {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
};
const config = valueOf("--config") ?? "wrangler.toml";
const environment = valueOf("--env");
const { d1_databases: databases } = unstable_readConfig({ config, env: environment });
const shards = databases.map((database) => database.binding).filter((binding) => /^DB(_\d+)?$/.test(binding));
if (shards.length === 0) {
  console.error(`${config}${environment ? ` (env ${environment})` : ""} binds no D1 database named DB`);
  process.exit(1);
}
const wrangler = path.join(import.meta.dirname, "..", "node_modules", ".bin", "wrangler");
for (const binding of shards) {
  console.log(`migrations of ${binding}:`);
  const run = spawnSync(wrangler, ["d1", "migrations", "apply", binding, ...args], {
    stdio: "inherit",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
