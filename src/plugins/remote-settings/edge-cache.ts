/**
 * Changesets and the monitor at CDN scale: an answer is kept under its full URL for its own
 * `Cache-Control` TTL, first in this isolate's memory (bounded), then in the Workers Cache
 * API, so the next identical poll is served without any D1 query. Only answers that do not
 * depend on who asks are kept: the monitor's, and a collection's changeset asked anonymously.
 * Best effort: isolates come and go, and the Cache API is per Cloudflare location.
 */
import type { AppContext } from "../../context";
import { executionContextOf } from "../../http/respond";

/** Bounds of the in-isolate copy. */
const MEMORY_ENTRIES = 256;
const MEMORY_BYTES = 32 * 1024 * 1024;

interface Kept {
  body: ArrayBuffer;
  status: number;
  headers: [string, string][];
  expires: number;
}

/** URL → answer, oldest first (a Map keeps insertion order). */
const memory = new Map<string, Kept>();
let memoryBytes = 0;

function forget(url: string): void {
  const kept = memory.get(url);
  if (kept === undefined) return;
  memory.delete(url);
  memoryBytes -= kept.body.byteLength;
}

function remember(url: string, kept: Kept): void {
  forget(url);
  if (kept.body.byteLength > MEMORY_BYTES / 4) return;
  memory.set(url, kept);
  memoryBytes += kept.body.byteLength;
  for (const oldest of memory.keys()) {
    if (memory.size <= MEMORY_ENTRIES && memoryBytes <= MEMORY_BYTES) break;
    forget(oldest);
  }
}

function recalled(url: string, now: number): Response | null {
  const kept = memory.get(url);
  if (kept === undefined) return null;
  if (kept.expires <= now) {
    forget(url);
    return null;
  }
  return new Response(kept.body, { status: kept.status, headers: kept.headers });
}

/** Seconds of `max-age`, or 0 when the answer is not to be kept. */
function ttlOf(response: Response): number {
  if (response.status !== 200) return 0;
  const match = /max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "");
  return match ? Number(match[1]) : 0;
}

/** The kept answer of this request's URL, or the computed one (kept when it has a TTL). */
export async function throughEdgeCache(c: AppContext, compute: () => Promise<Response>): Promise<Response> {
  const url = c.req.url;
  const now = Date.now();
  const local = recalled(url, now);
  if (local !== null) return local;
  const key = new Request(url, { method: "GET" });
  const cache = caches.default;
  const hit = await cache.match(key);
  if (hit !== undefined) {
    const ttl = ttlOf(hit);
    const body = await hit.arrayBuffer();
    if (ttl > 0) remember(url, { body, status: hit.status, headers: [...hit.headers], expires: now + ttl * 1000 });
    return new Response(body, hit);
  }
  const response = await compute();
  const ttl = ttlOf(response);
  if (ttl === 0) return response;
  const body = await response.arrayBuffer();
  const kept: Kept = { body, status: response.status, headers: [...response.headers], expires: now + ttl * 1000 };
  remember(url, kept);
  const stored = cache.put(key, new Response(body, { status: kept.status, headers: kept.headers }));
  const context = executionContextOf(c);
  if (context) context.waitUntil(stored);
  else await stored;
  return new Response(body, { status: kept.status, headers: kept.headers });
}
