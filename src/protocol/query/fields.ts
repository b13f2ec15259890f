/** `_fields` projection (contract §4.7), as the reference's `dict_subset`. */
import type { JsonObject, JsonValue, KintoObject, Tombstone } from "../../wire";
import { isJsonObject, setOwn } from "./values";

/** Deep merge where `incoming` wins, except that objects are merged key by key. */
function merge(existing: JsonValue | undefined, incoming: JsonObject): JsonObject {
  const result: JsonObject = {};
  if (isJsonObject(existing)) for (const [key, value] of Object.entries(existing)) setOwn(result, key, value);
  for (const [key, value] of Object.entries(incoming)) {
    setOwn(result, key, isJsonObject(value) ? merge(result[key], value) : value);
  }
  return result;
}

function subset(source: JsonObject, paths: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const path of paths) {
    const dot = path.indexOf(".");
    const key = dot === -1 ? path : path.slice(0, dot);
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key] as JsonValue;
    if (dot === -1 || !isJsonObject(value)) setOwn(result, key, value);
    else setOwn(result, key, merge(result[key], subset(value, [path.slice(dot + 1)])));
  }
  return result;
}

/**
 * Keeps `fields` plus `id` and `last_modified`. `a.b` keeps `{a: {b}}` (and `{a: {}}` when
 * `a` has no `b`); when `a` is not an object the whole `a` is kept. Absent names are skipped.
 * A tombstone's `deleted` is dropped unless requested.
 */
export function projectFields<T extends KintoObject | Tombstone>(object: T, fields: string[]): JsonObject {
  const source: JsonObject = { ...object };
  return subset(source, [...fields, "id", "last_modified"]);
}
