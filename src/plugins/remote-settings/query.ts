/** The querystring of `/changeset` (Remote Settings' `ChangeSetQuerystring`): validated, the rest ignored. */
import { invalidParameter } from "../../errors";

/** The most `_since` may be: 2100-01-01, in milliseconds. */
const JANUARY_1ST_2100 = 4102444800000;
const MAX_LIMIT = 2n ** 63n;

export interface ChangesetQuery {
  /** The cache buster, as sent. */
  expected: string;
  since: number | null;
  limit: number | null;
  bucket: string | null;
  collection: string | null;
}

/** Raw values of the parameters, quotes and all; null when absent. */
function first(params: URLSearchParams, name: string): string | null {
  return params.get(name);
}

export function parseChangesetQuery(params: URLSearchParams): ChangesetQuery {
  const expected = first(params, "_expected");
  if (expected === null) throw invalidParameter("querystring", "_expected", "Required");
  const rawSince = first(params, "_since");
  let since: number | null = null;
  if (rawSince !== null) {
    if (!/^"[0-9]+"$|^[0-9]+$/.test(rawSince)) {
      throw invalidParameter("querystring", "_since", "The value should be integer, optionally between double quotes.");
    }
    since = Number(rawSince.replace(/"/g, ""));
    if (since > JANUARY_1ST_2100) throw invalidParameter("querystring", "_since", `${since} is greater than maximum value ${JANUARY_1ST_2100}`);
  }
  const rawLimit = first(params, "_limit");
  let limit: number | null = null;
  if (rawLimit !== null) {
    if (!/^[+-]?\d+$/.test(rawLimit.trim())) throw invalidParameter("querystring", "_limit", `"${rawLimit}" is not a number`);
    const value = BigInt(rawLimit.trim());
    if (value < 0n) throw invalidParameter("querystring", "_limit", `${value} is less than minimum value 0`);
    if (value > MAX_LIMIT) throw invalidParameter("querystring", "_limit", `${value} is greater than maximum value ${MAX_LIMIT}`);
    limit = value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  return { expected, since, limit, bucket: first(params, "bucket"), collection: first(params, "collection") };
}

/** `_limit` within `paginate_by` (or the fetch size) and `storage_max_fetch_size` (Remote Settings' `bound_limit`). */
export function boundLimit(settings: { paginateBy: number | null; storageMaxFetchSize: number }, limit: number | null): number {
  const max = Math.min(settings.paginateBy ?? settings.storageMaxFetchSize, settings.storageMaxFetchSize);
  return limit === null ? max : Math.min(Math.abs(limit), max);
}

/** An integer value of `_since` / `_expected` with quotes stripped, or null (Remote Settings' `int(x.strip('"'))`). */
export function looseInteger(raw: string | null): number | null {
  if (raw === null) return null;
  const trimmed = raw.trim().replace(/^"+|"+$/g, "");
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : null;
}
