/** R03: collection-specific fields — `cache_expires` and `schema` (contract §3.4, Appendix D.6). */
import { describe, expect, test } from "vitest";
import { createBucket, fill, ok, scenario, type Scenario } from "./helpers";

const cases: Scenario[] = [
  { name: "cache_expires integer is kept", method: "PUT", url: "{url}", body: { data: { cache_expires: 30 } }, status: 201, expectBody: { data: { cache_expires: 30 } } },
  { name: "cache_expires 1.5 is stored as 1", method: "PUT", url: "{url}", body: { data: { cache_expires: 1.5 } }, status: 201, expectBody: { data: { cache_expires: 1 } } },
  { name: "cache_expires 0 is kept", method: "PUT", url: "{url}", body: { data: { cache_expires: 0 } }, status: 201, expectBody: { data: { cache_expires: 0 } } },
  { name: "cache_expires \"abc\" → 400", method: "PUT", url: "{url}", body: { data: { cache_expires: "abc" } }, status: 400, errno: 107, expectBody: { details: [expect.objectContaining({ location: "body", name: "data.cache_expires" })] } },
  { name: "cache_expires \"10\" (a string) → 400", method: "POST", url: "{list}", body: { data: { cache_expires: "10" } }, status: 400, errno: 107 },
  { name: "cache_expires true → 400", method: "PUT", url: "{url}", body: { data: { cache_expires: true } }, status: 400, errno: 107 },
  { name: "cache_expires an object → 400", method: "PUT", url: "{url}", body: { data: { cache_expires: { a: 1 } } }, status: 400, errno: 107 },
  { name: "schema {} is accepted", method: "PUT", url: "{url}", body: { data: { schema: {} } }, status: 201, expectBody: { data: { schema: {} } } },
  { name: "a valid JSON schema is accepted", method: "PUT", url: "{url}", body: { data: { schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] } } }, status: 201 },
  { name: "schema as a string → 400", method: "PUT", url: "{url}", body: { data: { schema: "nope" } }, status: 400, errno: 107 },
  { name: "schema as an array → 400", method: "PUT", url: "{url}", body: { data: { schema: [] } }, status: 400, errno: 107 },
  { name: "schema violating the Draft-7 metaschema → 400", method: "PUT", url: "{url}", body: { data: { schema: { type: 42 } } }, status: 400, errno: 107 },
  { name: "schema with an invalid `required` → 400", method: "PUT", url: "{url}", body: { data: { schema: { type: "object", required: "title" } } }, status: 400, errno: 107 },
];

describe("collection fields", () => {
  test.each(cases)("$name", async (s) => {
    const bid = await createBucket();
    const list = `/buckets/${bid}/collections`;
    const res = await scenario(fill(s, { list, url: `${list}/c1` }));
    if (res.status >= 400) {
      const after = await ok({ url: list });
      expect(after.body.data).toEqual([]);
    }
  });

  test("PATCH cache_expires: 2.9 stored as 2; null removes it", async () => {
    const bid = await createBucket();
    const url = `/buckets/${bid}/collections/c1`;
    await ok({ method: "PUT", url, body: { data: { cache_expires: 10, other: 1 } } });
    const patched = await ok({ method: "PATCH", url, body: { data: { cache_expires: 2.9 } } });
    expect(patched.body.data.cache_expires).toBe(2);
    const removed = await ok({ method: "PATCH", url, body: { data: { cache_expires: null } } });
    expect(removed.body.data).not.toHaveProperty("cache_expires");
    expect(removed.body.data.other).toBe(1);
  });

  test("a record write does not touch the collection's ETag (T05)", async () => {
    const bid = await createBucket();
    const url = `/buckets/${bid}/collections/c1`;
    const created = await ok({ method: "PUT", url, body: { data: { a: 1 } } });
    const ts = created.body.data.last_modified;
    const record = await ok({ method: "POST", url: `${url}/records`, body: { data: {} } });
    await ok({ method: "PATCH", url: `${url}/records/${record.body.data.id}`, body: { data: { x: 1 } } });
    await ok({ method: "DELETE", url: `${url}/records/${record.body.data.id}` });
    const read = await ok({ url });
    expect(read.headers.get("ETag")).toBe(`"${ts}"`);
    expect(read.body.data.last_modified).toBe(ts);
    const collections = await ok({ url: `/buckets/${bid}/collections` });
    expect(collections.headers.get("ETag")).toBe(`"${ts}"`);
  });
});
