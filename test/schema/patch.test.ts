/** §3.1.5 step 6 / §3.1.6 step 3: the merged object is validated; a failure writes nothing. */
import { describe, expect, test } from "vitest";
import { ok, send } from "../resources/helpers";
import { ARTICLE, expectSchemaError, schemaFixture } from "./helpers";

const STRICT = { ...ARTICLE, additionalProperties: false };

interface BadWrite {
  name: string;
  method: "PATCH" | "PUT";
  contentType?: string;
  body: unknown;
  detail: string;
}

const badWrites: BadWrite[] = [
  { name: "JSON merge: wrong type", method: "PATCH", body: { data: { title: 42 } }, detail: "title" },
  { name: "JSON merge: null stored as null → wrong type", method: "PATCH", body: { data: { title: null } }, detail: "title" },
  { name: "JSON merge: an extra property", method: "PATCH", body: { data: { extra: 1 } }, detail: "additionalProperties" },
  { name: "merge-patch: removing a required property", method: "PATCH", contentType: "application/merge-patch+json", body: { data: { title: null } }, detail: "title" },
  { name: "merge-patch: a negative count", method: "PATCH", contentType: "application/merge-patch+json", body: { data: { views: -5 } }, detail: "views" },
  { name: "JSON-Patch: remove the required property", method: "PATCH", contentType: "application/json-patch+json", body: [{ op: "remove", path: "/data/title" }], detail: "title" },
  { name: "JSON-Patch: add an extra property", method: "PATCH", contentType: "application/json-patch+json", body: [{ op: "add", path: "/data/extra", value: true }], detail: "additionalProperties" },
  { name: "PUT: replacement without the required property", method: "PUT", body: { data: { views: 1 } }, detail: "title" },
];

describe("a write producing an invalid record → 400 and nothing is written", () => {
  test.each(badWrites)("$name", async ({ method, contentType, body, detail }) => {
    const { records } = await schemaFixture(STRICT);
    const created = (await ok({ method: "PUT", url: `${records}/r1`, body: { data: { title: "valid", views: 1 } } })).body.data;
    const listEtag = (await ok({ url: records })).headers.get("ETag");
    const res = await send({
      method,
      url: `${records}/r1`,
      body,
      ...(contentType ? { headers: { "Content-Type": contentType } } : {}),
    });
    expectSchemaError(res, detail);
    // The record, its timestamp and the list timestamp are untouched; no tombstone, no new entry.
    expect((await ok({ url: `${records}/r1` })).body.data).toEqual(created);
    const list = await ok({ url: records });
    expect(list.headers.get("ETag")).toBe(listEtag);
    expect((await ok({ url: `${records}?_since=${created.last_modified}` })).body.data).toEqual([]);
  });

  test("a valid PATCH of the same record succeeds and is re-stamped", async () => {
    const { records, version } = await schemaFixture(STRICT);
    await ok({ method: "PUT", url: `${records}/r1`, body: { data: { title: "valid" } } });
    const res = await ok({ method: "PATCH", url: `${records}/r1`, body: { data: { views: 9 } } });
    expect(res.body.data).toMatchObject({ id: "r1", title: "valid", views: 9, schema: version });
  });

  test("in a batch, an invalid PATCH is a 400 entry and the writes around it are applied", async () => {
    const { records } = await schemaFixture(STRICT);
    const res = await send({
      method: "POST",
      url: "/batch",
      body: {
        requests: [
          { method: "PUT", path: `${records}/a`, body: { data: { title: "a" } } },
          { method: "PATCH", path: `${records}/a`, body: { data: { title: 1 } } },
          { method: "PATCH", path: `${records}/a`, body: { data: { views: 2 } } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual([201, 400, 200]);
    expect(res.body.responses[1].body).toMatchObject({ errno: 107, details: [{ name: "title" }] });
    expect((await ok({ url: `${records}/a` })).body.data).toMatchObject({ title: "a", views: 2 });
  });
});
