/**
 * The virtual `monitor/changes` collection (contract §12.1), public: its changeset (what Firefox
 * ≥ 88 polls) and the legacy records list (Firefox < 88). Both first apply Remote Settings'
 * cache-friendly rules: a stale `_expected` answers 204, a `_since` older than
 * `since_max_age_days` is redirected away; the changeset also redirects a quoted `_expected`.
 */
import type { AppContext } from "../../context";
import { empty, json, origin } from "../../http/respond";
import { isNotModified, parsePreconditions, preconditionFailure, timestampHeaders } from "../../http/preconditions";
import { compareBySort, matchesFilters, memoryPage, parseListQuery, type Filter } from "../../protocol/query";
import { cacheHeaders, lastModifiedHeader } from "./changeset";
import { CHANGES_COLLECTION, MONITOR_BUCKET, monitorEntries, type MonitorEntry } from "./monitor";
import { boundLimit, looseInteger, parseChangesetQuery } from "./query";
import { changesetTtl, changesSettings } from "./settings";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The fields of monitor entries besides `id` and `last_modified` (others may not be filtered or sorted on). */
const ENTRY_FIELDS = ["bucket", "collection", "host"] as const;

/** A 307 to this request's path with `params`, on `changes.http_host` (Remote Settings builds it so). */
function redirectTo(c: AppContext, params: URLSearchParams, cached: boolean): Response {
  const { redirectHost, redirectTtlSeconds } = changesSettings(c.get("settings"));
  const url = new URL(c.req.url);
  const scheme = c.get("settings").httpScheme ?? "https";
  const base = redirectHost === null ? origin(c) : `${scheme}://${redirectHost}`;
  const query = params.toString();
  const headers: Record<string, string> = { Location: `${base}${url.pathname}${query ? `?${query}` : ""}` };
  if (cached && redirectTtlSeconds !== null) Object.assign(headers, cacheHeaders(redirectTtlSeconds));
  return empty(307, headers);
}

/** 204 for a client going back in time (`_expected` below `_since`), a redirect for a too old `_since`, else null. */
function staleOrOld(c: AppContext): Response | null {
  const settings = changesSettings(c.get("settings"));
  const params = new URL(c.req.url).searchParams;
  const since = looseInteger(params.get("_since"));
  const expected = looseInteger(params.get("_expected") ?? "0");
  if (since !== null && expected !== null && expected > 0 && expected < since) {
    return empty(204, settings.redirectTtlSeconds === null ? {} : cacheHeaders(settings.redirectTtlSeconds));
  }
  if (since !== null && settings.sinceMaxAgeDays !== null && since < Date.now() - settings.sinceMaxAgeDays * DAY_MS) {
    const rest = new URLSearchParams(params);
    rest.delete("_since");
    return redirectTo(c, rest, true);
  }
  return null;
}

/** The highest entry timestamp, or now when there is none (the virtual collection's timestamp). */
function timestampOf(entries: readonly MonitorEntry[]): number {
  return entries.length === 0 ? Date.now() : Math.max(...entries.map((entry) => entry.last_modified));
}

function newestFirst(a: MonitorEntry, b: MonitorEntry): number {
  return b.last_modified - a.last_modified || (a.id < b.id ? 1 : -1);
}

export async function monitorChangeset(c: AppContext): Promise<Response> {
  const params = new URL(c.req.url).searchParams;
  const query = parseChangesetQuery(params);
  if (query.expected.includes('"')) {
    const unquoted = new URLSearchParams(params);
    unquoted.set("_expected", query.expected.replace(/"/g, ""));
    return redirectTo(c, unquoted, false);
  }
  const early = staleOrOld(c);
  if (early !== null) return early;
  const settings = c.get("settings");
  const entries = await monitorEntries(c.env, settings);
  const changes = entries
    .filter((entry) => (query.since === null || entry.last_modified > query.since) && (query.bucket === null || entry.bucket === query.bucket))
    .filter((entry) => query.collection === null || entry.collection === query.collection)
    .sort(newestFirst)
    .slice(0, boundLimit(settings, query.limit));
  const timestamp = timestampOf(entries);
  const headers = { ...lastModifiedHeader(timestamp), ...cacheHeaders(changesetTtl(settings, MONITOR_BUCKET, CHANGES_COLLECTION, query.expected)) };
  return json(c, 200, { metadata: { bucket: MONITOR_BUCKET }, timestamp, changes }, headers);
}

/** `GET /buckets/monitor/collections/changes/records`: a plural GET over the entries, in memory. */
export async function monitorRecords(c: AppContext): Promise<Response> {
  const early = staleOrOld(c);
  if (early !== null) return early;
  const settings = c.get("settings");
  const url = new URL(c.req.url);
  const query = parseListQuery(url.searchParams, { settings, now: Date.now(), strictFields: ENTRY_FIELDS });
  const preconditions = parsePreconditions(c.req.raw.headers);
  const entries = await monitorEntries(c.env, settings);
  const timestamp = timestampOf(entries);
  const ttl = changesetTtl(settings, MONITOR_BUCKET, CHANGES_COLLECTION, url.searchParams.get("_expected"));
  const headers = { ...timestampHeaders(timestamp), ...cacheHeaders(ttl) };
  const target = { exists: true, timestamp };
  // The CDN does not cache 304s: an unchanged list answers an empty page instead.
  if (isNotModified(preconditions, target)) return json(c, 200, { data: [] }, headers);
  const failure = preconditionFailure(preconditions, target);
  if (failure) throw failure;
  const filters: Filter[] = query.filters;
  const matching = entries.filter((entry) => matchesFilters(entry, filters)).sort((a, b) => compareBySort(a, b, query.sort));
  if (c.req.method === "HEAD") {
    const total = String(matching.length);
    return empty(200, { ...headers, "Content-Type": "application/json", "Total-Objects": total, "Total-Records": total });
  }
  const { data, nextPage } = memoryPage(matching, query, new URL(`${url.pathname}${url.search}`, origin(c)));
  return json(c, 200, { data }, nextPage === null ? headers : { ...headers, "Next-Page": nextPage });
}
