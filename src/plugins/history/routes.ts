/**
 * `GET|HEAD|DELETE /buckets/{bid}/history` (contract §10.2): a plural endpoint over the
 * bucket's history list with strict fields, read by Kinto's rule (bucket readers see every
 * entry, others the entries whose ACL names them), deleted with bucket `write`.
 */
import type { SQL } from "drizzle-orm";
import type { AppContext } from "../../context";
import { backendUnavailable, forbidden, missingResource, unauthorized, type KintoError } from "../../errors";
import { isNumeric, numberText } from "../../json/numbers";
import { isNotModified, parsePreconditions, preconditionFailure, timestampHeaders } from "../../http/preconditions";
import { empty, json, publicUrl } from "../../http/respond";
import { isAllowed, urisToCheck, type Need } from "../../permissions/authorize";
import { encodeToken, newNonce, nextPageUrl, parseListQuery, projectFields, sortValuesOf } from "../../protocol/query";
import type { Filter, ListQuery } from "../../protocol/query/types";
import { toWire } from "../../resources/objects";
import { listSnapshotSql, snapshotOf, D1Storage, type ListSnapshot, type ObjectRow } from "../../storage/d1";
import { countQuery, hasShared, pageOf, pageQuery, rowsByIdQuery, type SharedScope } from "../../storage/list";
import type { JsonValue } from "../../wire";
import { HISTORY, historyList } from "./entries";
import { bucketDatabaseOf } from "../../http/route-database";

/** The root fields of an entry: the only ones filters, `_sort` and `_fields` accept. */
const FIELDS = [
  "user_id",
  "uri",
  "action",
  "date",
  "resource_name",
  "bucket_id",
  "collection_id",
  "group_id",
  "record_id",
  "target",
] as const;

function denied(c: AppContext): KintoError {
  return c.get("identity").userId === null ? unauthorized() : forbidden();
}

function bucketNeed(bucketUri: string, operation: "read" | "write"): Need {
  return { resource: "bucket", operation, lineage: { bucket: bucketUri, object: bucketUri } };
}

/** `*_id` filter values are compared as strings (`?collection_id=12` matches `"12"`), as in Kinto. */
function idsAsStrings(filter: Filter): Filter {
  if (!filter.field.endsWith("_id")) return filter;
  const asString = (value: JsonValue): JsonValue => (isNumeric(value) ? numberText(value) : value);
  return { ...filter, value: Array.isArray(filter.value) ? filter.value.map(asString) : asString(filter.value) };
}

function parseQuery(c: AppContext, now: number): ListQuery {
  const query = parseListQuery(new URL(c.req.url).searchParams, { settings: c.get("settings"), now, strictFields: FIELDS });
  return { ...query, filters: query.filters.map(idsAsStrings) };
}

/**
 * The caller's access to the history of `bucketUri`: every entry (bucket `operation`), the
 * entries shared with them (reads only), or null (401/403). Reads the bucket in the same round
 * trip as `extra` statements.
 */
async function accessOf(c: AppContext, storage: D1Storage, bucketUri: string, operation: "read" | "write", extra: SQL[]) {
  const identity = c.get("identity");
  const need = bucketNeed(bucketUri, operation);
  const bid = bucketUri.slice("/buckets/".length);
  const state = await storage.readState(
    {
      objects: [{ ref: { resourceName: "bucket", parentId: "", id: bid }, uri: bucketUri }],
      lists: [],
      grants: { uris: urisToCheck(need), principals: identity.principals, users: identity.userId === null ? [] : [identity.userId] },
    },
    extra,
  );
  const principals = state.principalsOf(identity);
  const all = isAllowed(need, principals, (uri, permission) => state.holds(uri, permission, principals), c.get("settings"));
  let scope: SharedScope | null = null;
  if (!all) {
    scope = { uriPrefix: `${bucketUri}/${HISTORY}`, permissions: ["read"], principals };
    if (operation === "write" || !(await hasShared(storage, scope))) throw denied(c);
  }
  if (state.object(bucketUri).object === null) throw missingResource({ id: bid, resource_name: "bucket" });
  return { state, scope };
}

/** The querystring, or its error to throw once the caller is authorized (as in Kinto). */
function deferredQuery(c: AppContext, now: number): { query: ListQuery | null; invalidQuery: unknown } {
  try {
    return { query: parseQuery(c, now), invalidQuery: null };
  } catch (error) {
    return { query: null, invalidQuery: error };
  }
}

