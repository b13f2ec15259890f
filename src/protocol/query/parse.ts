/** Querystring of a plural endpoint → `ListQuery` (contract §4). Throws `KintoError` 400s. */
import { parseFields } from "./fields-param";
import { parseFilter } from "./filter-param";
import { effectiveLimit, parseLimit } from "./limit-param";
import { isPollingParam, parsePollingParam } from "./polling-param";
import { MAX_FILTERS } from "../../limits";
import { invalidToken, tooManyFilters } from "./query-errors";
import { parseSort } from "./sort-param";
import { checkStatementLimits } from "./statement-limits";
import { decodeToken } from "./token";
import type { Filter, ListQuery, PageToken, QueryOptions } from "./types";

/** Values by trimmed name, names in order of first appearance. */
function groupParams(params: URLSearchParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [rawName, value] of params) {
    const name = rawName.trim();
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  return grouped;
}

/** An empty `_token` means none, as in the reference. */
function parseToken(raws: readonly string[] | undefined): PageToken | null {
  if (!raws) return null;
  const [raw] = raws;
  if (raws.length !== 1 || raw === undefined) throw invalidToken();
  return raw === "" ? null : decodeToken(raw);
}

/**
 * Every parameter not starting with `_` is a filter; `_since`, `_before`, `_to`, `_sort`,
 * `_limit`, `_token` and `_fields` are read; any other `_` parameter is ignored.
 * Errors are raised one at a time: filters in parameter order, then `_limit`, `_sort`,
 * `_token`, `_fields`.
 */
export function parseListQuery(params: URLSearchParams, options: QueryOptions): ListQuery {
  const grouped = groupParams(params);
  const filters: Filter[] = [];
  for (const [name, raws] of grouped) {
    if (isPollingParam(name)) filters.push(parsePollingParam(name, raws, options.now));
    else if (!name.startsWith("_")) filters.push(parseFilter(name, raws, options));
    if (filters.length > MAX_FILTERS) throw tooManyFilters();
  }
  const limit = effectiveLimit(parseLimit(grouped.get("_limit") ?? []), options.settings);
  const sort = parseSort(grouped.get("_sort") ?? [], options);
  const token = parseToken(grouped.get("_token"));
  const fields = parseFields(grouped.get("_fields") ?? [], options);
  checkStatementLimits(filters, sort, token);
  return {
    filters,
    sort,
    limit,
    token,
    fields,
    includeTombstones: filters.some((filter) => filter.field === "last_modified"),
    deprecatedTo: grouped.has("_to"),
  };
}
