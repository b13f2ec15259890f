/**
 * Keyset pagination on real D1: following `Next-Page` page by page (pages of 1 to 5) yields
 * exactly the unpaginated order, which is also the in-memory order, for many sort specs
 * with ties, mixed types, missing values and mixed directions.
 */
import { sql } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { afterTokenSql, filtersSql, orderBySql, sortValuesOf } from "../../src/protocol/query/compile";
import { matchesFilters } from "../../src/protocol/query/memory-filter";
import { compareBySort, isAfterToken } from "../../src/protocol/query/memory-order";
import { nextPageUrl } from "../../src/protocol/query/next-page";
import { parseListQuery } from "../../src/protocol/query/parse";
import { toQuery } from "../../src/storage/sql";
import { encodeToken, newNonce } from "../../src/protocol/query/token";
import type { JsonObject, JsonValue } from "../../src/wire";
import { asListed, insertRows, liveOnly, select, type Row } from "./d1";
import { DEFAULTS } from "./helpers";

const PARENT = "/buckets/b/collections/paginate";
const BASE = "https://kinto.example:8443/v1/buckets/b/collections/paginate/records";

/** Deterministic pseudo-random choices (LCG), so failures are reproducible. */
function chooser(seed: number): <T>(items: readonly T[]) => T {
  let state = seed;
  return <T>(items: readonly T[]): T => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return items[state % items.length] as T;
  };
}

const MISSING = Symbol("missing");
type Choice = JsonValue | typeof MISSING;

function buildRows(): Row[] {
  const pick = chooser(42);
  const gs: Choice[] = [1, 2, 2.5, -1, "x", "y", "X", null, MISSING, true, false, [1], [], { a: 1 }, "é"];
  const hs: Choice[] = ["a", "b", "B", "é", "😀", MISSING, 0, -1, null];
  const ns: Choice[] = [{ k: 1 }, { k: "1" }, { k: null }, {}, "str", MISSING];
  const rows: Row[] = [];
  for (let i = 0; i < 45; i++) {
    const data: JsonObject = {};
    for (const [key, value] of [["g", pick(gs)], ["h", pick(hs)], ["n", pick(ns)]] as const) {
      if (value !== MISSING) data[key] = value;
    }
    const tombstone = i % 9 === 4;
    rows.push({ id: `p${String(pick([...Array(90).keys()])).padStart(2, "0")}-${i}`, lastModified: 1000 + i * 7, data: tombstone ? null : data });
  }
  rows.push({ id: "proto", lastModified: 5000, data: JSON.parse('{"__proto__": 5, "g": 1}') as JsonObject });
  return rows;
}

const ROWS = buildRows();

beforeAll(async () => {
  await insertRows(PARENT, ROWS);
});

/** Follows `Next-Page` from `querystring` with `_limit=pageSize`; returns the ids in order. */
async function walk(querystring: string, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  let url: URL | null = new URL(`${BASE}?${querystring}&_limit=${pageSize}`);
  const ids: string[] = [];
  let pages = 0;
  while (url && pages < 100) {
    pages += 1;
    const query = parseListQuery(url.searchParams, DEFAULTS);
    const after = query.token ? afterTokenSql(query.sort, query.token) : sql`1`;
    const where = sql`${liveOnly(query.includeTombstones)} AND ${filtersSql(query.filters)} AND ${after}`;
    const fetched = await select(PARENT, where, orderBySql(query.sort), query.limit + 1);
    const page = fetched.slice(0, query.limit);
    ids.push(...page.map((object) => object.id));
    const last = page.at(-1);
    if (fetched.length <= query.limit || !last) {
      url = null;
      continue;
    }
    const offset = (query.token?.offset ?? 0) + page.length;
    const token = encodeToken({ lastObject: sortValuesOf(last, query.sort), offset, nonce: newNonce() });
    url = new URL(nextPageUrl(url, query.limit, token));
  }
  return { ids, pages };
}

const SPECS = [
  "",
  "_sort=g",
  "_sort=-g",
  "_sort=g,h",
  "_sort=g,-h",
  "_sort=-g,h,id",
  "_sort=h,-g",
  "_sort=n.k,-g,h",
  "_sort=-n,g",
  "_sort=id",
  "_sort=-id",
  "_sort=last_modified",
  "_sort=g,last_modified",
  "_sort=-h,-last_modified",
  "_sort=__proto__,constructor",
  "_since=0&_sort=deleted,g",
  "_since=0&_sort=-g,-h",
  "gt_g=1&_sort=h,-g",
  "exclude_h=a,b&_sort=-n.k,h",
];

describe("pagination walk", () => {
  it.each(SPECS)("%s", async (querystring) => {
    const query = parseListQuery(new URLSearchParams(querystring), DEFAULTS);
    const where = sql`${liveOnly(query.includeTombstones)} AND ${filtersSql(query.filters)}`;
    const full = (await select(PARENT, where, orderBySql(query.sort))).map((object) => object.id);
    const expected = ROWS.filter((row) => query.includeTombstones || row.data !== null)
      .map(asListed)
      .filter((object) => matchesFilters(object, query.filters))
      .sort((a, b) => compareBySort(a, b, query.sort))
      .map((object) => object.id);
    expect(full).toEqual(expected);
    expect(full.length).toBeGreaterThan(5);
    for (const pageSize of [1, 2, 3, 5]) {
      const { ids, pages } = await walk(querystring, pageSize);
      expect(ids, `pages of ${pageSize}`).toEqual(full);
      expect(pages).toBe(Math.max(1, Math.ceil(full.length / pageSize)));
    }
  });

  it("agrees with the in-memory keyset test at every position", async () => {
    const query = parseListQuery(new URLSearchParams("_since=0&_sort=g,-h,n.k"), DEFAULTS);
    const listed = await select(PARENT, sql`1`, orderBySql(query.sort));
    for (const [index, object] of listed.entries()) {
      const token = { lastObject: sortValuesOf(object, query.sort), offset: 0, nonce: "n" };
      const after = await select(PARENT, afterTokenSql(query.sort, token), orderBySql(query.sort));
      expect(after.map((item) => item.id)).toEqual(listed.slice(index + 1).map((item) => item.id));
      expect(listed.filter((item) => isAfterToken(item, query.sort, token)).map((item) => item.id)).toEqual(
        after.map((item) => item.id),
      );
    }
  });
});

describe("cost", () => {
  it("walks the last_modified index for the default sort, without OFFSET or sorting", async () => {
    const query = parseListQuery(new URLSearchParams("_since=0"), DEFAULTS);
    const token = { lastObject: { last_modified: 1100 }, offset: 10, nonce: "n" };
    const { sql: text, params } = toQuery(
      sql`SELECT id FROM objects WHERE parent_id = ${PARENT} AND resource_name = 'record'
        AND ${filtersSql(query.filters)} AND ${afterTokenSql(query.sort, token)} ORDER BY ${orderBySql(query.sort)} LIMIT 3`,
    );
    expect(text).not.toMatch(/OFFSET/i);
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
    const plan = results.map((row) => row.detail).join("\n");
    expect(plan).toContain("objects_parent_resource_last_modified");
    expect(plan).toMatch(/last_modified>\?|last_modified<\?/);
    expect(plan).not.toContain("TEMP B-TREE");
  });
});
