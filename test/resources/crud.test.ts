/**
 * R01, R03, R05, R06–R08, R11, R13: the generic CRUD behaviour, run for each of the four core
 * kinds (contract §3.1, §3.2). Kind-specific rules live in buckets/collections/groups/records tests.
 */
import { describe, expect, test } from "vitest";
import {
  EVERYONE,
  NAME_ID,
  UUID4,
  createBucket,
  createCollection,
  etagOf,
  ok,
  scenario,
  send,
  uid,
  userIdOf,
} from "./helpers";

interface Kind {
  name: "bucket" | "collection" | "group" | "record";
  /** Creates a fresh parent (if any) and returns the plural URL. */
  list(): Promise<string>;
  idPattern: RegExp;
  permissions: string[];
  foreignPermission: string;
  /** Fields the server adds to every object of this kind. */
  defaults: Record<string, unknown>;
}

const KINDS: Kind[] = [
  {
    name: "bucket",
    list: async () => "/buckets",
    idPattern: NAME_ID,
    permissions: ["read", "write", "collection:create", "group:create"],
    foreignPermission: "record:create",
    defaults: {},
  },
  {
    name: "collection",
    list: async () => `/buckets/${await createBucket()}/collections`,
    idPattern: NAME_ID,
    permissions: ["read", "write", "record:create"],
    foreignPermission: "collection:create",
    defaults: {},
  },
  {
    name: "group",
    list: async () => `/buckets/${await createBucket()}/groups`,
    idPattern: NAME_ID,
    permissions: ["read", "write"],
    foreignPermission: "record:create",
    defaults: { members: [] },
  },
  {
    name: "record",
    list: async () => {
      const bid = await createBucket();
      return `/buckets/${bid}/collections/${await createCollection(bid)}/records`;
    },
    idPattern: UUID4,
    permissions: ["read", "write"],
    foreignPermission: "record:create",
    defaults: {},
  },
];

