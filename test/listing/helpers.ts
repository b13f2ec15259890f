/** Fixtures of the HTTP listing tests (contract §3.1.1, §3.1.3, §4). */
import { expect } from "vitest";
import { createBucket, createCollection, ok, send, type Res } from "../resources/helpers";

/** A stored object as JSON, navigated freely by assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON
export type Json = any;

export interface Collection {
  bid: string;
  cid: string;
  /** `/buckets/{bid}/collections/{cid}/records` */
  records: string;
}

export async function emptyCollection(): Promise<Collection> {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return { bid, cid, records: `/buckets/${bid}/collections/${cid}/records` };
}

/** Creates records (objects with an optional `id`) with batches of 25, in order; returns them as stored. */
export async function seed(records: string, items: Record<string, unknown>[]): Promise<Json[]> {
  const created: Json[] = [];
  for (let start = 0; start < items.length; start += 25) {
    const chunk = items.slice(start, start + 25);
    const res = await ok({
      method: "POST",
      url: "/batch",
      body: {
        defaults: { method: "POST", path: records },
        requests: chunk.map((data) => ({ body: { data } })),
      },
    });
    for (const r of res.body.responses) {
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      created.push(r.body.data);
    }
  }
  return created;
}

/** GET `url` (a path below /v1 or an absolute URL); asserts 200. */
export async function list(url: string): Promise<Res> {
  const res = await send({ url });
  expect(res.status, `GET ${url} → ${res.text.slice(0, 300)}`).toBe(200);
  return res;
}

export function ids(data: { id: string }[]): string[] {
  return data.map((r) => r.id);
}

export interface Walk {
  objects: Json[];
  pages: number;
  /** Every Next-Page URL followed, in order. */
  urls: string[];
  /** The ETag of each page. */
  etags: (string | null)[];
}

/**
 * Follows `Next-Page` from `url` until it disappears. `between` runs after each page (before
 * the next one is requested), to change the collection during the walk.
 */
export async function walk(url: string, between?: (page: number) => Promise<void>, maxPages = 1000): Promise<Walk> {
  const result: Walk = { objects: [], pages: 0, urls: [], etags: [] };
  let next: string | null = url;
  while (next !== null) {
    const res = await list(next);
    result.pages += 1;
    result.objects.push(...res.body.data);
    result.etags.push(res.headers.get("ETag"));
    next = res.headers.get("Next-Page");
    if (next !== null) {
      result.urls.push(next);
      expect(res.body.data.length, "a page announcing a next page is not empty").toBeGreaterThan(0);
    }
    if (between) await between(result.pages);
    expect(result.pages, "runaway pagination").toBeLessThan(maxPages);
  }
  return result;
}
