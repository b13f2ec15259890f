/**
 * `GET /buckets/{bid}/snapshot/collections/{cid}@{timestamp}` (contract §10.2, Kinto 26
 * `history/views.py`): the collection's records as they were at `timestamp`, rebuilt from the
 * current records and the history entries of those changed since. Two round trips.
 * Limit: at most `storage_max_fetch_size` records and entries are considered.
 */
import type { AppContext } from "../../context";
import { forbidden, invalidParameter, missingResource, unauthorized } from "../../errors";
import { json } from "../../http/respond";
import type { Filter, ListQuery } from "../../protocol/query/types";
import { toLiveWire } from "../../resources/objects";
import { D1Storage, rowToObject, type ObjectRow } from "../../storage/d1";
import { pageQuery } from "../../storage/list";
import type { KintoObject } from "../../wire";
import { historyList } from "./entries";
import { bucketDatabase } from "../../storage/shards";

function scan(filters: Filter[], limit: number, includeTombstones: boolean): ListQuery {
  return {
    filters,
    sort: [{ field: "last_modified", direction: "desc" }],
    limit,
    token: null,
    fields: null,
    includeTombstones,
    deprecatedTo: false,
  };
}

function filter(field: string, operator: Filter["operator"], value: Filter["value"]): Filter {
  return { field, operator, value, param: field };
}

export async function readSnapshot(c: AppContext): Promise<Response> {
  const settings = c.get("settings");
  const identity = c.get("identity");
  const bid = c.req.param("bid") ?? "";
  const storage = new D1Storage(bucketDatabase(c.env, bid));
  const spec = c.req.param("spec") ?? "";
  const at = spec.lastIndexOf("@");
  if (at < 0) throw missingResource();
  const cid = spec.slice(0, at);
  const raw = spec.slice(at + 1);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw invalidParameter("path", "timestamp", `Invalid timestamp '${raw}'`);
  }
  const timestamp = Number(raw);
  const bucketUri = `/buckets/${bid}`;
  const collectionUri = `${bucketUri}/collections/${cid}`;
  const limit = settings.storageMaxFetchSize;
  const state = await storage.readState(
    {
      objects: [],
      lists: [],
      grants: { uris: [bucketUri, collectionUri], principals: identity.principals, users: identity.userId === null ? [] : [identity.userId] },
    },
    [pageQuery({ parentId: collectionUri, resourceName: "record" }, scan([], limit, true), null)],
  );
  // A direct check, as in Kinto: read or write on the bucket or on the collection.
  const principals = state.principalsOf(identity);
  const allowed = [bucketUri, collectionUri].some((uri) => ["read", "write"].some((permission) => state.holds(uri, permission, principals)));
  if (!allowed) throw identity.userId === null ? unauthorized() : forbidden();

  const records = ((state.extra[0] ?? []) as ObjectRow[]).map(rowToObject);
  const unchanged = records.filter((record) => record.lastModified <= timestamp && !record.deleted).map(toLiveWire);
  const changed = records.filter((record) => record.lastModified > timestamp).map((record) => record.id);
  if (changed.length === 0) return json(c, 200, { data: unchanged });
  // Entries hold the state after each change: the newest entry at or before `timestamp` is the record then.
  const entries = await storage.selectRows(
    pageQuery(
      historyList(bucketUri),
      scan(
        [
          filter("resource_name", "eq", "record"),
          filter("collection_id", "eq", cid),
          filter("record_id", "in", changed),
          filter("target.data.last_modified", "max", timestamp),
        ],
        limit,
        false,
      ),
      null,
    ),
  );
  const then = new Map<string, KintoObject>();
  for (const row of entries) {
    const entry = rowToObject(row).data as { record_id?: string; target?: { data?: KintoObject } };
    const data = entry.target?.data;
    if (entry.record_id !== undefined && data !== undefined && !then.has(entry.record_id)) then.set(entry.record_id, data);
  }
  // A record with no such entry was created later; one deleted by then stays out.
  const restored = [...then.values()].filter((record) => record.deleted !== true);
  const data = [...unchanged, ...restored].sort((a, b) => b.last_modified - a.last_modified);
  return json(c, 200, { data });
}
