/**
 * Keyword clauses are served by the collection's declared indexes (its `search.keyword` fields
 * among them): EXPLAIN QUERY PLAN of the condition `querySql` builds for `term` and `terms`.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, expect, test } from "vitest";
import { createBucket, ok } from "../resources/helpers";
import { parseSearchRequest } from "../../src/plugins/search/request";
import { querySql } from "../../src/plugins/search/query-sql";
import { resourceNameSql, toQuery } from "../../src/storage/sql";
import type { JsonObject } from "../../src/wire";

let collectionUri = "";
const fields = { text: ["target.version"], keyword: ["source.product", "target.channel"] };

beforeAll(async () => {
  const bid = await createBucket();
  collectionUri = `/buckets/${bid}/collections/builds`;
  await ok({ method: "PUT", url: collectionUri, body: { data: { search: fields } } });
});

test.each<[string, JsonObject]>([
  ["term", { term: { "source.product": "firefox" } }],
  ["terms", { terms: { "source.product": ["firefox", "fenix"] } }],
  ["a bool filter of two terms", { bool: { filter: [{ term: { "source.product": "firefox" } }, { term: { "target.channel": "beta" } }] } }],
])("%s on keyword fields seeks a declared index", async (_name, query) => {
  const request = parseSearchRequest({ query }, 10000);
  const where = sql.join([sql`parent_id = ${collectionUri}`, resourceNameSql("record"), sql`deleted = 0`, querySql(request.query, { collectionUri, fields })], sql` AND `);
  const { sql: text, params } = toQuery(sql`SELECT count(*) FROM objects WHERE ${where}`);
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
  expect(plan.results.map((row) => row.detail).join("\n")).toMatch(/SEARCH objects USING INDEX objects_declared_\w+ \(<expr>=\?/);
});
