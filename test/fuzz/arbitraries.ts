/**
 * fast-check generators of hostile requests: JSON bodies (deep, wide, huge strings, raw big
 * numbers, unicode with lone surrogates), querystrings (filters on random paths, every
 * operator, `_sort`, `_limit`, `_token`, `_fields`, polling), headers and methods, multipart
 * uploads, download headers (`Range`, validators), Remote Settings' and history's parameters,
 * and batches of any of these.
 */
import fc from "fast-check";
import type { Sender } from "./harness";

/** Numbers as JSON text, kept raw so that what JavaScript cannot hold reaches the server. */
export const rawNumber = fc.oneof(
  fc.constantFrom("1e308", "5e-324", "-0.0", "-0", "9007199254740993", "123456789012345678901234567890", "1e400", "-1e400", "1.0", "1E2", "0.1", "1e-400", "00", "1.", ".5", "NaN", "Infinity", "-"),
  fc.double().map(String),
  fc.bigInt().map(String),
);

export const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", "*", "%", "_", "\u0000", "'; DROP TABLE objects; --", "\\", '"', "$.a", "[", "é", "𝔘"),
);
const bigText = fc.constantFrom(10_000, 100_000, 2_100_000).map((n) => "x".repeat(n));

/** JSON text: generated values, plus shapes JSON.stringify cannot make. */
export const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: fc.record({ data: fc.dictionary(text, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }) }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.tuple(text, rawNumber).map(([key, n]) => `{"data":{${JSON.stringify(key)}:${n},"title":${n}}}`) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 1500 }), fc.constantFrom("[", '{"a":')).map(([depth, open]) => `{"data":{"deep":${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }).map((n) => `{"data":{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}}`) },
  { weight: 1, arbitrary: bigText.map((s) => `{"data":{"s":"${s}"}}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "null", "[]", "{", '{"data":', '{"data":[]}', '{"permissions":{"read":[1]}}', '{"data":{}, "permissions":{"write":null}}', '[{"op":"add","path":"/data/x","value":1}]', '{"data":{"id":"../x"}}', '{"data":{"last_modified":-1}}') },
);

const segment = fc.oneof(fc.constantFrom("title", "n", "deep", "a", "id", "last_modified", "deleted", "tags", "x y", "é", ""), fc.string({ maxLength: 12 }));
/** Mostly plausible paths; some past MAX_FIELD_LENGTH (a few of 40,000+ characters, as in the issue) or MAX_FIELD_DEPTH. */
const fieldPath = fc.oneof(
  { weight: 8, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(".")) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 1_000 }).map((n) => "a".repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(40_000, 50_000).map((n) => "a".repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 300 }).map((n) => Array.from({ length: n }, () => "a").join(".")) },
);
export const operator = fc.constantFrom("", "eq_", "not_", "lt_", "gt_", "min_", "max_", "in_", "exclude_", "like_", "has_", "contains_", "contains_any_");
export const filterValue = fc.oneof(
  text,
  rawNumber,
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 300 }).map((n) => "*".repeat(n)),
  fc.integer({ min: 1, max: 80 }).map((n) => "a*".repeat(n)),
  fc.integer({ min: 1, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => String(i)).join(",")),
);
export type Param = [string, string];

export const param: fc.Arbitrary<Param> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(operator, fieldPath, filterValue).map(([op, field, value]): [string, string] => [`${op}${field}`, value]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("_sort"), fc.array(fc.tuple(fc.constantFrom("", "-", "+"), fieldPath).map(([d, f]) => d + f), { maxLength: 60 }).map((l) => l.join(","))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("_limit"), fc.oneof(text, rawNumber)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("_token"), fc.oneof(text, fc.jsonValue().map((v) => btoa(JSON.stringify(v))))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("_fields"), fc.array(fieldPath, { maxLength: 50 }).map((l) => l.join(","))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("_since", "_before", "_to", "gt_last_modified", "_expected"), fc.oneof(text, rawNumber)) },
);

export function encodeQuery(params: readonly Param[]): string {
  return params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
}

/** A querystring of 0–40 parameters (so also past MAX_FILTERS). */
export const querystring = fc.array(param, { maxLength: 40 }).map(encodeQuery);

/**
 * Methods that reach the worker: workerd builds no Request for others (`CONNECT`, `TRACE`,
 * `FOO`, …), and its HTTP server answers them itself (README, "Limits").
 */
export const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "patch", "delete");

export const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom("*", '"123"', '"abc"', "W/\"1\"", "", "application/json", "application/merge-patch+json", "application/json-patch+json", "text/plain", "application/json; charset=latin1", "*/*", "text/html;q=0", "Basic !!!", "Bearer x", "Basic " + btoa(":"), "Basic " + btoa("alice"), "Portier x"),
);
export const headers = fc.dictionary(
  fc.constantFrom("Content-Type", "Accept", "If-Match", "If-None-Match", "Authorization", "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Host", "X-Forwarded-Proto", "Accept-Encoding", "Range", "Expect"),
  headerValue,
  { maxKeys: 4 },
);

export const who: fc.Arbitrary<Sender> = fc.constantFrom("alice", "alice", "anonymous");
