/** `GET /permissions` (contract §6.6), enabled by `experimental_permissions_endpoint`. */
import type { Hono } from "hono";
import { withGroups } from "../auth/identity";
import type { AppContext, AppEnv } from "../context";
import { forbidden, unauthorized } from "../errors";
import { timestampHeaders } from "../http/preconditions";
import { empty, json, publicUrl } from "../http/respond";
import { settingPrincipals } from "../permissions/authorize";
import { permissionEntries } from "../permissions/entries";
import { compareBySort, matchesFilters, memoryPage, parseListQuery } from "../protocol/query";
import { isIncluded } from "../plugins/plugin";
import { D1Storage } from "../storage/d1";
import { catalogOf, shardsOf } from "../storage/shards";
import type { KintoObject } from "../wire";
import { registerRoute } from "./register";

const FIELDS = ["uri", "resource_name", "permissions", "id", "bucket_id", "collection_id", "group_id", "record_id"] as const;

async function listPermissions(c: AppContext): Promise<Response> {
  const settings = c.get("settings");
  const { userId, principals } = await withGroups(new D1Storage(catalogOf(c.env)), c.get("identity"));
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
  const entries = (await permissionEntries(shardsOf(c.env).map((db) => new D1Storage(db)), settings, principals, accounts)) as unknown as KintoObject[];
  const filters = query.filters.filter((filter) => filter.field !== "last_modified");
  const matching = entries.filter((entry) => matchesFilters(entry, filters)).sort((a, b) => compareBySort(a, b, query.sort));
  const headers: Record<string, string> = timestampHeaders(0);
  if (c.req.method === "HEAD") {
    const total = String(matching.length);
    return empty(200, { ...headers, "Content-Type": "application/json", "Total-Objects": total, "Total-Records": total });
  }
  const { data, nextPage } = memoryPage(matching, query, publicUrl(c));
  if (nextPage !== null) headers["Next-Page"] = nextPage;
  return json(c, 200, { data }, headers);
}

export function registerPermissions(app: Hono<AppEnv>): void {
  registerRoute(app, "/permissions", { GET: listPermissions }, { enabled: (settings) => settings.experimentalPermissionsEndpoint, negotiated: true });
}
