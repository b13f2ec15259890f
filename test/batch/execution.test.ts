/** B02 / B03: batch execution and response entries (contract §8 "Execution", "Response"). */
import { describe, expect, test } from "vitest";
import {
  AUTH,
  EVERYONE,
  createBucket,
  createCollection,
  ok,
  recordFixture,
  send,
  uid,
  userIdOf,
} from "../resources/helpers";
import { runBatch, statuses, type SubResponse } from "./helpers";

/** A sub-response header, looked up case-insensitively. */
function header(response: SubResponse | undefined, name: string): string | undefined {
  const entry = Object.entries(response?.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

describe("response entries", () => {
  test("one {status, path, headers, body} per request, in request order", async () => {
    const { bid, cid, records, record, rid } = await recordFixture();
    const requests = [
      { method: "GET", path: `/buckets/${bid}` },
      { method: "GET", path: record },
      { method: "POST", path: records, body: { data: { title: "new" } } },
      { method: "GET", path: `/buckets/${bid}/collections/${cid}` },
      { method: "HEAD", path: records },
      { method: "GET", path: `${records}/missing` },
    ];
    const responses = await runBatch(requests);
    for (const r of responses) expect(Object.keys(r).sort()).toEqual(["body", "headers", "path", "status"]);
    expect(statuses(responses)).toEqual([200, 200, 201, 200, 200, 404]);
    expect(responses.map((r) => r.path)).toEqual(requests.map((r) => `/v1${r.path}`));
    expect(responses[0]?.body.data.id).toBe(bid);
    expect(responses[1]?.body.data).toMatchObject({ id: rid, title: "hello" });
    expect(responses[2]?.body.data.title).toBe("new");
    expect(responses[3]?.body.data.id).toBe(cid);
    // HEAD: body "" and the count of live records.
    expect(responses[4]?.body).toBe("");
    expect(header(responses[4], "Total-Records")).toBe("2");
    expect(responses[5]?.body).toMatchObject({ code: 404, errno: 110, details: { id: "missing", resource_name: "record" } });
  });

  test("headers are all strings and carry the sub-response's ETag and Content-Type", async () => {
    const { records } = await recordFixture();
    const responses = await runBatch([
      { method: "POST", path: records, body: { data: { n: 1 } } },
      { method: "GET", path: records },
    ]);
    for (const r of responses) {
      expect(typeof r.headers).toBe("object");
      for (const value of Object.values(r.headers)) expect(typeof value).toBe("string");
      expect(header(r, "Content-Type")).toMatch(/^application\/json/);
    }
    const created = responses[0]?.body.data;
    expect(header(responses[0], "ETag")).toBe(`"${created.last_modified}"`);
    expect(header(responses[1], "ETag")).toBe(`"${created.last_modified}"`);
  });

  test("a sub-response carries the headers of the same request sent alone (writes included)", async () => {
    const { records, record } = await recordFixture();
    const alone = {
      create: await send({ method: "PUT", url: `${records}/alone`, body: { data: {} } }),
      stale: await send({ method: "PUT", url: record, headers: { "If-Match": '"1"' }, body: { data: {} } }),
      read: await send({ url: record }),
    };
    const responses = await runBatch([
      { method: "PUT", path: `${records}/batched`, body: { data: {} } },
      { method: "PUT", path: record, headers: { "If-Match": '"1"' }, body: { data: {} } },
      { method: "GET", path: record },
    ]);
    const names = (r: SubResponse | undefined) => Object.keys(r?.headers ?? {}).map((n) => n.toLowerCase()).sort();
    expect(names(responses[0])).toEqual([...alone.create.headers.keys()].sort());
    expect(names(responses[1])).toEqual([...alone.stale.headers.keys()].sort());
    expect(names(responses[2])).toEqual([...alone.read.headers.keys()].sort());
    // §2.3: on every response.
    for (const r of responses) {
      expect(header(r, "X-Content-Type-Options")).toBe("nosniff");
      expect(header(r, "Content-Security-Policy")).toBe(alone.read.headers.get("Content-Security-Policy"));
    }
  });

  test("a conditional GET sub-request can answer 304 with an empty body", async () => {
    const { record, rts } = await recordFixture();
    const responses = await runBatch([{ path: record, headers: { "If-None-Match": `"${rts}"` } }]);
    expect(responses[0]).toMatchObject({ status: 304, body: "" });
    expect(header(responses[0], "ETag")).toBe(`"${rts}"`);
  });

  test("path: with or without /v1, always reported with /v1 and without its query string", async () => {
    const { records } = await recordFixture();
    await ok({ method: "POST", url: records, body: { data: { title: "second" } } });
    const responses = await runBatch([
      { path: `${records}?_limit=1&_sort=title` },
      { path: `/v1${records}?_limit=1&_sort=-title` },
      { path: `/v1${records}` },
      { path: "/" },
      { path: "/v1/" },
    ]);
    expect(statuses(responses)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.map((r) => r.path)).toEqual([`/v1${records}`, `/v1${records}`, `/v1${records}`, "/v1/", "/v1/"]);
    // The query string was applied.
    expect(responses[0]?.body.data.map((r: { title: string }) => r.title)).toEqual(["hello"]);
    expect(responses[1]?.body.data.map((r: { title: string }) => r.title)).toEqual(["second"]);
    expect(responses[2]?.body.data).toHaveLength(2);
    expect(responses[3]?.body.http_api_version).toBe("1.23");
    expect(responses[4]?.body.http_api_version).toBe("1.23");
  });

  test("the reported path is URL-decoded", async () => {
    const { records } = await recordFixture();
    const responses = await runBatch([{ path: `${records}/%61bc` }]);
    expect(responses[0]?.status).toBe(404);
    expect(responses[0]?.path).toBe(`/v1${records}/abc`);
  });

  test("a Next-Page header of a paginated GET sub-request is an absolute URL", async () => {
    const { records } = await recordFixture();
    await ok({ method: "POST", url: records, body: { data: {} } });
    const responses = await runBatch([{ path: `${records}?_limit=1` }]);
    expect(responses[0]?.body.data).toHaveLength(1);
    expect(header(responses[0], "Next-Page")).toMatch(/^http:\/\/localhost\/v1\/buckets\/.+_limit=1.*_token=/);
  });
});

describe("sequential execution", () => {
  test("a 412 in one sub-request does not stop the others; earlier and later writes are applied", async () => {
    const { records, record, rid, rts } = await recordFixture();
    const responses = await runBatch([
      { method: "PUT", path: `${records}/before`, body: { data: { step: 1 } } },
      { method: "PUT", path: record, headers: { "If-Match": '"1"' }, body: { data: { title: "stale" } } },
      { method: "PUT", path: `${records}/before`, headers: { "If-None-Match": "*" }, body: { data: { step: 99 } } },
      { method: "PUT", path: `${records}/after`, body: { data: { step: 3 } } },
      { method: "PATCH", path: `${records}/before`, body: { data: { patched: true } } },
    ]);
    expect(statuses(responses)).toEqual([201, 412, 412, 201, 200]);
    expect(responses[1]?.body).toMatchObject({
      code: 412,
      errno: 114,
      message: "Resource was modified meanwhile",
      details: { existing: { id: rid, last_modified: rts, title: "hello" } },
    });
    expect(responses[2]?.body.details.existing).toMatchObject({ id: "before", step: 1 });
    expect((await ok({ url: record })).body.data).toEqual({ id: rid, last_modified: rts, title: "hello" });
    expect((await ok({ url: `${records}/before` })).body.data).toMatchObject({ step: 1, patched: true });
    expect((await ok({ url: `${records}/after` })).body.data).toMatchObject({ step: 3 });
  });

  test("404s (missing record, missing collection) are reported and the batch goes on", async () => {
    const { bid, records } = await recordFixture();
    const responses = await runBatch([
      { method: "DELETE", path: `${records}/ghost` },
      { method: "PATCH", path: `${records}/ghost`, body: { data: { a: 1 } } },
      { method: "GET", path: `${records}/ghost` },
      { method: "PUT", path: `/buckets/${bid}/collections/nope/records/r1`, body: { data: {} } },
      { method: "PUT", path: `${records}/real`, body: { data: {} } },
    ]);
    expect(statuses(responses)).toEqual([404, 404, 404, 404, 201]);
    for (const r of responses.slice(0, 3)) {
      expect(r.body).toMatchObject({ code: 404, errno: 110, details: { id: "ghost", resource_name: "record" } });
    }
    expect(responses[3]?.body).toMatchObject({ code: 404, errno: 111, details: { id: "nope", resource_name: "collection" } });
    expect((await send({ url: `${records}/real` })).status).toBe(200);
  });

  test("400 and 403 sub-responses are reported too", async () => {
    const { records } = await recordFixture();
    const other = await createBucket("bob");
    const responses = await runBatch([
      { method: "PUT", path: `${records}/bad.id`, body: { data: {} } },
      { method: "PUT", path: `/buckets/${other}`, body: { data: { stolen: true } } },
      { method: "POST", path: records, body: { data: {}, permissions: { destroy: [] } } },
      { method: "PUT", path: `${records}/fine`, body: { data: {} } },
    ]);
    expect(statuses(responses)).toEqual([400, 403, 400, 201]);
    expect(responses[0]?.body).toMatchObject({ errno: 107 });
    expect(responses[1]?.body).toMatchObject({ errno: 121 });
    expect((await ok({ url: `/buckets/${other}`, as: "bob" })).body.data.stolen).toBeUndefined();
  });

  test("GET sub-requests see the writes made earlier in the same batch", async () => {
    const { records } = await recordFixture();
    const responses = await runBatch([
      { method: "PUT", path: `${records}/x`, body: { data: { v: 1 } } },
      { method: "GET", path: `${records}/x` },
      { method: "PATCH", path: `${records}/x`, body: { data: { v: 2 } } },
      { method: "GET", path: `${records}/x` },
      { method: "GET", path: `${records}?_sort=id` },
      { method: "HEAD", path: records },
      { method: "DELETE", path: `${records}/x` },
      { method: "GET", path: `${records}/x` },
      { method: "HEAD", path: records },
    ]);
    expect(statuses(responses)).toEqual([201, 200, 200, 200, 200, 200, 200, 404, 200]);
    expect(responses[1]?.body.data).toMatchObject({ id: "x", v: 1, last_modified: responses[0]?.body.data.last_modified });
    expect(responses[3]?.body.data).toMatchObject({ id: "x", v: 2, last_modified: responses[2]?.body.data.last_modified });
    expect(responses[4]?.body.data.map((r: { id: string }) => r.id)).toContain("x");
    expect(header(responses[5], "Total-Records")).toBe("2");
    expect(header(responses[5], "ETag")).toBe(`"${responses[2]?.body.data.last_modified}"`);
    expect(responses[6]?.body.data).toMatchObject({ id: "x", deleted: true });
    expect(header(responses[8], "Total-Records")).toBe("1");
  });

  test("reads run together but keep their place: those before a write never see it, 22 reads answer in order", async () => {
    const { records } = await recordFixture();
    const ids = Array.from({ length: 11 }, (_, i) => `r${i}`);
    const responses = await runBatch([
      ...ids.map((id) => ({ method: "GET", path: `${records}/${id}` })),
      { method: "PUT", path: `${records}/r3`, body: { data: { v: 3 } } },
      { method: "PUT", path: `${records}/r7`, body: { data: { v: 7 } } },
      ...ids.map((id) => ({ method: "GET", path: `${records}/${id}` })),
    ]);
    expect(statuses(responses)).toEqual([
      ...ids.map(() => 404),
      201,
      201,
      ...ids.map((id) => (id === "r3" || id === "r7" ? 200 : 404)),
    ]);
    expect(responses.slice(13).map((response) => response.path)).toEqual(ids.map((id) => `/v1${records}/${id}`));
    expect(responses[16]?.body.data).toMatchObject({ id: "r3", v: 3 });
    expect(responses[20]?.body.data).toMatchObject({ id: "r7", v: 7 });
  });

  test("a record can be written into a collection created earlier in the same batch", async () => {
    const bid = await createBucket();
    const cid = uid("c");
    const responses = await runBatch([
      { method: "PUT", path: `/buckets/${bid}/collections/${cid}` },
      { method: "PUT", path: `/buckets/${bid}/collections/${cid}/records/r1`, body: { data: { a: 1 } } },
      { method: "DELETE", path: `/buckets/${bid}/collections/${cid}` },
      { method: "PUT", path: `/buckets/${bid}/collections/${cid}/records/r2`, body: { data: { a: 2 } } },
    ]);
    expect(statuses(responses)).toEqual([201, 201, 200, 404]);
    expect(responses[3]?.body).toMatchObject({ errno: 111, details: { id: cid, resource_name: "collection" } });
  });

  test("writes interleaved across two collections all apply, each list strictly increasing", async () => {
    const bid = await createBucket();
    const c1 = await createCollection(bid);
    const c2 = await createCollection(bid);
    const requests = Array.from({ length: 12 }, (_, i) => ({
      method: "POST",
      path: `/buckets/${bid}/collections/${i % 3 === 0 ? c2 : c1}/records`,
      body: { data: { i } },
    }));
    const responses = await runBatch(requests);
    expect(responses.every((r) => r.status === 201)).toBe(true);
    for (const cid of [c1, c2]) {
      const inList = responses.filter((r) => r.path.includes(`/collections/${cid}/`)).map((r) => r.body.data);
      for (let k = 1; k < inList.length; k++) expect(inList[k].last_modified).toBeGreaterThan(inList[k - 1].last_modified);
      const stored = (await ok({ url: `/buckets/${bid}/collections/${cid}/records?_sort=i` })).body.data;
      expect(stored.map((r: { i: number }) => r.i)).toEqual(inList.map((r) => r.i));
    }
  });

  test("25 creations into one collection get distinct, strictly increasing last_modified in request order", async () => {
    const { records, rts } = await recordFixture();
    const responses = await runBatch(
      Array.from({ length: 25 }, (_, i) => ({ body: { data: { i } } })),
      { method: "POST", path: records },
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const stamps = responses.map((r) => r.body.data.last_modified as number);
    expect(new Set(stamps).size).toBe(25);
    expect(stamps[0]).toBeGreaterThan(rts);
    for (let k = 1; k < stamps.length; k++) expect(stamps[k]).toBeGreaterThan(stamps[k - 1] as number);
    expect(responses.map((r) => r.body.data.i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // The stored list agrees, and its ETag is the last creation's timestamp.
    const list = await ok({ url: `${records}?_sort=last_modified` });
    expect(list.body.data.slice(1).map((r: { i: number }) => r.i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(list.headers.get("ETag")).toBe(`"${stamps[24]}"`);
  });

  test("trailing-slash sub-request paths are followed (same method, body, headers); the final path is reported", async () => {
    const { bid, cid, records, record, rts } = await recordFixture();
    const responses = await runBatch([
      { method: "GET", path: `/buckets/${bid}/` },
      { method: "GET", path: `/v1/buckets/${bid}/collections/${cid}/` },
      { method: "PUT", path: `${records}/slashed/`, body: { data: { via: "slash" } } },
      { method: "POST", path: `${records}/`, body: { data: { via: "post-slash" } } },
      { method: "PATCH", path: `${record}/`, headers: { "If-Match": '"1"' }, body: { data: { title: "x" } } },
      { method: "DELETE", path: `${records}/slashed/` },
    ]);
    expect(statuses(responses)).toEqual([200, 200, 201, 201, 412, 200]);
    expect(responses.map((r) => r.path)).toEqual([
      `/v1/buckets/${bid}`,
      `/v1/buckets/${bid}/collections/${cid}`,
      `/v1${records}/slashed`,
      `/v1${records}`,
      `/v1${record}`,
      `/v1${records}/slashed`,
    ]);
    expect(responses[0]?.body.data.id).toBe(bid);
    expect(responses[2]?.body.data).toMatchObject({ id: "slashed", via: "slash" });
    expect(responses[3]?.body.data.via).toBe("post-slash");
    // The If-Match header followed the redirect: stale → 412, nothing written.
    expect(responses[4]?.body.details.existing.last_modified).toBe(rts);
    expect(responses[5]?.body.data).toMatchObject({ id: "slashed", deleted: true });
    const titles = (await ok({ url: records })).body.data.map((r: { title?: string; via?: string }) => r.title ?? r.via);
    expect(titles.sort()).toEqual(["hello", "post-slash"]);
  });
});

describe("authorization per sub-request", () => {
  test("sub-request headers overlay the batch Authorization: each object's write ACL names its own author", async () => {
    const { bid, cid, records } = await recordFixture();
    const [alice, bob] = [await userIdOf("alice"), await userIdOf("bob")];
    // Bob may create records in alice's collection.
    await ok({ method: "PATCH", url: `/buckets/${bid}/collections/${cid}`, body: { permissions: { "record:create": [bob] } } });
    const responses = await runBatch([
      { method: "PUT", path: `${records}/by-alice`, body: { data: {} } },
      { method: "PUT", path: `${records}/by-bob`, headers: { Authorization: AUTH.bob }, body: { data: {} } },
      { method: "PUT", path: `${records}/by-alice-2`, body: { data: {} } },
      { method: "POST", path: records, headers: { Authorization: AUTH.bob }, body: { data: { id: "by-bob-2" } } },
      // Bob cannot touch alice's record.
      { method: "PATCH", path: `${records}/by-alice`, headers: { Authorization: AUTH.bob }, body: { data: { hacked: true } } },
      // Alice (bucket owner) can touch bob's.
      { method: "PATCH", path: `${records}/by-bob`, body: { data: { edited: true } } },
    ]);
    expect(statuses(responses)).toEqual([201, 201, 201, 201, 403, 200]);
    // Permissions are only shown to a caller listed in the object's own write ACL (C06).
    const writers = async (id: string, as: "alice" | "bob" = "alice") =>
      (await ok({ url: `${records}/${id}`, as })).body.permissions.write;
    expect(await writers("by-alice")).toEqual([alice]);
    expect(await writers("by-alice-2")).toEqual([alice]);
    expect(await writers("by-bob-2", "bob")).toEqual([bob]);
    expect((await ok({ url: `${records}/by-bob-2` })).body.permissions).toEqual({});
    // PATCH by alice adds her as a writer; bob stays.
    expect((await writers("by-bob")).sort()).toEqual([alice, bob].sort());
    expect((await ok({ url: `${records}/by-alice` })).body.data.hacked).toBeUndefined();
  });

  test("an anonymous batch whose sub-request carries credentials acts as that user", async () => {
    const bid = uid("b");
    const alice = await userIdOf("alice");
    const responses = await runBatch(
      [
        { method: "PUT", path: `/buckets/${bid}`, headers: { Authorization: AUTH.alice } },
        { method: "GET", path: `/buckets/${bid}` },
      ],
      undefined,
      "anonymous",
    );
    expect(statuses(responses)).toEqual([201, 401]);
    expect(responses[0]?.body.permissions.write).toEqual([alice]);
  });

  test("an anonymous batch can create a collection and a record in a bucket open to everyone", async () => {
    const bid = uid("anon");
    await ok({ method: "PUT", url: `/buckets/${bid}`, as: "alice", body: { permissions: { write: [EVERYONE] } } });
    const responses = await runBatch(
      [
        { method: "GET", path: `/buckets/${bid}` },
        { method: "PUT", path: `/buckets/${bid}/collections/c` },
        { method: "POST", path: `/buckets/${bid}/collections/c/records`, body: { data: { by: "nobody" } } },
        { method: "GET", path: `/buckets/${bid}/collections/c/records` },
      ],
      undefined,
      "anonymous",
    );
    expect(statuses(responses)).toEqual([200, 201, 201, 200]);
    expect(responses[1]?.body).toMatchObject({ data: { id: "c" }, permissions: { write: [EVERYONE] } });
    expect(responses[3]?.body.data).toEqual([expect.objectContaining({ by: "nobody" })]);
    // Everyone holds write on the bucket: anybody may now read it.
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(200);
  });

  test("an ACL granted earlier in a batch applies to a later sub-request of another user", async () => {
    const { records, record } = await recordFixture();
    const bob = await userIdOf("bob");
    const responses = await runBatch([
      { method: "GET", path: record, headers: { Authorization: AUTH.bob } },
      { method: "PATCH", path: record, body: { permissions: { write: [bob] } } },
      { method: "PATCH", path: record, headers: { Authorization: AUTH.bob }, body: { data: { by: "bob" } } },
      { method: "GET", path: records, headers: { Authorization: AUTH.bob } },
    ]);
    expect(statuses(responses)).toEqual([403, 200, 200, 200]);
    expect(responses[2]?.body.data.by).toBe("bob");
    expect(responses[3]?.body.data).toHaveLength(1);
  });
});
