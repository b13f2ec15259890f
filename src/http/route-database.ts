/** The D1 database a route under `/buckets/:bid` works on: its bucket's shard (storage/shards.ts). */
import type { AppContext } from "../context";
import { bucketDatabase } from "../storage/shards";

export function bucketDatabaseOf(c: AppContext): D1Database {
  return bucketDatabase(c.env, c.req.param("bid") ?? "");
}
