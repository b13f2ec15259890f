/** `If-Match` / `If-None-Match` (contract §2.8): parsing, the 304 rule and the 412 rule. */
import { ERRNO, KintoError, invalidParameter } from "../errors";
import type { KintoObject } from "../wire";

/** `*`, or the integer of `"<n>"`. */
export type Condition = "*" | number;

export interface Preconditions {
  ifMatch: Condition | null;
  ifNoneMatch: Condition | null;
}

export const NO_PRECONDITIONS: Preconditions = { ifMatch: null, ifNoneMatch: null };

function parseCondition(header: string, value: string | null | undefined): Condition | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === "*") return "*";
  const match = /^"(\d+)"$/.exec(trimmed);
  const parsed = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(parsed)) {
    throw invalidParameter("header", header, "The value should be integer between double quotes.");
  }
  return parsed;
}

export function parsePreconditions(headers: Headers | Record<string, string | undefined>): Preconditions {
  const get = (name: string): string | null | undefined =>
    headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
  return {
    ifMatch: parseCondition("If-Match", get("If-Match")),
    ifNoneMatch: parseCondition("If-None-Match", get("If-None-Match")),
  };
}

/** The target of a precondition: an object (existing or not) or a plural endpoint (always exists). */
export interface Target {
  exists: boolean;
  /** The object's `last_modified` or the list timestamp; null when the target does not exist. */
  timestamp: number | null;
  /** The existing object, for `details.existing`; absent for plural targets. */
  existing?: KintoObject;
}

/** GET/HEAD only, checked before the 412 rule. */
export function isNotModified(preconditions: Preconditions, target: Target): boolean {
  const condition = preconditions.ifNoneMatch;
  return target.exists && typeof condition === "number" && condition === target.timestamp;
}

/** The 412 error when the rule of §2.8 fails, else null. */
export function preconditionFailure(preconditions: Preconditions, target: Target): KintoError | null {
  const { ifMatch, ifNoneMatch } = preconditions;
  let failed = false;
  if (ifNoneMatch === "*" && target.exists) failed = true;
  else if (ifMatch !== null && !target.exists) failed = true;
  else if (typeof ifMatch === "number" && target.exists && ifMatch !== target.timestamp) failed = true;
  if (!failed) return null;
  return preconditionFailed(target);
}

export function preconditionFailed(target: Target): KintoError {
  const headers: Record<string, string> = {};
  if (target.timestamp !== null) Object.assign(headers, timestampHeaders(target.timestamp));
  return new KintoError({
    status: 412,
    errno: ERRNO.MODIFIED_MEANWHILE,
    message: "Resource was modified meanwhile",
    ...(target.existing ? { details: { existing: target.existing } } : {}),
    headers,
  });
}

/** `ETag` and `Last-Modified` for a timestamp (§5.6). */
export function timestampHeaders(timestamp: number): Record<string, string> {
  return { ETag: `"${timestamp}"`, "Last-Modified": new Date(Math.floor(timestamp / 1000) * 1000).toUTCString() };
}
