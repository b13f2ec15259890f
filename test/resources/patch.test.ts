/** R09/R10: the three PATCH flavours and `Response-Behavior` (contract §3.1.6, §3.7, Appendix D). */
import { describe, expect, test } from "vitest";
import { EVERYONE, fill, ok, recordFixture, scenario, send, userIdOf, type Scenario } from "./helpers";

const MERGE = { "Content-Type": "application/merge-patch+json" };
const JSON_PATCH = { "Content-Type": "application/json-patch+json" };

/** The record `{url}` holds `{title: "hello", a: 1, nested: {x: 1, y: {z: 2}}, tags: ["a", "b"]}`. */
const INITIAL = { title: "hello", a: 1, nested: { x: 1, y: { z: 2 } }, tags: ["a", "b"] };

interface Row extends Scenario {
  /** The full stored data afterwards (without id / last_modified). */
  stored?: Record<string, unknown>;
}

const rows: Row[] = [
  // application/json: shallow merge
  {
    name: "json: top-level keys replace, sub-objects replaced whole, null stored as null",
    method: "PATCH", url: "{url}", body: { data: { a: 2, nested: { x: 9 }, extra: null } }, status: 200,
    stored: { title: "hello", a: 2, nested: { x: 9 }, tags: ["a", "b"], extra: null },
  },
  {
    name: "json: permissions only leaves data unchanged",
    method: "PATCH", url: "{url}", body: { permissions: { read: [EVERYONE] } }, status: 200,
    stored: INITIAL,
    expectBody: { permissions: { read: [EVERYONE] } },
  },
  // merge-patch
  {
    name: "merge-patch: recursive merge, null removes at any depth, arrays replaced",
    method: "PATCH", url: "{url}", headers: MERGE,
    body: { data: { a: null, nested: { y: { z: null, w: 3 }, n: {} }, tags: ["c"] } }, status: 200,
    stored: { title: "hello", nested: { x: 1, y: { w: 3 }, n: {} }, tags: ["c"] },
  },
  {
    name: "merge-patch: removing an absent key is a no-op",
    method: "PATCH", url: "{url}", headers: MERGE, body: { data: { nope: null } }, status: 200,
    stored: INITIAL,
  },
  // json-patch on data
  {
    name: "json-patch: add / replace / remove / copy / move on /data",
    method: "PATCH", url: "{url}", headers: JSON_PATCH,
    body: [
      { op: "add", path: "/data/b", value: 2 },
      { op: "replace", path: "/data/title", value: "bye" },
      { op: "remove", path: "/data/a" },
      { op: "add", path: "/data/tags/1", value: "z" },
      { op: "copy", from: "/data/nested/x", path: "/data/x2" },
      { op: "move", from: "/data/nested/y", path: "/data/y" },
    ],
    status: 200,
    stored: { title: "bye", b: 2, nested: { x: 1 }, tags: ["a", "z", "b"], x2: 1, y: { z: 2 } },
  },
  {
    name: "json-patch: a successful test op",
    method: "PATCH", url: "{url}", headers: JSON_PATCH,
    body: [{ op: "test", path: "/data/a", value: 1 }, { op: "replace", path: "/data/a", value: 5 }],
    status: 200,
    stored: { ...INITIAL, a: 5 },
  },
  {
    name: "json-patch: a failed test → 400 and nothing applied",
    method: "PATCH", url: "{url}", headers: JSON_PATCH,
    body: [{ op: "replace", path: "/data/a", value: 5 }, { op: "test", path: "/data/a", value: 99 }],
    status: 400, errno: 107, expectBody: { message: expect.stringContaining("JSON Patch operation failed") },
    stored: INITIAL,
  },
  {
    name: "json-patch: removing a missing path → 400",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: [{ op: "remove", path: "/data/missing" }],
    status: 400, errno: 107, stored: INITIAL,
  },
  {
    name: "json-patch: an unknown op → 400",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: [{ op: "frobnicate", path: "/data/a" }],
    status: 400, errno: 107, stored: INITIAL,
  },
  {
    name: "json-patch: an object body (not an array) → 400",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: { data: { a: 1 } },
    status: 400, errno: 107, stored: INITIAL,
  },
  {
    name: "json-patch: changing /data/id → 400",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: [{ op: "replace", path: "/data/id", value: "other" }],
    status: 400, errno: 107, stored: INITIAL,
  },
  {
    name: "json-patch: a path under an unknown permission → 400",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: [{ op: "add", path: "/permissions/destroy/me" }],
    status: 400, errno: 107, stored: INITIAL,
  },
  {
    name: "json-patch: an add outside /data and /permissions changes nothing visible (Appendix D.10)",
    method: "PATCH", url: "{url}", headers: JSON_PATCH, body: [{ op: "add", path: "/elsewhere", value: 1 }],
    status: 200, stored: INITIAL,
  },
  // Empty patches and ids
  {
    name: "PATCH {} → 400 Provide at least one of data or permissions",
    method: "PATCH", url: "{url}", body: {}, status: 400, errno: 107,
    expectBody: { message: "Provide at least one of data or permissions", details: [expect.objectContaining({ name: "data" })] },
    stored: INITIAL,
  },
  {
    name: "PATCH {data: {}} → 200, a no-op that still bumps last_modified",
    method: "PATCH", url: "{url}", body: { data: {} }, status: 200, stored: INITIAL,
  },
  {
    name: "PATCH with an empty body → 400",
    method: "PATCH", url: "{url}", status: 400, errno: 107,
    expectBody: { message: "Provide at least one of data or permissions" },
  },
  {
    name: "merge-patch {} → 400",
    method: "PATCH", url: "{url}", headers: MERGE, body: {}, status: 400, errno: 107,
    expectBody: { message: "Provide at least one of data or permissions" },
  },
  {
    name: "PATCH data.id equal to the URL id is fine",
    method: "PATCH", url: "{url}", body: { data: { id: "{rid}", a: 3 } }, status: 200,
    stored: { ...INITIAL, a: 3 },
  },
  {
    name: "PATCH data.id different → 400",
    method: "PATCH", url: "{url}", body: { data: { id: "other" } }, status: 400, errno: 107,
    expectBody: { details: [expect.objectContaining({ name: "id", description: "Object id does not match existing object" })] },
    stored: INITIAL,
  },
  {
    name: "PATCH data as a list → 400",
    method: "PATCH", url: "{url}", body: { data: [1] }, status: 400, errno: 107, stored: INITIAL,
  },
];