describe.each(KINDS)("$name", (kind) => {
  test("POST without id → 201 with a generated id; creator joins write", async () => {
    const list = await kind.list();
    const alice = await userIdOf("alice");
    const res = await scenario({
      name: "post",
      method: "POST",
      url: list,
      body: { data: { title: "t" } },
      status: 201,
      expectBody: { data: { title: "t", ...kind.defaults }, permissions: { write: [alice] } },
    });
    expect(res.body.data.id).toMatch(kind.idPattern);
    expect(res.body.data.last_modified).toEqual(expect.any(Number));
    const again = await ok({ method: "POST", url: list, body: { data: {} } });
    expect(again.body.data.id).toMatch(kind.idPattern);
    expect(again.body.data.id).not.toBe(res.body.data.id);
    const read = await ok({ url: `${list}/${res.body.data.id}` });
    expect(read.body.data).toEqual(res.body.data);
  });

  test("POST with a chosen id → 201; the same id again → 200 with the object unchanged", async () => {
    const list = await kind.list();
    const id = uid("x");
    const created = await scenario({
      name: "create",
      method: "POST",
      url: list,
      body: { data: { id, v: 1 } },
      status: 201,
      expectBody: { data: { id, v: 1 } },
    });
    const again = await scenario({
      name: "again",
      method: "POST",
      url: list,
      body: { data: { id, v: 2, other: true } },
      status: 200,
    });
    expect(again.body.data).toEqual(created.body.data);
    expect(again.headers.get("ETag")).toBe(`"${created.body.data.last_modified}"`);
    expect((await ok({ url: `${list}/${id}` })).body.data.v).toBe(1);
  });

  test("anonymous POST → 401 (Kinto's default create principals); a bucket POST without id gets a generated one", async () => {
    const list = await kind.list();
    const res = await send({ method: "POST", url: list, as: "anonymous", body: { data: {} } });
    expect(res.status).toBe(401);
    expect(res.body.errno).toBe(104);
    if (kind.name !== "bucket") return;
    const created = await scenario({ name: "alice", method: "POST", url: "/buckets", body: {}, status: 201 });
    expect(created.body.data.id).toMatch(NAME_ID);
  });

  test.each([
    { id: "__x__" },
    { id: "foo.bar" },
    { id: "é" },
    { id: "-leading-dash" },
    { id: "" },
    { id: 42 },
    { id: null },
    { id: ["a"] },
  ])("POST with invalid id $id → 400 Invalid object id", async ({ id }) => {
    const list = await kind.list();
    await scenario({
      name: "invalid",
      method: "POST",
      url: list,
      body: { data: { id } },
      status: 400,
      errno: 107,
      expectBody: { details: [{ location: "path", name: "id", description: "Invalid object id" }] },
    });
  });

  test("PUT creates (201), then replaces (200): fields not sent are gone", async () => {
    const list = await kind.list();
    const url = `${list}/${uid("p")}`;
    const created = await scenario({
      name: "create",
      method: "PUT",
      url,
      body: { data: { a: 1, b: 2 } },
      status: 201,
      expectBody: { data: { a: 1, b: 2 } },
    });
    const replaced = await scenario({
      name: "replace",
      method: "PUT",
      url,
      body: { data: { c: 3 } },
      status: 200,
      expectBody: { data: { c: 3 } },
    });
    expect(replaced.body.data).not.toHaveProperty("a");
    expect(replaced.body.data).not.toHaveProperty("b");
    expect(replaced.body.data.last_modified).toBeGreaterThan(created.body.data.last_modified);
    const read = await ok({ url });
    expect(read.body.data).toEqual(replaced.body.data);
  });

  test("PUT without data keeps the data and replaces the permissions", async () => {
    const list = await kind.list();
    const url = `${list}/${uid("p")}`;
    const alice = await userIdOf("alice");
    await ok({ method: "PUT", url, body: { data: { keep: "me" } } });
    const res = await scenario({
      name: "perms",
      method: "PUT",
      url,
      body: { permissions: { read: [EVERYONE] } },
      status: 200,
      expectBody: { data: { keep: "me" }, permissions: { read: [EVERYONE], write: [alice] } },
    });
    expect((await ok({ url })).body.data).toEqual(res.body.data);
  });

  test("PUT with data.id equal to the URL id is fine; different → 400", async () => {
    const list = await kind.list();
    const id = uid("p");
    await scenario({ name: "same", method: "PUT", url: `${list}/${id}`, body: { data: { id } }, status: 201 });
    await scenario({
      name: "mismatch",
      method: "PUT",
      url: `${list}/${id}`,
      body: { data: { id: "other" } },
      status: 400,
      errno: 107,
      expectBody: { details: [{ location: "body", name: "id", description: "Object id does not match existing object" }] },
    });
  });

  test("a non-integer data.last_modified is dropped", async () => {
    const list = await kind.list();
    const res = await scenario({
      name: "drop",
      method: "POST",
      url: list,
      body: { data: { last_modified: "yesterday", x: 1 } },
      status: 201,
    });
    expect(res.body.data.last_modified).toEqual(expect.any(Number));
    expect(res.body.data.last_modified).toBeGreaterThan(1_500_000_000_000);
  });

  test("DELETE answers a tombstone; the object is gone; _since shows the tombstone", async () => {
    const list = await kind.list();
    const id = uid("d");
    await ok({ method: "PUT", url: `${list}/${id}`, body: { data: { a: 1 } } });
    const del = await scenario({
      name: "delete",
      method: "DELETE",
      url: `${list}/${id}`,
      status: 200,
      expectBody: { data: { id, deleted: true } },
      absent: ["permissions"],
    });
    expect(Object.keys(del.body.data).sort()).toEqual(["deleted", "id", "last_modified"]);
    if (kind.name === "bucket") {
      // The bucket's ACL died with it and nothing above grants read: 403, not 404 (§6.4).
      await scenario({ name: "gone", url: `${list}/${id}`, status: 403, errno: 121 });
    } else {
      await scenario({
        name: "gone",
        url: `${list}/${id}`,
        status: 404,
        errno: 110,
        expectBody: { details: { id, resource_name: kind.name } },
      });
      await scenario({ name: "again", method: "DELETE", url: `${list}/${id}`, status: 404, errno: 110 });
    }
    const live = await ok({ url: list });
    expect(live.body.data.map((o: { id: string }) => o.id)).not.toContain(id);
    if (kind.name !== "bucket") {
      const since = await ok({ url: `${list}?_since=0` });
      expect(since.body.data).toContainEqual(del.body.data);
    }
    // Recreating the id replaces the tombstone.
    await scenario({ name: "recreate", method: "PUT", url: `${list}/${id}`, body: { data: { b: 2 } }, status: 201 });
    const read = await ok({ url: `${list}/${id}` });
    expect(read.body.data).not.toHaveProperty("a");
    expect(read.body.data).not.toHaveProperty("deleted");
  });

  test("DELETE ?last_modified= forces the tombstone timestamp only when greater", async () => {
    const list = await kind.list();
    const id = uid("d");
    const created = await ok({ method: "PUT", url: `${list}/${id}`, body: {} });
    const forced = created.body.data.last_modified + 10_000;
    const del = await ok({ method: "DELETE", url: `${list}/${id}?last_modified=${forced}` });
    expect(del.body.data.last_modified).toBe(forced);
    expect(del.headers.get("ETag")).toBe(`"${forced}"`);

    const other = uid("d");
    const second = await ok({ method: "PUT", url: `${list}/${other}`, body: {} });
    const ignored = await ok({ method: "DELETE", url: `${list}/${other}?last_modified=1000` });
    expect(ignored.body.data.last_modified).toBeGreaterThan(second.body.data.last_modified);
  });

  test.each(["GET", "PUT", "PATCH", "DELETE"])("%s on an invalid id → 400 where the caller may act", async (method) => {
    const list = await kind.list();
    if (kind.name === "bucket" && method !== "PUT") {
      // Nobody holds permissions on a bucket that cannot exist: 403 before the id check (§3.2).
      const res = await send({ method, url: `${list}/__x__`, body: method === "PATCH" ? { data: {} } : undefined });
      expect(res.status).toBe(403);
      return;
    }
    for (const id of ["__x__", "foo.bar", "%C3%A9"]) {
      const body = method === "PUT" || method === "PATCH" ? { data: { a: 1 } } : undefined;
      await scenario({
        name: id,
        method,
        url: `${list}/${id}`,
        ...(body ? { body } : {}),
        status: 400,
        errno: 107,
        expectBody: { details: [{ location: "path", name: "id", description: "Invalid object id" }] },
      });
    }
  });

  test("permission names are validated", async () => {
    const list = await kind.list();
    await scenario({
      name: "foreign",
      method: "POST",
      url: list,
      body: { permissions: { [kind.foreignPermission]: [EVERYONE] } },
      status: 400,
      errno: 107,
    });
    await scenario({
      name: "unknown",
      method: "PUT",
      url: `${list}/${uid("p")}`,
      body: { permissions: { destroy: [EVERYONE] } },
      status: 400,
      errno: 107,
    });
    const all = Object.fromEntries(kind.permissions.map((name) => [name, ["basicauth:someone"]]));
    const res = await scenario({ name: "all", method: "POST", url: list, body: { permissions: all }, status: 201 });
    for (const name of kind.permissions) expect(res.body.permissions[name]).toContain("basicauth:someone");
  });

  test("list ETag moves with each write of the list", async () => {
    const list = await kind.list();
    const before = etagOf(await ok({ url: list }));
    const created = await ok({ method: "POST", url: list, body: {} });
    const after = etagOf(await ok({ url: list }));
    expect(after).toBeGreaterThan(before);
    expect(after).toBe(created.body.data.last_modified);
  });
});
