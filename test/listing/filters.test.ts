/** Q01–Q04, Q09, Q12 end to end: filters, `_sort` and `_fields` on records through HTTP (§4.2–4.7). */
import { beforeAll, describe, expect, test } from "vitest";
import { ok, send } from "../resources/helpers";
import { emptyCollection, ids, list, seed, type Collection } from "./helpers";

const RECORDS = [
  { id: "r1", title: "Hello World", n: 1, tags: ["a", "b"], author: { name: "Ben", age: 30 }, flag: true, in_stock: true },
  { id: "r2", title: "hello there", n: 2, tags: ["b"], author: { name: "Ann" }, flag: false, in_stock: false },
  { id: "r3", title: "Bye", n: "2", tags: [], nul: null },
  { id: "r4", title: "other 50%", n: 10, tags: ["a", "c"], author: "plain" },
  { id: "r5", n: 5.5, tags: "a" },
];

let fixture: Collection;

beforeAll(async () => {
  fixture = await emptyCollection();
  await seed(fixture.records, RECORDS);
});

const filters: { query: string; expected: string[] }[] = [
  // Native values (§4.2).
  { query: "n=2", expected: ["r2"] },
  { query: "n=%222%22", expected: ["r3"] },
  { query: "n=2.0", expected: ["r2"] },
  { query: "eq_n=1", expected: ["r1"] },
  { query: "title=Bye", expected: ["r3"] },
  { query: "flag=true", expected: ["r1"] },
  { query: "flag=false", expected: ["r2"] },
  { query: "nul=null", expected: ["r3"] },
  { query: "id=r4", expected: ["r4"] },
  // Comparisons, with the cross-type order null < string < number < … < missing (§4.3).
  { query: "not_n=2", expected: ["r1", "r3", "r4", "r5"] },
  { query: "not_title=Bye", expected: ["r1", "r2", "r4", "r5"] },
  { query: "lt_n=5", expected: ["r1", "r2", "r3"] },
  { query: "max_n=2", expected: ["r1", "r2", "r3"] },
  { query: "gt_n=2", expected: ["r4", "r5"] },
  { query: "min_n=5.5", expected: ["r4", "r5"] },
  // Missing (no author, no age, or a non-object author) counts as greatest.
  { query: "gt_author.age=10", expected: ["r1", "r2", "r3", "r4", "r5"] },
  { query: "lt_author.age=40", expected: ["r1"] },
  // in_ / exclude_ split on commas.
  { query: "in_n=1,10", expected: ["r1", "r4"] },
  { query: "in_id=r1,r3", expected: ["r1", "r3"] },
  { query: "in_id=%22r2%22,%22r5%22", expected: ["r2", "r5"] },
  { query: "exclude_id=r1,r2", expected: ["r3", "r4", "r5"] },
  { query: "exclude_n=1,2", expected: ["r3", "r4", "r5"] },
  // like_: case-insensitive, `*` wildcard, substring without `*`, other characters literal.
  { query: "like_title=hello", expected: ["r1", "r2"] },
  { query: "like_title=*there", expected: ["r2"] },
  { query: "like_title=h*d", expected: ["r1"] },
  { query: "like_title=HELLO*", expected: ["r1", "r2"] },
  { query: "like_title=50%25", expected: ["r4"] },
  { query: "like_title=_ye", expected: [] },
  // has_: presence of the key, even with a null value.
  { query: "has_author=true", expected: ["r1", "r2", "r4"] },
  { query: "has_author=false", expected: ["r3", "r5"] },
  { query: "has_nul=true", expected: ["r3"] },
  { query: "has_title=0", expected: ["r5"] },
  // contains_ / contains_any_ on arrays (a non-array stored value never matches).
  { query: "contains_tags=a", expected: ["r1", "r4"] },
  { query: "contains_tags=%5B%22a%22,%22b%22%5D", expected: ["r1"] },
  { query: "contains_any_tags=%5B%22c%22,%22b%22%5D", expected: ["r1", "r2", "r4"] },
  { query: "contains_tags=%5B%5D", expected: ["r1", "r2", "r3", "r4"] },
  // Equality on a scalar does not match an array containing it.
  { query: "tags=a", expected: ["r5"] },
  // Nested fields: dotted paths; traversing a non-object is "missing".
  { query: "author.name=Ben", expected: ["r1"] },
  { query: "like_author.name=n", expected: ["r1", "r2"] },
  { query: "has_author.name=true", expected: ["r1", "r2"] },
  { query: "in_author.name=Ann,Zed", expected: ["r2"] },
  // A field named like an operator needs `eq_`.
  { query: "eq_in_stock=true", expected: ["r1"] },
  // Every filter is ANDed.
  { query: "like_title=hello&n=2", expected: ["r2"] },
  { query: "contains_tags=a&gt_n=1", expected: ["r4"] },
  { query: "has_author=true&exclude_id=r1&not_flag=false", expected: ["r4"] },
  // Unknown `_` parameters are ignored.
  { query: "_expected=123&_cachebust=x", expected: ["r1", "r2", "r3", "r4", "r5"] },
];

describe("filters through HTTP", () => {
  test.each(filters)("?$query", async ({ query, expected }) => {
    const res = await list(`${fixture.records}?${query}&_sort=id`);
    expect(ids(res.body.data)).toEqual(expected);
    // HEAD counts the same objects.
    const head = await send({ method: "HEAD", url: `${fixture.records}?${query}` });
    expect(head.headers.get("Total-Records")).toBe(String(expected.length));
  });

  test.each([
    { query: "like_title=10", why: "like_ needs a string" },
    { query: "in_id=1,2", why: "ids are strings" },
    { query: "contains_id=a", why: "id is not an array" },
    { query: "contains_last_modified=1", why: "last_modified is not an array" },
    { query: "in_last_modified=1,2", why: "last_modified takes one integer" },
    { query: "gt_last_modified=abc", why: "last_modified takes an integer" },
    { query: "title=a%00b", why: "NUL character" },
  ])("?$query → 400 errno 107 ($why)", async ({ query }) => {
    const res = await send({ url: `${fixture.records}?${query}` });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
    expect(res.body.details[0].location).toBe("querystring");
  });
});

