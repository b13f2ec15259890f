/**
 * Plural reads over the `objects` table: one page by keyset (no OFFSET), and counts.
 * Each is one statement; the list timestamp is read separately (D1Storage.listTimestamp).
 */
import { sql, type SQL } from "drizzle-orm";
import { MAX_BOUND_PARAMETERS, MAX_STATEMENT_BYTES } from "../limits";
import { afterTokenSql, filtersSql, orderBySql, splitAfterToken } from "../protocol/query/compile";
import type { ListQuery } from "../protocol/query/types";
import { rowToObject, type D1Storage, type ObjectRow } from "./d1";
import { descendantRange, parentIdSql, resourceNameSql, toQuery } from "./sql";
import type { ListKey, ListPage } from "./types";

/** Restricts a list to the objects whose own ACL grants one of `permissions` to one of `principals`. */
export interface SharedScope {
  /** `${parent_id}/${plural}`: the URI prefix of the list's objects. */
  uriPrefix: string;
  permissions: readonly string[];
  principals: readonly string[];
}

function joinValues(values: readonly string[]): SQL {
  return sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );
}

/** ACL rows of the list's own objects (direct children of the prefix, not deeper descendants). */
function sharedRowsSql(scope: SharedScope): SQL {
  const [low, high] = descendantRange(scope.uriPrefix);
  return sql`FROM access_control_entries
    WHERE object_id >= ${low} AND object_id < ${high} AND instr(substr(object_id, ${low.length + 1}), '/') = 0
      AND permission IN (${joinValues(scope.permissions)}) AND principal IN (${joinValues(scope.principals)})`;
}

export function sharedIdsSql(scope: SharedScope): SQL {
  const [low] = descendantRange(scope.uriPrefix);
  return sql`id IN (SELECT substr(object_id, ${low.length + 1}) ${sharedRowsSql(scope)})`;
}

function whereSql(key: ListKey, query: ListQuery, scope: SharedScope | null, withToken: boolean, tombstones: boolean): SQL {
  const conditions: SQL[] = [parentIdSql(key.parentId), resourceNameSql(key.resourceName)];
  if (!tombstones) conditions.push(sql`deleted = 0`);
  if (query.filters.length > 0) conditions.push(filtersSql(query.filters));
  if (withToken && query.token) conditions.push(afterTokenSql(query.sort, query.token));
  if (scope) conditions.push(sharedIdsSql(scope));
  return sql.join(conditions, sql` AND `);
}

const COLUMNS = sql.raw("id, last_modified, data, deleted");

/**
 * After a token whose first sort key is a JSON field, the page is the union of the two parts
 * of `splitAfterToken`, each at most a page, sorted again (at most twice a page): each part is
 * a range of a declared index, so page 1,000 costs as page 1. Without an index each part scans.
 * The parts repeat the filters: when that exceeds D1's statement limits, one statement as
 * without a token (the checks of statement-limits.ts hold for it).
 */
function splitPageQuery(key: ListKey, query: ListQuery, scope: SharedScope | null): SQL | null {
  if (query.token === null) return null;
  const split = splitAfterToken(query.sort, query.token);
  if (split === null) return null;
  const where = whereSql(key, query, scope, false, query.includeTombstones);
  const limit = sql.raw(String(query.limit + 1));
  const parts = [
    sql`SELECT * FROM (SELECT ${COLUMNS} FROM objects WHERE ${where} AND ${split.sameRank} AND ${afterTokenSql(query.sort, query.token)}
      ORDER BY ${split.sameRankOrder} LIMIT ${limit})`,
  ];
  if (split.laterRanks !== null) {
    parts.push(sql`SELECT * FROM (SELECT ${COLUMNS} FROM objects WHERE ${where} AND ${split.laterRanks} ORDER BY ${orderBySql(query.sort)} LIMIT ${limit})`);
  }
  const statement = sql`SELECT ${COLUMNS} FROM (${sql.join(parts, sql` UNION ALL `)}) AS objects ORDER BY ${orderBySql(query.sort)} LIMIT ${limit}`;
  const { sql: text, params } = toQuery(statement);
  if (params.length > MAX_BOUND_PARAMETERS || new TextEncoder().encode(text).length > MAX_STATEMENT_BYTES) return null;
  return statement;
}

/** The rows of one page of `query.limit` objects after the token, plus one to tell whether more follow. */
export function pageQuery(key: ListKey, query: ListQuery, scope: SharedScope | null): SQL {
  return (
    splitPageQuery(key, query, scope) ??
    sql`SELECT ${COLUMNS} FROM objects
    WHERE ${whereSql(key, query, scope, true, query.includeTombstones)}
    ORDER BY ${orderBySql(query.sort)} LIMIT ${query.limit + 1}`
  );
}

/** Live objects matching the filters (plural HEAD; tombstones never count), as a `total` row. */
export function countQuery(key: ListKey, query: ListQuery, scope: SharedScope | null): SQL {
  return sql`SELECT count(*) AS total FROM objects WHERE ${whereSql(key, query, scope, false, false)}`;
}

/** The rows of `ids` in a list (live or not), newest first. */
export function rowsByIdQuery(key: ListKey, ids: readonly string[]): SQL {
  return sql`SELECT id, last_modified, data, deleted FROM objects
    WHERE parent_id = ${key.parentId} AND resource_name = ${key.resourceName}
      AND id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) ORDER BY last_modified DESC`;
}

export function pageOf(rows: ObjectRow[], limit: number): ListPage {
  const objects = rows.map(rowToObject);
  const hasMore = objects.length > limit;
  return { objects: hasMore ? objects.slice(0, limit) : objects, hasMore };
}

/** One page of `query.limit` objects after the token, and whether more follow. */
export async function listPage(storage: D1Storage, key: ListKey, query: ListQuery, scope: SharedScope | null): Promise<ListPage> {
  return pageOf(await storage.selectRows(pageQuery(key, query, scope)), query.limit);
}

/** Whether any object of the list is shared with the scope's principals. */
export async function hasShared(storage: D1Storage, scope: SharedScope): Promise<boolean> {
  const total = await storage.selectCount(sql`SELECT count(*) AS total FROM (SELECT 1 ${sharedRowsSql(scope)} LIMIT 1)`);
  return total > 0;
}
