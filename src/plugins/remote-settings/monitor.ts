/**
 * The entries of the virtual collection `monitor/changes` (contract §12.1): one per monitored
 * collection that has a records timestamp, with that timestamp. Read from the `timestamps`
 * table in one query.
 */
import type { Settings } from "../../config";
import type { KintoObject } from "../../wire";
import { changesSettings } from "./settings";
import { shardsOf } from "../../storage/shards";
import type { Bindings } from "../../env";

export const MONITOR_BUCKET = "monitor";
export const CHANGES_COLLECTION = "changes";

export interface MonitorEntry extends KintoObject {
  bucket: string;
  collection: string;
  host: string;
}

const COLLECTION_URI = /^\/buckets\/([^/]+)\/collections\/([^/]+)$/;

/** Whether `uri` is `resource` or below it (a bucket URI covers its collections). */
function under(uri: string, resource: string): boolean {
  return resource.includes("/collections/") ? uri.startsWith(resource) : uri.startsWith(`${resource}/`);
}

/** The UUID text of MD5(host + collection URI): the entry's stable id. */
export async function entryId(host: string, bid: string, cid: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("MD5", new TextEncoder().encode(`${host}/buckets/${bid}/collections/${cid}`)));
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether the collection at `uri` is listed by the monitor (`changes.resources` minus the excluded ones). */
export function isMonitored(settings: Settings, uri: string): boolean {
  const { resources, excluded } = changesSettings(settings);
  return resources.some((resource) => under(uri, resource)) && !excluded.some((resource) => under(uri, resource));
}

/** The monitor entry of collection `bid`/`cid` whose records timestamp is `last_modified`. */
export async function monitorEntry(settings: Settings, bid: string, cid: string, last_modified: number): Promise<MonitorEntry> {
  const { entryHost } = changesSettings(settings);
  return { id: await entryId(entryHost, bid, cid), last_modified, bucket: bid, collection: cid, host: entryHost };
}

/** The monitored collections' records timestamps, in no particular order. */
/** Every monitored collection of every shard (one query per shard, at once). */
export async function monitorEntries(env: Bindings, settings: Settings): Promise<MonitorEntry[]> {
  const { resources } = changesSettings(settings);
  if (resources.length === 0) return [];
  const perShard = await Promise.all(
    shardsOf(env).map(async (db) => {
      const { results } = await db
        .prepare("SELECT parent_id, last_modified FROM timestamps WHERE resource_name = 'record' AND parent_id LIKE '/buckets/%/collections/%'")
        .all<{ parent_id: string; last_modified: number }>();
      return results;
    }),
  );
  const results = perShard.flat();
  const entries: MonitorEntry[] = [];
  for (const { parent_id: uri, last_modified } of results) {
    const match = COLLECTION_URI.exec(uri);
    if (match === null || !isMonitored(settings, uri)) continue;
    const [, bid = "", cid = ""] = match;
    entries.push(await monitorEntry(settings, bid, cid, last_modified));
  }
  return entries;
}
