/**
 * A search `Query` → one SQL condition on a row of `objects`, 0 or 1 (never NULL), so it can
 * be negated and summed (`should`). Keyword clauses on strings use the list filters' (rank,
 * value) pair, so the collection's declared indexes (its `search.keyword` fields among them)
 * serve them; without one they scan the collection. Text clauses read FTS5.
 */
import { sql, type SQL } from "drizzle-orm";
import { isNumeric } from "../../json/numbers";
import { compareSql, FALSE, TRUE } from "../../protocol/query/compare-sql";
import { jsonEqualsSql } from "../../protocol/query/equals-sql";
import { fieldSql, orderedPair } from "../../protocol/query/field-sql";
import { numberSql } from "../../protocol/query/number-sql";
import { objects } from "../../storage/schema";
import { scopeMatchesSql } from "../../storage/search-index";
import { rankOf, RANK } from "../../protocol/query/values";
import { invalidParameter } from "../../errors";
import type { JsonValue } from "../../wire";
import type { Bound, Query } from "./dsl";
import { ftsExpression, tokensOf } from "./tokens";
import type { SearchFields } from "./metadata";

export interface QueryContext {
  /** `/buckets/b/collections/c`: the parent of the records and of their FTS documents. */
  collectionUri: string;
  fields: SearchFields;
}

function scalarEquals(field: string, values: JsonValue[]): SQL {
  const f = fieldSql(field);
  if (f.kind === "column") {
    const kept = values.filter((value) => rankOf(value) === f.rank);
    if (kept.length === 0) return FALSE;
    if (kept.length === 1 && kept[0] !== undefined) return sql`(${f.column} = ${isNumeric(kept[0]) ? numberSql(kept[0]) : kept[0]})`;
    return sql`(${f.column} IN (SELECT value FROM json_each(${JSON.stringify(kept)})))`;
  }
  const strings = values.filter((value): value is string => typeof value === "string");
  const others = values.filter((value) => typeof value !== "string");
  const conditions: SQL[] = others.map((value) => jsonEqualsSql(f.type, f.value, value));
  // Strings through the (rank, value) pair of the list filters: what a declared index holds.
  if (strings.length === 1 && strings[0] !== undefined) conditions.push(compareSql(f, "=", strings[0]));
  if (strings.length > 1) {
    const pair = orderedPair(f);
    conditions.push(sql`(${pair.rank} = ${sql.raw(String(RANK.string))} AND ${pair.value} IN (SELECT value FROM json_each(${JSON.stringify(strings)})))`);
  }
  if (conditions.length === 0) return FALSE;
  return conditions.length === 1 && conditions[0] !== undefined ? conditions[0] : sql`(${sql.join(conditions, sql` OR `)})`;
}

function boundValue(bound: Bound): SQL {
  return typeof bound.value === "string" ? sql`${bound.value}` : numberSql(bound.value);
}

function rangeSql(field: string, bounds: Bound[]): SQL {
  const f = fieldSql(field);
  const numeric = bounds.some((bound) => typeof bound.value !== "string");
  if (f.kind === "column") {
    if (bounds.length > 0 && (numeric ? RANK.number : RANK.string) !== f.rank) return FALSE;
    const parts = bounds.map((bound) => sql`${f.column} ${sql.raw(bound.op)} ${boundValue(bound)}`);
    return parts.length === 0 ? TRUE : sql`(${sql.join(parts, sql` AND `)})`;
  }
  const type = numeric ? sql`${f.type} IS NOT NULL AND ${f.type} IN ('integer', 'real')` : bounds.length === 0 ? sql`${f.type} IS NOT NULL` : sql`${f.type} IS 'text'`;
  const parts = [type, ...bounds.map((bound) => sql`${f.value} ${sql.raw(bound.op)} ${boundValue(bound)}`)];
  return sql`(${sql.join(parts, sql` AND `)})`;
}

/**
 * Strings starting with `prefix`: a range (index-friendly) and the exact check. Limit: a value
 * whose character after the prefix is U+10FFFF itself is not matched.
 */
function prefixSql(field: string, prefix: string): SQL {
  const f = fieldSql(field);
  const value = f.kind === "column" ? f.column : f.value;
  const type = f.kind === "column" ? (f.rank === RANK.string ? TRUE : FALSE) : sql`${f.type} IS 'text'`;
  if (prefix === "") return sql`(${type})`;
  const upper = `${prefix}\u{10FFFF}`;
  return sql`(${type} AND ${value} >= ${prefix} AND ${value} < ${upper} AND substr(${value}, 1, ${[...prefix].length}) = ${prefix})`;
}

