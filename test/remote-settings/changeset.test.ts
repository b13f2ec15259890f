/** `GET /buckets/{bid}/collections/{cid}/changeset` (contract §12.1). */
import { describe, expect, it } from "vitest";
import { EVERYONE, createBucket, createCollection, send, uid } from "../resources/helpers";
import { get } from "./helpers";

async function collectionWith(count: number, permissions: Record<string, string[]> = { read: [EVERYONE] }) {
  const bid = await createBucket();
  const cid = await createCollection(bid, "alice", { data: { displayFields: ["n"] }, permissions });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const res = await send({ method: "POST", url: `/buckets/${bid}/collections/${cid}/records`, body: { data: { n } } });
    ids.push(res.body.data.id);
  }
  return { bid, cid, ids, url: `/buckets/${bid}/collections/${cid}/changeset` };
}

describe("collection changeset", () => {
  it("metadata with its bucket, the records timestamp and the records newest first; Last-Modified from the metadata, no ETag", async () => {
    const { bid, cid, url } = await collectionWith(3);
    const res = await get({ url: `${url}?_expected=0` });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(["metadata", "timestamp", "changes"]);
    expect(res.body.metadata).toMatchObject({ id: cid, bucket: bid, displayFields: ["n"] });
    expect(res.body.changes.map((r: { n: number }) => r.n)).toEqual([2, 1, 0]);
    expect(res.body.timestamp).toBe(res.body.changes[0].last_modified);
    expect(res.headers.get("ETag")).toBeNull();
    expect(res.headers.get("Last-Modified")).toBe(new Date(Math.floor(res.body.metadata.last_modified / 1000) * 1000).toUTCString());
  });

  it("_since: only newer changes, tombstones included; without it no tombstones", async () => {
    const { bid, cid, ids, url } = await collectionWith(3);
    const all = await get({ url: `${url}?_expected=0` });
    const since = all.body.changes[1].last_modified;
    await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}/records/${ids[0]}` });
    const newer = await get({ url: `${url}?_expected=1&_since="${since}"` });
    expect(newer.body.changes).toEqual([
      { id: ids[0], last_modified: expect.any(Number), deleted: true },
      expect.objectContaining({ id: ids[2] }),
    ]);
    const plain = await get({ url: `${url}?_expected=2` });
    expect(plain.body.changes.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
  });

  it("_limit caps the changes, without pagination", async () => {
    const { url } = await collectionWith(4);
    const res = await get({ url: `${url}?_expected=0&_limit=2` });
    expect(res.body.changes).toHaveLength(2);
    expect(res.headers.get("Next-Page")).toBeNull();
  });

  for (const [query, message] of [
    ["", "_expected in querystring: Required"],
    ["_expected=1&_since=abc", "_since in querystring: The value should be integer, optionally between double quotes."],
    ["_expected=1&_since=4102444800001", "_since in querystring: 4102444800001 is greater than maximum value 4102444800000"],
    ["_expected=1&_limit=-1", "_limit in querystring: -1 is less than minimum value 0"],
    ["_expected=1&_limit=ten", '_limit in querystring: "ten" is not a number'],
  ] as const) {
    it(`?${query}: 400 errno 107 "${message}"`, async () => {
      const { url } = await collectionWith(0);
      const res = await get({ url: `${url}?${query}` });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errno: 107, message });
    });
  }

  it("other parameters are ignored", async () => {
    const { url } = await collectionWith(1);
    expect((await get({ url: `${url}?_expected=1&_extra=x&foo=bar` })).status).toBe(200);
  });

  it("needs read on the collection (checked before the querystring); a missing collection answers 404 to whoever may know", async () => {
    const { bid, url } = await collectionWith(1, {});
    expect((await get({ url })).status).toBe(401);
    expect((await get({ url: `${url}?_expected=0`, as: "bob" })).status).toBe(403);
    expect((await get({ url: `${url}?_expected=0`, as: "alice" })).status).toBe(200);
    const missing = await get({ url: `/buckets/${bid}/collections/${uid("nope")}/changeset?_expected=0`, as: "alice" });
    expect(missing.status).toBe(404);
    expect((await get({ url: `/buckets/${bid}/collections/${uid("nope")}/changeset?_expected=0`, as: "bob" })).status).toBe(403);
  });

  it("an empty collection never read before gets its timestamp", async () => {
    const { url } = await collectionWith(0);
    const res = await get({ url: `${url}?_expected=0` });
    expect(res.status).toBe(200);
    expect(res.body.changes).toEqual([]);
    expect(res.body.timestamp).toEqual(expect.any(Number));
    expect((await get({ url: `${url}?_expected=0` })).body.timestamp).toBe(res.body.timestamp);
  });
});

describe("changeset cache headers", () => {
  it("minimum for _expected 0 or 9999…, maximum otherwise, then bucket and global fallbacks", async () => {
    const { bid, cid, url } = await collectionWith(1);
    const key = `KINTO_${bid}_${cid}`.replace(/-/g, "_").toUpperCase();
    const vars = { [`${key}_RECORD_CACHE_MINIMUM_EXPIRES_SECONDS`]: "10", [`${key}_RECORD_CACHE_MAXIMUM_EXPIRES_SECONDS`]: "3600" };
    for (const [expected, maxAge] of [
      ["0", "max-age=10"],
      ["99991234", "max-age=10"],
      ["1234", "max-age=3600"],
    ] as const) {
      const res = await get({ url: `${url}?_expected=${expected}`, vars });
      expect(res.headers.get("Cache-Control"), expected).toBe(maxAge);
      expect(res.headers.get("Expires")).not.toBeNull();
    }
    const bucketWide = await get({ url: `${url}?_expected=5`, vars: { [`KINTO_${bid.replace(/-/g, "_").toUpperCase()}_RECORD_CACHE_EXPIRES_SECONDS`]: "60" } });
    expect(bucketWide.headers.get("Cache-Control")).toBe("max-age=60");
    const global = await get({ url: `${url}?_expected=6`, vars: { KINTO_RECORD_CACHE_EXPIRES_SECONDS: "30" } });
    expect(global.headers.get("Cache-Control")).toBe("max-age=30");
    const none = await get({ url: `${url}?_expected=7` });
    expect(none.headers.get("Cache-Control") ?? "").not.toMatch(/max-age=[1-9]/);
  });
});
