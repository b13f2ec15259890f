/**
 * Filters and sorting compiled to SQL, run on the real D1 `objects` table. Every case is
 * checked twice: against hand-written ids, and against the in-memory evaluator.
 */
import { sql } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { filtersSql, orderBySql } from "../../src/protocol/query/compile";
import { compareBySort } from "../../src/protocol/query/memory-order";
import { matchesFilters } from "../../src/protocol/query/memory-filter";
import { parseListQuery } from "../../src/protocol/query/parse";
import { toQuery } from "../../src/storage/sql";
import type { Filter } from "../../src/protocol/query/types";
import { asListed, insertRows, liveOnly, select, type Row } from "./d1";
import { DEFAULTS } from "./helpers";

const PARENT = "/buckets/b/collections/compile";

const DATA: Record<string, Row["data"]> = {
  r01: { title: "apple", age: 10, tags: ["a", "b"], author: { name: "Ben", age: 30 } },
  r02: { title: "Banana", age: 2.5, tags: ["b"], author: { name: "ann" } },
  r03: { title: "cherry", age: "10", tags: "a" },
  r04: { title: null, age: null, tags: [] },
  r05: { title: "100% pure_juice", age: true, tags: ["a", 1, true, null, { k: 1, j: 2 }, [1]] },
  r06: { title: "Été", age: false, tags: [1, 2] },
  r07: { title: "été indien", age: [10], obj: { b: 1, a: { c: [1, 2] } } },
  r08: { title: 10, age: { v: 10 }, obj: { a: { c: [1, 2] }, b: 1 } },
  r09: {},
  r10: { title: "😀 smile", age: -5, in_stock: true, deleted: false, "a.b": 1, "a'b": 1, 'q"x': 2, "back\\slash": 3 },
  r11: { title: "\uffff high", age: 1000 },
  r12: null,
  r13: { title: "x_y", age: 0, author: "Ben", nested: { deep: { er: "v" } }, sym: "x[^-]\\y?*", ml: "A\nB" },
};
const ROWS: Row[] = Object.entries(DATA).map(([id, data], i) => ({ id, lastModified: 100 + 10 * i, data }));
const LIVE = ROWS.filter((row) => row.data !== null).map((row) => row.id);
const except = (...ids: string[]) => LIVE.filter((id) => !ids.includes(id));

beforeAll(async () => {
  await insertRows(PARENT, ROWS);
});

async function idsFor(querystring: string): Promise<{ sqlIds: string[]; memoryIds: string[] }> {
  const query = parseListQuery(new URLSearchParams(querystring), DEFAULTS);
  const where = sql`${liveOnly(query.includeTombstones)} AND ${filtersSql(query.filters)}`;
  const sqlIds = (await select(PARENT, where, sql`${sql.raw('"objects"."id"')}`)).map((object) => object.id);
  const memoryIds = ROWS.filter((row) => query.includeTombstones || row.data !== null)
    .map(asListed)
    .filter((object) => matchesFilters(object, query.filters))
    .map((object) => object.id)
    .sort();
  return { sqlIds, memoryIds };
}

