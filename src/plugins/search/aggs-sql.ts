/**
 * One SQL statement per aggregation, over the rows matched by `where` (in `objects`):
 *
 *   `grouped`: the matched rows grouped by the keys of every terms level of the path (and
 *   the max/min of a metric in each group), read once. The keys are the list order's
 *   (rank, value) pair (field-sql.ts `orderedPair`), so a declared index on the filter fields
 *   followed by the aggregated field serves the grouping from the index alone, in index order;
 *   terms at depth d: levels L1..Ld as CTEs, each the top `size` buckets of its field within
 *   every bucket of the level above (window `row_number()` over the summed group counts),
 *   plus the count of matched rows with a value in that parent bucket (for `sum_other_doc_count`);
 *   max/min at depth d: the levels above it, the group metrics combined.
 *
 * Bucket keys are scalar values only (strings, numbers, booleans: ranks 1 to 3), so `true`
 * and `1` differ. Ties in `_count` order by key ascending, as Elasticsearch does.
 */
import { sql, type SQL } from "drizzle-orm";
import { fieldSql, orderedPair } from "../../protocol/query/field-sql";
import { RANK } from "../../protocol/query/values";
import type { Agg, TermsOrder } from "./request";

type Terms = Extract<Agg, { kind: "terms" }>;
type Metric = { kind: "max" | "min"; field: string };

/** A key of rank `r<i>` is a bucket key: a string, a number or a boolean. */
function scalar(column: string): string {
  return `${column} BETWEEN ${RANK.string} AND ${RANK.boolean}`;
}

function keyColumns(field: string, i: number): SQL {
  const pair = orderedPair(fieldSql(field));
  return sql`${pair.rank} AS ${sql.raw(`r${i}`)}, ${pair.value} AS ${sql.raw(`k${i}`)}`;
}

/** The metric's value: numbers only, NULL otherwise (ignored by max/min). */
function metricValue(field: string): SQL {
  const f = fieldSql(field);
  if (f.kind === "column") return f.column;
  return sql`(CASE WHEN ${f.type} IN ('integer', 'real') THEN ${f.value} END)`;
}

function orderTerms(order: TermsOrder, d: number): string {
  const key = (direction: string) => `g.r${d} ${direction}, g.k${d} ${direction}`;
  switch (order) {
    case "count_desc":
      return `sum(g.n) DESC, ${key("ASC")}`;
    case "count_asc":
      return `sum(g.n) ASC, ${key("ASC")}`;
    case "key_asc":
      return key("ASC");
    case "key_desc":
      return key("DESC");
  }
}

/** `r1, k1, …, rN, kN`, each prefixed with `alias`. */
function cols(upTo: number, alias = ""): string {
  return Array.from({ length: upTo }, (_, i) => `${alias}r${i + 1}, ${alias}k${i + 1}`).join(", ");
}

/** `L1..Ld` for the terms path: only names and numbers are interpolated, never request input. */
function levels(path: Terms[]): SQL[] {
  return path.map((agg, index) => {
    const d = index + 1;
    const keys = Array.from({ length: d }, (_, i) => `g.r${i + 1} AS r${i + 1}, g.k${i + 1} AS k${i + 1}`).join(", ");
    const join = index === 0 ? "" : ` JOIN L${index} USING (${cols(index)})`;
    const partition = index === 0 ? "" : `PARTITION BY ${cols(index, "g.")} `;
    return sql`${sql.raw(`L${d} AS (SELECT * FROM (SELECT ${keys}, sum(g.n) AS n, row_number() OVER (${partition}ORDER BY ${orderTerms(agg.order, d)}) AS rn
      FROM grouped AS g${join} WHERE ${scalar(`g.r${d}`)} GROUP BY ${cols(d, "g.")}) WHERE rn <= `)}${agg.size})`;
  });
}

function groupedCte(where: SQL, path: Terms[], metric: Metric | null): SQL {
  const columns = path.map((agg, i) => keyColumns(agg.field, i + 1));
  columns.push(sql`count(*) AS n`);
  if (metric !== null) columns.push(sql`${sql.raw(metric.kind)}(${metricValue(metric.field)}) AS mv`);
  return sql`grouped AS (SELECT ${sql.join(columns, sql`, `)} FROM objects WHERE ${where} GROUP BY ${sql.raw(cols(path.length))})`;
}

/**
 * The buckets of the last terms of `path`, with `total`: the matched rows with a value in the
 * parent bucket. At the top level, every row also carries `matched` (the number of matched
 * rows: the search's total, so no other statement counts them), and one row with NULL
 * buckets columns comes back when there is no bucket.
 */
export function termsSql(where: SQL, path: Terms[]): SQL {
  const d = path.length;
  const parentMatch = Array.from({ length: d - 1 }, (_, i) => `g.r${i + 1} = L.r${i + 1} AND g.k${i + 1} = L.k${i + 1}`);
  const condition = sql.raw([...parentMatch, scalar(`g.r${d}`)].join(" AND "));
  const head = sql`WITH ${groupedCte(where, path, null)}, ${sql.join(levels(path), sql`, `)}
    SELECT L.*, (SELECT sum(g.n) FROM grouped AS g WHERE ${condition}) AS total`;
  if (d > 1) return sql`${head} FROM ${sql.raw(`L${d}`)} AS L ORDER BY ${sql.raw(`${cols(d - 1, "L.")}, L.rn`)}`;
  return sql`${head}, (SELECT sum(n) FROM grouped) AS matched FROM (SELECT 1) LEFT JOIN L1 AS L ORDER BY L.rn`;
}

/** max/min of `field` within each bucket of `path` (top level: one row). */
export function metricSql(where: SQL, path: Terms[], kind: "max" | "min", field: string): SQL {
  const fn = sql.raw(kind);
  if (path.length === 0) return sql`SELECT ${fn}(${metricValue(field)}) AS value FROM objects WHERE ${where}`;
  const d = path.length;
  return sql`WITH ${groupedCte(where, path, { kind, field })}, ${sql.join(levels(path), sql`, `)}
    SELECT ${sql.raw(cols(d, "g."))}, ${fn}(g.mv) AS value FROM grouped AS g JOIN ${sql.raw(`L${d}`)} USING (${sql.raw(cols(d))})
    GROUP BY ${sql.raw(cols(d, "g."))}`;
}
