/**
 * `GET /__broadcasts__` (contract §12.1), polled by the Push service: the highest monitor
 * timestamp (collections whose `bid/cid` contains `-preview` aside), debounced as Remote
 * Settings does. The last published value is kept for a day in the Cache API (Remote
 * Settings keeps it in Kinto's cache backend), so it is per Cloudflare location.
 */
import type { AppContext } from "../../context";
import { json } from "../../http/respond";
import { monitorEntries } from "./monitor";
import { changesSettings } from "./settings";

const CHANNEL = "remote-settings/monitor_changes";
const PUBLISHED = new Request("https://kinto-edge.invalid/__broadcasts__/remote-settings/monitor_changes");
const DAY_SECONDS = 86400;

async function currentTimestamp(c: AppContext): Promise<number> {
  const entries = await monitorEntries(c.env, c.get("settings"));
  const published = entries.filter((entry) => !`${entry.bucket}/${entry.collection}`.includes("-preview"));
  return published.length === 0 ? Date.now() : Math.max(...published.map((entry) => entry.last_modified));
}

/** The value to publish now, given the last published one (Remote Settings' debounce). */
export function debounced(last: number | null, current: () => Promise<number>, intervalSeconds: number, now: number): Promise<number> {
  if (last === null) return current();
  const lastAge = (now - last) / 1000;
  if (lastAge <= intervalSeconds) return Promise.resolve(last);
  return current().then((value) => {
    if (value <= last) return last;
    const gap = (value - last) / 1000;
    const age = (now - value) / 1000;
    return gap > intervalSeconds || age > intervalSeconds ? value : last;
  });
}

export async function getBroadcasts(c: AppContext): Promise<Response> {
  const cache = caches.default;
  const stored = await cache.match(PUBLISHED);
  const last = stored === undefined ? null : Number(await stored.text());
  const interval = changesSettings(c.get("settings")).broadcastDebounceSeconds;
  const value = await debounced(Number.isFinite(last) ? last : null, () => currentTimestamp(c), interval, Date.now());
  if (value !== last) {
    await cache.put(PUBLISHED, new Response(String(value), { headers: { "Cache-Control": `max-age=${DAY_SECONDS}` } }));
  }
  return json(c, 200, { broadcasts: { [CHANNEL]: `"${value}"` }, code: 200 });
}