const FILTER_CASES: [string, string[]][] = [
  // EQ: types never mix; numbers numerically; arrays exactly; objects regardless of key order
  ["title=apple", ["r01"]],
  ["title=Apple", []],
  ["age=10", ["r01"]],
  ['age="10"', ["r03"]],
  ["age=10.0", ["r01"]],
  ["age=1000", ["r11"]],
  ["age=1e3", ["r11"]],
  ["title=null", ["r04"]],
  ['title="null"', []],
  ["age=true", ["r05"]],
  ["age=false", ["r06"]],
  ['tags=["a","b"]', ["r01"]],
  ['tags=["b","a"]', []],
  ["tags=[]", ["r04"]],
  ['obj={"a":{"c":[1,2]},"b":1}', ["r07", "r08"]],
  ['obj={"b":1,"a":{"c":[1,2]}}', ["r07", "r08"]],
  ['obj={"a":{"c":[1,2]}}', []],
  ['obj={"a":{"c":[2,1]},"b":1}', []],
  ['age={"v":10}', ["r08"]],
  ['age={"v":"10"}', []],
  ["age=[10]", ["r07"]],
  ["age=[10.0]", ["r07"]],
  ["tags=a", ["r03"]],
  ["author.name=Ben", ["r01"]],
  ["author.name=ann", ["r02"]],
  ["author=Ben", ["r13"]],
  ["author.name.x=Ben", []],
  ["nested.deep.er=v", ["r13"]],
  ["a.b=1", []],
  ["a'b=1", ["r10"]],
  ['q"x=2', ["r10"]],
  ["back%5Cslash=3", ["r10"]],
  ["title=%C3%89t%C3%A9", ["r06"]],
  ["title=%F0%9F%98%80%20smile", ["r10"]],
  ["eq_in_stock=true", ["r10"]],
  ["in_stock=true", []],
  ["deleted=false", ["r10"]],
  ["missing=null", []],
  // NOT: true on missing
  ["not_age=10", except("r01")],
  ["not_title=null", except("r04")],
  ["not_missing=1", LIVE],
  ['not_obj={"b":1,"a":{"c":[1,2]}}', except("r07", "r08")],
  // order across types: null < string < number < boolean < array < object < missing
  ["gt_age=10", ["r05", "r06", "r07", "r08", "r09", "r11"]],
  ["min_age=10", ["r01", "r05", "r06", "r07", "r08", "r09", "r11"]],
  ["lt_age=10", ["r02", "r03", "r04", "r10", "r13"]],
  ["max_age=10", ["r01", "r02", "r03", "r04", "r10", "r13"]],
  ["gt_age=false", ["r05", "r07", "r08", "r09"]],
  ["lt_age=true", ["r02", "r03", "r04", "r06", "r10", "r11", "r13", "r01"]],
  ["gt_age=null", except("r04")],
  ["max_age=null", ["r04"]],
  // arrays and objects order by their JSON text: "[10]" < "[]", '{"v":10}' < "{}"
  ["gt_age=[]", ["r08", "r09"]],
  ["lt_age={}", except("r09")],
  ["gt_title=b", ["r03", "r06", "r07", "r08", "r09", "r10", "r11", "r13"]],
  ["lt_title=%F0%9F%98%80", ["r01", "r02", "r03", "r04", "r05", "r06", "r07", "r11", "r13"]],
  ["gt_age=0&lt_age=5", ["r02"]],
  ["gt_author.age=30", except("r01")],
  ["lt_author.age=31", ["r01"]],
  // IN / EXCLUDE
  ['in_age=10,true,"10"', ["r01", "r03", "r05"]],
  ["in_age=null,2.5", ["r02", "r04"]],
  ["in_age=[10]", ["r07"]],
  ["in_missing=1,null", []],
  ["exclude_age=10,true", except("r01", "r05")],
  ["in_title=apple,Banana", ["r01", "r02"]],
  ["in_id=r01,r03", ["r01", "r03"]],
  ['in_id="r01","r99"', ["r01"]],
  ["exclude_id=r01,r02", except("r01", "r02")],
  // LIKE: case-insensitive (unicode too), * wildcard, other characters literal
  ["like_title=app", ["r01"]],
  ["like_title=APP", ["r01"]],
  ["like_title=%25", ["r05"]],
  ["like_title=_", ["r05", "r13"]],
  ["like_title=%C3%A9*", ["r06", "r07"]],
  ["like_title=%C3%89T%C3%89", ["r06", "r07"]],
  ["like_title=*n", ["r07"]],
  ["like_title=b*a", ["r02"]],
  ["like_title=B*A*", ["r02"]],
  ["like_title=*", ["r01", "r02", "r03", "r05", "r06", "r07", "r08", "r10", "r11", "r13"]],
  ['like_title="10"', ["r05", "r08"]],
  ['like_age="tru"', ["r05"]],
  ['like_age="10"', ["r01", "r03", "r07", "r08", "r11"]],
  ["like_title=%3F", []],
  ["like_title=%5B", []],
  ["like_title=%F0%9F%98%80", ["r10"]],
  ["like_id=r1*", ["r10", "r11", "r13"]],
  ["like_sym=%5B%5E-%5D%5C", ["r13"]],
  ["like_sym=%5B%5E-%5D%5Cy%3F", ["r13"]],
  ["like_sym=x*%3F", []],
  ["like_sym=x*%3F*", ["r13"]],
  ["like_sym=%5E%5C", []],
  ["like_ml=a*b", ["r13"]],
  ["like_ml=a%0Ab", ["r13"]],
  // HAS: presence, even of null
  ["has_title=true", except("r09")],
  ["has_title=false", ["r09"]],
  ["has_title=0", ["r09"]],
  ['has_title=""', ["r09"]],
  ["has_author.name=1", ["r01", "r02"]],
  ["has_id=true", LIVE],
  ["has_id=false", []],
  // CONTAINS / CONTAINS_ANY: arrays only, exact elements
  ["contains_tags=a", ["r01", "r05"]],
  ['contains_tags=["a","b"]', ["r01"]],
  ["contains_tags=[1,true]", ["r05"]],
  ["contains_tags=1", ["r05", "r06"]],
  ["contains_tags=1.0", ["r05", "r06"]],
  ['contains_tags={"j":2,"k":1}', ["r05"]],
  ['contains_tags={"k":1}', []],
  ["contains_tags=[[1]]", ["r05"]],
  ["contains_tags=null", ["r05"]],
  ["contains_tags=[]", ["r01", "r02", "r04", "r05", "r06"]],
  ['contains_any_tags=["b",2]', ["r01", "r02", "r06"]],
  ['contains_any_tags=[{"j":2,"k":1},"zz"]', ["r05"]],
  ["contains_any_tags=z", []],
  ["contains_any_tags=[]", []],
  ["contains_age=10", ["r07"]],
  ["contains_title=10", []],
  // id and last_modified columns; tombstones only with a last_modified filter
  ["id=r05", ["r05"]],
  ["not_id=r05", except("r05")],
  ["gt_id=r10", ["r11", "r13"]],
  ["_since=0&gt_id=r10", ["r11", "r12", "r13"]],
  ["_since=0", [...LIVE, "r12"].sort()],
  ["_since=0&deleted=true", ["r12"]],
  ["_since=0&title=apple", ["r01"]],
  ["_since=0&exclude_id=r12", LIVE],
  ["_since=null", []],
  ["_before=null", []],
  ["_since=null&_before=null", []],
  ["_since=115&_before=150", ["r03", "r04", "r05"]],
  ["_since=200", ["r12", "r13"]],
  ["_to=110", ["r01"]],
  ["last_modified=120", ["r03"]],
  ["not_last_modified=120", [...except("r03"), "r12"].sort()],
  ["min_last_modified=210", ["r12", "r13"]],
  ["max_last_modified=110", ["r01", "r02"]],
  ['like_last_modified="12"', ["r03"]],
  ["has_last_modified=false", []],
];

