/**
 * Filters evaluated in memory, with exactly the semantics of `filtersSql` (contract §4.3):
 * for lists that are not rows of `objects` (permissions), and as the test reference.
 */
import { compareNumbers, isNumeric, numberText } from "../../json/numbers";
import type { JsonValue, KintoObject, Tombstone } from "../../wire";
import { likeRegExp } from "./like-pattern";
import { compareValues } from "./memory-order";
import type { Filter } from "./types";
import { isJsonObject, isTruthy, valueAt, type MaybeJson } from "./values";

/** Numbers numerically, arrays element-wise, objects regardless of key order; missing equals nothing. */
export function deepEqual(a: MaybeJson, b: MaybeJson): boolean {
  if (a === undefined || b === undefined) return false;
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) && isNumeric(b) && compareNumbers(a, b) === 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isJsonObject(a) || isJsonObject(b)) {
    if (!isJsonObject(a) || !isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return a === b;
}

/** The text LIKE reads: booleans as `true`/`false`, arrays and objects as JSON; null has none. */
function likeText(value: MaybeJson): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (isNumeric(value)) return numberText(value);
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function asList(value: JsonValue): JsonValue[] {
  return Array.isArray(value) ? value : [value];
}

export function matchesFilter(object: KintoObject | Tombstone, filter: Filter): boolean {
  if (filter.field === "last_modified" && filter.value === null) return false;
  const source: { [key: string]: JsonValue } = { ...object };
  const stored = valueAt(source, filter.field);
  const { value } = filter;
  const present = stored !== undefined;
  switch (filter.operator) {
    case "eq":
      return deepEqual(stored, value);
    case "not":
      return !deepEqual(stored, value);
    case "lt":
      return compareValues(stored, value) < 0;
    case "gt":
      return compareValues(stored, value) > 0;
    case "min":
      return compareValues(stored, value) >= 0;
    case "max":
      return compareValues(stored, value) <= 0;
    case "in":
      return asList(value).some((item) => deepEqual(stored, item));
    case "exclude":
      return !asList(value).some((item) => deepEqual(stored, item));
    case "like": {
      const text = likeText(stored);
      return typeof value === "string" && text !== null && likeRegExp(value).test(text);
    }
    case "has":
      return isTruthy(value) ? present : !present;
    case "contains":
      return Array.isArray(stored) && asList(value).every((item) => stored.some((element) => deepEqual(element, item)));
    case "contains_any":
      return Array.isArray(stored) && asList(value).some((item) => stored.some((element) => deepEqual(element, item)));
  }
}

export function matchesFilters(object: KintoObject | Tombstone, filters: readonly Filter[]): boolean {
  return filters.every((filter) => matchesFilter(object, filter));
}
