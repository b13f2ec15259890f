/** R02/R04/R12: cascading deletes and plural DELETE (contract §3.1.3, §3.3, §3.4, §5.4). */
import { describe, expect, test } from "vitest";
import { EVERYONE, createBucket, createCollection, createGroup, createRecord, etagOf, ok, send, userIdOf } from "./helpers";

describe("collection delete (R04)", () => {
  test("purges records and tombstones; the recreated collection's records list is empty with a higher ETag", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const collection = `/buckets/${bid}/collections/${cid}`;
    const records = `${collection}/records`;
    const kept = await createRecord(bid, cid, { a: 1 });
    const gone = await createRecord(bid, cid, { a: 2 });
    await ok({ method: "DELETE", url: `${records}/${gone.id}` });
    const before = etagOf(await ok({ url: `${records}?_since=0` }));
    expect((await ok({ url: `${records}?_since=0` })).body.data).toHaveLength(2);

    const deleted = await ok({ method: "DELETE", url: collection });
    expect(deleted.body.data).toMatchObject({ id: cid, deleted: true });
    expect((await send({ url: records })).status).toBe(404);

    await ok({ method: "PUT", url: collection, body: {} });
    const since = await ok({ url: `${records}?_since=0` });
    expect(since.body.data).toEqual([]);
    expect(etagOf(since)).toBeGreaterThan(before);
    const oldSince = await ok({ url: `${records}?_since=${before}` });
    expect(oldSince.body.data).toEqual([]);
    expect(etagOf(oldSince)).toBeGreaterThan(before);
    expect((await send({ url: `${records}/${kept.id}` })).status).toBe(404);
    // The purged record's ACL is gone as well.
    await ok({ method: "PUT", url: `${records}/${kept.id}`, as: "alice", body: {} });
    expect((await ok({ url: `${records}/${kept.id}` })).body.permissions).toEqual({ write: [await userIdOf("alice")] });
  });

  test("records' ACLs die with the collection", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const shared = await createRecord(bid, cid, {}, "alice", { read: [EVERYONE] });
    expect((await send({ url: `${records}/${shared.id}`, as: "bob" })).status).toBe(200);
    await ok({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}` });
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} });
    // Bob had read only through the record's own ACL: the list is forbidden again.
    expect((await send({ url: records, as: "bob" })).status).toBe(403);
  });

  test("a collection tombstone appears in the collections list with _since", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const deleted = await ok({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}` });
    const since = await ok({ url: `/buckets/${bid}/collections?_since=0` });
    expect(since.body.data).toEqual([deleted.body.data]);
    expect(etagOf(since)).toBe(deleted.body.data.last_modified);
  });
});

describe("bucket delete (R02)", () => {
  test("removes collections, groups and records; the recreated bucket is empty", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    await createGroup(bid, ["basicauth:someone"]);
    await createRecord(bid, cid, { a: 1 });
    const collectionsEtag = etagOf(await ok({ url: `/buckets/${bid}/collections` }));

    const deleted = await ok({ method: "DELETE", url: `/buckets/${bid}` });
    expect(deleted.body).toEqual({ data: { id: bid, last_modified: expect.any(Number), deleted: true } });

    await ok({ method: "PUT", url: `/buckets/${bid}`, body: {} });
    const collections = await ok({ url: `/buckets/${bid}/collections?_since=0` });
    expect(collections.body.data).toEqual([]);
    expect(etagOf(collections)).toBeGreaterThan(collectionsEtag);
    expect((await ok({ url: `/buckets/${bid}/groups?_since=0` })).body.data).toEqual([]);
    expect((await send({ url: `/buckets/${bid}/collections/${cid}` })).status).toBe(404);
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} });
    expect((await ok({ url: `/buckets/${bid}/collections/${cid}/records?_since=0` })).body.data).toEqual([]);
  });

  test("ACLs below the bucket and group memberships are removed", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { permissions: { read: [bob] } });
    const gid = await createGroup(bid, [bob]);
    const principal = `/buckets/${bid}/groups/${gid}`;
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).toContain(principal);
    expect((await send({ url: `/buckets/${bid}/collections/${cid}`, as: "bob" })).status).toBe(200);

    await ok({ method: "DELETE", url: `/buckets/${bid}` });
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).not.toContain(principal);

    await ok({ method: "PUT", url: `/buckets/${bid}`, body: {} });
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} });
    expect((await send({ url: `/buckets/${bid}/collections/${cid}`, as: "bob" })).status).toBe(403);
  });

  test("does not touch other buckets", async () => {
    const keep = await createBucket();
    const keepCollection = await createCollection(keep);
    const drop = await createBucket();
    await createCollection(drop);
    await ok({ method: "DELETE", url: `/buckets/${drop}` });
    expect((await ok({ url: `/buckets/${keep}/collections` })).body.data.map((c: { id: string }) => c.id)).toEqual([keepCollection]);
  });

  test("a bucket whose id prefixes another's does not take it down", async () => {
    const base = await createBucket();
    const longer = `${base}x`;
    await ok({ method: "PUT", url: `/buckets/${longer}`, body: {} });
    const cid = await createCollection(longer);
    await ok({ method: "DELETE", url: `/buckets/${base}` });
    expect((await send({ url: `/buckets/${longer}/collections/${cid}` })).status).toBe(200);
  });
});

