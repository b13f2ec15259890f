// Deciding whether a target object already holds what would be written. Numbers compare by
// value (`1.0` equals `1`, as the server's filters compare them).
import { RawNumber } from "./json.mjs";

function isNumeric(value) {
  return typeof value === "number" || value instanceof RawNumber;
}

/** Deep equality of JSON values; object key order does not matter. */
export function sameJson(a, b) {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) {
    return a instanceof RawNumber && b instanceof RawNumber ? a.text === b.text || Number(a) === Number(b) : Number(a) === Number(b);
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((value, i) => sameJson(value, b[i]));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
}

/**
 * An object imported before: same fields and `last_modified`. An attachment is the same file
 * when its hash and size are (its `location` is the target's own).
 */
export function sameImported(existing, source) {
  const { attachment: a = null, ...restExisting } = existing;
  const { attachment: b = null, ...restSource } = source;
  if (!sameJson(restExisting, restSource)) return false;
  if (a === null || b === null) return a === b;
  return a.hash === b.hash && a.size === b.size;
}

/** `{perm: [principals]}` without empty lists, principals sorted (kinto-wizard's form). */
export function sortedPermissions(permissions = {}) {
  return Object.fromEntries(
    Object.entries(permissions ?? {})
      .filter(([, principals]) => Array.isArray(principals) && principals.length > 0)
      .map(([perm, principals]) => [perm, [...new Set(principals)].sort()]),
  );
}

/**
 * Whether writing `wanted` (each listed permission replaced, as PATCH does) changes `current`,
 * given that the server adds the writer `userId` to `write` (explicit permissions).
 */
export function permissionsChange(current, wanted, userId) {
  const after = { ...sortedPermissions(current), ...sortedPermissions(wanted) };
  if (userId) after.write = [...(after.write ?? []), userId];
  return !sameJson(sortedPermissions(after), sortedPermissions(current));
}

/** Whether merging `wanted` into `current` (PATCH) changes a field; `last_modified` and `ignored` are not compared. */
export function dataChanges(current, wanted, ignored = []) {
  return Object.entries(wanted ?? {}).some(([key, value]) => key !== "last_modified" && !ignored.includes(key) && !sameJson(current?.[key], value));
}