/** An ES wildcard as a GLOB pattern: `*` and `?` kept, `[` bracketed, the rest literal. */
export function wildcardGlob(pattern: string): string {
  return pattern.replace(/\[/g, "[[]");
}

function wildcardSql(field: string, pattern: string): SQL {
  const f = fieldSql(field);
  if (f.kind === "column") return f.rank === RANK.string ? sql`(${f.column} GLOB ${wildcardGlob(pattern)})` : FALSE;
  return sql`(${f.type} IS 'text' AND ${f.value} GLOB ${wildcardGlob(pattern)})`;
}

function existsSql(field: string): SQL {
  const f = fieldSql(field);
  return f.kind === "column" ? TRUE : sql`(${f.type} IS NOT NULL AND ${f.type} IS NOT 'null')`;
}

type TextQuery = Extract<Query, { kind: "text" }>;

/** A `prefix` on a text field that is not also a keyword field: a prefix of its tokens (ES: terms of the analyzed text). */
function tokenPrefix(query: Extract<Query, { kind: "prefix" }>, fields: SearchFields): TextQuery | null {
  if (!fields.text.includes(query.field) || fields.keyword.includes(query.field)) return null;
  return { kind: "text", fields: [query.field], tokens: tokensOf(query.prefix).slice(0, 1), operator: "or", prefix: true };
}

/**
 * The `last_modified` of every record with an FTS document matching `query`, one row per
 * matched field, or null when nothing can match.
 */
function textMatchesSql(query: TextQuery, context: QueryContext): SQL | null {
  for (const field of query.fields) {
    if (!context.fields.text.includes(field)) {
      throw invalidParameter("body", field, `${field}: not a text field of this collection (declare it in the collection's search.text)`);
    }
  }
  const expression = ftsExpression(query.tokens, query.operator, query.prefix);
  if (expression === null) return null;
  return sql.join(
    query.fields.map((field) => scopeMatchesSql(context.collectionUri, field, expression)),
    sql` UNION ALL `,
  );
}

function textSql(query: TextQuery, context: QueryContext): SQL {
  const matches = textMatchesSql(query, context);
  return matches === null ? FALSE : sql`(${objects.lastModified} IN (${matches}))`;
}

/**
 * The number of records matching `query` when it is one full-text clause, counted from the
 * FTS index alone: the write listener keeps exactly one document per live record and text
 * field, in the record's transaction, so every matched timestamp is of a live record. Null
 * for any other query.
 */
export function textTotalSql(query: Query, context: QueryContext): SQL | null {
  const text = query.kind === "text" ? query : query.kind === "prefix" ? tokenPrefix(query, context.fields) : null;
  if (text === null) return null;
  const matches = textMatchesSql(text, context);
  if (matches === null) return sql`SELECT 0 AS matched`;
  const counted = text.fields.length === 1 ? sql`count(*)` : sql`count(DISTINCT lm)`;
  return sql`SELECT ${counted} AS matched FROM (${matches})`;
}

function boolSql(query: Extract<Query, { kind: "bool" }>, context: QueryContext): SQL {
  const parts = query.must.map((clause) => querySql(clause, context));
  parts.push(...query.mustNot.map((clause) => sql`(NOT ${querySql(clause, context)})`));
  if (query.minimumShould > 0) {
    const should = query.should.map((clause) => querySql(clause, context));
    parts.push(query.minimumShould === 1 ? sql`(${sql.join(should, sql` OR `)})` : sql`((${sql.join(should, sql` + `)}) >= ${query.minimumShould})`);
  }
  return parts.length === 0 ? TRUE : sql`(${sql.join(parts, sql` AND `)})`;
}

export function querySql(query: Query, context: QueryContext): SQL {
  switch (query.kind) {
    case "all":
      return TRUE;
    case "none":
      return FALSE;
    case "terms":
      return scalarEquals(query.field, query.values);
    case "range":
      return rangeSql(query.field, query.bounds);
    case "prefix": {
      const text = tokenPrefix(query, context.fields);
      return text === null ? prefixSql(query.field, query.prefix) : textSql(text, context);
    }
    case "wildcard":
      return wildcardSql(query.field, query.pattern);
    case "exists":
      return existsSql(query.field);
    case "text":
      return textSql(query, context);
    case "bool":
      return boolSql(query, context);
  }
}

/** Whether the query reads the full-text index. */
export function usesText(query: Query, fields: SearchFields): boolean {
  if (query.kind === "text") return true;
  if (query.kind === "prefix") return tokenPrefix(query, fields) !== null;
  if (query.kind === "bool") return [...query.must, ...query.should, ...query.mustNot].some((clause) => usesText(clause, fields));
  return false;
}
