/**
 * How a filter or sort field reads from a row of the `objects` table.
 *
 * `id` and `last_modified` are the plain columns (never wrapped, so indexes apply; never
 * missing). Everything else is a JSON path into `data`, where SQLite's `json_type` gives the
 * type (SQL NULL = missing) and `json_extract` the value (1/0 for booleans, JSON text for
 * arrays and objects). `deleted` is true on tombstone rows and the data field otherwise.
 */
import { sql, type SQL } from "drizzle-orm";
import { jsonPathText, RANK_BRANCHES } from "../../storage/order-sql-text";
import { objects } from "../../storage/schema";
import { RANK } from "./values";

export type FieldSql =
  | { kind: "column"; column: SQL; rank: typeof RANK.string | typeof RANK.number }
  | {
      kind: "json";
      /** json_type text, NULL when missing. */
      type: SQL;
      /** json_extract value, NULL for JSON null and for missing. */
      value: SQL;
      /** The table-valued `json_each(...)` over the value (empty unless it is an array or object). */
      each: SQL;
    };

/** `$."a"."b"` as an SQL string literal (storage/order-sql-text.ts). */
export function jsonPathLiteral(path: string): SQL {
  return sql.raw(jsonPathText(path));
}

export function fieldSql(field: string): FieldSql {
  if (field === "id") return { kind: "column", column: sql`${objects.id}`, rank: RANK.string };
  if (field === "last_modified") return { kind: "column", column: sql`${objects.lastModified}`, rank: RANK.number };
  const path = jsonPathLiteral(field);
  const type = sql`json_type(${objects.data}, ${path})`;
  const value = sql`json_extract(${objects.data}, ${path})`;
  const each = sql`json_each(${objects.data}, ${path})`;
  if (field !== "deleted") return { kind: "json", type, value, each };
  return {
    kind: "json",
    type: sql`(CASE WHEN ${objects.deleted} THEN 'true' ELSE ${type} END)`,
    value: sql`(CASE WHEN ${objects.deleted} THEN 1 ELSE ${value} END)`,
    each,
  };
}

/** The cross-type rank (values.ts `RANK`) of a `json_type` result; NULL (missing) ranks last. */
export function rankOfType(type: SQL): SQL {
  return sql`(CASE ${type} ${sql.raw(RANK_BRANCHES)} END)`;
}

/**
 * `(rank, value)`: a row value ordered exactly as the cross-type order. Within a rank:
 * numbers numerically, strings by code point (BINARY), false < true, arrays and objects by
 * their JSON text; null and missing carry a constant value.
 */
export function orderedPair(field: FieldSql): { rank: SQL; value: SQL } {
  if (field.kind === "column") return { rank: sql.raw(String(field.rank)), value: field.column };
  return { rank: rankOfType(field.type), value: sql`COALESCE(${field.value}, 0)` };
}
