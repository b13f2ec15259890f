/**
 * Issue 17: hostile input that used to answer 500 (errno 999) now answers a 400 in Kinto's
 * envelope naming the limit, or works, and the collection stays readable, filterable and
 * sortable afterwards (src/limits.ts).
 */
import { beforeAll, describe, expect, test } from "vitest";
import { MAX_JSON_DEPTH } from "../../src/limits";
import { send, type Res } from "../resources/helpers";
import { emptyCollection, ids, list, seed, type Collection } from "../listing/helpers";

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

function expect400(res: Res, description: RegExp): void {
  expect(res.status, res.text.slice(0, 300)).toBe(400);
  expect(res.body).toMatchObject({ code: 400, errno: 107, error: "Invalid parameters" });
  expect(res.body.details[0].description).toMatch(description);
}

let fixture: Collection;
let seeded: string[];

/** The listing still works: plain, filtered, sorted and paginated. */
async function stillListable(): Promise<void> {
  expect(ids((await list(fixture.records)).body.data).sort()).toEqual([...seeded].sort());
  expect(ids((await list(`${fixture.records}?title=abc`)).body.data)).toEqual([seeded[0]]);
  expect((await list(`${fixture.records}?_sort=title,-n`)).body.data).toHaveLength(seeded.length);
  expect((await list(`${fixture.records}?like_title=ab&_sort=deep.a`)).body.data).toHaveLength(1);
}

beforeAll(async () => {
  fixture = await emptyCollection();
  seeded = ids(await seed(fixture.records, [{ title: "abc", n: 1 }, { title: "x".repeat(60), n: 2 }, { deep: nested(MAX_JSON_DEPTH - 2) }]));
});

describe("nesting depth", () => {
  test.each([
    ["a record nested 1,000 levels", JSON.stringify({ data: { deep: nested(1000) } })],
    ["a body nested just past the limit", JSON.stringify({ data: nested(MAX_JSON_DEPTH) })],
    ["300,000 open brackets", `{"data":${'{"a":'.repeat(300_000)}1${"}".repeat(300_001)}`],
    ["an unterminated deep array", "[".repeat(500_000)],
  ])("%s → 400 naming the limit", async (_name, body) => {
    expect400(await send({ method: "POST", url: fixture.records, body }), /nested too deeply: at most 100 levels/);
    await stillListable();
  });

  test("a batch nested too deeply is refused, and so is a sub-request", async () => {
    const tooDeep = { data: nested(MAX_JSON_DEPTH) };
    const whole = await send({ method: "POST", url: "/batch", body: { requests: [{ method: "POST", path: fixture.records, body: tooDeep }] } });
    expect400(whole, /nested too deeply/);
    const sub = await send({
      method: "POST",
      url: "/batch",
      body: { defaults: { body: tooDeep }, requests: [{ method: "POST", path: fixture.records }] },
    });
    expect(sub.status).toBe(200);
    expect(sub.body.responses[0].status).toBe(400);
    expect(sub.body.responses[0].body.details[0].description).toMatch(/nested too deeply/);
    await stillListable();
  });

  test("a JSON-Patch that would nest the record too deeply is refused", async () => {
    const id = seeded[2];
    let path = "/data/deep";
    for (let i = 0; i < MAX_JSON_DEPTH - 3; i += 1) path += "/a";
    const res = await send({
      method: "PATCH",
      url: `${fixture.records}/${id}`,
      headers: { "Content-Type": "application/json-patch+json" },
      body: [{ op: "replace", path, value: nested(5) }],
    });
    expect400(res, /nested too deeply/);
    await stillListable();
  });

  test("the deepest accepted record is filterable and sortable", async () => {
    const path = Array.from({ length: MAX_JSON_DEPTH - 2 }, () => "a").join(".");
    expect(ids((await list(`${fixture.records}?deep.${path}=1`)).body.data)).toEqual([seeded[2]]);
    expect((await list(`${fixture.records}?_sort=deep.${path}`)).body.data[0].id).toBe(seeded[2]);
  });
});

describe("like_ patterns (D1 refuses LIKE/GLOB patterns beyond 50 bytes)", () => {
  test.each([
    ["51 wildcards", "*".repeat(51), 2],
    ["a pattern of 1,000 wildcards", "*".repeat(1000), 2],
    ["48 letters", "x".repeat(48), 1],
    ["an upper-case pattern", "ABC", 1],
    ["wildcards between letters", "a**b*c", 1],
  ])("%s works", async (_name, pattern, count) => {
    expect((await list(`${fixture.records}?like_title=${encodeURIComponent(pattern)}`)).body.data).toHaveLength(count);
  });

  test.each([
    ["49 letters", "x".repeat(49)],
    ["30 distinct wildcards", "a*".repeat(30)],
    ["accented letters", "é*".repeat(10)],
  ])("%s → 400 naming the limit", async (_name, pattern) => {
    expect400(await send({ url: `${fixture.records}?like_title=${encodeURIComponent(pattern)}` }), /at most 50 bytes/);
    await stillListable();
  });
});

describe("field names, filters, sort fields and statement size", () => {
  const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join("&");
  test.each([
    ["a 40,000-character filter field", `${"a".repeat(40_000)}=1`, /limited to 256 characters/],
    ["a 257-character filter field", `gt_${"a".repeat(257)}=1`, /limited to 256 characters/],
    ["a filter path 101 levels deep", `${Array.from({ length: 101 }, () => "a").join(".")}=1`, /100 levels/],
    ["a 40,000-character sort field", `_sort=${"a".repeat(40_000)}`, /limited to 256 characters/],
    ["21 filters", many(21, (i) => `f${i}=1`), /Too many filters: at most 20/],
    ["100 filters (expression depth)", many(100, (i) => `f${i}=1`), /Too many filters/],
    ["11 sort fields", `_sort=${Array.from({ length: 11 }, (_, i) => `f${i}`).join(",")}`, /Too many sort fields: at most 10/],
    ["50 sort fields (ORDER BY terms)", `_sort=${Array.from({ length: 50 }, (_, i) => `f${i}`).join(",")}`, /Too many sort fields/],
    [
      "contains_ with 100 objects (bound parameters)",
      `contains_f=${encodeURIComponent(`[${Array.from({ length: 100 }, (_, i) => `{"a":${i}}`).join(",")}]`)}`,
      /Query too complex/,
    ],
  ])("%s → 400", async (_name, query, description) => {
    expect400(await send({ url: `${fixture.records}?${query}` }), description);
    await stillListable();
  });

  async function secondPage(): Promise<string> {
    const sort = Array.from({ length: 10 }, (_, i) => `-${"s".repeat(250)}${i}`).join(",");
    const next = (await list(`${fixture.records}?_limit=1&_sort=${sort}`)).headers.get("Next-Page");
    expect(next).not.toBeNull();
    return next ?? "";
  }

  test("the largest accepted query works, with a page token", async () => {
    const filters = many(20, (i) => `not_${"f".repeat(250)}${i}=${encodeURIComponent('{"a":[1,2]}')}`);
    expect((await list(`${await secondPage()}&${filters}`)).body.data).toHaveLength(1);
  });

  test("a statement D1 would find too long → 400", async () => {
    const filters = many(20, (i) => `contains_any_${"f".repeat(250)}${i}=${encodeURIComponent('[1,{"a":1},[2]]')}`);
    expect400(await send({ url: `${await secondPage()}&${filters}` }), /Query too long/);
    await stillListable();
  });
});
