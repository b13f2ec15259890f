/**
 * D1's statement limits, checked on the compiled query before anything is sent: a list
 * query whose filters, sort and page token would need more than D1 binds or parses is a
 * 400, never a 500. A margin is kept for the rest of the statement (parent, resource name,
 * limit, and a few principals of a shared listing).
 */
import { sql } from "drizzle-orm";
import { invalidParameter } from "../../errors";
import { MAX_BOUND_PARAMETERS, MAX_STATEMENT_BYTES } from "../../limits";
import { toQuery } from "../../storage/sql";
import { afterTokenSql, filtersSql, orderBySql } from "./compile";
import type { Filter, PageToken, SortKey } from "./types";

const RESERVED_PARAMETERS = 20;
const RESERVED_BYTES = 20_000;

export function checkStatementLimits(filters: Filter[], sort: SortKey[], token: PageToken | null): void {
  const condition = token ? sql`${filtersSql(filters)} AND ${afterTokenSql(sort, token)}` : filtersSql(filters);
  const { sql: text, params } = toQuery(sql`${condition} ORDER BY ${orderBySql(sort)}`);
  const bytes = new TextEncoder().encode(text).length;
  if (params.length > MAX_BOUND_PARAMETERS - RESERVED_PARAMETERS) {
    throw invalidParameter(
      "querystring",
      null,
      `Query too complex: it needs ${params.length} values, at most ${MAX_BOUND_PARAMETERS - RESERVED_PARAMETERS}; use fewer filters or values`,
    );
  }
  if (bytes > MAX_STATEMENT_BYTES - RESERVED_BYTES) {
    throw invalidParameter("querystring", null, `Query too long: at most ${MAX_STATEMENT_BYTES - RESERVED_BYTES} bytes once compiled`);
  }
}
