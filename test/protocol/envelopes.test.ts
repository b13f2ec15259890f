/**
 * C05–C08: response envelopes, filtered `permissions`, ETag / Last-Modified on every listed
 * response, and plural HEAD counts (contract §2.2, §2.3, §5.6).
 */
import { describe, expect, test } from "vitest";
import {
  EVERYONE,
  ETAG,
  createBucket,
  createCollection,
  createRecord,
  etagOf,
  expectTimestampHeaders,
  httpDate,
  ok,
  recordFixture,
  send,
  userIdOf,
} from "../resources/helpers";

describe("envelopes (C05)", () => {
  test("object GET/PUT/PATCH/POST answer {data, permissions}", async () => {
    const bid = await createBucket();
    const put = await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { a: 1 } } });
    expect(Object.keys(put.body).sort()).toEqual(["data", "permissions"]);
    const patch = await ok({ method: "PATCH", url: `/buckets/${bid}/collections/c`, body: { data: { b: 2 } } });
    expect(Object.keys(patch.body).sort()).toEqual(["data", "permissions"]);
    const get = await ok({ url: `/buckets/${bid}/collections/c` });
    expect(Object.keys(get.body).sort()).toEqual(["data", "permissions"]);
    expect(get.body.data).toEqual({ id: "c", last_modified: get.body.data.last_modified, a: 1, b: 2 });
    const post = await ok({ method: "POST", url: `/buckets/${bid}/collections`, body: { data: {} } });
    expect(Object.keys(post.body).sort()).toEqual(["data", "permissions"]);
  });

  test("object DELETE answers a tombstone without permissions", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const res = await ok({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}` });
    expect(res.body).toEqual({ data: { id: cid, last_modified: expect.any(Number), deleted: true } });
  });

  test("_fields on an object GET drops permissions and keeps id and last_modified", async () => {
    const { record } = await recordFixture();
    await ok({ method: "PATCH", url: record, body: { data: { other: 1, nested: { a: 1, b: 2 } } } });
    const res = await ok({ url: `${record}?_fields=title,nested.a` });
    expect(res.body).not.toHaveProperty("permissions");
    expect(res.body.data).toEqual({
      id: expect.any(String),
      last_modified: expect.any(Number),
      title: "hello",
      nested: { a: 1 },
    });
  });

  test("plural GET answers {data: [...]} whose objects carry no permissions", async () => {
    const { records } = await recordFixture();
    const res = await ok({ url: records });
    expect(Object.keys(res.body)).toEqual(["data"]);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).not.toHaveProperty("permissions");
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  });
});

describe("filtered permissions (C06)", () => {
  test("a writer of the object sees the full ACL; a mere reader sees {}", async () => {
    const { records } = await recordFixture();
    const alice = await userIdOf("alice");
    const created = await ok({
      method: "POST",
      url: records,
      body: { data: { x: 1 }, permissions: { read: [EVERYONE] } },
    });
    const url = `${records}/${created.body.data.id}`;
    expect(created.body.permissions).toEqual({ read: [EVERYONE], write: [alice] });

    const asAlice = await ok({ url });
    expect(asAlice.body.permissions.read).toEqual([EVERYONE]);
    expect(asAlice.body.permissions.write).toEqual([alice]);

    const anonymous = await send({ url, as: "anonymous" });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.permissions).toEqual({});
    expect(anonymous.body.data.x).toBe(1);

    const bob = await send({ url, as: "bob" });
    expect(bob.status).toBe(200);
    expect(bob.body.permissions).toEqual({});
  });

  test("write inherited from the parent does not reveal a child's ACL", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket("alice", { permissions: { "collection:create": [bob] } });
    const created = await ok({ method: "POST", url: `/buckets/${bid}/collections`, as: "bob", body: {} });
    expect(created.body.permissions).toEqual({ write: [bob] });
    const asAlice = await ok({ url: `/buckets/${bid}/collections/${created.body.data.id}` });
    expect(asAlice.body.permissions).toEqual({});
  });

  test("an object whose write list holds system.Everyone shows its ACL to everyone", async () => {
    const bid = await createBucket();
    await ok({
      method: "PUT",
      url: `/buckets/${bid}/collections/open`,
      body: { permissions: { write: [EVERYONE] } },
    });
    const res = await ok({ url: `/buckets/${bid}/collections/open`, as: "bob" });
    expect(res.body.permissions.write).toEqual(expect.arrayContaining([EVERYONE]));
  });
});

describe("ETag and Last-Modified (C07)", () => {
  test("object and plural responses carry a quoted-integer ETag and the matching HTTP-date", async () => {
    const { bid, cid, records } = await recordFixture();

    const post = await ok({ method: "POST", url: records, body: { data: { n: 1 } } });
    expectTimestampHeaders(post, post.body.data.last_modified);
    const url = `${records}/${post.body.data.id}`;

    const get = await ok({ url });
    expectTimestampHeaders(get, post.body.data.last_modified);
    const head = await ok({ method: "HEAD", url });
    expectTimestampHeaders(head, post.body.data.last_modified);
    expect(head.text).toBe("");

    const put = await ok({ method: "PUT", url, body: { data: { n: 2 } } });
    expectTimestampHeaders(put, put.body.data.last_modified);
    expect(put.body.data.last_modified).toBeGreaterThan(post.body.data.last_modified);

    const patch = await ok({ method: "PATCH", url, body: { data: { n: 3 } } });
    expectTimestampHeaders(patch, patch.body.data.last_modified);

    const list = await ok({ url: records });
    expect(list.headers.get("ETag")).toMatch(ETAG);
    expectTimestampHeaders(list, patch.body.data.last_modified);
    const listHead = await ok({ method: "HEAD", url: records });
    expectTimestampHeaders(listHead, patch.body.data.last_modified);

    const del = await ok({ method: "DELETE", url });
    expectTimestampHeaders(del, del.body.data.last_modified);
    expect(del.body.data.last_modified).toBeGreaterThan(patch.body.data.last_modified);

    const pluralDelete = await ok({ method: "DELETE", url: records });
    const maxTombstone = Math.max(...pluralDelete.body.data.map((t: { last_modified: number }) => t.last_modified));
    expectTimestampHeaders(pluralDelete, maxTombstone);

    const collectionPut = await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} });
    expectTimestampHeaders(collectionPut, collectionPut.body.data.last_modified);
    const buckets = await ok({ url: "/buckets" });
    expect(buckets.headers.get("Last-Modified")).toBe(httpDate(etagOf(buckets)));
  });

  test("Last-Modified is the ETag instant floored to the second", async () => {
    const { records } = await recordFixture();
    const created = await ok({ method: "POST", url: records, body: { data: { last_modified: 1_434_641_119_102 } } });
    expect(created.body.data.last_modified).toBe(1_434_641_119_102);
    expect(created.headers.get("ETag")).toBe('"1434641119102"');
    expect(created.headers.get("Last-Modified")).toBe("Thu, 18 Jun 2015 15:25:19 GMT");
  });
});

describe("plural HEAD (C08)", () => {
  test("HEAD sends Total-Objects and Total-Records, no body, and never counts tombstones", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const empty = await ok({ method: "HEAD", url: records });
    expect(empty.headers.get("Total-Objects")).toBe("0");
    expect(empty.headers.get("Total-Records")).toBe("0");

    const first = await createRecord(bid, cid, { a: 1 });
    await createRecord(bid, cid, { a: 2 });
    await createRecord(bid, cid, { a: 3 });
    const head = await ok({ method: "HEAD", url: records });
    expect(head.text).toBe("");
    expect(head.headers.get("Total-Objects")).toBe("3");
    expect(head.headers.get("Total-Records")).toBe("3");

    await ok({ method: "DELETE", url: `${records}/${first.id}` });
    for (const url of [records, `${records}?_since=0`]) {
      const after = await ok({ method: "HEAD", url });
      expect(after.headers.get("Total-Objects")).toBe("2");
      expect(after.headers.get("Total-Records")).toBe("2");
    }
  });

  test("HEAD counts every matching object, ignoring _limit", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    for (let i = 0; i < 3; i++) await createRecord(bid, cid, { i });
    const head = await ok({ method: "HEAD", url: `/buckets/${bid}/collections/${cid}/records?_limit=1` });
    expect(head.headers.get("Total-Records")).toBe("3");
    expect(head.headers.get("Total-Objects")).toBe("3");
  });

  test("HEAD on collections and groups lists also counts", async () => {
    const bid = await createBucket();
    await createCollection(bid);
    await createCollection(bid);
    const collections = await ok({ method: "HEAD", url: `/buckets/${bid}/collections` });
    expect(collections.headers.get("Total-Records")).toBe("2");
    expect(collections.headers.get("Total-Objects")).toBe("2");
    const groups = await ok({ method: "HEAD", url: `/buckets/${bid}/groups` });
    expect(groups.headers.get("Total-Records")).toBe("0");
  });

  test("plural GET does not send the totals", async () => {
    const { records } = await recordFixture();
    const res = await ok({ url: records });
    expect(res.headers.get("Total-Records")).toBeNull();
  });
});
