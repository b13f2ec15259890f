/**
 * Changesets and the monitor at CDN scale: an answer is kept in the Workers Cache API under its
 * full URL for its own `Cache-Control` TTL, so the next identical poll in this location is
 * served without any D1 query. Only answers that do not depend on who asks are kept: the
 * monitor's, and a collection's changeset asked anonymously. Best effort: the cache is per
 * Cloudflare location and may drop entries early.
 */
import type { AppContext } from "../../context";
import { executionContextOf } from "../../http/respond";

function cacheable(response: Response): boolean {
  return response.status === 200 && /max-age=[1-9]/.test(response.headers.get("Cache-Control") ?? "");
}

/** The cached answer of this request's URL, or the computed one (kept when cacheable). */
export async function throughEdgeCache(c: AppContext, compute: () => Promise<Response>): Promise<Response> {
  const key = new Request(c.req.url, { method: "GET" });
  const cache = caches.default;
  const hit = await cache.match(key);
  if (hit !== undefined) return new Response(hit.body, hit);
  const response = await compute();
  if (!cacheable(response)) return response;
  const stored = cache.put(key, response.clone());
  const context = executionContextOf(c);
  if (context) context.waitUntil(stored);
  else await stored;
  return response;
}
