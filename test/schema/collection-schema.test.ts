/** R03 / R15: a collection's `schema` is a JSON Schema, and records are validated against it (§3.4, §3.6). */
import { describe, expect, test } from "vitest";
import { createBucket, ok, send, uid } from "../resources/helpers";
import { ARTICLE, expectSchemaError, recordIds, schemaFixture } from "./helpers";

describe("the collection `schema` must be a valid JSON schema", () => {
  const invalid: { name: string; schema: unknown }[] = [
    { name: "{type: 42}", schema: { type: 42 } },
    { name: "an unknown type name", schema: { type: "text" } },
    { name: "`required` not a list", schema: { type: "object", required: "title" } },
    { name: "`properties` not an object", schema: { properties: ["title"] } },
    { name: "`minimum` not a number", schema: { properties: { n: { minimum: "0" } } } },
    { name: "a nested invalid subschema", schema: { properties: { tags: { items: { type: 3 } } } } },
    { name: "a string", schema: "object" },
    { name: "a list", schema: [] },
    { name: "a number", schema: 42 },
  ];

  test.each(invalid)("$name → 400, nothing stored", async ({ schema }) => {
    const bid = await createBucket();
    const cid = uid("c");
    const res = await send({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: { data: { schema } } });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107, error: "Invalid parameters" });
    expect(res.body.details.some((d: { name: string }) => /schema/.test(String(d.name)))).toBe(true);
    expect((await send({ url: `/buckets/${bid}/collections/${cid}` })).status).toBe(404);
  });

  test("an invalid schema cannot replace a valid one (PATCH) — the collection keeps its schema", async () => {
    const { collection, records, version } = await schemaFixture(ARTICLE);
    const res = await send({ method: "PATCH", url: collection, body: { data: { schema: { type: 42 } } } });
    expect(res.status).toBe(400);
    const stored = await ok({ url: collection });
    expect(stored.body.data).toMatchObject({ schema: ARTICLE, last_modified: version });
    expect((await send({ method: "POST", url: records, body: { data: {} } })).status).toBe(400);
  });

  test.each([
    { name: "{}", schema: {} },
    { name: "{type: object}", schema: { type: "object" } },
    { name: "a schema with $schema, definitions and $ref", schema: { $schema: "http://json-schema.org/draft-07/schema#", definitions: { s: { type: "string" } }, properties: { title: { $ref: "#/definitions/s" } } } },
    { name: "boolean subschemas", schema: { properties: { anything: true, nothing: false } } },
  ])("$name is accepted and stored as sent", async ({ schema }) => {
    const { collection } = await schemaFixture(schema);
    expect((await ok({ url: collection })).body.data.schema).toEqual(schema);
  });

  test("`schema: {}` removes validation: any record is accepted again", async () => {
    const { collection, records } = await schemaFixture(ARTICLE);
    expect((await send({ method: "POST", url: records, body: { data: { views: "many" } } })).status).toBe(400);
    await ok({ method: "PATCH", url: collection, body: { data: { schema: {} } } });
    const res = await send({ method: "POST", url: records, body: { data: { views: "many" } } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ views: "many" });
  });
});

