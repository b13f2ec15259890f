/**
 * Canonical JSON as Remote Settings signs it (contract §12.2 "What is signed"): keys sorted by
 * code point, no whitespace, every character outside printable ASCII escaped as lowercase
 * `\uXXXX` (UTF-16 units), integers in plain decimal, and floats as canonicaljson-rs writes an
 * f64: the shortest digits that round-trip, in exponent form without `+` (`2.31E1`, `1E0`,
 * `9.9E-7`), a value beyond the double range (`1e400`) as `null`. A number is a float when its
 * JSON text is not an integer's (`1.0`, `1e3`), as Python's `json` reads it. Firefox's verifier
 * writes floats otherwise, which is why source records hold none unless `signer.allow_floats`.
 */
import { INTEGER_TEXT, isRawNumber } from "../../../json/numbers";
import type { JsonValue, KintoObject } from "../../../wire";

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code >= 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** Code-point order of keys (JavaScript's default sort compares UTF-16 units, which differs past the BMP). */
function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const delta = (left[i] as string).codePointAt(0)! - (right[i] as string).codePointAt(0)!;
    if (delta !== 0) return delta;
  }
  return left.length - right.length;
}

/** canonicaljson-rs's form of an f64. */
function floatText(value: number): string {
  if (!Number.isFinite(value)) return "null";
  return value.toExponential().replace("e+", "E").replace("e-", "E-");
}

export function canonicalJson(value: JsonValue): string {
  if (value === null) return "null";
  if (isRawNumber(value)) {
    // Integers of any size in plain decimal; a raw non-integer (e.g. `1.0`) is a float for Python.
    return INTEGER_TEXT.test(value.rawJSON) ? value.rawJSON : floatText(Number(value.rawJSON));
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isInteger(value) ? BigInt(value).toString() : floatText(value);
  }
  if (typeof value === "string") return escapeString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((key) => `${escapeString(key)}:${canonicalJson(value[key] as JsonValue)}`).join(",")}}`;
}

/** The signed text of a collection: its live records sorted by id, and the records timestamp as a string. */
export function signedPayload(records: readonly KintoObject[], lastModified: number): string {
  const live = records.filter((record) => record.deleted !== true).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return canonicalJson({ data: live as unknown as JsonValue[], last_modified: String(lastModified) });
}

/** The bytes an ECDSA content signature covers: `Content-Signature:\x00` then the UTF-8 payload. */
export function signedMessage(payload: string): Uint8Array {
  const prefix = new TextEncoder().encode("Content-Signature:\x00");
  const body = new TextEncoder().encode(payload);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return message;
}
