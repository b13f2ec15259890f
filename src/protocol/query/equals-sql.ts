/**
 * Deep equality of a stored JSON value with a constant (EQ, NOT, and the array elements of
 * CONTAINS): numbers numerically, strings exactly, arrays element-wise, objects regardless
 * of key order. `type`/`value` are a `json_type` result (NULL = missing) and the matching
 * `json_extract`-style value. Every expression here is 0 or 1, never NULL.
 */
import { sql, type SQL } from "drizzle-orm";
import { isNumeric, isRawNumber } from "../../json/numbers";
import type { JsonValue } from "../../wire";
import { rankOfType } from "./field-sql";
import { numberSql } from "./number-sql";

/** Rows of SQLite's `json_tree` over the value: the value itself and every nested member. */
function nodeCount(value: JsonValue): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((sum, item) => sum + nodeCount(item), 0);
  if (value !== null && typeof value === "object" && !isRawNumber(value)) {
    return 1 + Object.values(value).reduce<number>((sum, item) => sum + nodeCount(item), 0);
  }
  return 1;
}

/**
 * Arrays and objects: same node count, and every node of the constant has a node of the
 * stored value at the same path with the same type rank and the same atom. Equal counts
 * make that a one-to-one match. One bound parameter, whatever the size of the constant.
 * The CASE keeps `json_tree` from ever reading a non-JSON text.
 */
function containerEqualsSql(type: SQL, value: SQL, constant: JsonValue[] | { [key: string]: JsonValue }): SQL {
  const kind = sql.raw(Array.isArray(constant) ? "'array'" : "'object'");
  const count = sql.raw(String(nodeCount(constant)));
  return sql`(CASE WHEN ${type} IS ${kind} THEN (
    (SELECT count(*) FROM json_tree(${value})) = ${count}
    AND NOT EXISTS (SELECT 1 FROM json_tree(${JSON.stringify(constant)}) AS eq_q WHERE NOT EXISTS (
      SELECT 1 FROM json_tree(${value}) AS eq_s
      WHERE eq_s.fullkey = eq_q.fullkey AND ${rankOfType(sql`eq_s.type`)} = ${rankOfType(sql`eq_q.type`)}
        AND eq_s.atom IS eq_q.atom))
  ) ELSE 0 END)`;
}

export function jsonEqualsSql(type: SQL, value: SQL, constant: JsonValue): SQL {
  if (constant === null) return sql`(${type} IS 'null')`;
  if (typeof constant === "boolean") return sql`(${type} IS ${sql.raw(constant ? "'true'" : "'false'")})`;
  if (typeof constant === "string") return sql`(${type} IS 'text' AND ${value} = ${constant})`;
  if (isNumeric(constant)) return sql`((${type} IS 'integer' OR ${type} IS 'real') AND ${value} = ${numberSql(constant)})`;
  return containerEqualsSql(type, value, constant);
}