describe("filtersSql", () => {
  it.each(FILTER_CASES)("%s", async (querystring, expected) => {
    const { sqlIds, memoryIds } = await idsFor(querystring);
    expect(sqlIds).toEqual([...expected].sort());
    expect(memoryIds).toEqual(sqlIds);
  });

  it("is `1` without filters", async () => {
    expect(toQuery(filtersSql([])).sql).toBe("1");
  });

  it("binds one parameter for a long id list (D1 allows 100)", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `x${i}`).concat(["r02"]);
    const filters: Filter[] = [{ field: "id", operator: "in", value: ids, param: "in_id" }];
    expect(toQuery(filtersSql(filters)).params).toHaveLength(1);
    const found = await select(PARENT, filtersSql(filters), sql`1`);
    expect(found.map((object) => object.id)).toEqual(["r02"]);
  });

  it("never interpolates values", () => {
    const { sql: text, params } = toQuery(
      filtersSql(parseListQuery(new URLSearchParams("title=x'y&like_a=%27&in_b=';--&contains_c=%22'%22"), DEFAULTS).filters),
    );
    expect(text).not.toContain("x'y");
    expect(text).not.toContain(";--");
    expect(params).toEqual(expect.arrayContaining(["x'y"]));
  });

  it("uses the last_modified index for _since", async () => {
    const query = parseListQuery(new URLSearchParams("_since=100"), DEFAULTS);
    const { sql: text, params } = toQuery(
      sql`SELECT id FROM objects WHERE parent_id = ${PARENT} AND resource_name = 'record' AND ${filtersSql(query.filters)} ORDER BY ${orderBySql(query.sort)}`,
    );
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
    const plan = results.map((row) => row.detail).join("\n");
    expect(plan).toContain("objects_parent_resource_last_modified");
    expect(plan).not.toContain("TEMP B-TREE");
  });
});

const SORT_CASES: [string, string[]][] = [
  ["_sort=age", ["r04", "r03", "r10", "r13", "r02", "r01", "r11", "r06", "r05", "r07", "r08", "r09"]],
  ["_sort=-age", ["r09", "r08", "r07", "r05", "r06", "r11", "r01", "r02", "r13", "r10", "r03", "r04"]],
  ["_sort=title", ["r04", "r05", "r02", "r01", "r03", "r13", "r06", "r07", "r11", "r10", "r08", "r09"]],
  ["", [...LIVE].reverse()],
  ["_sort=last_modified", LIVE],
  ["_sort=-id", [...LIVE].reverse()],
  ["_sort=author.name,-last_modified", ["r01", "r02", "r13", "r11", "r10", "r09", "r08", "r07", "r06", "r05", "r04", "r03"]],
  ["_sort=-author.name", ["r13", "r11", "r10", "r09", "r08", "r07", "r06", "r05", "r04", "r03", "r02", "r01"]],
  ["_sort=tags,id", ["r03", "r01", "r05", "r02", "r06", "r04", "r07", "r08", "r09", "r10", "r11", "r13"]],
];

describe("orderBySql", () => {
  it.each(SORT_CASES)("%s", async (querystring, expected) => {
    const query = parseListQuery(new URLSearchParams(querystring), DEFAULTS);
    const listed = await select(PARENT, liveOnly(false), orderBySql(query.sort));
    expect(listed.map((object) => object.id)).toEqual(expected);
    const inMemory = ROWS.filter((row) => row.data !== null).map(asListed).sort((a, b) => compareBySort(a, b, query.sort));
    expect(inMemory.map((object) => object.id)).toEqual(expected);
  });

  it("puts tombstones' deleted=true among booleans", async () => {
    const query = parseListQuery(new URLSearchParams("_sort=deleted,id"), DEFAULTS);
    const listed = await select(PARENT, sql`1`, orderBySql(query.sort));
    expect(listed.map((object) => object.id).slice(0, 2)).toEqual(["r10", "r12"]);
  });
});
