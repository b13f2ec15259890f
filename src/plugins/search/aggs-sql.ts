/**
 * One SQL statement per aggregation, over the rows matched by `where` (in `objects`):
 *
 *   terms at depth d: levels L1..Ld as CTEs, each the top `size` buckets of its field within
 *   every bucket of the level above (window `row_number()`), plus the count of matched rows
 *   with a value in that parent bucket (for `sum_other_doc_count`);
 *   max/min at depth d: the levels above it, grouped.
 *
 * Bucket keys are scalar values only (strings, numbers, booleans): `(r, k)` is the cross-type
 * rank (field-sql.ts `rankOfType`) and the `json_extract` value, so `true` and `1` differ.
 * Ties in `_count` order by key ascending, as Elasticsearch does.
 */
import { sql, type SQL } from "drizzle-orm";
import { fieldSql, rankOfType } from "../../protocol/query/field-sql";
import type { Agg, TermsOrder } from "./request";

type Terms = Extract<Agg, { kind: "terms" }>;

/** `(rank, value)` of a scalar field value; rank NULL when missing, null, an array or an object. */
function keyColumns(field: string, i: number): SQL {
  const f = fieldSql(field);
  const r = sql.raw(`r${i}`);
  const k = sql.raw(`k${i}`);
  if (f.kind === "column") return sql`${sql.raw(String(f.rank))} AS ${r}, ${f.column} AS ${k}`;
  return sql`(CASE WHEN ${f.type} IN ('text', 'integer', 'real', 'true', 'false') THEN ${rankOfType(f.type)} END) AS ${r}, ${f.value} AS ${k}`;
}

function metricColumn(field: string): SQL {
  const f = fieldSql(field);
  if (f.kind === "column") return sql`${f.column} AS mv`;
  return sql`(CASE WHEN ${f.type} IN ('integer', 'real') THEN ${f.value} END) AS mv`;
}

function orderTerms(order: TermsOrder, d: number): string {
  const key = (direction: string) => `m.r${d} ${direction}, m.k${d} ${direction}`;
  switch (order) {
    case "count_desc":
      return `count(*) DESC, ${key("ASC")}`;
    case "count_asc":
      return `count(*) ASC, ${key("ASC")}`;
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
    const keys = Array.from({ length: d }, (_, i) => `m.r${i + 1} AS r${i + 1}, m.k${i + 1} AS k${i + 1}`).join(", ");
    const join = index === 0 ? "" : ` JOIN L${index} USING (${cols(index)})`;
    const partition = index === 0 ? "" : `PARTITION BY ${cols(index, "m.")} `;
    return sql`${sql.raw(`L${d} AS (SELECT * FROM (SELECT ${keys}, count(*) AS n, row_number() OVER (${partition}ORDER BY ${orderTerms(agg.order, d)}) AS rn
      FROM matched AS m${join} WHERE m.r${d} IS NOT NULL GROUP BY ${cols(d, "m.")}) WHERE rn <= `)}${agg.size})`;
  });
}

function matchedCte(where: SQL, path: Terms[], metric: string | null): SQL {
  const columns = path.map((agg, i) => keyColumns(agg.field, i + 1));
  if (metric !== null) columns.push(metricColumn(metric));
  return sql`matched AS (SELECT ${sql.join(columns, sql`, `)} FROM objects WHERE ${where})`;
}

/** The buckets of the last terms of `path`, with `total`: the matched rows with a value in the parent bucket. */
export function termsSql(where: SQL, path: Terms[]): SQL {
  const d = path.length;
  const parentMatch = Array.from({ length: d - 1 }, (_, i) => `m.r${i + 1} = L.r${i + 1} AND m.k${i + 1} = L.k${i + 1}`);
  const condition = sql.raw([...parentMatch, `m.r${d} IS NOT NULL`].join(" AND "));
  return sql`WITH ${matchedCte(where, path, null)}, ${sql.join(levels(path), sql`, `)}
    SELECT L.*, (SELECT count(*) FROM matched AS m WHERE ${condition}) AS total FROM ${sql.raw(`L${d}`)} AS L ORDER BY ${sql.raw(d > 1 ? `${cols(d - 1, "L.")}, L.rn` : "L.rn")}`;
}

/** max/min of `field` within each bucket of `path` (top level: one row). */
export function metricSql(where: SQL, path: Terms[], kind: "max" | "min", field: string): SQL {
  const fn = sql.raw(kind);
  if (path.length === 0) return sql`WITH ${matchedCte(where, path, field)} SELECT ${fn}(mv) AS value FROM matched`;
  const d = path.length;
  return sql`WITH ${matchedCte(where, path, field)}, ${sql.join(levels(path), sql`, `)}
    SELECT ${sql.raw(cols(d, "m."))}, ${fn}(m.mv) AS value FROM matched AS m JOIN ${sql.raw(`L${d}`)} USING (${sql.raw(cols(d))})
    GROUP BY ${sql.raw(cols(d, "m."))}`;
}
