/** Fixtures of the search suites: collections with `search` metadata, bulk records, `/search` calls. */
import { expect } from "vitest";
import { ok, send, type Res, type Who } from "../resources/helpers";

export interface Doc {
  id: string;
  last_modified: number;
  [field: string]: unknown;
}

export function searchUrl(bid: string, cid: string): string {
  return `/buckets/${bid}/collections/${cid}/search`;
}

/** Creates `records` through /batch (25 per request); returns them as stored. */
export async function putRecords(bid: string, cid: string, records: Record<string, unknown>[], as: Who = "alice"): Promise<Doc[]> {
  const stored: Doc[] = [];
  for (let i = 0; i < records.length; i += 25) {
    const requests = records.slice(i, i + 25).map((data) => ({ method: "POST", path: `/buckets/${bid}/collections/${cid}/records`, body: { data } }));
    const res = await ok({ method: "POST", url: "/batch", as, body: { requests } });
    for (const sub of res.body.responses as { status: number; body: { data: Doc } }[]) {
      expect(sub.status).toBe(201);
      stored.push(sub.body.data);
    }
  }
  return stored;
}

export function searchAs(bid: string, cid: string, body: unknown, as: Who = "alice"): Promise<Res> {
  return send({ method: "POST", url: searchUrl(bid, cid), as, body });
}

/** A 200 search answer. */
export async function searchOk(bid: string, cid: string, body: unknown, as: Who = "alice"): Promise<Res> {
  const res = await searchAs(bid, cid, body, as);
  expect(res.status, res.text.slice(0, 400)).toBe(200);
  return res;
}

/** The ids of the hits, sorted. */
export function hitIds(res: Res): string[] {
  return (res.body.hits.hits as { _id: string }[]).map((hit) => hit._id).sort();
}
