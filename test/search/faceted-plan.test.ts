/**
 * A faceted search (Buildhub's: a bool filter on two keyword fields, a terms aggregation on a
 * third, the hits sorted by a fourth) is answered from declared indexes alone when the
 * collection declares the filter fields followed by each aggregated or sorted field: EXPLAIN
 * QUERY PLAN of the statements `searchStatements` builds. A full-text clause reads FTS5 alone
 * (its documents' rowids hold the records' timestamps), and the total of a query that is one
 * is counted from FTS5 without reading a table.
 */
import { env } from "cloudflare:workers";
import type { SQL } from "drizzle-orm";
import { beforeAll, expect, test } from "vitest";
import { createBucket, ok } from "../resources/helpers";
import { parseSearchRequest } from "../../src/plugins/search/request";
import { searchStatements } from "../../src/plugins/search/run";
import { declaredIndexName } from "../../src/storage/declared-indexes";
import { toQuery } from "../../src/storage/sql";
import type { JsonObject } from "../../src/wire";

const fields = { text: ["target.version"], keyword: ["source.product", "target.channel", "build.date"] };
const byVersion = ["source.product", "target.channel", "target.version"];
const byDate = ["source.product", "target.channel", "build.date"];
let collectionUri = "";
let target: Parameters<typeof searchStatements>[1];

beforeAll(async () => {
  const bid = await createBucket();
  collectionUri = `/buckets/${bid}/collections/builds`;
  await ok({ method: "PUT", url: collectionUri, body: { data: { search: fields, indexes: [byVersion, byDate] } } });
  target = { bucketId: bid, collectionId: "builds", collectionUri, fields, scope: null };
});

async function plan(query: SQL): Promise<string> {
  const { sql: text, params } = toQuery(query);
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((row) => row.detail).join("\n");
}

interface Program {
  /** The names of the tables and indexes it reads through a cursor. */
  opened: string[];
  /** How many of its instructions read a column of an `objects` row (not of an index entry). */
  tableColumns: number;
}

/** What the statement's bytecode (EXPLAIN) reads: an `objects` cursor may be opened for a deferred seek that never happens. */
async function program(query: SQL): Promise<Program> {
  const { sql: text, params } = toQuery(query);
  const ops = (await env.DB.prepare(`EXPLAIN ${text}`).bind(...params).all<{ opcode: string; p1: number; p2: number }>()).results;
  const names = (await env.DB.prepare("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0").all<{ name: string; rootpage: number }>()).results;
  const nameOf = new Map(names.map((row) => [row.rootpage, row.name]));
  const cursors = new Map(ops.filter((op) => op.opcode === "OpenRead").map((op) => [op.p1, nameOf.get(op.p2) ?? "?"]));
  const tableColumns = ops.filter((op) => (op.opcode === "Column" || op.opcode === "Rowid") && cursors.get(op.p1) === "objects").length;
  return { opened: [...new Set(cursors.values())].sort(), tableColumns };
}

const faceted: JsonObject = {
  size: 10,
  sort: [{ "build.date": { order: "desc" } }],
  query: { bool: { filter: [{ term: { "source.product": "firefox" } }, { term: { "target.channel": "beta" } }] } },
  aggs: { versions: { terms: { field: "target.version", size: 10 } } },
};

test("the terms aggregation counts the total itself, from the filter-then-version index alone", async () => {
  const statements = searchStatements(parseSearchRequest(faceted, 10000), target);
  expect(statements.total).toBeNull();
  const index = declaredIndexName(collectionUri, byVersion);
  const terms = statements.parts[0]?.query;
  if (!terms) throw new Error("no aggregation statement");
  const grouping = await program(terms);
  expect(grouping.opened).toContain(index);
  // At most the one read of GROUP BY's first-row capture, once per group: the loop over the
  // matched entries reads the index alone.
  expect(grouping.tableColumns).toBeLessThanOrEqual(1);
  // Grouped in index order: no sorter for the GROUP BY of the matched rows.
  const termsPlan = await plan(terms);
  expect(termsPlan).toContain(`USING INDEX ${index} (<expr>=? AND <expr>=? AND <expr>=? AND <expr>=?)`);
  expect(termsPlan.split("\n").filter((line) => line.includes("TEMP B-TREE FOR GROUP BY"))).toHaveLength(1);
});

test("without an aggregation, the total of the filters reads a declared index alone", async () => {
  const { total } = searchStatements(parseSearchRequest({ ...faceted, aggs: {} }, 10000), target);
  if (total === null) throw new Error("no total statement");
  const read = await program(total);
  expect(read.opened.filter((name) => name.startsWith("objects_declared_"))).not.toHaveLength(0);
  expect(read.tableColumns).toBe(0);
});

test("the hits come in the filter-then-date index's order", async () => {
  const statements = searchStatements(parseSearchRequest(faceted, 10000), target);
  const hitsPlan = await plan(statements.hits);
  expect(hitsPlan).toContain(`USING INDEX ${declaredIndexName(collectionUri, byDate)}`);
  expect(hitsPlan).not.toContain("TEMP B-TREE FOR ORDER BY");
});

test("a full-text clause is answered by FTS5 alone, then the records by timestamp; alone, its total reads no table", async () => {
  const statements = searchStatements(parseSearchRequest({ query: { match_phrase_prefix: { "target.version": "57.0b" } } }, 10000), target);
  if (statements.total === null) throw new Error("no total statement");
  for (const statement of [statements.hits, statements.total]) {
    expect(await plan(statement)).toMatch(/SCAN search_fts VIRTUAL TABLE INDEX \d+:/);
    expect((await program(statement)).opened).not.toContain("search_docs");
  }
  const hitsPlan = await plan(statements.hits);
  expect(hitsPlan).toMatch(/SEARCH objects USING INDEX objects_parent_resource_last_modified \(parent_id=\? AND resource_name=\? AND last_modified=\?\)/);
  expect(hitsPlan).not.toContain("TEMP B-TREE FOR ORDER BY");
  expect((await program(statements.total)).opened).not.toContain("objects");
});