describe("records are validated against the collection schema", () => {
  test("a missing required property → 400, detail name = the property, description `'title' is a required property`", async () => {
    const { records } = await schemaFixture(ARTICLE);
    const res = await send({ method: "POST", url: records, body: { data: { views: 3 } } });
    const detail = expectSchemaError(res, "title");
    expect(detail.description).toBe("'title' is a required property");
    expect(res.body.message).toBe("'title' is a required property");
    expect(await recordIds(records)).toEqual([]);
  });

  test.each([
    { name: "POST", method: "POST", path: "" },
    { name: "PUT (create)", method: "PUT", path: "/new-one" },
  ])("$name with a missing required property → 400, nothing written", async ({ method, path }) => {
    const { records } = await schemaFixture(ARTICLE);
    const before = (await ok({ url: records })).headers.get("ETag");
    expectSchemaError(await send({ method, url: `${records}${path}`, body: { data: {} } }), "title");
    const after = await ok({ url: records });
    expect(after.body.data).toEqual([]);
    expect(after.headers.get("ETag")).toBe(before);
  });

  test("a property of the wrong type → 400 named after it", async () => {
    const { records } = await schemaFixture(ARTICLE);
    const detail = expectSchemaError(await send({ method: "POST", url: records, body: { data: { title: 42 } } }), "title");
    expect(detail.description).toMatch(/is not of type 'string'/);
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { title: "t", views: 1.5 } } }), "views");
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { title: "t", views: -1 } } }), "views");
    expect(await recordIds(records)).toEqual([]);
  });

  // §2.7: the description is the reference validator's message (Python jsonschema), which names
  // the offending instance value (its Python repr), not the field: `42 is not of type 'string'`.
  test.each([
    { data: { title: 42 }, name: "title", description: "42 is not of type 'string'" },
    { data: { title: "t", views: "many" }, name: "views", description: "'many' is not of type 'integer'" },
    { data: { title: true }, name: "title", description: "True is not of type 'string'" },
  ])("type error description for $data", async ({ data, name, description }) => {
    const { records } = await schemaFixture(ARTICLE);
    const detail = expectSchemaError(await send({ method: "POST", url: records, body: { data } }), name);
    expect(detail.description).toBe(description);
  });

  test("a nested failure is named after the last path element (an integer for array items)", async () => {
    const { records } = await schemaFixture({
      type: "object",
      properties: {
        author: { type: "object", properties: { name: { type: "string" } } },
        tags: { type: "array", items: { type: "string" } },
      },
    });
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { author: { name: 7 } } } }), "name");
    // Appendix D.7: the failing path's last element, which is the integer index here.
    expectSchemaError(await send({ method: "POST", url: records, body: { data: { tags: ["ok", 2] } } }), 1);
  });

  test("`additionalProperties: false` violation → 400, detail name `additionalProperties`", async () => {
    const { records } = await schemaFixture({ ...ARTICLE, additionalProperties: false });
    const res = await send({ method: "POST", url: records, body: { data: { title: "t", extra: true } } });
    const detail = expectSchemaError(res, "additionalProperties");
    expect(detail.description).toMatch(/extra/);
    expect(await recordIds(records)).toEqual([]);
  });

  test("a valid record is stored with `schema` = the collection's last_modified", async () => {
    const { records, version } = await schemaFixture(ARTICLE);
    const created = await ok({ method: "POST", url: records, body: { data: { title: "ok", views: 2 } } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ title: "ok", views: 2, schema: version });
    const put = await ok({ method: "PUT", url: `${records}/fixed`, body: { data: { title: "put" } } });
    expect(put.body.data.schema).toBe(version);
    expect((await ok({ url: `${records}/fixed` })).body.data.schema).toBe(version);
  });

  test("a schema change stamps new writes with the new version; old records keep theirs and can be filtered", async () => {
    const { collection, records, version } = await schemaFixture(ARTICLE);
    const old = (await ok({ method: "POST", url: records, body: { data: { title: "old" } } })).body.data;
    const changed = await ok({
      method: "PATCH",
      url: collection,
      body: { data: { schema: { ...ARTICLE, properties: { ...ARTICLE.properties, lang: { type: "string" } } } } },
    });
    const version2 = changed.body.data.last_modified as number;
    expect(version2).toBeGreaterThan(version);
    const fresh = (await ok({ method: "POST", url: records, body: { data: { title: "new", lang: "fr" } } })).body.data;
    expect(fresh.schema).toBe(version2);
    expect((await ok({ url: `${records}/${old.id}` })).body.data.schema).toBe(version);
    const outdated = (await ok({ url: `${records}?lt_schema=${version2}` })).body.data;
    expect(outdated.map((r: { id: string }) => r.id)).toEqual([old.id]);
    const current = (await ok({ url: `${records}?min_schema=${version2}` })).body.data;
    expect(current.map((r: { id: string }) => r.id)).toEqual([fresh.id]);
    // Rewriting the old record re-stamps it.
    const rewritten = await ok({ method: "PATCH", url: `${records}/${old.id}`, body: { data: { lang: "en" } } });
    expect(rewritten.body.data.schema).toBe(version2);
  });

  test("within one batch, a schema set by an earlier sub-request applies to the next record writes", async () => {
    const { collection, records } = await schemaFixture();
    await ok({ method: "PUT", url: `${records}/early`, body: { data: {} } });
    const res = await ok({
      method: "POST",
      url: "/batch",
      body: {
        requests: [
          { method: "PUT", path: `${records}/before`, body: { data: {} } },
          { method: "PATCH", path: collection, body: { data: { schema: ARTICLE } } },
          { method: "PUT", path: `${records}/after-bad`, body: { data: {} } },
          { method: "PUT", path: `${records}/after-good`, body: { data: { title: "t" } } },
          { method: "PATCH", path: collection, body: { data: { schema: {} } } },
          { method: "PUT", path: `${records}/after-removal`, body: { data: {} } },
        ],
      },
    });
    const responses: { status: number; body: typeof res.body }[] = res.body.responses;
    expect(responses.map((r) => r.status)).toEqual([201, 200, 400, 201, 200, 201]);
    expect(responses[2]?.body.details[0].name).toBe("title");
    expect(responses[3]?.body.data.schema).toBe(responses[1]?.body.data.last_modified);
    expect(responses[5]?.body.data.schema).toBeUndefined();
    expect(await recordIds(records)).toEqual(["after-good", "after-removal", "before", "early"]);
  });

  test("a `schema` value sent by the client is ignored by validation and replaced by the version", async () => {
    const { records, version } = await schemaFixture({ ...ARTICLE, additionalProperties: false });
    const res = await ok({ method: "POST", url: records, body: { data: { title: "t", schema: "mine" } } });
    expect(res.body.data.schema).toBe(version);
  });

  test("`id` is ignored unless the schema declares it", async () => {
    const strict = { ...ARTICLE, additionalProperties: false, required: ["id", "title"] };
    const { records } = await schemaFixture(strict);
    // `id` is neither an additional property nor a (dropped) requirement.
    const posted = await send({ method: "POST", url: records, body: { data: { id: "chosen", title: "a" } } });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.data.id).toBe("chosen");
    expect((await send({ method: "POST", url: records, body: { data: { title: "b" } } })).status).toBe(201);
    expect((await send({ method: "PUT", url: `${records}/put-id`, body: { data: { title: "c" } } })).status).toBe(201);
  });

  test("`id` is validated when the schema declares it", async () => {
    const { records } = await schemaFixture({
      type: "object",
      properties: { id: { type: "string", pattern: "^art-" }, title: { type: "string" } },
      additionalProperties: false,
    });
    expectSchemaError(await send({ method: "PUT", url: `${records}/other-1`, body: { data: { title: "x" } } }), "id");
    expect((await send({ method: "PUT", url: `${records}/art-1`, body: { data: { title: "x" } } })).status).toBe(201);
    expect(await recordIds(records)).toEqual(["art-1"]);
  });

  test("`last_modified` is ignored by validation (type, additionalProperties and required)", async () => {
    const { records } = await schemaFixture({
      type: "object",
      properties: { title: { type: "string" }, last_modified: { type: "string" } },
      required: ["title", "last_modified"],
      additionalProperties: false,
    });
    const created = await send({ method: "POST", url: records, body: { data: { title: "t" } } });
    expect(created.status, created.text).toBe(201);
    const forced = await send({ method: "PUT", url: `${records}/forced`, body: { data: { title: "t", last_modified: 1_600_000_000_000 } } });
    expect(forced.status, forced.text).toBe(201);
    expect(forced.body.data.last_modified).toBe(1_600_000_000_000);
    // Updating an existing record (which carries last_modified) still validates.
    expect((await send({ method: "PATCH", url: `${records}/forced`, body: { data: { title: "u" } } })).status).toBe(200);
  });

  test("an unresolvable local `$ref` → 400, detail name `schema`", async () => {
    const { records } = await schemaFixture({ type: "object", properties: { title: { $ref: "#/definitions/missing" } } });
    const res = await send({ method: "POST", url: records, body: { data: { title: "x" } } });
    expectSchemaError(res, "schema");
    expect(await recordIds(records)).toEqual([]);
  });

  test("a remote `$ref` that cannot be fetched → 400, detail name `schema`, never 500", async () => {
    const { records } = await schemaFixture({ $ref: "https://schemas.invalid/article.json" });
    const res = await send({ method: "POST", url: records, body: { data: { title: "x" } } });
    expectSchemaError(res, "schema");
  });

  test("a collection without schema accepts anything and stamps nothing", async () => {
    const { records } = await schemaFixture();
    const res = await ok({ method: "POST", url: records, body: { data: { whatever: [1, { a: null }] } } });
    expect(res.body.data.schema).toBeUndefined();
  });
});
