/** Validation of every value compared with `last_modified` (contract §4.3, §4.4). */
import { isNumeric, toDouble } from "../../json/numbers";
import type { JsonValue } from "../../wire";

const DAY_MS = 86_400_000;

/**
 * An integer, or a string of digits (the ETag form `"123"` JSON-parses to one), with
 * `0 ≤ value < now + 24 h`. Returns the number, or null when the value is not acceptable.
 */
export function timestampValue(value: JsonValue, now: number): number | null {
  let parsed: number;
  if (isNumeric(value)) parsed = toDouble(value);
  else if (typeof value === "string" && /^[0-9]+$/.test(value)) parsed = Number(value);
  else return null;
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed >= now + DAY_MS) return null;
  return parsed === 0 ? 0 : parsed;
}
