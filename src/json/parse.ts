/**
 * JSON.parse that keeps numbers exactly (see numbers.ts), for every text that holds stored
 * or client values: request bodies, D1 rows, Writer RPC messages, page tokens, filters.
 * Text without a number that could need it (a fraction, an exponent, 16 or more digits)
 * takes plain JSON.parse: the common body costs one regular expression test more.
 */
import type { JsonValue } from "../wire";
import { isRawNumber, keptNumber } from "./numbers";

/** A number token that may need keeping: `1.0`, `1e5`, `0.00001`, or 16+ integer digits. */
const MAY_NEED_KEEPING = /(?:^|[:,[])\s*-?(?:\d{16}|\d+(?:\.\d+)?[eE]|\d+\.0+(?![0-9])|0\.0000)/;

interface ReviverContext {
  source?: string;
}

function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== "number" || context?.source === undefined) return value;
  return keptNumber(context.source, value);
}

/** Throws a SyntaxError on invalid JSON and on numbers out of the double range. */
export function parseExactJson(text: string): JsonValue {
  // A literal out of the double range has 16+ digits or an exponent: it takes the reviver.
  if (!MAY_NEED_KEEPING.test(text)) return JSON.parse(text) as JsonValue;
  return JSON.parse(text, revive) as JsonValue;
}

/** A deep copy that keeps raw numbers (immutable, shared); structuredClone would not. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== "object" || isRawNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  const copy: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: cloneJson(item), enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}
