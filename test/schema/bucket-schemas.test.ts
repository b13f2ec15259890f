/** R15: a bucket's `record:schema`, `collection:schema` and `group:schema` (contract §3.3–3.6). */
import { describe, expect, test } from "vitest";
import { createBucket, ok, send, uid } from "../resources/helpers";
import { ARTICLE, expectSchemaError, recordIds, schemaFixture } from "./helpers";

const FIELDS = ["record:schema", "collection:schema", "group:schema"] as const;

describe("the bucket's `<resource>:schema` fields must be JSON schemas", () => {
  const cases = FIELDS.flatMap((field) => [
    { field, name: "{type: 42}", value: { type: 42 } as unknown },
    { field, name: "`required` not a list", value: { required: "x" } as unknown },
    { field, name: "a string", value: "object" as unknown },
  ]);

  test.each(cases)("$field = $name → 400 on create, nothing stored", async ({ field, value }) => {
    const bid = uid("b");
    const res = await send({ method: "PUT", url: `/buckets/${bid}`, body: { data: { [field]: value } } });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
    expect(res.body.details.some((d: { name: string }) => String(d.name).includes(field))).toBe(true);
    expect((await send({ url: `/buckets/${bid}` })).status).toBe(403);
  });

  test.each(FIELDS)("%s: an invalid schema cannot be PATCHed in; a valid one can", async (field) => {
    const bid = await createBucket();
    expect((await send({ method: "PATCH", url: `/buckets/${bid}`, body: { data: { [field]: { type: 42 } } } })).status).toBe(400);
    expect((await ok({ url: `/buckets/${bid}` })).body.data[field]).toBeUndefined();
    const patched = await ok({ method: "PATCH", url: `/buckets/${bid}`, body: { data: { [field]: { type: "object" } } } });
    expect(patched.body.data[field]).toEqual({ type: "object" });
  });

  test("other bucket fields are free-form", async () => {
    const bid = await createBucket("alice", { data: { "thing:schema": { type: 42 }, schema: 3 } });
    expect((await ok({ url: `/buckets/${bid}` })).body.data).toMatchObject({ "thing:schema": { type: 42 }, schema: 3 });
  });
});

describe("record:schema", () => {
  const OWNED = { type: "object", properties: { owner: { type: "string" } }, required: ["owner"] };

  test("validates the records of every collection of the bucket", async () => {
    const { bid, records } = await schemaFixture(undefined, { "record:schema": OWNED });
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { title: "x" } } }), "owner");
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { owner: 1 } } }), "owner");
    const ok1 = await ok({ method: "POST", url: records, body: { data: { owner: "me" } } });
    // No collection schema: no version stamp.
    expect(ok1.body.data.schema).toBeUndefined();
    // Another collection of the same bucket is subject to it too.
    const other = `/buckets/${bid}/collections/other`;
    await ok({ method: "PUT", url: other });
    expectSchemaError(await send({ method: "PUT", url: `${other}/records/r`, body: { data: {} } }), "owner");
  });

  test("applies after the collection schema: both must pass; the record is stamped with the collection version", async () => {
    const { records, version } = await schemaFixture(ARTICLE, { "record:schema": OWNED });
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { owner: "me" } } }), "title");
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { title: "t" } } }), "owner");
    const created = await ok({ method: "POST", url: records, body: { data: { title: "t", owner: "me" } } });
    expect(created.body.data.schema).toBe(version);
    expect((await ok({ url: records })).body.data).toHaveLength(1);
  });

  test("ignores `id`, `last_modified` and the `schema` stamp (additionalProperties: false)", async () => {
    const strict = { ...OWNED, additionalProperties: false };
    const { records, version } = await schemaFixture({ type: "object" }, { "record:schema": strict });
    const created = await send({ method: "PUT", url: `${records}/r1`, body: { data: { owner: "me", last_modified: 1_600_000_000_000 } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ id: "r1", owner: "me", schema: version });
    // Updating the stored record (which now carries id, last_modified and schema) still passes.
    const patched = await send({ method: "PATCH", url: `${records}/r1`, body: { data: { owner: "you" } } });
    expect(patched.status, patched.text).toBe(200);
    // A `schema` value sent by the client is an ignored field as well.
    const sent = await send({ method: "POST", url: records, body: { data: { owner: "me", schema: 12 } } });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body.data.schema).toBe(version);
  });

  test("adding record:schema later does not touch existing records but applies to their next write", async () => {
    const { bid, records } = await schemaFixture();
    await ok({ method: "PUT", url: `${records}/legacy`, body: { data: { title: "no owner" } } });
    await ok({ method: "PATCH", url: `/buckets/${bid}`, body: { data: { "record:schema": OWNED } } });
    expect((await ok({ url: `${records}/legacy` })).body.data.title).toBe("no owner");
    expectSchemaError(await send({ method: "PATCH", url: `${records}/legacy`, body: { data: { title: "still none" } } }), "owner");
    expect((await ok({ url: `${records}/legacy` })).body.data.title).toBe("no owner");
  });

  test("an unresolvable `$ref` in record:schema → 400, detail name `schema`", async () => {
    const { records } = await schemaFixture(undefined, { "record:schema": { $ref: "#/definitions/nowhere" } });
    expectSchemaError(await send({ method: "POST", url: records, body: { data: {} } }), "schema");
    expect(await recordIds(records)).toEqual([]);
  });
});

