/**
 * Group memberships (`user_principals`) on a sharded deployment. A group's memberships are
 * written in its bucket's commit, on the bucket's shard (its home); every other shard holds a
 * copy, so that a request reads its principals on the shard of the objects it reads, in the same
 * round trip. The bucket's Writer refreshes the copies after each commit that changes a group of
 * the bucket (writer/writer.ts), before it answers, one refresh at a time; the upkeep asks it to
 * refresh every bucket whose copies a failed refresh may have left stale.
 */
import { sql } from "drizzle-orm";
import type { Bindings } from "../env";
import { bucketOfUri, bucketShard, shardsOf } from "./shards";
import { jsonChunks } from "./json-chunks";
import { descendantRange, statement } from "./sql";

type Membership = [user: string, principal: string];

function groupsRange(bucketId: string): [string, string] {
  return descendantRange(`/buckets/${bucketId}/groups`);
}

async function membershipsIn(db: D1Database, [low, high]: [string, string]): Promise<Membership[]> {
  const { results } = await statement(db, sql`SELECT user_id, principal FROM user_principals WHERE principal >= ${low} AND principal < ${high}`).all<{
    user_id: string;
    principal: string;
  }>();
  return results.map((row) => [row.user_id, row.principal]);
}

/** One transaction: the rows of `range` on `db` become `rows`. */
async function replaceIn(db: D1Database, [low, high]: [string, string], rows: readonly Membership[]): Promise<void> {
  await db.batch([
    statement(db, sql`DELETE FROM user_principals WHERE principal >= ${low} AND principal < ${high}`),
    ...jsonChunks(rows).map((chunk) =>
      statement(
        db,
        sql`INSERT OR IGNORE INTO user_principals (user_id, principal)
          SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${chunk})`,
      ),
    ),
  ]);
}

/**
 * At exit: every shard's copy of the memberships of `bucketId`'s groups equals their home's.
 * Only the bucket's Writer calls this, one call at a time.
 */
export async function copyMemberships(env: Bindings, bucketId: string): Promise<void> {
  const shards = shardsOf(env);
  const range = groupsRange(bucketId);
  const home = bucketShard(env, bucketId);
  const rows = await membershipsIn(shards[home] as D1Database, range);
  await Promise.all(shards.map((db, index) => (index === home ? null : replaceIn(db, range, rows))));
}

/**
 * Those of `bucketIds` (deleted buckets) whose memberships have copies: one query per shard
 * probed, each bucket probed on the shard after its home (copies are on every other shard).
 */
export async function bucketsWithCopies(env: Bindings, bucketIds: readonly string[]): Promise<string[]> {
  const shards = shardsOf(env);
  if (shards.length === 1 || bucketIds.length === 0) return [];
  const byProbe = new Map<number, string[]>();
  for (const bucket of bucketIds) {
    const probe = (bucketShard(env, bucket) + 1) % shards.length;
    byProbe.set(probe, [...(byProbe.get(probe) ?? []), bucket]);
  }
  const found = await Promise.all(
    [...byProbe].map(async ([probe, buckets]) => {
      const { results } = await statement(
        shards[probe] as D1Database,
        sql`SELECT value FROM json_each(${JSON.stringify(buckets)}) WHERE EXISTS (SELECT 1 FROM user_principals
          WHERE principal >= '/buckets/' || value || '/groups/' AND principal < '/buckets/' || value || '/groups0')`,
      ).all<{ value: string }>();
      return results.map((row) => row.value);
    }),
  );
  return found.flat();
}

/**
 * The buckets that have memberships on some shard (a deleted bucket's stale copies included):
 * what the upkeep has refreshed. Reads every shard's memberships.
 */
export async function bucketsWithMemberships(env: Bindings): Promise<Set<string>> {
  const buckets = new Set<string>();
  const shards = shardsOf(env);
  if (shards.length === 1) return buckets;
  for (const db of shards) {
    for (const [, principal] of await membershipsIn(db, descendantRange("/buckets"))) {
      const bucket = bucketOfUri(principal);
      if (bucket !== null) buckets.add(bucket);
    }
  }
  return buckets;
}
