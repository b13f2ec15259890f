/**
 * The list query compiled to SQLite (D1) over the `objects` table:
 *
 *   SELECT … FROM objects WHERE parent_id = ? AND resource_name = ? [AND NOT deleted]
 *     AND <filtersSql> [AND <afterTokenSql>] ORDER BY <orderBySql> LIMIT <limit + 1>
 *
 * Column references are qualified (`"objects"."id"`), so the fragments also work in joins.
 */
import { sql, type SQL } from "drizzle-orm";
import type { KintoObject, Tombstone } from "../../wire";
import { filterSql } from "./filter-sql";
import type { Filter, PageToken, SortKey } from "./types";
import { setOwn, valueAt } from "./values";

export { afterTokenSql, splitAfterToken } from "./keyset-sql";
export { orderBySql } from "./order-sql";

/** AND of every filter; `1` when there is none. */
export function filtersSql(filters: Filter[]): SQL {
  if (filters.length === 0) return sql`1`;
  return sql.join(filters.map(filterSql), sql.raw(" AND "));
}

/** The token's `lastObject` for `object`: its value for each sort field, missing ones absent. */
export function sortValuesOf(object: KintoObject | Tombstone, sort: SortKey[]): PageToken["lastObject"] {
  const source: { [key: string]: KintoObject[string] } = { ...object };
  const values: PageToken["lastObject"] = {};
  for (const { field } of sort) {
    const value = valueAt(source, field);
    if (value !== undefined) setOwn(values, field, value);
  }
  return values;
}
