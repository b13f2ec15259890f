/** GET and HEAD on plural and object endpoints (contract §3.1.1, §3.1.4). */
import type { AppContext } from "../context";
import { ERRNO, KintoError, backendUnavailable, forbidden, invalidParameter, objectNotFound, unauthorized } from "../errors";
import { recordCacheHeaders, resourceCacheHeaders } from "../http/cache";
import { isNotModified, parsePreconditions, preconditionFailure, timestampHeaders } from "../http/preconditions";
import { empty, json, publicUrl } from "../http/respond";
import { visiblePermissions } from "../permissions/acl";
import { isAllowed, urisToCheck } from "../permissions/authorize";
import { callerOf, holdsFrom } from "../permissions/caller";
import { projectFields } from "../protocol/query/fields";
import { nextPageUrl } from "../protocol/query/next-page";
import { parseFields } from "../protocol/query/fields-param";
import { parseListQuery } from "../protocol/query/parse";
import { encodeToken, newNonce } from "../protocol/query/token";
import { sortValuesOf } from "../protocol/query/compile";
import { D1Storage } from "../storage/d1";
import { countQuery, pageOf, pageQuery } from "../storage/list";
import { listSnapshotSql, rowToObject, snapshotOf, type ListSnapshot, type ObjectRow } from "../storage/d1";
import { databaseOfLocation, isSharded, shardsOf } from "../storage/shards";
import { compareBySort } from "../protocol/query/memory-order";
import type { Identity } from "../auth/identity";
import type { Settings } from "../config";
import type { Bindings } from "../env";
import type { ListAccess } from "../permissions/list-access";
import type { SharedScope } from "../storage/list";
import type { ListQuery } from "../protocol/query/types";
import type { State } from "../storage/types";
import { decideListRead } from "./list-read-access";
import { toLiveWire, toWire } from "./objects";
import { locationOf } from "./location";
import type { ResourceName } from "./spec";
import { listTarget, requireParent, objectTarget, parentReadNeed, readNeed, type ListTarget } from "./target";

export const TO_DEPRECATED_ALERT = JSON.stringify({
  code: "soft-eol",
  message: "_to is now deprecated, you should use _before instead",
  url: "https://kinto.readthedocs.io/en/2.4.0/api/resource.html#list-of-available-url-parameters",
});

function denied(c: AppContext): KintoError {
  return c.get("identity").userId === null ? unauthorized() : forbidden();
}

function cacheHeaders(c: AppContext, list: ListTarget, state: State): Record<string, string> {
  const anonymous = c.get("identity").userId === null;
  const settings = c.get("settings");
  if (list.spec.name !== "record") return resourceCacheHeaders(settings, list.spec.name, anonymous);
  const collection = list.parent ? state.object(list.parent.uri).object : null;
  return recordCacheHeaders(settings, list.location.bucket ?? "", list.location.collection ?? "", collection?.data ?? null, anonymous);
}

interface SnapshotRead {
  list: ListTarget;
  identity: Identity;
  settings: Settings;
  /** Null when the querystring is invalid: then only the decision is read. */
  query: ListQuery | null;
  now: number;
  head: boolean;
}

interface Listed {
  state: State;
  access: ListAccess;
  snapshot: ListSnapshot<ObjectRow & { total: number }>;
}

/**
 * The read decision and the page (or count) of one database. `initialize`: whether this read may
 * store a never-read list's timestamp (besides read-only mode, which never does).
 */
