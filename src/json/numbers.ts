/**
 * JSON numbers kept exactly (contract: values round-trip as Kinto, on PostgreSQL, keeps them).
 *
 * A number whose JavaScript value would not print back as Kinto prints it is held as a
 * `RawNumber` (V8's `JSON.rawJSON`): a frozen object that `JSON.stringify` emits verbatim.
 * Its text is always a JSON number whose value is a finite double (integers: any size).
 * Everything that inspects values (filters, sorting, schemas, patches) goes through this
 * module instead of `typeof value === "number"`.
 */
import type { JsonValue, RawNumber } from "../wire";

const RAW = JSON as unknown as {
  rawJSON(text: string): RawNumber;
  isRawJSON(value: unknown): value is RawNumber;
};

export const INTEGER_TEXT = /^-?\d+$/;

export function isRawNumber(value: unknown): value is RawNumber {
  return RAW.isRawJSON(value);
}

/** `text` must be a JSON number literal (the parser and `kintoNumber` guarantee it). */
export function rawNumber(text: string): RawNumber {
  return RAW.rawJSON(text);
}

/** A JSON number, plain or raw. */
export function isNumeric(value: unknown): value is number | RawNumber {
  return typeof value === "number" || isRawNumber(value);
}

/** The nearest double (exact for plain numbers and for every non-integer raw text). */
export function toDouble(value: number | RawNumber): number {
  return typeof value === "number" ? value : Number(value.rawJSON);
}

/** The JSON text of a number, as the responses show it. */
export function numberText(value: number | RawNumber): string {
  return typeof value === "number" ? JSON.stringify(value) : value.rawJSON;
}

/** The exact integer when the value is one (`1.0` and `1e20` are), else null. */
function exactInteger(value: number | RawNumber): bigint | null {
  if (typeof value !== "number" && INTEGER_TEXT.test(value.rawJSON)) return BigInt(value.rawJSON);
  const double = toDouble(value);
  return Number.isInteger(double) ? BigInt(double) : null;
}

/** Numeric order, exact between integers of any size; -1, 0 or 1. */
export function compareNumbers(a: number | RawNumber, b: number | RawNumber): number {
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  const left = exactInteger(a);
  const right = exactInteger(b);
  if (left !== null && right !== null) return left < right ? -1 : left > right ? 1 : 0;
  return Math.sign(toDouble(a) - toDouble(b));
}

/**
 * How Kinto (Python floats stored as PostgreSQL JSONB numeric, read back through Python's
 * json) prints a non-integer literal of value `double`: `0.0` for zeros (JSONB has no -0),
 * the integer digits of Python's shortest repr from 1e16 on (JSONB writes no exponent and
 * Python reads that as an int), Python's `1e-05` style below 1e-4, else fixed notation
 * with at least one decimal (`1.0`, `100000.0`).
 */
export function kintoFloatText(double: number): string {
  if (double === 0) return "0.0";
  const [mantissa = "", exponentText = "0"] = double.toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = double < 0 ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  if (exponent >= 16) return sign + digits + "0".repeat(exponent - (digits.length - 1));
  if (exponent < -4) return `${mantissa}e-${String(-exponent).padStart(2, "0")}`;
  const fixed = String(double);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}

/**
 * The value a number literal `source` (of JavaScript value `parsed`) is kept as: plain
 * when JavaScript prints it as Kinto does, raw otherwise. Throws a SyntaxError for what
 * no double can hold (`1e400`, a 400-digit integer), as Kinto refuses them.
 */
export function keptNumber(source: string, parsed: number): number | RawNumber {
  if (!Number.isFinite(parsed)) throw new SyntaxError(`number out of range: ${source}`);
  if (INTEGER_TEXT.test(source)) return Number.isSafeInteger(parsed) ? parsed : rawNumber(source);
  const text = kintoFloatText(parsed);
  return text === String(parsed) ? parsed : rawNumber(text);
}

/**
 * A copy with every raw number as its nearest double, for libraries that only know
 * JavaScript numbers (JSON Schema validation): exact but for integers beyond 2^53.
 */
export function withDoubles(value: JsonValue): JsonValue {
  if (isRawNumber(value)) return toDouble(value);
  if (Array.isArray(value)) return value.map(withDoubles);
  if (value === null || typeof value !== "object") return value;
  const copy: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: withDoubles(item), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
