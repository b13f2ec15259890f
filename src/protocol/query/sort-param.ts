/** `_sort` → sort keys, with the tie-breaker rule of contract §4.5. */
import { MAX_SORT_FIELDS } from "../../limits";
import { checkFieldSize } from "./filter-param";
import { tooManySortFields, unknownSortField } from "./query-errors";
import { isKnownField } from "./strict-fields";
import type { QueryOptions, SortKey } from "./types";

const SORT_ENTRY = /^([-+]?)([A-Za-z0-9_.]+)$/;

/**
 * `raws` holds every `_sort` value (a repeated `_sort` concatenates its lists).
 * Malformed entries are dropped silently; later entries on an already sorted field are
 * dropped too (they cannot change the order). The result is never empty.
 */
export function parseSort(raws: readonly string[], options: QueryOptions): SortKey[] {
  const entries = raws.flatMap((raw) => raw.split(","));
  const sort: SortKey[] = [];
  for (const entry of entries) {
    const match = SORT_ENTRY.exec(entry.trim());
    if (!match?.[2]) continue;
    const field = match[2];
    checkFieldSize("_sort", field);
    if (!isKnownField(field, options.strictFields)) throw unknownSortField(field);
    if (sort.some((key) => key.field === field)) continue;
    sort.push({ field, direction: match[1] === "-" ? "desc" : "asc" });
    if (sort.length > MAX_SORT_FIELDS) throw tooManySortFields();
  }
  return withTieBreaker(sort, entries, options.tieBreaker ?? "last_modified");
}

/**
 * Default: `-last_modified` is appended unless an entry is exactly the string
 * `last_modified` (so `_sort=-last_modified` still gets it, which the dedup above makes a
 * no-op). Another tie-breaker (permissions: `uri`) replaces `last_modified` altogether.
 */
function withTieBreaker(sort: SortKey[], entries: readonly string[], tieBreaker: string): SortKey[] {
  if (tieBreaker === "last_modified") {
    if (entries.includes("last_modified") || sort.some((key) => key.field === tieBreaker)) return sort;
    return [...sort, { field: tieBreaker, direction: "desc" }];
  }
  const kept = sort.filter((key) => key.field !== "last_modified");
  if (kept.some((key) => key.field === tieBreaker)) return kept;
  return [...kept, { field: tieBreaker, direction: "desc" }];
}