describe("plural DELETE (R12)", () => {
  test("plural DELETE of buckets cascades and only touches the caller's buckets", async () => {
    const bobs = await createBucket("bob");
    const bid = await createBucket("alice");
    const cid = await createCollection(bid);
    await createRecord(bid, cid, {});
    const res = await ok({ method: "DELETE", url: "/buckets" });
    expect(res.body.data).toContainEqual({ id: bid, last_modified: expect.any(Number), deleted: true });
    expect(res.body.data.map((t: { id: string }) => t.id)).not.toContain(bobs);
    expect((await send({ url: `/buckets/${bobs}`, as: "bob" })).status).toBe(200);
    await ok({ method: "PUT", url: `/buckets/${bid}`, body: {} });
    expect((await ok({ url: `/buckets/${bid}/collections?_since=0` })).body.data).toEqual([]);
  });

  test("returns tombstones with distinct increasing timestamps, and _since shows them", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const created = [await createRecord(bid, cid, { n: 1 }), await createRecord(bid, cid, { n: 2 }), await createRecord(bid, cid, { n: 3 })];
    const before = etagOf(await ok({ url: records }));

    const res = await ok({ method: "DELETE", url: records });
    expect(res.body.data).toHaveLength(3);
    for (const tombstone of res.body.data) {
      expect(Object.keys(tombstone).sort()).toEqual(["deleted", "id", "last_modified"]);
      expect(tombstone.deleted).toBe(true);
      expect(tombstone.last_modified).toBeGreaterThan(before);
    }
    expect(res.body.data.map((t: { id: string }) => t.id).sort()).toEqual(created.map((r) => r.id).sort());
    const stamps = res.body.data.map((t: { last_modified: number }) => t.last_modified);
    expect(new Set(stamps).size).toBe(3);
    expect(etagOf(res)).toBe(Math.max(...stamps));

    expect((await ok({ url: records })).body.data).toEqual([]);
    const since = await ok({ url: `${records}?_since=${before}` });
    expect(since.body.data).toHaveLength(3);
    expect(since.body.data).toEqual(expect.arrayContaining(res.body.data));
    expect(etagOf(since)).toBe(Math.max(...stamps));
  });

  test("nothing to delete: empty list and the unchanged list ETag", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const etag = etagOf(await ok({ url: records }));
    const res = await ok({ method: "DELETE", url: records });
    expect(res.body).toEqual({ data: [] });
    expect(etagOf(res)).toBe(etag);
    expect(etagOf(await ok({ url: records }))).toBe(etag);
  });

  test("plural DELETE of collections cascades to their records", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    await createRecord(bid, cid, {});
    const res = await ok({ method: "DELETE", url: `/buckets/${bid}/collections` });
    expect(res.body.data).toEqual([{ id: cid, last_modified: expect.any(Number), deleted: true }]);
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} });
    expect((await ok({ url: `/buckets/${bid}/collections/${cid}/records?_since=0` })).body.data).toEqual([]);
  });

  test("only deletes what the caller may write", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { permissions: { "record:create": [bob] } });
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const alices = await createRecord(bid, cid, { by: "alice" });
    const bobs = await createRecord(bid, cid, { by: "bob" }, "bob");
    const res = await ok({ method: "DELETE", url: records, as: "bob" });
    expect(res.body.data.map((t: { id: string }) => t.id)).toEqual([bobs.id]);
    expect((await ok({ url: `${records}/${alices.id}` })).body.data.by).toBe("alice");
  });
});