async function readSnapshot(storage: D1Storage, read: SnapshotRead, initialize: boolean): Promise<Listed> {
  const { list, identity, settings, query, now, head } = read;
  const rowsQuery = (q: ListQuery, scope: SharedScope | null) => (head ? countQuery(list.list, q, scope) : pageQuery(list.list, q, scope));
  // One round trip in the common case, and no write: the whole list is read with the
  // decision's rows, and discarded unless the caller may read all of it.
  const { state, access } = await decideListRead(storage, list, identity, settings, query ? listSnapshotSql(list.list, now, false, rowsQuery(query, null)) : []);
  if (query === null) return { state, access, snapshot: { timestamp: null, rows: [] } };
  let snapshot: ListSnapshot<ObjectRow & { total: number }> | null = access.kind === "shared" ? null : snapshotOf(state.extra);
  const store = initialize && !settings.readonly;
  // A shared subset, or a list never read before (whose first read stores its timestamp,
  // except in read-only mode, §2.9), takes a second round trip.
  if (snapshot === null || (snapshot.timestamp === null && store)) {
    const scope = access.kind === "shared" ? access.scope : null;
    snapshot = await storage.readList(list.list, now, store, rowsQuery(query, scope));
  }
  if (access.kind === "empty") snapshot.rows = [];
  return { state, access, snapshot };
}

/**
 * The buckets list of a sharded deployment: every shard's page merged in the query's order (the
 * page token's keyset applies on each shard alike), counts summed, the largest timestamp.
 */
function mergeSnapshots(parts: Listed[], query: ListQuery | null, head: boolean): Listed {
  const first = parts[0] as Listed;
  const visible = parts.filter((part) => part.access.kind !== "empty");
  const stamps = parts.map((part) => part.snapshot.timestamp).filter((stamp): stamp is number => stamp !== null);
  const timestamp = stamps.length === 0 ? null : Math.max(...stamps);
  const access = visible[0]?.access ?? first.access;
  if (query === null) return { state: first.state, access, snapshot: { timestamp, rows: [] } };
  const rows = visible.flatMap((part) => part.snapshot.rows);
  if (head) {
    const total = rows.reduce((sum, row) => sum + row.total, 0);
    return { state: first.state, access, snapshot: { timestamp, rows: [{ total } as ObjectRow & { total: number }] } };
  }
  const ordered = rows
    .map((row) => ({ row, wire: toWire(rowToObject(row)) }))
    .sort((a, b) => compareBySort(a.wire, b.wire, query.sort))
    .map(({ row }) => row);
  return { state: first.state, access, snapshot: { timestamp, rows: ordered.slice(0, query.limit + 1) } };
}

/**
 * The buckets list of every shard. A shard where the caller may read nothing counts as empty,
 * unless every shard says so (then its 401/403). The list's timestamp is stored by a first read
 * only when no shard has one yet (on the first shard that answered).
 */
async function readEveryShard(shards: readonly D1Database[], read: SnapshotRead): Promise<Listed> {
  const refused = (error: unknown): error is KintoError => error instanceof KintoError && (error.status === 401 || error.status === 403);
  const parts = await Promise.all(
    shards.map(async (db, shard) => {
      try {
        return { shard, listed: await readSnapshot(new D1Storage(db), read, false), refusal: null };
      } catch (error) {
        if (refused(error)) return { shard, listed: undefined, refusal: error };
        throw error;
      }
    }),
  );
  const answered = parts.flatMap((part) => (part.listed === undefined ? [] : [{ shard: part.shard, listed: part.listed }]));
  const first = answered[0];
  if (first === undefined) throw parts[0]?.refusal ?? new Error("no shard");
  if (read.query !== null && answered.every(({ listed }) => listed.snapshot.timestamp === null)) {
    first.listed = await readSnapshot(new D1Storage(shards[first.shard] as D1Database), read, true);
  }
  return mergeSnapshots(answered.map(({ listed }) => listed), read.query, read.head);
}

/** A list whose objects are spread over the shards: the buckets, on a sharded deployment. */
function isShardedList(env: Bindings, list: ListTarget): boolean {
  return list.spec.name === "bucket" && isSharded(env);
}

