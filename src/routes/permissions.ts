/** `GET /permissions` (contract §6.6), enabled by `experimental_permissions_endpoint`. */
import type { Hono } from "hono";
import { withGroups } from "../auth/identity";
import type { AppContext, AppEnv } from "../context";
import { forbidden, unauthorized } from "../errors";
import { timestampHeaders } from "../http/preconditions";
import { empty, json, publicUrl } from "../http/respond";
import { settingPrincipals } from "../permissions/authorize";
import { permissionEntries } from "../permissions/entries";
import { compareBySort, encodeToken, isAfterToken, matchesFilters, newNonce, nextPageUrl, parseListQuery, projectFields, sortValuesOf } from "../protocol/query";
import { isIncluded } from "../plugins/plugin";
import { D1Storage } from "../storage/d1";
import type { KintoObject } from "../wire";
import { registerRoute } from "./register";

const FIELDS = ["uri", "resource_name", "permissions", "id", "bucket_id", "collection_id", "group_id", "record_id"] as const;

async function listPermissions(c: AppContext): Promise<Response> {
  const settings = c.get("settings");
  const { userId, principals } = await withGroups(new D1Storage(c.env.DB), c.get("identity"));
  const readers = settingPrincipals(settings, "permissions_read_principals");
  const allowed = readers.length === 0 ? ["system.Everyone"] : readers;
  if (!principals.some((principal) => allowed.includes(principal))) throw userId === null ? unauthorized() : forbidden();

  const query = parseListQuery(new URL(c.req.url).searchParams, {
    settings,
    now: Date.now(),
    strictFields: FIELDS,
    tieBreaker: "uri",
  });
  const accounts = isIncluded(settings, "kinto.plugins.accounts");
  // Entries carry no timestamp; the in-memory query functions take them as objects.
  const entries = (await permissionEntries(new D1Storage(c.env.DB), settings, principals, accounts)) as unknown as KintoObject[];
  const filters = query.filters.filter((filter) => filter.field !== "last_modified");
  const matching = entries.filter((entry) => matchesFilters(entry, filters)).sort((a, b) => compareBySort(a, b, query.sort));
  const headers: Record<string, string> = timestampHeaders(0);
  if (c.req.method === "HEAD") {
    const total = String(matching.length);
    return empty(200, { ...headers, "Content-Type": "application/json", "Total-Objects": total, "Total-Records": total });
  }
  const token = query.token;
  const after = token ? matching.filter((entry) => isAfterToken(entry, query.sort, token)) : matching;
  const page = after.slice(0, query.limit);
  const last = page.at(-1);
  if (after.length > query.limit && last) {
    const next = encodeToken({
      lastObject: sortValuesOf(last, query.sort),
      offset: (token?.offset ?? 0) + page.length,
      nonce: newNonce(),
    });
    headers["Next-Page"] = nextPageUrl(publicUrl(c), query.limit, next);
  }
  const fields = query.fields;
  return json(c, 200, { data: fields ? page.map((entry) => projectFields(entry, fields)) : page }, headers);
}

export function registerPermissions(app: Hono<AppEnv>): void {
  registerRoute(app, "/permissions", { GET: listPermissions }, { enabled: (settings) => settings.experimentalPermissionsEndpoint, negotiated: true });
}
