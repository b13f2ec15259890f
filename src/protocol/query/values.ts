/**
 * Reading values by dotted path, and the cross-type order of contract §4.3:
 * null < string < number < boolean < array < object < missing.
 * `undefined` stands for "missing" everywhere in this module.
 */
import { isNumeric, isRawNumber, toDouble } from "../../json/numbers";
import type { JsonValue } from "../../wire";

export type MaybeJson = JsonValue | undefined;

export function isJsonObject(value: MaybeJson): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawNumber(value);
}

/** Plain segment traversal: `a.b` reads key `b` of object `a`; traversing a non-object is missing. */
export function valueAt(object: { readonly [key: string]: JsonValue }, path: string): MaybeJson {
  let current: MaybeJson = object;
  for (const segment of path.split(".")) {
    if (!isJsonObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The rank of a value's type in the cross-type order. */
export const RANK = { null: 0, string: 1, number: 2, boolean: 3, array: 4, object: 5, missing: 6 } as const;

export function rankOf(value: MaybeJson): number {
  if (value === undefined) return RANK.missing;
  if (value === null) return RANK.null;
  if (typeof value === "string") return RANK.string;
  if (isNumeric(value)) return RANK.number;
  if (typeof value === "boolean") return RANK.boolean;
  return Array.isArray(value) ? RANK.array : RANK.object;
}

/** Own-property write: a `__proto__` key stays data instead of replacing the prototype. */
export function setOwn(target: { [key: string]: unknown }, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Python truthiness, used by `has_`: false, 0, "", null, [] and {} are falsy. */
export function isTruthy(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  if (isNumeric(value)) return toDouble(value) !== 0;
  return Boolean(value);
}
