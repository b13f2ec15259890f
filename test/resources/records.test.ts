/** R06: records and their parent collection (contract §3.6); R07 POST of an existing id needs read. */
import { describe, expect, test } from "vitest";
import { EVERYONE, createBucket, fill, ok, recordFixture, scenario, send, type Scenario } from "./helpers";

const PARENT_MISSING = { details: { id: "{cid}", resource_name: "collection" } };

/** `{bid}` is alice's bucket; collection `{cid}` does not exist. */
const missingParent: Scenario[] = [
  { name: "POST", method: "POST", url: "/buckets/{bid}/collections/{cid}/records", body: { data: {} }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "PUT", method: "PUT", url: "/buckets/{bid}/collections/{cid}/records/r1", body: { data: {} }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "PATCH", method: "PATCH", url: "/buckets/{bid}/collections/{cid}/records/r1", body: { data: { a: 1 } }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "DELETE", method: "DELETE", url: "/buckets/{bid}/collections/{cid}/records/r1", status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "GET object", url: "/buckets/{bid}/collections/{cid}/records/r1", status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "HEAD object", method: "HEAD", url: "/buckets/{bid}/collections/{cid}/records/r1", status: 404 },
  { name: "GET list", url: "/buckets/{bid}/collections/{cid}/records", status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "DELETE list", method: "DELETE", url: "/buckets/{bid}/collections/{cid}/records", status: 404, errno: 111, expectBody: PARENT_MISSING },
  // Writes check the parent before authorization: anonymous and strangers get 404 too.
  { name: "anonymous POST", method: "POST", as: "anonymous", url: "/buckets/{bid}/collections/{cid}/records", body: { data: {} }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "anonymous PUT", method: "PUT", as: "anonymous", url: "/buckets/{bid}/collections/{cid}/records/r1", body: { data: {} }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "bob PATCH", method: "PATCH", as: "bob", url: "/buckets/{bid}/collections/{cid}/records/r1", body: { data: { a: 1 } }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "bob DELETE", method: "DELETE", as: "bob", url: "/buckets/{bid}/collections/{cid}/records/r1", status: 404, errno: 111, expectBody: PARENT_MISSING },
  { name: "PUT under an unknown bucket", method: "PUT", url: "/buckets/no-such-bucket-{cid}/collections/{cid}/records/r1", body: { data: {} }, status: 404, errno: 111, expectBody: PARENT_MISSING },
  // Reads authorize first: a stranger gets 403 / 401.
  { name: "bob GET list → 403", as: "bob", url: "/buckets/{bid}/collections/{cid}/records", status: 403, errno: 121 },
  { name: "anonymous GET object → 401", as: "anonymous", url: "/buckets/{bid}/collections/{cid}/records/r1", status: 401, errno: 104 },
];

describe("parent collection check", () => {
  test.each(missingParent)("$name under a missing collection", async (s) => {
    const bid = await createBucket();
    await scenario(fill(s, { bid, cid: "missing-collection" }));
  });
});

describe("records", () => {
  test("records of two collections are independent", async () => {
    const { bid, records } = await recordFixture();
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/other`, body: {} });
    const other = `/buckets/${bid}/collections/other/records`;
    expect((await ok({ url: other })).body.data).toEqual([]);
    await ok({ method: "POST", url: other, body: { data: { here: true } } });
    expect((await ok({ url: records })).body.data).toHaveLength(1);
    expect((await ok({ url: other })).body.data).toEqual([expect.objectContaining({ here: true })]);
  });

  test("the record id is free-form within the id pattern (not only UUIDs)", async () => {
    const { records } = await recordFixture();
    for (const id of ["a", "A-b_c", "0123456789", "x".repeat(200)]) {
      await scenario({ name: id, method: "PUT", url: `${records}/${id}`, body: { data: {} }, status: 201, expectBody: { data: { id } } });
    }
  });

  test("ids are case-sensitive", async () => {
    const { records } = await recordFixture();
    await ok({ method: "PUT", url: `${records}/Case`, body: { data: { v: "upper" } } });
    await ok({ method: "PUT", url: `${records}/case`, body: { data: { v: "lower" } } });
    expect((await ok({ url: `${records}/Case` })).body.data.v).toBe("upper");
    expect((await ok({ url: `${records}/case` })).body.data.v).toBe("lower");
  });

  test("POST of an existing id needs read on it, not create (R07)", async () => {
    const { records, rid } = await recordFixture();
    const bob = (await ok({ url: "/", as: "bob" })).body.user.id;
    // Bob may create records but not read alice's.
    await ok({ method: "PATCH", url: records.replace(/\/records$/, ""), body: { permissions: { "record:create": [bob] } } });
    const denied = await send({ method: "POST", url: records, as: "bob", body: { data: { id: rid } } });
    expect(denied.status).toBe(403);
    const created = await send({ method: "POST", url: records, as: "bob", body: { data: { id: "bobs" } } });
    expect(created.status).toBe(201);
    // Once bob may read it, the POST answers 200 with the object unchanged.
    await ok({ method: "PATCH", url: `${records}/${rid}`, body: { permissions: { read: [bob] } } });
    const existing = await send({ method: "POST", url: records, as: "bob", body: { data: { id: rid, title: "bob's" } } });
    expect(existing.status).toBe(200);
    expect(existing.body.data.title).toBe("hello");
  });

  test("anonymous can write records in a collection open to system.Everyone", async () => {
    const { records } = await recordFixture();
    await ok({ method: "PATCH", url: records.replace(/\/records$/, ""), body: { permissions: { "record:create": [EVERYONE] } } });
    const res = await send({ method: "POST", url: records, as: "anonymous", body: { data: { anon: true } } });
    expect(res.status).toBe(201);
    expect(res.body.permissions).toEqual({ write: [EVERYONE] });
  });
});
