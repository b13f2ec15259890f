/** `_since`, `_before` and the deprecated `_to` (contract §4.4). */
import { nativeValue } from "./native";
import { invalidValue } from "./query-errors";
import { timestampValue } from "./timestamp-value";
import type { Filter } from "./types";

export const POLLING_PARAMS = { _since: "gt", _before: "lt", _to: "lt" } as const;
export type PollingParam = keyof typeof POLLING_PARAMS;

export function isPollingParam(name: string): name is PollingParam {
  return Object.hasOwn(POLLING_PARAMS, name);
}

/**
 * `_since=T` is `gt_last_modified=T`; `_before=T` and `_to=T` are `lt_last_modified=T`.
 * `T` is bare or in ETag form (`"T"`), an integer with `0 ≤ T < now + 24 h`, else 400.
 *
 * `T = null`: §4.4 calls it "not specified", but Appendix D.5 (observed on the reference,
 * and stated to win) says `_since=null&_before=null` filters everything out: the reference
 * compares `last_modified > NULL`. We follow D.5: the filter keeps the value null, which
 * the compilers turn into "matches nothing" (and, being a `last_modified` filter, it still
 * counts for tombstone inclusion).
 */
export function parsePollingParam(name: PollingParam, raws: readonly string[], now: number): Filter {
  const [raw] = raws;
  if (raws.length !== 1 || raw === undefined) throw invalidValue(name);
  const value = nativeValue(raw);
  const operator = POLLING_PARAMS[name];
  if (value === null) return { field: "last_modified", operator, value: null, param: name };
  const timestamp = timestampValue(value, now);
  if (timestamp === null) throw invalidValue(name);
  return { field: "last_modified", operator, value: timestamp, param: name };
}
