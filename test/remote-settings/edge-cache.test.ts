/**
 * Changesets at CDN scale: a cacheable answer (it has a TTL) is kept in the Workers Cache API
 * under its full URL; the next identical poll does no D1 query. Only answers that do not
 * depend on the caller are kept.
 */
import { describe, expect, it } from "vitest";
import { EVERYONE, createBucket, createCollection, send } from "../resources/helpers";
import { get, type Counter } from "./helpers";

const TTL = { KINTO_RECORD_CACHE_EXPIRES_SECONDS: "60", KINTO_MONITOR_CHANGES_RECORD_CACHE_EXPIRES_SECONDS: "60" };

async function publicCollection() {
  const bid = await createBucket();
  const cid = await createCollection(bid, "alice", { permissions: { read: [EVERYONE] } });
  await send({ method: "POST", url: `/buckets/${bid}/collections/${cid}/records`, body: { data: { n: 1 } } });
  return { bid, cid, url: `/buckets/${bid}/collections/${cid}/changeset?_expected=${Date.now()}` };
}

describe("edge cache", () => {
  it("the second identical anonymous changeset request is served without a D1 query", async () => {
    const { url } = await publicCollection();
    const first: Counter = { calls: 0 };
    const a = await get({ url, vars: TTL, counter: first });
    expect(a.status).toBe(200);
    expect(first.calls).toBeGreaterThan(0);
    const second: Counter = { calls: 0 };
    const b = await get({ url, vars: TTL, counter: second });
    expect(second.calls).toBe(0);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get("Cache-Control")).toBe("max-age=60");
  });

  it("so does the monitor changeset, whoever asks", async () => {
    await publicCollection();
    const url = `/buckets/monitor/collections/changes/changeset?_expected=${Date.now()}`;
    const vars = { ...TTL, KINTO_CHANGES_RESOURCES: "/buckets/x" };
    await get({ url, vars, as: "alice" });
    const second: Counter = { calls: 0 };
    expect((await get({ url, vars, counter: second })).status).toBe(200);
    expect(second.calls).toBe(0);
  });

  it("authenticated changeset requests, and answers without a TTL, are never cached", async () => {
    const { url } = await publicCollection();
    await get({ url, vars: TTL, as: "alice" });
    const authenticated: Counter = { calls: 0 };
    await get({ url, vars: TTL, as: "alice", counter: authenticated });
    expect(authenticated.calls).toBeGreaterThan(0);
    const other = `${url}1`;
    await get({ url: other });
    const uncached: Counter = { calls: 0 };
    await get({ url: other, counter: uncached });
    expect(uncached.calls).toBeGreaterThan(0);
  });

  it("refusals are not cached", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const url = `/buckets/${bid}/collections/${cid}/changeset?_expected=${Date.now()}`;
    expect((await get({ url, vars: TTL })).status).toBe(401);
    const again: Counter = { calls: 0 };
    expect((await get({ url, vars: TTL, counter: again })).status).toBe(401);
    expect(again.calls).toBeGreaterThan(0);
  });
});
