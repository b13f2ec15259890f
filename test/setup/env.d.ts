// Types for the "workers" vitest project (vitest-pool-workers).
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      // Also declared by src/ (identical declarations merge); repeated here so
      // the setup file typechecks on its own.
      DB: D1Database;
      // The second shard, bound by the workers-sharded project only.
      DB_1?: D1Database;
      // Bound by vitest.config.ts: the SQL migrations, for applyD1Migrations().
      TEST_MIGRATIONS: D1Migration[];
    }
    // Types `exports` from "cloudflare:workers" in tests: `exports.default.fetch(…)`
    // calls the worker, `exports.Writer` is the Durable Object namespace.
    interface GlobalProps {
      mainModule: typeof import("../../src/index");
      durableNamespaces: "Writer";
    }
  }
}