describe("PATCH flavours", () => {
  test.each(rows)("$name", async (row) => {
    const { record, rid } = await recordFixture();
    const initial = await ok({ method: "PUT", url: record, body: { data: INITIAL } });
    const res = await scenario(fill(row, { url: record, rid }));
    const after = await ok({ url: record });
    if (row.stored) {
      const { id, last_modified: _lastModified, ...data } = after.body.data;
      expect(id).toBe(rid);
      expect(data).toEqual(row.stored);
    }
    if (res.status === 200) {
      expect(res.body.data).toEqual(after.body.data);
      // PATCH always bumps last_modified, even when nothing changed.
      expect(after.body.data.last_modified).toBeGreaterThan(initial.body.data.last_modified);
    } else {
      expect(after.body.data.last_modified).toBe(initial.body.data.last_modified);
    }
  });
});

describe("PATCH permissions", () => {
  test("json-patch adds and removes one principal without a value (kinto-http.js)", async () => {
    const { record } = await recordFixture();
    const alice = await userIdOf("alice");
    const added = await ok({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      body: [
        { op: "add", path: "/permissions/read/system.Everyone" },
        { op: "add", path: "/permissions/write/basicauth:bob" },
      ],
    });
    expect(added.body.permissions.read).toEqual([EVERYONE]);
    expect(added.body.permissions.write).toEqual(expect.arrayContaining([alice, "basicauth:bob"]));
    expect((await send({ url: record, as: "anonymous" })).status).toBe(200);

    const removed = await ok({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      body: [{ op: "remove", path: "/permissions/read/system.Everyone" }],
    });
    expect(removed.body.permissions.read ?? []).toEqual([]);
    expect((await send({ url: record, as: "anonymous" })).status).toBe(401);
  });

  test("json-patch: a group URI principal is escaped with ~1", async () => {
    const { bid, record } = await recordFixture();
    const principal = `/buckets/${bid}/groups/g`;
    const res = await ok({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      // `write` already exists (creator rule): this isolates the escaping.
      body: [{ op: "add", path: `/permissions/write/${principal.replace(/\//g, "~1")}` }],
    });
    expect(res.body.permissions.write).toContain(principal);
  });

  test("json-patch: test on a principal", async () => {
    const { record } = await recordFixture();
    await ok({ method: "PATCH", url: record, body: { permissions: { read: ["basicauth:x"] } } });
    const present = await send({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      body: [{ op: "test", path: "/permissions/read/basicauth:x" }, { op: "add", path: "/data/ok", value: true }],
    });
    expect(present.status).toBe(200);
    const absent = await send({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      body: [{ op: "test", path: "/permissions/read/basicauth:y", value: "basicauth:y" }],
    });
    expect(absent.status).toBe(400);
  });

  test("json-patch: add /permissions/read with an array replaces that permission", async () => {
    const { record } = await recordFixture();
    await ok({ method: "PATCH", url: record, body: { permissions: { read: ["basicauth:x"] } } });
    const res = await ok({
      method: "PATCH",
      url: record,
      headers: JSON_PATCH,
      body: [{ op: "add", path: "/permissions/read", value: ["basicauth:y", "basicauth:z"] }],
    });
    expect(res.body.permissions.read).toEqual(["basicauth:y", "basicauth:z"]);
  });
});

