/**
 * A parsed search → its statements (hits, total, one per aggregation) sent in ONE D1 batch
 * (one transaction: every part sees the same records), and the Elasticsearch 7 response:
 * `{hits: {total: {value, relation: "eq"}, max_score: null, hits: [{_index, _id, _score, _source}]}, aggregations}`.
 * No relevance score is computed: hits come in `sort` order, else newest first.
 */
import { sql, type SQL } from "drizzle-orm";
import { orderBySql } from "../../protocol/query/order-sql";
import { projectFields } from "../../protocol/query/fields";
import { toLiveWire } from "../../resources/objects";
import { rowToObject, type ObjectRow } from "../../storage/d1";
import { sharedIdsSql, type SharedScope } from "../../storage/list";
import { resourceNameSql, statement } from "../../storage/sql";
import type { JsonObject, JsonValue } from "../../wire";
import { metricSql, termsSql } from "./aggs-sql";
import { querySql, textTotalSql, type QueryContext } from "./query-sql";
import type { Agg, SearchRequest } from "./request";

type Terms = Extract<Agg, { kind: "terms" }>;
type Row = Record<string, unknown>;

export interface Part {
  agg: Agg;
  path: Terms[];
  query: SQL;
}

function partsOf(aggs: Agg[], path: Terms[], where: SQL): Part[] {
  return aggs.flatMap((agg): Part[] => {
    if (agg.kind !== "terms") return [{ agg, path, query: metricSql(where, path, agg.kind, agg.field) }];
    const own = [...path, agg];
    return [{ agg, path, query: termsSql(where, own) }, ...partsOf(agg.aggs, own, where)];
  });
}

/** A bucket key back to JSON: booleans were read as 1/0 (rank 3). */
function keyOf(rank: unknown, key: unknown): JsonValue {
  if (rank === 3) return key === 1;
  return key as JsonValue;
}

function parentKey(row: Row, depth: number): string {
  const parts: unknown[] = [];
  for (let i = 1; i <= depth; i++) parts.push(row[`r${i}`], row[`k${i}`]);
  return JSON.stringify(parts);
}

/** Results of every part, by agg and by the key of the bucket they sit in. */
type Results = Map<Agg, Map<string, Row[]>>;

function shape(aggs: Agg[], results: Results, bucket: string, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const agg of aggs) {
    const rows = results.get(agg)?.get(bucket) ?? [];
    if (agg.kind !== "terms") {
      const value = rows[0]?.value;
      out[agg.name] = { value: typeof value === "number" ? value : null };
      continue;
    }
    const d = depth + 1;
    const total = Number(rows[0]?.total ?? 0);
    const buckets = rows.map((row) => ({
      key: keyOf(row[`r${d}`], row[`k${d}`]),
      doc_count: Number(row.n),
      ...shape(agg.aggs, results, parentKey(row, d), d),
    }));
    const shown = buckets.reduce((sum, b) => sum + b.doc_count, 0);
    out[agg.name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: total - shown, buckets };
  }
  return out;
}

export interface SearchTarget extends QueryContext {
  bucketId: string;
  collectionId: string;
  /** The records the caller may read: all (null) or those shared with it. */
  scope: SharedScope | null;
}

/**
 * The statements of a search, in batch order: its hits, its total, then one per aggregation
 * part. No total statement when a top-level terms aggregation counts the matched rows itself;
 * either way the count is the column `matched`.
 */
export function searchStatements(request: SearchRequest, target: SearchTarget): { hits: SQL; total: SQL | null; parts: Part[] } {
  const conditions = [sql`parent_id = ${target.collectionUri}`, resourceNameSql("record"), sql`deleted = 0`, querySql(request.query, target)];
  if (target.scope) conditions.push(sharedIdsSql(target.scope));
  const where = sql.join(conditions, sql` AND `);
  const order = request.sort.length > 0 ? sql`${orderBySql(request.sort)}, last_modified DESC` : sql`last_modified DESC`;
  const parts = partsOf(request.aggs, [], where);
  return {
    hits: sql`SELECT id, last_modified, data, deleted FROM objects WHERE ${where} ORDER BY ${order} LIMIT ${request.size} OFFSET ${request.from}`,
    total: parts.some(countsMatches) ? null : totalSql(request, target, where),
    parts,
  };
}

/** The count of matched records: from FTS5 alone for one text clause read by anyone who may read all records, else from `objects`. */
function totalSql(request: SearchRequest, target: SearchTarget, where: SQL): SQL {
  const fromText = target.scope === null ? textTotalSql(request.query, target) : null;
  return fromText ?? sql`SELECT count(*) AS matched FROM objects WHERE ${where}`;
}

/** A top-level terms aggregation: its rows carry `matched` (aggs-sql.ts termsSql). */
function countsMatches(part: Part): boolean {
  return part.agg.kind === "terms" && part.path.length === 0;
}

export async function runSearch(db: D1Database, request: SearchRequest, target: SearchTarget): Promise<JsonObject> {
  const { hits, total, parts } = searchStatements(request, target);
  const queries = [hits, ...(total === null ? [] : [total]), ...parts.map((part) => part.query)];
  const batch = await db.batch(queries.map((query) => statement(db, query)));
  const firstPart = queries.length - parts.length;
  const partRows = (i: number) => (batch[firstPart + i]?.results ?? []) as Row[];
  const results: Results = new Map();
  parts.forEach((part, i) => {
    const byBucket = new Map<string, Row[]>();
    // A top-level terms with no bucket answers one row of NULL bucket columns (for `matched`).
    for (const row of partRows(i).filter((row) => row.rn !== null)) {
      const key = parentKey(row, part.path.length);
      byBucket.set(key, [...(byBucket.get(key) ?? []), row]);
    }
    results.set(part.agg, byBucket);
  });
  // The row holding `matched`: the total statement's, else the counting aggregation's.
  const counting = total === null ? partRows(parts.findIndex(countsMatches)) : ((batch[1]?.results ?? []) as Row[]);
  const count = Number(counting[0]?.matched ?? 0);
  const index = `kinto-${target.bucketId}-${target.collectionId}`;
  const source = request.source;
  const hitList = ((batch[0]?.results ?? []) as ObjectRow[]).map((row) => {
    const record = toLiveWire(rowToObject(row));
    const hit: JsonObject = { _index: index, _id: record.id, _score: null };
    if (source !== false) hit._source = source === null ? record : projectFields(record, source);
    return hit;
  });
  const response: JsonObject = {
    timed_out: false,
    hits: { total: { value: count, relation: "eq" }, max_score: null, hits: hitList },
  };
  if (request.aggs.length > 0) response.aggregations = shape(request.aggs, results, parentKey({}, 0), 0);
  return response;
}