describe("collection:schema", () => {
  const KINDED = { type: "object", properties: { kind: { enum: ["blog", "wiki"] } }, required: ["kind"] };

  test("validates the collections of the bucket (create, replace, patch)", async () => {
    const bid = await createBucket("alice", { data: { "collection:schema": KINDED } });
    const url = `/buckets/${bid}/collections/c1`;
    expectSchemaError(await send({ method: "PUT", url, body: { data: {} } }), "kind");
    expectSchemaError(await send({ method: "PUT", url, body: { data: { kind: "forum" } } }), "kind");
    expectSchemaError(await send({ method: "POST", url: `/buckets/${bid}/collections`, body: { data: { id: "c2" } } }), "kind");
    expect((await ok({ url: `/buckets/${bid}/collections` })).body.data).toEqual([]);
    expect((await send({ method: "PUT", url, body: { data: { kind: "blog" } } })).status).toBe(201);
    expectSchemaError(await send({ method: "PATCH", url, body: { data: { kind: "forum" } } }), "kind");
    expect((await ok({ url })).body.data.kind).toBe("blog");
  });

  test("ignores `id` and `last_modified` (additionalProperties: false)", async () => {
    const strict = { type: "object", properties: { kind: { type: "string" } }, additionalProperties: false };
    const bid = await createBucket("alice", { data: { "collection:schema": strict } });
    const res = await send({ method: "PUT", url: `/buckets/${bid}/collections/c1`, body: { data: { id: "c1", kind: "x" } } });
    expect(res.status, res.text).toBe(201);
    expect((await send({ method: "PATCH", url: `/buckets/${bid}/collections/c1`, body: { data: { kind: "y" } } })).status).toBe(200);
    expectSchemaError(
      await send({ method: "PATCH", url: `/buckets/${bid}/collections/c1`, body: { data: { color: "red" } } }),
      "additionalProperties",
    );
  });

  test("does not apply to records or groups", async () => {
    const bid = await createBucket("alice", { data: { "collection:schema": KINDED } });
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/c1`, body: { data: { kind: "wiki" } } });
    expect((await send({ method: "POST", url: `/buckets/${bid}/collections/c1/records`, body: { data: {} } })).status).toBe(201);
    expect((await send({ method: "PUT", url: `/buckets/${bid}/groups/g1`, body: { data: {} } })).status).toBe(201);
  });
});

describe("group:schema", () => {
  const SMALL = {
    type: "object",
    properties: { members: { type: "array", maxItems: 1 }, label: { type: "string" } },
    required: ["label"],
  };

  test("validates the groups of the bucket", async () => {
    const bid = await createBucket("alice", { data: { "group:schema": SMALL } });
    const url = `/buckets/${bid}/groups/g1`;
    expectSchemaError(await send({ method: "PUT", url, body: { data: { members: [] } } }), "label");
    expectSchemaError(await send({ method: "PUT", url, body: { data: { label: "x", members: ["a", "b"] } } }), "members");
    expect((await ok({ url: `/buckets/${bid}/groups` })).body.data).toEqual([]);
    const created = await send({ method: "PUT", url, body: { data: { label: "x", members: ["a"] } } });
    expect(created.status).toBe(201);
    expectSchemaError(await send({ method: "PATCH", url, body: { data: { label: 3 } } }), "label");
    expect((await ok({ url })).body.data).toMatchObject({ label: "x", members: ["a"] });
  });

  test("sees the default `members: []` of a group created without members", async () => {
    const needsMembers = { type: "object", properties: { members: { type: "array" } }, required: ["members"] };
    const bid = await createBucket("alice", { data: { "group:schema": needsMembers } });
    const res = await send({ method: "PUT", url: `/buckets/${bid}/groups/g1`, body: { data: {} } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.members).toEqual([]);
  });
});
