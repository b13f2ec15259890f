// Three vitest projects, run by `npm test` (workers-sharded once the other two are done):
//   workers — unit + integration tests inside workerd (vitest-pool-workers),
//             D1 migrations applied before each test file;
//   workers-sharded — the same on two D1 shards;
//   e2e     — Node tests driving a real `wrangler dev` with real Kinto clients.
// The admin app is built first: wrangler.toml's `[assets]` folder must exist for the workers
// pool, and the e2e `wrangler dev` serves it (its own `[build]` finds the output up to date).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig(async () => {
  execFileSync(process.execPath, [path.join(root, "scripts/build-admin.mjs")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const migrations = await readD1Migrations(path.join(root, "migrations"));
  const singleDatabaseTests = execFileSync("grep", ["-rlE", "env\\.DB\\b", "test", "--include=*.test.ts"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "" && !file.startsWith("test/e2e/") && !file.startsWith("test/sharding/"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml", environment: "dev" },
              miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: "workers",
            root,
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "test/sharding/**", "**/node_modules/**"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
          },
        },
        {
          // The same tests on two D1 shards (storage/shards.ts): buckets spread over DB and DB_1.
          // Left out: files that read or write `env.DB` themselves, which assume one database.
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml", environment: "dev" },
              miniflare: { bindings: { TEST_MIGRATIONS: migrations }, d1Databases: { DB: "kinto-shard-0", DB_1: "kinto-shard-1" } },
            }),
          ],
          test: {
            name: "workers-sharded",
            root,
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "**/node_modules/**", ...singleDatabaseTests],
            setupFiles: ["./test/setup/apply-migrations.ts"],
            // After the other two, not beside them: the e2e memory bounds (a 1 GiB upload through
            // wrangler dev under 300 MB per process) hold with the load of one workerd project.
            sequence: { groupOrder: 1 },
          },
        },
        {
          test: {
            name: "e2e",
            root,
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/e2e/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 90_000,
            // kinto-http's `main` is a CJS bundle requiring `node-fetch` (not
            // installed: Node 20 has fetch). Use its ESM build (lib/, global
            // fetch); its imports lack extensions, so vite must inline it.
            server: { deps: { inline: [/\/node_modules\/kinto-http\/lib\//] } },
          },
          resolve: {
            alias: [
              {
                find: /^kinto-http$/,
                replacement: path.join(root, "node_modules/kinto-http/lib/index.js"),
              },
            ],
          },
        },
      ],
    },
  };
});
