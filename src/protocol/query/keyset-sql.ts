/** Keyset pagination: the rows strictly after the token's last object in sort order (§4.6). */
import { sql, type SQL } from "drizzle-orm";
import { compareSql, FALSE } from "./compare-sql";
import { fieldSql } from "./field-sql";
import { tokenValue } from "./token";
import type { PageToken, SortKey } from "./types";

/**
 * `k1 after t1 OR (k1 = t1 AND (k2 after t2 OR (k2 = t2 AND …)))`, with "after" meaning
 * greater for ascending keys and smaller for descending ones, in the same cross-type order
 * as `orderBySql` (a missing token value is greatest). No OFFSET: page N costs as page 1.
 * Binds at most 2 parameters per sort key.
 */
export function afterTokenSql(sort: SortKey[], token: PageToken): SQL {
  let condition: SQL | null = null;
  for (const key of [...sort].reverse()) {
    const field = fieldSql(key.field);
    const value = tokenValue(token.lastObject, key.field);
    const after = compareSql(field, key.direction === "desc" ? "<" : ">", value);
    condition = condition === null ? after : sql`(${after} OR (${compareSql(field, "=", value)} AND ${condition}))`;
  }
  return condition ?? FALSE;
}
