/**
 * What a subscription with `_since` missed, from D1: per list of its scope, the objects changed
 * after its `lastSent` that it may see, oldest first (at most `limit` + 1 per list, so that the
 * caller can tell a catch-up too large).
 */
import { toWire } from "../resources/objects";
import { rowToObject, type ObjectRow } from "../storage/d1";
import { eventOf, outgoing, type Outgoing } from "./events";
import type { LiveList, Subscription } from "./subscription";

const PLURALS: Partial<Record<LiveList, string>> = { record: "records", collection: "collections", group: "groups" };

function parentOf(subscription: Subscription): string | null {
  const { scope } = subscription;
  if (scope.kind === "collection") return `/buckets/${scope.bucket}/collections/${scope.collection}`;
  if (scope.kind === "bucket") return `/buckets/${scope.bucket}`;
  return null;
}

function statement(db: D1Database, parent: string, list: LiveList, subscription: Subscription, limit: number): D1PreparedStatement | null {
  const kind = subscription.access.lists[list];
  const plural = PLURALS[list];
  if (kind === undefined || plural === undefined) return null;
  const base = `SELECT id, last_modified, data, deleted FROM objects
    WHERE parent_id = ?1 AND resource_name = ?2 AND last_modified > ?3`;
  const shared = `AND deleted = 0 AND EXISTS (SELECT 1 FROM access_control_entries
      WHERE object_id = ?1 || '/${plural}/' || objects.id AND permission IN ('read', 'write')
        AND principal IN (SELECT value FROM json_each(?5)))`;
  const prepared = db.prepare(`${base} ${kind === "all" ? "" : shared} ORDER BY last_modified LIMIT ?4`);
  const since = subscription.lastSent[list] ?? 0;
  return kind === "all"
    ? prepared.bind(parent, list, since, limit + 1)
    : prepared.bind(parent, list, since, limit + 1, JSON.stringify(subscription.access.principals));
}

/** The missed changes, in timestamp order (a bucket's two lists merged), as messages. */
export async function storedChangesSince(db: D1Database, subscription: Subscription, lists: readonly LiveList[], limit: number): Promise<Outgoing[]> {
  const parent = parentOf(subscription);
  if (parent === null) return [];
  const queries = lists.flatMap((list) => {
    const prepared = statement(db, parent, list, subscription, limit);
    return prepared === null ? [] : [{ list, prepared }];
  });
  if (queries.length === 0) return [];
  const results = await db.batch<ObjectRow>(queries.map(({ prepared }) => prepared));
  const changes = queries.flatMap(({ list }, index) =>
    (results[index]?.results ?? []).map((row) => outgoing(list, eventOf(list, toWire(rowToObject(row)), "update"), null)),
  );
  return changes.sort((a, b) => a.event.timestamp - b.event.timestamp);
}
