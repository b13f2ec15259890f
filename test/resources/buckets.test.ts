/** R01: bucket-specific rules — creation principals, global ids, list visibility (contract §3.3, §6.4). */
import { describe, expect, test } from "vitest";
import { EVERYONE, createBucket, ok, scenario, send, uid, userIdOf } from "./helpers";

describe("buckets", () => {
  test("bucket_create_principals (Kinto's system.Authenticated by default): authenticated callers create, anonymous get 401", async () => {
    await scenario({ name: "anon", method: "PUT", url: `/buckets/${uid("b")}`, as: "anonymous", body: {}, status: 401, errno: 104 });
    await scenario({ name: "bob", method: "POST", url: "/buckets", as: "bob", body: { data: { id: uid("b") } }, status: 201 });
  });

  test("ids are global: another user's existing bucket cannot be replaced or read", async () => {
    const bid = await createBucket("alice", { data: { owner: "alice" } });
    await scenario({ name: "read", url: `/buckets/${bid}`, as: "bob", status: 403, errno: 121 });
    await scenario({ name: "put", method: "PUT", url: `/buckets/${bid}`, as: "bob", body: { data: { owner: "bob" } }, status: 403, errno: 121 });
    await scenario({ name: "patch", method: "PATCH", url: `/buckets/${bid}`, as: "bob", body: { data: { owner: "bob" } }, status: 403, errno: 121 });
    await scenario({ name: "delete", method: "DELETE", url: `/buckets/${bid}`, as: "bob", status: 403, errno: 121 });
    // A safe create by someone who may create buckets: 412, not 403 (§6.4).
    const safe = await send({ method: "PUT", url: `/buckets/${bid}`, as: "bob", headers: { "If-None-Match": "*" }, body: {} });
    expect(safe.status).toBe(412);
    expect((await ok({ url: `/buckets/${bid}` })).body.data.owner).toBe("alice");
  });

  test("the buckets list shows the buckets the caller may read", async () => {
    const bob = await userIdOf("bob");
    const mine = await createBucket("alice");
    const shared = await createBucket("alice", { permissions: { read: [bob] } });
    const bobs = await createBucket("bob");
    const list = await ok({ url: "/buckets", as: "bob" });
    const ids = list.body.data.map((b: { id: string }) => b.id);
    expect(ids).toContain(shared);
    expect(ids).toContain(bobs);
    expect(ids).not.toContain(mine);
    for (const bucket of list.body.data) expect(bucket).not.toHaveProperty("permissions");
  });

  test("a public bucket is readable anonymously, with permissions hidden", async () => {
    const bid = await createBucket("alice", { permissions: { read: [EVERYONE] } });
    const res = await scenario({ name: "anon", url: `/buckets/${bid}`, as: "anonymous", status: 200, expectBody: { data: { id: bid }, permissions: {} } });
    expect(res.headers.get("Cache-Control")).toBe("no-cache, no-store");
  });

  test("collection:create lets another user create collections, and read the bucket", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket("alice", { permissions: { "collection:create": [bob] } });
    await scenario({ name: "create", method: "POST", url: `/buckets/${bid}/collections`, as: "bob", body: {}, status: 201 });
    await scenario({ name: "read", url: `/buckets/${bid}`, as: "bob", status: 200 });
    await scenario({ name: "write", method: "PATCH", url: `/buckets/${bid}`, as: "bob", body: { data: { a: 1 } }, status: 403 });
    await scenario({ name: "groups", method: "POST", url: `/buckets/${bid}/groups`, as: "bob", body: {}, status: 403 });
  });

  test("children under an unknown bucket → 403 for reads and collection writes", async () => {
    const ghost = uid("ghost");
    await scenario({ name: "list", url: `/buckets/${ghost}/collections`, status: 403 });
    await scenario({ name: "create", method: "PUT", url: `/buckets/${ghost}/collections/c`, body: {}, status: 403 });
    await scenario({ name: "group", method: "POST", url: `/buckets/${ghost}/groups`, body: {}, status: 403 });
  });
});