export function readPlural(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const identity = c.get("identity");
    const list = listTarget(resource, locationOf(c));
    if (list.spec.listNeedsIdentity && c.get("identity").userId === null) {
      throw new KintoError({ status: 401, errno: ERRNO.UNDEFINED, error: `Cannot read ${list.spec.plural}.` });
    }
    const preconditions = parsePreconditions(c.req.raw.headers);
    const now = Date.now();
    const head = c.req.method === "HEAD";
    // Querystring errors answer only once the caller is authorized (as in Kinto).
    let query: ListQuery | null = null;
    let invalidQuery: unknown = null;
    try {
      query = parseListQuery(new URL(c.req.url).searchParams, { settings, now });
    } catch (error) {
      invalidQuery = error;
    }
    const read = { list, identity, settings, query, now, head };
    const listed = isShardedList(c.env, list)
      ? await readEveryShard(shardsOf(c.env), read)
      : await readSnapshot(new D1Storage(databaseOfLocation(c.env, resource, list.location)), read, true);
    if (query === null) throw invalidQuery;
    const { state, access, snapshot } = listed;
    const timestamp = snapshot.timestamp;
    if (timestamp === null) throw backendUnavailable(settings.retryAfterSeconds);
    const headers = { ...timestampHeaders(timestamp), ...cacheHeaders(c, list, state) };
    const target = { exists: true, timestamp };
    if (isNotModified(preconditions, target)) return empty(304, headers);
    const failure = preconditionFailure(preconditions, target);
    if (failure) throw failure;
    if (query.deprecatedTo) headers.Alert = TO_DEPRECATED_ALERT;
    if (head) {
      const total = String(snapshot.rows[0]?.total ?? 0);
      return empty(200, { ...headers, "Content-Type": "application/json", "Total-Objects": total, "Total-Records": total });
    }
    if (access.kind === "empty") return json(c, 200, { data: [] }, headers);
    const page = pageOf(snapshot.rows, query.limit);
    const objects = page.objects.map(toWire);
    const data = query.fields ? objects.map((object) => projectFields(object, query.fields ?? [])) : objects;
    const last = objects.at(-1);
    if (page.hasMore && last) {
      const token = encodeToken({
        lastObject: sortValuesOf(last, query.sort),
        offset: (query.token?.offset ?? 0) + objects.length,
        nonce: newNonce(),
      });
      headers["Next-Page"] = nextPageUrl(publicUrl(c), query.limit, token);
    }
    return json(c, 200, { data }, headers);
  };
}

export function readObject(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const identity = c.get("identity");
    const id = c.req.param("id") ?? "";
    const target = objectTarget(resource, locationOf(c), id);
    const storage = new D1Storage(databaseOfLocation(c.env, resource, target.location, id));
    const preconditions = parsePreconditions(c.req.raw.headers);
    const parentNeed = parentReadNeed(target);
    const state = await storage.readState({
      objects: [...(target.parent ? [target.parent] : []), { ref: target.ref, uri: target.uri }],
      lists: [],
      grants: { uris: urisToCheck(readNeed(target), ...(parentNeed ? [parentNeed] : [])), ...callerOf(identity) },
    });
    const principals = state.principalsOf(identity);
    if (!isAllowed(readNeed(target), principals, holdsFrom(state, principals), settings)) throw denied(c);
    if (!target.spec.idPattern.test(id)) throw invalidParameter("path", "id", "Invalid object id");
    requireParent(target, state.object);
    const { object: stored, permissions } = state.object(target.uri);
    if (stored === null) throw objectNotFound(resource, id);
    const object = toLiveWire(stored);
    const headers = { ...timestampHeaders(object.last_modified), ...cacheHeaders(c, target, state) };
    const condition = { exists: true, timestamp: object.last_modified, existing: object };
    if (isNotModified(preconditions, condition)) return empty(304, headers);
    const failure = preconditionFailure(preconditions, condition);
    if (failure) throw failure;
    const fields = parseFields(new URL(c.req.url).searchParams.getAll("_fields"), { settings, now: Date.now() });
    if (fields) return json(c, 200, { data: projectFields(object, fields) }, headers);
    const viewer = [...principals, ...(target.spec.viewedAs?.(id, { settings, author: { ...identity, principals } }) ?? [])];
    return json(c, 200, { data: object, permissions: visiblePermissions(permissions, viewer) }, headers);
  };
}
