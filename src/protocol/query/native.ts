/** Querystring values as the reference reads them (contract §4.2). */
import { parseExactJson } from "../../json/parse";
import type { JsonValue } from "../../wire";

/**
 * JSON when the text parses as JSON (numbers kept exactly), else the raw string (`Ben`,
 * `01`, `NaN`, `1e400` stay strings).
 */
export function nativeValue(raw: string): JsonValue {
  try {
    return parseExactJson(raw);
  } catch {
    return raw;
  }
}

/** True when a string, an object key or any nested string holds U+0000. */
export function containsNul(value: JsonValue): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, item]) => key.includes("\u0000") || containsNul(item));
  }
  return false;
}