describe("Response-Behavior", () => {
  const cases: (Scenario & { expected?: Record<string, unknown> })[] = [
    {
      name: "full (default) → the whole object with permissions",
      method: "PATCH", url: "{url}", body: { data: { a: 1, b: 3, c: 4 } }, status: 200,
      expectBody: { data: { id: "{rid}", title: "hello", a: 1, b: 3, c: 4 }, permissions: { write: expect.any(Array) } },
    },
    {
      name: "full explicitly",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "full" }, body: { data: { b: 3 } }, status: 200,
      expectBody: { data: { title: "hello", a: 1, b: 3 }, permissions: { write: expect.any(Array) } },
    },
    {
      name: "light → only the sent keys whose value changed, no permissions",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "light" }, body: { data: { a: 1, b: 3, c: 4 } }, status: 200,
      expected: { b: 3, c: 4 }, absent: ["permissions"],
    },
    {
      name: "diff with plain JSON → nothing differs from what was sent",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "diff" }, body: { data: { a: 1, b: 3, c: 4 } }, status: 200,
      expected: {}, absent: ["permissions"],
    },
    {
      name: "light with merge-patch → the changed keys with their stored values",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "light", ...MERGE }, body: { data: { d: { x: 1 }, a: 1, f: 5 } }, status: 200,
      expected: { d: { y: 2, x: 1 }, f: 5 }, absent: ["permissions"],
    },
    {
      name: "diff with merge-patch → only keys whose stored value differs from the sent one",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "diff", ...MERGE }, body: { data: { d: { x: 1 }, a: 1, f: 5 } }, status: 200,
      expected: { d: { y: 2, x: 1 } }, absent: ["permissions"],
    },
    {
      name: "invalid value → 400",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "minimal" }, body: { data: { b: 3 } }, status: 400, errno: 107,
    },
    {
      name: "values are case-sensitive: LIGHT → 400",
      method: "PATCH", url: "{url}", headers: { "Response-Behavior": "LIGHT" }, body: { data: { b: 3 } }, status: 400, errno: 107,
    },
  ];

  test.each(cases)("$name", async ({ expected, ...row }) => {
    const { record, rid } = await recordFixture();
    await ok({ method: "PUT", url: record, body: { data: { title: "hello", a: 1, b: 2, d: { y: 2 } } } });
    const res = await scenario(fill(row, { url: record, rid }));
    if (expected) expect(res.body).toEqual({ data: expected });
    if (res.status === 200) {
      // Whatever the behaviour, the stored object and the ETag are the full new version.
      const after = await ok({ url: record });
      expect(res.headers.get("ETag")).toBe(`"${after.body.data.last_modified}"`);
    }
  });
});
