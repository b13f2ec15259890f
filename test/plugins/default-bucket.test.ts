/**
 * G01: the default bucket (contract §10.1): the personal bucket id derivation, implicit
 * creation of the bucket and the named collection, dispatch to the real bucket (plain
 * requests and batch sub-requests), `user.bucket` in hello, and what is refused.
 */
import { describe, expect, test, vi } from "vitest";
import { type User, batch, call, expect401, expectError, hmacSha256Hex, newUser, okCall } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MAT_AUTH = "Basic bWF0OnNlY3JldA==";
const MAT_ID = "basicauth:8a931a10fc88ab2f6d1cc02a07d3a81b5d4768f6f13e85c5d8d4180419acb1b4";
const MAT_BUCKET = "ddaf8694-fa9e-2949-ed0e-77198a7907fb";

/** `8-4-4-4-12` of HMAC-SHA256(secret, user id)[0:32], computed here (§10.1). */
async function bucketIdOf(userId: string, secret = ""): Promise<string> {
  const hex = await hmacSha256Hex(secret, userId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function helloUser(user: User): Promise<{ id: string; bucket: string }> {
  return (await okCall({ url: "/", auth: user.auth })).body.user;
}

describe("bucket id (§10.1)", () => {
  test("the test vector: mat:secret with empty secrets → ddaf8694-fa9e-2949-ed0e-77198a7907fb", async () => {
    const vars = { KINTO_USERID_HMAC_SECRET: "" };
    const hello = await call({ url: "/", auth: MAT_AUTH, vars });
    expect(hello.body.user).toMatchObject({ id: MAT_ID, bucket: MAT_BUCKET });
    expect(await bucketIdOf(MAT_ID)).toBe(MAT_BUCKET);
    const bucket = await call({ url: "/buckets/default", auth: MAT_AUTH, vars });
    expect(bucket.status, bucket.text).toBe(200);
    expect(bucket.body.data.id).toBe(MAT_BUCKET);
    expect(bucket.body.permissions).toEqual({ write: [MAT_ID] });
  });

  test("default_bucket_hmac_secret is used, and never falls back to userid_hmac_secret", async () => {
    const user = await newUser("u");
    expect((await helloUser(user)).bucket).toBe(await bucketIdOf(user.id, ""));
    const vars = { KINTO_DEFAULT_BUCKET_HMAC_SECRET: "bucket-secret" };
    const hello = await call({ url: "/", auth: user.auth, vars });
    expect(hello.body.user.bucket).toBe(await bucketIdOf(user.id, "bucket-secret"));
    const bucket = await call({ url: "/buckets/default", auth: user.auth, vars });
    expect(bucket.body.data.id).toBe(await bucketIdOf(user.id, "bucket-secret"));
  });

  test("hello: user.bucket only for authenticated callers; the default_bucket capability", async () => {
    const anonymous = await okCall({ url: "/" });
    expect(anonymous.body.user).toBeUndefined();
    expect(anonymous.body.capabilities.default_bucket).toEqual({
      description: "The default bucket is an alias for a personal bucket where collections are created implicitly.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/buckets.html#personal-bucket-default",
    });
    const user = await newUser("u");
    expect((await helloUser(user)).bucket).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe("implicit creation", () => {
  test("first read of /buckets/default creates the bucket with the user as writer", async () => {
    const user = await newUser("u");
    const real = (await helloUser(user)).bucket;
    expect((await call({ url: `/buckets/${real}`, auth: user.auth })).status).toBe(403);
    const res = await okCall({ url: "/buckets/default", auth: user.auth });
    expect(res.body.data.id).toBe(real);
    expect(res.body.permissions).toEqual({ write: [user.id] });
    const direct = await okCall({ url: `/buckets/${real}`, auth: user.auth });
    expect(direct.body.data).toEqual(res.body.data);
    expect(direct.headers.get("ETag")).toBe(res.headers.get("ETag"));
  });

  test("first read below a collection creates bucket and collection", async () => {
    const user = await newUser("u");
    const real = (await helloUser(user)).bucket;
    const list = await okCall({ url: "/buckets/default/collections/tasks/records", auth: user.auth });
    expect(list.body).toEqual({ data: [] });
    const collection = await okCall({ url: `/buckets/${real}/collections/tasks`, auth: user.auth });
    expect(collection.body.data.id).toBe("tasks");
    expect(collection.body.permissions).toEqual({ write: [user.id] });
    const head = await okCall({ method: "HEAD", url: `/buckets/default/collections/tasks/records`, auth: user.auth });
    expect(head.headers.get("Total-Records")).toBe("0");
    expect(head.headers.get("ETag")).toBe(list.headers.get("ETag"));
  });

  test("first write creates what is missing; data lands in the real bucket", async () => {
    const user = await newUser("u");
    const real = (await helloUser(user)).bucket;
    const created = await call({ method: "POST", url: "/buckets/default/collections/notes/records", auth: user.auth, body: { data: { text: "hi" } } });
    expect(created.status, created.text).toBe(201);
    const rid = created.body.data.id;
    const direct = await okCall({ url: `/buckets/${real}/collections/notes/records/${rid}`, auth: user.auth });
    expect(direct.body.data).toEqual(created.body.data);
    const viaAlias = await okCall({ url: `/buckets/default/collections/notes/records/${rid}`, auth: user.auth });
    expect(viaAlias.body.data).toEqual(created.body.data);
    const patched = await okCall({ method: "PATCH", url: `/buckets/default/collections/notes/records/${rid}`, auth: user.auth, body: { data: { text: "ho" } } });
    expect(patched.body.data.text).toBe("ho");
    const deleted = await okCall({ method: "DELETE", url: `/buckets/default/collections/notes/records/${rid}`, auth: user.auth });
    expect(deleted.body.data).toMatchObject({ id: rid, deleted: true });
  });

  test("PUT on the bucket or on a collection creates it normally (201), not implicitly first", async () => {
    const user = await newUser("u");
    const bucket = await call({ method: "PUT", url: "/buckets/default", auth: user.auth, body: { data: { title: "mine" } } });
    expect(bucket.status, bucket.text).toBe(201);
    expect(bucket.body.data).toMatchObject({ id: (await helloUser(user)).bucket, title: "mine" });
    const collection = await call({ method: "PUT", url: "/buckets/default/collections/fresh", auth: user.auth, body: { data: { a: 1 } } });
    expect(collection.status, collection.text).toBe(201);
    expect(collection.body.data).toMatchObject({ id: "fresh", a: 1 });
  });

  test("a data.id of `default` is replaced by the real bucket id", async () => {
    const user = await newUser("u");
    const res = await call({ method: "PUT", url: "/buckets/default", auth: user.auth, body: { data: { id: "default" } } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.id).toBe((await helloUser(user)).bucket);
  });

  test("existing objects are left untouched", async () => {
    const user = await newUser("u");
    const other = await newUser("other");
    const real = (await helloUser(user)).bucket;
    await okCall({ method: "PUT", url: "/buckets/default", auth: user.auth, body: { data: { title: "mine" }, permissions: { read: [other.id] } } });
    await okCall({ method: "PUT", url: "/buckets/default/collections/tasks", auth: user.auth, body: { data: { title: "tasks" } } });
    await okCall({ method: "PUT", url: "/buckets/default/collections/tasks/records/r1", auth: user.auth, body: { data: { n: 1 } } });
    const bucketBefore = await okCall({ url: `/buckets/${real}`, auth: user.auth });
    const collectionBefore = await okCall({ url: `/buckets/${real}/collections/tasks`, auth: user.auth });
    const collectionsEtag = (await okCall({ url: `/buckets/${real}/collections`, auth: user.auth })).headers.get("ETag");

    await okCall({ url: "/buckets/default/collections/tasks/records", auth: user.auth });
    await okCall({ method: "POST", url: "/buckets/default/collections/tasks/records", auth: user.auth, body: { data: { n: 2 } } });
    await okCall({ url: "/buckets/default", auth: user.auth });

    const bucketAfter = await okCall({ url: `/buckets/${real}`, auth: user.auth });
    expect(bucketAfter.body).toEqual(bucketBefore.body);
    const collectionAfter = await okCall({ url: `/buckets/${real}/collections/tasks`, auth: user.auth });
    expect(collectionAfter.body).toEqual(collectionBefore.body);
    expect((await okCall({ url: `/buckets/${real}/collections`, auth: user.auth })).headers.get("ETag")).toBe(collectionsEtag);
    expect((await okCall({ url: `/buckets/${real}/collections/tasks/records`, auth: user.auth })).body.data).toHaveLength(2);
    // The reader given access to the real bucket keeps it.
    expect((await call({ url: `/buckets/${real}`, auth: other.auth })).status).toBe(200);
  });

  test("DELETE /buckets/default deletes the real bucket; the next use recreates it empty", async () => {
    const user = await newUser("u");
    const real = (await helloUser(user)).bucket;
    await okCall({ method: "PUT", url: "/buckets/default/collections/tasks/records/r1", auth: user.auth, body: { data: { n: 1 } } });
    const deleted = await okCall({ method: "DELETE", url: "/buckets/default", auth: user.auth });
    expect(deleted.body.data).toMatchObject({ id: real, deleted: true });
    const list = await okCall({ url: "/buckets/default/collections/tasks/records", auth: user.auth });
    expect(list.body.data).toEqual([]);
  });
});

describe("refusals", () => {
  test.each([
    { method: "GET", url: "/buckets/default" },
    { method: "PUT", url: "/buckets/default", body: {} },
    { method: "GET", url: "/buckets/default/collections/tasks" },
    { method: "GET", url: "/buckets/default/collections/tasks/records" },
    { method: "POST", url: "/buckets/default/collections/tasks/records", body: { data: {} } },
    { method: "DELETE", url: "/buckets/default/collections/tasks/records/r1" },
  ])("anonymous $method $url → 401", async ({ method, url, body }) => {
    expect401(await call({ method, url, body }));
  });

  test.each(["__bad__", "with.dot", "%C3%A9"])("invalid collection id %s → 400 `Invalid collection id`", async (cid) => {
    const user = await newUser("u");
    const res = await call({ url: `/buckets/default/collections/${cid}/records`, auth: user.auth });
    expectError(res, 400, 107, cid);
    expect(res.body.details).toEqual([expect.objectContaining({ location: "path", description: "Invalid collection id" })]);
    const real = (await helloUser(user)).bucket;
    // Nothing was created for the bad path: the bucket does not exist yet.
    expect((await call({ url: `/buckets/${real}`, auth: user.auth })).status).toBe(403);
  });

  test("OPTIONS preflight needs no authentication", async () => {
    const res = await call({
      method: "OPTIONS",
      url: "/buckets/default/collections/tasks/records",
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  test("another user's real bucket stays closed", async () => {
    const user = await newUser("u");
    const other = await newUser("other");
    const real = (await okCall({ url: "/buckets/default", auth: user.auth })).body.data.id;
    expect((await call({ url: `/buckets/${real}`, auth: other.auth })).status).toBe(403);
    expect((await okCall({ url: "/buckets/default", auth: other.auth })).body.data.id).not.toBe(real);
  });
});

describe("batch", () => {
  test("sub-requests on /buckets/default create implicitly and reach the real bucket", async () => {
    const user = await newUser("u");
    const real = (await helloUser(user)).bucket;
    const res = await batch(user.auth, [
      { method: "PUT", path: "/buckets/default/collections/tasks/records/r1", body: { data: { title: "one" } } },
      { method: "POST", path: "/buckets/default/collections/tasks/records", body: { data: { title: "two" } } },
      { method: "GET", path: "/buckets/default/collections/tasks/records" },
      { method: "GET", path: "/buckets/default" },
      { method: "PUT", path: "/buckets/default/collections/other/records/r2", body: { data: {} } },
    ]);
    const responses = res.body.responses;
    expect(responses.map((r: { status: number }) => r.status)).toEqual([201, 201, 200, 200, 201]);
    expect(responses[2].body.data.map((r: { title: string }) => r.title).sort()).toEqual(["one", "two"]);
    expect(responses[3].body.data.id).toBe(real);
    // Paths are echoed as sent, with /v1 and `default` (Kinto's batch does not show the rewrite).
    expect(responses.map((r: { path: string }) => r.path)).toEqual([
      "/v1/buckets/default/collections/tasks/records/r1",
      "/v1/buckets/default/collections/tasks/records",
      "/v1/buckets/default/collections/tasks/records",
      "/v1/buckets/default",
      "/v1/buckets/default/collections/other/records/r2",
    ]);
    const direct = await okCall({ url: `/buckets/${real}/collections/tasks/records`, auth: user.auth });
    expect(direct.body.data).toHaveLength(2);
    expect((await okCall({ url: `/buckets/${real}/collections/other/records/r2`, auth: user.auth })).body.data.id).toBe("r2");
  });

  test("batch defaults pointing at the default bucket; anonymous sub-requests → 401", async () => {
    const user = await newUser("u");
    const res = await batch(
      user.auth,
      [{ body: { data: { id: "a" } } }, { body: { data: { id: "b" } } }, { headers: { Authorization: "" }, body: { data: { id: "c" } } }],
      { method: "POST", path: "/buckets/default/collections/items/records" },
    );
    expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual([201, 201, 401]);
  });
});

describe("one bucket per user", () => {
  test("two users get distinct buckets, stable across requests", async () => {
    const [a, b] = [await newUser("a"), await newUser("b")];
    const ids = new Set<string>();
    for (const user of [a, b, a, b]) ids.add((await okCall({ url: "/buckets/default", auth: user.auth })).body.data.id);
    expect(ids.size).toBe(2);
  });
});
