/**
 * The querying language of plural endpoints (contract §4): querystring → `ListQuery`,
 * compiled to SQLite over `objects` (or evaluated in memory), plus tokens, `_fields` and
 * `Next-Page`.
 */
export type { Filter, FilterOperator, ListQuery, PageToken, QueryOptions, SortKey } from "./types";
export { parseListQuery } from "./parse";
export { afterTokenSql, filtersSql, orderBySql, sortValuesOf } from "./compile";
export { compareBySort, isAfterToken } from "./memory-order";
export { matchesFilters } from "./memory-filter";
export { memoryPage, type MemoryPage } from "./memory-page";
export { decodeToken, encodeToken, newNonce } from "./token";
export { projectFields } from "./fields";
export { nextPageUrl } from "./next-page";

