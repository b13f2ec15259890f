/**
 * The parsed query of a plural endpoint (contract §4): filters, sort, page size, token and
 * projection. Produced by `parseListQuery`, compiled to SQL by `compile.ts`, or evaluated in
 * memory by `memory.ts` for lists that are not rows of the `objects` table.
 */
import type { JsonValue } from "../../wire";

export type FilterOperator =
  | "eq"
  | "not"
  | "lt"
  | "gt"
  | "min"
  | "max"
  | "in"
  | "exclude"
  | "like"
  | "has"
  | "contains"
  | "contains_any";

/**
 * One condition. `field` is a dotted path; `id` and `last_modified` name the object id and
 * timestamp. `value` shapes: `in`/`exclude`/`contains`/`contains_any` hold an array, `like`
 * a string; `last_modified` comparisons hold an integer, or null after `_since=null`.
 */
export interface Filter {
  field: string;
  operator: FilterOperator;
  value: JsonValue;
  /** The original (trimmed) parameter name, for error messages. */
  param: string;
}

export interface SortKey {
  field: string;
  direction: "asc" | "desc";
}

/** Decoded `_token`. A key absent from `lastObject` (or undefined) means "missing". */
export interface PageToken {
  lastObject: Record<string, JsonValue | undefined>;
  /** Objects returned before the next page. */
  offset: number;
  nonce: string;
  /**
   * A sharded plural DELETE of buckets (writer/delete-everywhere.ts): the shard the next page
   * is taken from, and whether that shard starts from its first object (`last_object` unused).
   */
  shard?: { index: number; fresh: boolean };
}

export interface ListQuery {
  /** `_since`/`_before`/`_to` already turned into gt/lt `last_modified` filters. */
  filters: Filter[];
  /** Never empty; ends with the tie-breaker unless the client sorted by it (§4.5). */
  sort: SortKey[];
  /** Effective page size (§4.6), always ≥ 1. */
  limit: number;
  token: PageToken | null;
  /** `_fields` entries, or null when absent or empty. */
  fields: string[] | null;
  /** True iff a filter targets `last_modified` (§4.4). */
  includeTombstones: boolean;
  /** `_to` was used: the caller adds the deprecation `Alert` header. */
  deprecatedTo: boolean;
}

export interface QueryOptions {
  settings: { paginateBy: number | null; storageMaxFetchSize: number };
  /** Milliseconds; `last_modified` values must be below `now + 24 h`. */
  now: number;
  /**
   * History and permissions: the only root fields allowed in filters, `_sort` and `_fields`
   * (`id`, `last_modified` and `deleted` are always allowed). Null or absent: schemaless.
   */
  strictFields?: readonly string[] | null;
  /**
   * The final sort key. Default `last_modified`: `-last_modified` is appended unless `_sort`
   * holds the exact entry `last_modified`. Any other field (the permissions endpoint uses
   * `uri`): `last_modified` entries are dropped and `-<field>` is appended unless already sorted on.
   */
  tieBreaker?: string;
}
