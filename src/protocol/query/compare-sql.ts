/** Cross-type comparisons of a field with a constant (contract §4.3 order; missing is greatest). */
import { sql, type SQL } from "drizzle-orm";
import { isNumeric } from "../../json/numbers";
import { orderedPair, type FieldSql } from "./field-sql";
import { numberSql } from "./number-sql";
import { rankOf, type MaybeJson } from "./values";

export type Comparison = "=" | "<>" | "<" | ">" | "<=" | ">=";

export const TRUE = sql`1`;
export const FALSE = sql`0`;

/** The constant as an `(rank, value)` pair matching `orderedPair`; `undefined` is missing. */
export function constantPair(value: MaybeJson): { rank: SQL; value: SQL } {
  const rank = sql.raw(String(rankOf(value)));
  if (typeof value === "string") return { rank, value: sql`${value}` };
  if (isNumeric(value)) return { rank, value: numberSql(value) };
  if (typeof value === "boolean") return { rank, value: sql.raw(value ? "1" : "0") };
  if (value === null || value === undefined) return { rank, value: sql.raw("0") };
  return { rank, value: sql`json(${JSON.stringify(value)})` };
}

function holds(left: number, op: Comparison, right: number): boolean {
  switch (op) {
    case "=":
      return left === right;
    case "<>":
      return left !== right;
    case "<":
      return left < right;
    case ">":
      return left > right;
    case "<=":
      return left <= right;
    case ">=":
      return left >= right;
  }
}

/**
 * `field op value` in the cross-type order; never NULL. A column compared with a value
 * of its own type is a plain `column op ?` (index-friendly); with another type the
 * answer is a constant, decided by the type ranks.
 */
export function compareSql(field: FieldSql, op: Comparison, value: MaybeJson): SQL {
  const constant = constantPair(value);
  const opSql = sql.raw(op);
  if (field.kind === "column") {
    const rank = rankOf(value);
    if (rank === field.rank) return sql`${field.column} ${opSql} ${constant.value}`;
    return holds(field.rank, op, rank) ? TRUE : FALSE;
  }
  const pair = orderedPair(field);
  return sql`((${pair.rank}, ${pair.value}) ${opSql} (${constant.rank}, ${constant.value}))`;
}
