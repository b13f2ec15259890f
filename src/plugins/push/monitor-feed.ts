/**
 * The changes monitor as a live feed (`feed:monitor`): every monitored collection's records
 * timestamp, as `GET /buckets/monitor/collections/changes/changeset` lists it. Collection
 * Writers publish after their commits (never before, never delaying them); the catch-up reads
 * D1 as the changeset does.
 *
 * Collections commit in separate Durable Objects, whose timestamps do not follow one order:
 * an entry of timestamp T can arrive after one of T + 1. A catch-up therefore resends the
 * entries changed up to {@link MONITOR_REPLAY_MS} before `_since`: an entry may come again
 * (compare its `last_modified` with yours), none is missed while the publishing Writers and
 * their notification agree within that window.
 */
import { settingsOf } from "../../config";
import type { Bindings } from "../../env";
import type { LiveFeed } from "../../live/feed";
import { feedWriterName } from "../../live/subscription";
import type { WriteChange } from "../../writer/listener";
import type { LiveEvent } from "../../wire";
import { isMonitored, monitorEntries, monitorEntry, type MonitorEntry } from "../remote-settings/monitor";
import { remoteSettingsPlugin } from "../remote-settings";

export const MONITOR_FEED = "monitor";
export const MONITOR_REPLAY_MS = 60_000;

function eventOf(entry: MonitorEntry): LiveEvent {
  return { action: "update", timestamp: entry.last_modified, etag: `"${entry.last_modified}"`, data: entry };
}

export const monitorFeed: LiveFeed = {
  async catchUp(env, since, limit) {
    const entries = await monitorEntries(env, settingsOf(env));
    return entries
      .filter((entry) => entry.last_modified > since - MONITOR_REPLAY_MS)
      .sort((a, b) => a.last_modified - b.last_modified)
      .slice(0, limit + 1)
      .map(eventOf);
  },
};

/** After a commit: the new records timestamps of the monitored collections it changed, to the monitor feed. */
export async function publishToMonitor(changes: readonly WriteChange[], env: Bindings): Promise<void> {
  const settings = settingsOf(env);
  if (!remoteSettingsPlugin.enabled(settings)) return;
  const newest = new Map<string, { bucket: string; collection: string; timestamp: number }>();
  for (const change of changes) {
    const { bucket, collection } = change.location;
    if (change.resourceName !== "record" || bucket === undefined || collection === undefined) continue;
    const uri = `/buckets/${bucket}/collections/${collection}`;
    if (!isMonitored(settings, uri)) continue;
    newest.set(uri, { bucket, collection, timestamp: Math.max(change.timestamp, newest.get(uri)?.timestamp ?? 0) });
  }
  if (newest.size === 0) return;
  const events = await Promise.all([...newest.values()].map(async ({ bucket, collection, timestamp }) => eventOf(await monitorEntry(settings, bucket, collection, timestamp))));
  await env.WRITER.get(env.WRITER.idFromName(feedWriterName(MONITOR_FEED))).livePublish(JSON.stringify(events));
}
