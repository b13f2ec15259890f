/** Keyset pagination: the rows strictly after the token's last object in sort order (§4.6). */
import { sql, type SQL } from "drizzle-orm";
import { compareSql, constantPair, FALSE } from "./compare-sql";
import { fieldSql, orderedPair } from "./field-sql";
import { orderBySql } from "./order-sql";
import { tokenValue } from "./token";
import { RANK, rankOf } from "./values";
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

/**
 * The rows after the token as two parts an index can seek, when the first sort key is a JSON
 * field (SQLite uses neither a row-value range over expression columns nor an equality on an
 * expression to skip an ORDER BY term, so `afterTokenSql` alone scans from the list's start):
 *
 * - `sameRank`: the first key has the token value's type rank and is at or after its value
 *   (`rank = r AND value <= v` for a descending key), a range on a declared index; the rows
 *   still go through `afterTokenSql`, ordered by `sameRankOrder` (the rank term dropped);
 * - `laterRanks`: the first key ranks after the token's (`rank < r` descending), null when no
 *   rank follows; ordered by the whole sort.
 *
 * Every row after the token is in exactly one part. Null when the first key is a column
 * (`afterTokenSql` is a plain range on its index then).
 */
export function splitAfterToken(
  sort: SortKey[],
  token: PageToken,
): { sameRank: SQL; sameRankOrder: SQL; laterRanks: SQL | null } | null {
  const [first, ...rest] = sort;
  if (first === undefined) return null;
  const field = fieldSql(first.field);
  if (field.kind === "column") return null;
  const pair = orderedPair(field);
  const constant = constantPair(tokenValue(token.lastObject, first.field));
  const descending = first.direction === "desc";
  const rank = rankOf(tokenValue(token.lastObject, first.field));
  const direction = sql.raw(descending ? "DESC" : "ASC");
  const hasLater = descending ? rank > RANK.null : rank < RANK.missing;
  return {
    sameRank: sql`${pair.rank} = ${constant.rank} AND ${pair.value} ${sql.raw(descending ? "<=" : ">=")} ${constant.value}`,
    sameRankOrder: rest.length === 0 ? sql`${pair.value} ${direction}` : sql`${pair.value} ${direction}, ${orderBySql(rest)}`,
    laterRanks: hasLater ? sql`${pair.rank} ${sql.raw(descending ? "<" : ">")} ${constant.rank}` : null,
  };
}
