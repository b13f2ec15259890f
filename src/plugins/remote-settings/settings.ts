/**
 * The changes part of kinto_remote_settings (contract §12.1): its settings by Remote Settings'
 * names (`changes.*`, read from `KINTO_CHANGES_*`), and the cache TTLs of changesets.
 */
import { parsedOnce, SettingsError, splitList, variableName, type Settings } from "../../config";

export interface ChangesSettings {
  /** `changes.resources`: bucket or collection URIs whose collections are monitored. */
  resources: readonly string[];
  /** `changes.excluded_collections`: bucket or collection URIs left out. */
  excluded: readonly string[];
  /** `changes.since_max_age_days`: an older `_since` is redirected away; null disables it. */
  sinceMaxAgeDays: number | null;
  /** `changes.since_max_age_redirect_ttl_seconds`: cache TTL of that redirect and of the 204; null: none. */
  redirectTtlSeconds: number | null;
  /** `changes.http_host`, else `http_host`: the host of redirect URLs (null: the request's). */
  redirectHost: string | null;
  /** `http_host`, or "": the `host` of monitor entries and the seed of their ids. */
  entryHost: string;
  /** `push_broadcast_min_debounce_interval_seconds`. */
  broadcastDebounceSeconds: number;
}

const URI = /^\/buckets\/[^/]+(\/collections\/[^/]+)?$/;

function uris(settings: Settings, name: string): string[] {
  const values = splitList(settings.lookup(name) ?? "");
  for (const value of values) {
    if (!URI.test(value)) throw new SettingsError(variableName(name), `expected bucket or collection URIs, got ${JSON.stringify(value)}`);
  }
  return values;
}

function integer(settings: Settings, name: string, fallback: number): number {
  const raw = settings.lookup(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new SettingsError(variableName(name), `expected an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function parse(settings: Settings): ChangesSettings {
  const maxAge = integer(settings, "changes.since_max_age_days", 21);
  const ttl = integer(settings, "changes.since_max_age_redirect_ttl_seconds", 86400);
  return {
    resources: uris(settings, "changes.resources"),
    excluded: uris(settings, "changes.excluded_collections"),
    sinceMaxAgeDays: maxAge < 0 ? null : maxAge,
    redirectTtlSeconds: ttl < 0 ? null : ttl,
    redirectHost: settings.lookup("changes.http_host") ?? settings.httpHost,
    entryHost: settings.httpHost ?? "",
    broadcastDebounceSeconds: integer(settings, "push_broadcast_min_debounce_interval_seconds", 300),
  };
}

const cache = new WeakMap<Settings, ChangesSettings | SettingsError>();

export function changesSettings(settings: Settings): ChangesSettings {
  return parsedOnce(cache, settings, parse);
}

function seconds(settings: Settings, name: string): number | null {
  const raw = settings.lookup(name);
  if (raw === undefined || raw === "") return null;
  if (!/^\d+$/.test(raw)) throw new SettingsError(variableName(name), `expected a number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * The cache TTL of a changeset of `bid`/`cid` (Remote Settings' `_handle_cache_expires`):
 * `_expected` of `0` or `9999…` takes `…_minimum_expires_seconds`, another one
 * `…_maximum_expires_seconds`, none the plain value; then the bucket's, then the global
 * `record_cache_expires_seconds`. Null: no cache headers.
 */
export function changesetTtl(settings: Settings, bid: string, cid: string, expected: string | null): number | null {
  const prefix = `${bid}.${cid}.record_cache`;
  const plain = seconds(settings, `${prefix}_expires_seconds`);
  let ttl = plain;
  if (expected !== null && expected !== "") {
    const bound = expected === "0" || expected.startsWith("9999") ? "minimum" : "maximum";
    ttl = seconds(settings, `${prefix}_${bound}_expires_seconds`) ?? plain;
  }
  return ttl ?? seconds(settings, `${bid}.record_cache_expires_seconds`) ?? seconds(settings, "record_cache_expires_seconds");
}