describe("_sort through HTTP", () => {
  test.each([
    { sort: "n", expected: ["r3", "r1", "r2", "r5", "r4"] },
    { sort: "-n", expected: ["r4", "r5", "r2", "r1", "r3"] },
    // Missing values are the greatest: last ascending, first descending.
    { sort: "title", expected: ["r3", "r1", "r2", "r4", "r5"] },
    { sort: "-title", expected: ["r5", "r4", "r2", "r1", "r3"] },
    { sort: "author.name,id", expected: ["r2", "r1", "r3", "r4", "r5"] },
    // Booleans: false first ascending (doc≠code); missing last.
    { sort: "flag,id", expected: ["r2", "r1", "r3", "r4", "r5"] },
    { sort: "+id", expected: ["r1", "r2", "r3", "r4", "r5"] },
    { sort: "-id", expected: ["r5", "r4", "r3", "r2", "r1"] },
    // Invalid entries are dropped; the default tie-breaker is -last_modified.
    { sort: "!bad,id", expected: ["r1", "r2", "r3", "r4", "r5"] },
    { sort: "last_modified", expected: ["r1", "r2", "r3", "r4", "r5"] },
  ])("_sort=$sort", async ({ sort, expected }) => {
    expect(ids((await list(`${fixture.records}?_sort=${sort}`)).body.data)).toEqual(expected);
  });

  test("default order is -last_modified (newest first)", async () => {
    expect(ids((await list(fixture.records)).body.data)).toEqual(["r5", "r4", "r3", "r2", "r1"]);
  });

  test("values of mixed types sort null < string < number < boolean < array < object < missing", async () => {
    const { records } = await emptyCollection();
    // Created in scrambled order so that creation order cannot explain the result.
    await seed(records, [
      { id: "obj", v: { a: 1 } },
      { id: "num-10", v: 10 },
      { id: "missing" },
      { id: "true", v: true },
      { id: "str-b", v: "b" },
      { id: "arr", v: [1] },
      { id: "null", v: null },
      { id: "false", v: false },
      { id: "num-2", v: 2 },
      { id: "str-a", v: "a" },
    ]);
    const ascending = ["null", "str-a", "str-b", "num-2", "num-10", "false", "true", "arr", "obj", "missing"];
    expect(ids((await list(`${records}?_sort=v`)).body.data)).toEqual(ascending);
    expect(ids((await list(`${records}?_sort=-v`)).body.data)).toEqual([...ascending].reverse());
    // Comparisons follow the same order.
    expect(ids((await list(`${records}?gt_v=10&_sort=v`)).body.data)).toEqual(["false", "true", "arr", "obj", "missing"]);
    expect(ids((await list(`${records}?lt_v=2&_sort=v`)).body.data)).toEqual(["null", "str-a", "str-b"]);
  });

  test("equal sort values fall back to -last_modified", async () => {
    const { records } = await emptyCollection();
    await seed(records, [{ id: "x1", g: 1 }, { id: "x2", g: 1 }, { id: "x3", g: 0 }]);
    expect(ids((await list(`${records}?_sort=g`)).body.data)).toEqual(["x3", "x2", "x1"]);
  });
});

describe("_fields through HTTP", () => {
  test("on a list: only the requested fields plus id and last_modified, nesting kept", async () => {
    const res = await list(`${fixture.records}?_fields=title,author.name&_sort=id`);
    const byId = Object.fromEntries(res.body.data.map((r: { id: string }) => [r.id, r]));
    for (const r of res.body.data) expect(typeof r.last_modified).toBe("number");
    const strip = ({ last_modified: _, ...rest }: { last_modified: number }) => rest;
    expect(strip(byId.r1)).toEqual({ id: "r1", title: "Hello World", author: { name: "Ben" } });
    expect(strip(byId.r2)).toEqual({ id: "r2", title: "hello there", author: { name: "Ann" } });
    expect(strip(byId.r3)).toEqual({ id: "r3", title: "Bye" });
    // A non-object `author` is kept whole.
    expect(strip(byId.r4)).toEqual({ id: "r4", title: "other 50%", author: "plain" });
    expect(strip(byId.r5)).toEqual({ id: "r5" });
  });

  test("on a list combined with a filter and a sort on a field that is not returned", async () => {
    const res = await list(`${fixture.records}?_fields=id&like_title=hello&_sort=-n`);
    expect(res.body.data).toEqual([
      { id: "r2", last_modified: expect.any(Number) },
      { id: "r1", last_modified: expect.any(Number) },
    ]);
  });

  test("on an object GET: the subset, and no `permissions` key", async () => {
    const res = await ok({ url: `${fixture.records}/r1?_fields=tags,author.age` });
    expect(res.body).toEqual({ data: { id: "r1", last_modified: expect.any(Number), tags: ["a", "b"], author: { age: 30 } } });
    const full = await ok({ url: `${fixture.records}/r1` });
    expect(full.body.permissions).toBeDefined();
    expect(res.headers.get("ETag")).toBe(full.headers.get("ETag"));
  });

  test("unknown fields are just absent", async () => {
    const res = await ok({ url: `${fixture.records}/r1?_fields=nothing` });
    expect(res.body).toEqual({ data: { id: "r1", last_modified: expect.any(Number) } });
  });
});
