/** `ORDER BY` terms for sort keys (contract §4.5): cross-type order, missing values greatest. */
import { sql, type SQL } from "drizzle-orm";
import { fieldSql, orderedPair } from "./field-sql";
import type { SortKey } from "./types";

export function orderBySql(sort: SortKey[]): SQL {
  const terms = sort.flatMap((key) => {
    const direction = sql.raw(key.direction === "desc" ? "DESC" : "ASC");
    const field = fieldSql(key.field);
    if (field.kind === "column") return [sql`${field.column} ${direction}`];
    const pair = orderedPair(field);
    return [sql`${pair.rank} ${direction}`, sql`${pair.value} ${direction}`];
  });
  return sql.join(terms, sql.raw(", "));
}