export async function readHistory(c: AppContext): Promise<Response> {
  const settings = c.get("settings");
  const storage = new D1Storage(bucketDatabaseOf(c));
  const bucketUri = `/buckets/${c.req.param("bid") ?? ""}`;
  const list = historyList(bucketUri);
  const now = Date.now();
  const head = c.req.method === "HEAD";
  const preconditions = parsePreconditions(c.req.raw.headers);
  const { query, invalidQuery } = deferredQuery(c, now);
  const rowsQuery = (q: ListQuery, scope: SharedScope | null) => (head ? countQuery(list, q, scope) : pageQuery(list, q, scope));
  const { state, scope } = await accessOf(c, storage, bucketUri, "read", query ? listSnapshotSql(list, now, false, rowsQuery(query, null)) : []);
  if (query === null) throw invalidQuery;
  let snapshot: ListSnapshot<ObjectRow & { total: number }> | null = scope === null ? snapshotOf(state.extra) : null;
  if (snapshot === null || (snapshot.timestamp === null && !settings.readonly)) {
    snapshot = await storage.readList(list, now, !settings.readonly, rowsQuery(query, scope));
  }
  const timestamp = snapshot.timestamp;
  if (timestamp === null) throw backendUnavailable(settings.retryAfterSeconds);
  const headers: Record<string, string> = timestampHeaders(timestamp);
  const target = { exists: true, timestamp };
  if (isNotModified(preconditions, target)) return empty(304, headers);
  const failure = preconditionFailure(preconditions, target);
  if (failure) throw failure;
  if (head) {
    const total = String(snapshot.rows[0]?.total ?? 0);
    return empty(200, { ...headers, "Content-Type": "application/json", "Total-Objects": total, "Total-Records": total });
  }
  const page = pageOf(snapshot.rows, query.limit);
  const entries = page.objects.map(toWire);
  const fields = query.fields;
  const data = fields ? entries.map((entry) => projectFields(entry, fields)) : entries;
  const last = entries.at(-1);
  if (page.hasMore && last) {
    const token = encodeToken({ lastObject: sortValuesOf(last, query.sort), offset: (query.token?.offset ?? 0) + entries.length, nonce: newNonce() });
    headers["Next-Page"] = nextPageUrl(publicUrl(c), query.limit, token);
  }
  return json(c, 200, { data }, headers);
}

/**
 * Tombstones for one page (`_limit`, at most `storage_max_fetch_size`) of the matching live
 * entries, with `Next-Page` when more match; needs bucket `write`. Timestamps are assigned in the statements (the list is shared
 * with every Writer of the bucket), so no Writer is involved.
 */
export async function deleteHistory(c: AppContext): Promise<Response> {
  const storage = new D1Storage(bucketDatabaseOf(c));
  const bucketUri = `/buckets/${c.req.param("bid") ?? ""}`;
  const list = historyList(bucketUri);
  const now = Date.now();
  const { query, invalidQuery } = deferredQuery(c, now);
  await accessOf(c, storage, bucketUri, "write", []);
  if (query === null) throw invalidQuery;
  const page = pageOf(await storage.selectRows(pageQuery(list, { ...query, includeTombstones: false }, null)), query.limit);
  const ids = page.objects.map((entry) => entry.id);
  await storage.commit(
    { objects: [], lists: [], groups: null },
    [{ kind: "retire", list, uriPrefix: `${bucketUri}/${HISTORY}`, ids, floor: now }],
  );
  const rows = ids.length === 0 ? [] : await storage.selectRows(rowsByIdQuery(list, ids));
  const tombstones = rows.map((row) => ({ id: row.id, last_modified: row.last_modified, deleted: true }));
  const headers: Record<string, string> = timestampHeaders(tombstones[0]?.last_modified ?? now);
  const last = page.objects.at(-1);
  if (page.hasMore && last) {
    // The next page of the same query, after the last entry deleted (tokens are not single-use here).
    const lastObject = sortValuesOf({ ...last.data, id: last.id, last_modified: last.lastModified }, query.sort);
    const token = encodeToken({ lastObject, offset: (query.token?.offset ?? 0) + ids.length, nonce: newNonce() });
    headers["Next-Page"] = nextPageUrl(publicUrl(c), query.limit, token);
  }
  return json(c, 200, { data: tombstones }, headers);
}
