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
import { listSnapshotSql, snapshotOf, type ListSnapshot, type ObjectRow } from "../storage/d1";
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

export function readPlural(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const identity = c.get("identity");
    const storage = new D1Storage(c.env.DB);
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
    const rowsQuery = (q: ListQuery, scope: SharedScope | null) =>
      head ? countQuery(list.list, q, scope) : pageQuery(list.list, q, scope);
    // One round trip in the common case, and no write: the whole list is read with the
    // decision's rows, and discarded unless the caller may read all of it.
    const { state, access } = await decideListRead(storage, list, identity, settings, query ? listSnapshotSql(list.list, now, false, rowsQuery(query, null)) : []);
    if (query === null) throw invalidQuery;
    let snapshot: ListSnapshot<ObjectRow & { total: number }> | null = access.kind === "shared" ? null : snapshotOf(state.extra);
    // A shared subset, or a list never read before (whose first read stores its timestamp,
    // except in read-only mode, §2.9), takes a second round trip.
    if (snapshot === null || (snapshot.timestamp === null && !settings.readonly)) {
      const scope = access.kind === "shared" ? access.scope : null;
      snapshot = await storage.readList(list.list, now, !settings.readonly, rowsQuery(query, scope));
    }
    if (access.kind === "empty") snapshot.rows = [];
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
    const storage = new D1Storage(c.env.DB);
    const id = c.req.param("id") ?? "";
    const target = objectTarget(resource, locationOf(c), id);
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
