/** Turns drizzle `sql` fragments into D1 statements. */
import { sql, type SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";

const dialect = new SQLiteSyncDialect();

/** A fragment → the `{ sql, params }` pair that `D1Database.prepare().bind()` takes. */
export function toQuery(fragment: SQL): { sql: string; params: unknown[] } {
  const { sql, params } = dialect.sqlToQuery(fragment);
  return { sql, params };
}

export function statement(db: D1Database, query: SQL): D1PreparedStatement {
  const { sql, params } = toQuery(query);
  return db.prepare(sql).bind(...params);
}

/** `[prefix + "/", prefix + "0")`: every string that starts with `prefix/` ('0' follows '/'). */
export function descendantRange(prefix: string): [string, string] {
  return [`${prefix}/`, `${prefix}0`];
}

/**
 * `resource_name = '<name>'` with the name inlined: names are code constants, never request
 * input, and SQLite uses a partial index (the history ones) only for a literal.
 */
export function resourceNameSql(name: string): SQL {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a resource name: ${name}`);
  return sql.raw(`resource_name = '${name}'`);
}

/** A string as an SQL literal, for the few places that take no bound parameter (DDL, partial-index conditions). */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `parent_id = '<id>'` as text: a list query carries it literally so that a collection's partial indexes apply. */
export function parentIdCondition(parentId: string): string {
  return `parent_id = ${sqlLiteral(parentId)}`;
}

export function parentIdSql(parentId: string): SQL {
  return sql.raw(parentIdCondition(parentId));
}
