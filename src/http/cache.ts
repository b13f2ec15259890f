/** Cache headers of GET responses (contract §3.1.8, §3.6). */
import type { Settings } from "../config";
import type { JsonObject } from "../wire";

const NO_CACHE = { "Cache-Control": "no-cache, no-store" };

export function expiresHeaders(seconds: number, now = Date.now()): Record<string, string> {
  if (seconds === 0) {
    return {
      "Cache-Control": "max-age=0, must-revalidate, no-cache, no-store",
      Expires: new Date(now).toUTCString(),
      Pragma: "no-cache",
    };
  }
  return { "Cache-Control": `max-age=${seconds}`, Expires: new Date(now + seconds * 1000).toUTCString() };
}

function integerSetting(settings: Settings, name: string): number | null {
  const raw = settings.lookup(name);
  if (raw === undefined || !/^-?\d+$/.test(raw)) return null;
  return Number(raw);
}

/** Buckets, collections, groups: `<resource>_cache_expires_seconds` for anonymous callers. */
export function resourceCacheHeaders(settings: Settings, resource: string, anonymous: boolean): Record<string, string> {
  if (!anonymous) return NO_CACHE;
  const seconds = integerSetting(settings, `${resource}_cache_expires_seconds`);
  return seconds !== null && seconds > 0 ? expiresHeaders(seconds) : NO_CACHE;
}

/** Records: per-collection settings, then the collection's `cache_expires` (§3.6). */
export function recordCacheHeaders(
  settings: Settings,
  bucket: string,
  collection: string,
  collectionData: JsonObject | null,
  anonymous: boolean,
): Record<string, string> {
  if (!anonymous) return NO_CACHE;
  const names = [
    `${bucket}.${collection}.record_cache_expires_seconds`,
    `${bucket}.record_cache_expires_seconds`,
    "record_cache_expires_seconds",
    `${bucket}_${collection}_record_cache_expires_seconds`,
    `${bucket}_record_cache_expires_seconds`,
  ];
  let seconds: number | null = null;
  for (const name of names) {
    seconds = integerSetting(settings, name);
    if (seconds !== null) break;
  }
  const own = collectionData?.cache_expires;
  if (typeof own === "number") seconds = Math.max(seconds ?? -1, own);
  if (seconds === null || seconds < 0) return NO_CACHE;
  return expiresHeaders(seconds);
}
