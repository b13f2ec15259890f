/**
 * One `Filter` → an SQL condition on a row of `objects`, with the missing-field semantics
 * of contract §4.3 (NOT/GT/MIN/EXCLUDE hold on missing; EQ/LT/MAX/IN/LIKE/CONTAINS do not).
 * Every condition is 0 or 1, never NULL, so it can be negated and combined freely.
 * Values are bound parameters; list values travel as one JSON parameter each (D1 binds at
 * most 100 parameters per statement).
 */
import { sql, type SQL } from "drizzle-orm";
import { isNumeric, isRawNumber } from "../../json/numbers";
import type { JsonValue } from "../../wire";
import { compareSql, FALSE, TRUE } from "./compare-sql";
import { jsonEqualsSql } from "./equals-sql";
import { fieldSql, orderedPair, rankOfType, type FieldSql } from "./field-sql";
import { globPattern } from "./like-pattern";
import { numberSql } from "./number-sql";
import type { Filter } from "./types";
import { isTruthy, rankOf } from "./values";

function asList(value: JsonValue): JsonValue[] {
  return Array.isArray(value) ? value : [value];
}

function isContainer(value: JsonValue): boolean {
  return value !== null && typeof value === "object" && !isRawNumber(value);
}

/**
 * A scalar is compared as the `(rank, value)` pair of the sort order, the very expressions
 * of a declared index (storage/declared-indexes.ts), so an equality filter is an index seek.
 */
function equalsSql(field: FieldSql, value: JsonValue): SQL {
  if (field.kind === "column") {
    if (rankOf(value) !== field.rank) return FALSE;
    return sql`${field.column} = ${isNumeric(value) ? numberSql(value) : value}`;
  }
  if (!isContainer(value)) return compareSql(field, "=", value);
  return jsonEqualsSql(field.type, field.value, value);
}

/** `(rank, value)` of json_each/json_tree rows aliased `alias`, comparable with `orderedPair`. */
function elementPair(alias: string): SQL {
  return sql`${rankOfType(sql.raw(`${alias}.type`))}, COALESCE(${sql.raw(`${alias}.value`)}, 0)`;
}

/**
 * IN: pieces of `in_` never hold a comma, so an array or object piece has at most one
 * member and comparing JSON texts is exact here.
 */
function inSql(field: FieldSql, values: JsonValue[]): SQL {
  if (field.kind === "column") {
    const kept = values.filter((value) => rankOf(value) === field.rank);
    if (kept.length === 0) return FALSE;
    return sql`${field.column} IN (SELECT value FROM json_each(${JSON.stringify(kept)}))`;
  }
  const pair = orderedPair(field);
  return sql`((${pair.rank}, ${pair.value}) IN (SELECT ${elementPair("in_q")} FROM json_each(${JSON.stringify(values)}) AS in_q))`;
}

/** The text a LIKE pattern is matched against: booleans as `true`/`false`, JSON null never matches. */
function likeSql(field: FieldSql, pattern: string): SQL {
  const glob = globPattern(pattern);
  if (field.kind === "column") return sql`(lower(${field.column}) GLOB ${glob})`;
  const text = sql`(CASE ${field.type} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE ${field.value} END)`;
  return sql`COALESCE(lower(${text}) GLOB ${glob}, 0)`;
}

function hasSql(field: FieldSql, present: boolean): SQL {
  if (field.kind === "column") return present ? TRUE : FALSE;
  return present ? sql`(${field.type} IS NOT NULL)` : sql`(${field.type} IS NULL)`;
}

/** The stored value is an array holding every (`all`) or some (`any`) of `values`, deep-equal. */
function containsSql(field: FieldSql, values: JsonValue[], mode: "all" | "any"): SQL {
  if (field.kind === "column") return FALSE;
  const scalars = values.filter((value) => !isContainer(value));
  const elements = sql`SELECT ${elementPair("ct_e")} FROM ${field.each} AS ct_e`;
  const conditions: SQL[] = values.filter(isContainer).map(
    (value) => sql`EXISTS (SELECT 1 FROM ${field.each} AS ct_e WHERE ${jsonEqualsSql(sql`ct_e.type`, sql`ct_e.value`, value)})`,
  );
  if (scalars.length > 0) {
    const list = JSON.stringify(scalars);
    conditions.push(
      mode === "all"
        ? sql`NOT EXISTS (SELECT 1 FROM json_each(${list}) AS ct_q WHERE (${elementPair("ct_q")}) NOT IN (${elements}))`
        : sql`EXISTS (SELECT 1 FROM json_each(${list}) AS ct_q WHERE (${elementPair("ct_q")}) IN (${elements}))`,
    );
  }
  const empty = mode === "all" ? TRUE : FALSE;
  const combined = conditions.length === 0 ? empty : sql.join(conditions, sql.raw(mode === "all" ? " AND " : " OR "));
  return sql`(CASE WHEN ${field.type} IS 'array' THEN (${combined}) ELSE 0 END)`;
}

export function filterSql(filter: Filter): SQL {
  // `_since=null` (Appendix D.5): the reference compares with SQL NULL, which matches nothing.
  if (filter.field === "last_modified" && filter.value === null) return FALSE;
  const field = fieldSql(filter.field);
  const { value } = filter;
  switch (filter.operator) {
    case "eq":
      return equalsSql(field, value);
    case "not":
      return sql`(NOT ${equalsSql(field, value)})`;
    case "lt":
      return compareSql(field, "<", value);
    case "gt":
      return compareSql(field, ">", value);
    case "min":
      return compareSql(field, ">=", value);
    case "max":
      return compareSql(field, "<=", value);
    case "in":
      return inSql(field, asList(value));
    case "exclude":
      return sql`(NOT ${inSql(field, asList(value))})`;
    case "like":
      return typeof value === "string" ? likeSql(field, value) : FALSE;
    case "has":
      return hasSql(field, isTruthy(value));
    case "contains":
      return containsSql(field, asList(value), "all");
    case "contains_any":
      return containsSql(field, asList(value), "any");
  }
}
