/**
 * A number constant for SQL. SQLite's `json_extract` reads a stored integer literal as a
 * 64-bit integer when it fits (else as a REAL), so an integer constant is written as an
 * integer literal: comparisons are exact within int64 and approximate (doubles) beyond.
 * Other raw numbers are exact doubles and are bound as such. A bound JavaScript number
 * would round integers beyond 2^53; D1 binds no bigint.
 */
import { sql, type SQL } from "drizzle-orm";
import { INTEGER_TEXT, toDouble } from "../../json/numbers";
import type { RawNumber } from "../../wire";

export function numberSql(value: number | RawNumber): SQL {
  if (typeof value === "number") return sql`${value}`;
  // Only digits (checked): safe to write into the statement.
  if (INTEGER_TEXT.test(value.rawJSON)) return sql.raw(value.rawJSON);
  return sql`${toDouble(value)}`;
}
