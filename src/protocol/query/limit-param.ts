/** `_limit` and the effective page size (contract §4.6). */
import { invalidParameter, type KintoError } from "../../errors";
import { isNumeric, toDouble } from "../../json/numbers";
import { nativeValue } from "./native";
import type { QueryOptions } from "./types";

const MAX_LIMIT = 2 ** 63;

function limitError(description: string): KintoError {
  return invalidParameter("querystring", "_limit", description);
}

/**
 * The requested page size, or null when `_limit` is absent, empty or `null`.
 * An integer in 0..2^63, as a bare or quoted number; a fractional number is truncated
 * (`_limit=1.5` is read as 1, Appendix D.5). Anything else → 400 with the reference's
 * (colander's) messages.
 */
export function parseLimit(raws: readonly string[]): number | null {
  const [raw] = raws;
  if (raw === undefined) return null;
  if (raws.length > 1) throw limitError(`"${raws.join(",")}" is not a number`);
  const value = nativeValue(raw);
  if (value === null || value === "") return null;
  let limit: number;
  if (isNumeric(value)) limit = Math.trunc(toDouble(value));
  else if (typeof value === "string" && /^\s*[-+]?[0-9]+\s*$/.test(value)) limit = Number(value.trim());
  else throw limitError(`"${raw}" is not a number`);
  if (limit < 0) throw limitError(`${limit} is less than minimum value 0`);
  if (limit > MAX_LIMIT) throw limitError(`${raw} is greater than maximum value 9223372036854775808`);
  return limit === 0 ? 0 : limit;
}

/**
 * `limit = _limit ?? paginate_by`, capped by `paginate_by` when both are set, then by
 * `storage_max_fetch_size`; 0 or nothing means `storage_max_fetch_size`.
 */
export function effectiveLimit(requested: number | null, settings: QueryOptions["settings"]): number {
  const { paginateBy, storageMaxFetchSize } = settings;
  let limit = requested ?? paginateBy;
  if (requested && paginateBy) limit = Math.min(requested, paginateBy);
  return limit ? Math.min(limit, storageMaxFetchSize) : storageMaxFetchSize;
}
