/** Turns drizzle `sql` fragments into D1 statements. */
import type { SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";

const dialect = new SQLiteSyncDialect();

export function statement(db: D1Database, query: SQL): D1PreparedStatement {
  const { sql, params } = dialect.sqlToQuery(query);
  return db.prepare(sql).bind(...params);
}

/** `[prefix + "/", prefix + "0")`: every string that starts with `prefix/` ('0' follows '/'). */
export function descendantRange(prefix: string): [string, string] {
  return [`${prefix}/`, `${prefix}0`];
}
