/**
 * `GET /buckets/{bid}/collections/{cid}/changeset` (contract §12.1): a collection's metadata,
 * records timestamp and records (tombstones too after `_since`), read in one D1 batch, hence one
 * transaction: the three always describe the same state, however a Writer commits meanwhile.
 * Authorization is reading the collection; the same batch carries the ACL rows it needs.
 */
import type { AppContext } from "../../context";
import { forbidden, objectNotFound, unauthorized } from "../../errors";
import { expiresHeaders } from "../../http/cache";
import { json } from "../../http/respond";
import { isAllowed, urisToCheck } from "../../permissions/authorize";
import type { ListQuery } from "../../protocol/query";
import { toLiveWire, toWire } from "../../resources/objects";
import { listTarget, objectTarget, parentReadNeed, readNeed } from "../../resources/target";
import { D1Storage, listSnapshotSql, snapshotOf, type ListSnapshot, type ObjectRow } from "../../storage/d1";
import { pageOf, pageQuery } from "../../storage/list";
import { throughEdgeCache } from "./edge-cache";
import { CHANGES_COLLECTION, MONITOR_BUCKET } from "./monitor";
import { monitorChangeset } from "./monitor-routes";
import { boundLimit, parseChangesetQuery, type ChangesetQuery } from "./query";
import { changesetTtl } from "./settings";
import { bucketDatabase } from "../../storage/shards";

/** `Last-Modified` of `timestamp` (milliseconds). */
export function lastModifiedHeader(timestamp: number): Record<string, string> {
  return { "Last-Modified": new Date(Math.floor(timestamp / 1000) * 1000).toUTCString() };
}

export function cacheHeaders(ttl: number | null): Record<string, string> {
  return ttl === null ? {} : expiresHeaders(ttl);
}

function recordsQuery(query: ChangesetQuery, limit: number): ListQuery {
  return {
    filters: query.since === null ? [] : [{ field: "last_modified", operator: "gt", value: query.since, param: "_since" }],
    sort: [{ field: "last_modified", direction: "desc" }],
    limit,
    token: null,
    fields: null,
    includeTombstones: query.since !== null,
    deprecatedTo: false,
  };
}

async function collectionChangeset(c: AppContext, bid: string, cid: string): Promise<Response> {
  const settings = c.get("settings");
  const identity = c.get("identity");
  const storage = new D1Storage(bucketDatabase(c.env, bid));
  const collection = objectTarget("collection", { bucket: bid }, cid);
  const records = listTarget("record", { bucket: bid, collection: cid });
  const params = new URL(c.req.url).searchParams;
  // Querystring errors answer once the caller is authorized (as in Remote Settings).
  let query: ChangesetQuery | null = null;
  let invalid: unknown = null;
  try {
    query = parseChangesetQuery(params);
  } catch (error) {
    invalid = error;
  }
  const rows = query === null ? null : pageQuery(records.list, recordsQuery(query, boundLimit(settings, query.limit)), null);
  const parentNeed = parentReadNeed(collection);
  const state = await storage.readState(
    {
      objects: [...(collection.parent ? [collection.parent] : []), { ref: collection.ref, uri: collection.uri }],
      lists: [],
      grants: {
        uris: urisToCheck(readNeed(collection), ...(parentNeed ? [parentNeed] : [])),
        principals: identity.principals,
        users: identity.userId === null ? [] : [identity.userId],
      },
    },
    rows === null ? [] : listSnapshotSql(records.list, Date.now(), false, rows),
  );
  const principals = state.principalsOf(identity);
  if (!isAllowed(readNeed(collection), principals, (uri, permission) => state.holds(uri, permission, principals), settings)) {
    throw identity.userId === null ? unauthorized() : forbidden();
  }
  const stored = state.object(collection.uri).object;
  if (stored === null) throw objectNotFound("collection", cid);
  if (query === null || rows === null) throw invalid;
  let snapshot: ListSnapshot<ObjectRow> = snapshotOf(state.extra);
  if (snapshot.timestamp === null) {
    // Never read before: the first read stores its timestamp (read-only: there is nothing to serve).
    if (settings.readonly) throw objectNotFound("collection", cid);
    snapshot = await storage.readList(records.list, Date.now(), true, rows);
  }
  const metadata = { ...toLiveWire(stored), bucket: bid };
  const changes = pageOf(snapshot.rows, boundLimit(settings, query.limit)).objects.map(toWire);
  const headers = { ...lastModifiedHeader(metadata.last_modified), ...cacheHeaders(changesetTtl(settings, bid, cid, query.expected)) };
  return json(c, 200, { metadata, timestamp: snapshot.timestamp, changes }, headers);
}

export async function getChangeset(c: AppContext): Promise<Response> {
  const bid = c.req.param("bid") ?? "";
  const cid = c.req.param("cid") ?? "";
  if (bid === MONITOR_BUCKET && cid === CHANGES_COLLECTION) return throughEdgeCache(c, () => monitorChangeset(c));
  if (c.get("identity").userId !== null) return collectionChangeset(c, bid, cid);
  return throughEdgeCache(c, () => collectionChangeset(c, bid, cid));
}
