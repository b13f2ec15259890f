/**
 * The subset of the Elasticsearch query DSL that `/search` accepts (the `query` part), as a
 * tree. Anything else is refused with a 400 naming the clause (`unsupported`).
 */
import { invalidParameter, type KintoError } from "../../errors";
import { isNumeric, isRawNumber } from "../../json/numbers";
import type { JsonObject, JsonValue, RawNumber } from "../../wire";
import { tokensOf } from "./tokens";

export type Bound = { op: ">" | ">=" | "<" | "<="; value: number | RawNumber | string };

export type Query =
  | { kind: "all" }
  | { kind: "none" }
  /** `term` / `terms`: the scalar value equals one of `values` (as `?field=` / `?in_field=`). */
  | { kind: "terms"; field: string; values: JsonValue[] }
  /** Every bound holds; only values of the bounds' type (numbers or strings) match. */
  | { kind: "range"; field: string; bounds: Bound[] }
  | { kind: "prefix"; field: string; prefix: string }
  /** `*` any run, `?` one character; case-sensitive, strings only. */
  | { kind: "wildcard"; field: string; pattern: string }
  | { kind: "exists"; field: string }
  /** Full text on declared text fields (FTS5). */
  | { kind: "text"; fields: string[]; tokens: string[]; operator: "and" | "or"; prefix: boolean }
  | { kind: "bool"; must: Query[]; should: Query[]; mustNot: Query[]; minimumShould: number };

/** At most this many clauses in one query (each is a piece of SQL). */
export const MAX_CLAUSES = 64;

export function unsupported(where: string, what: string): KintoError {
  return invalidParameter("body", where, `${where}: ${what} is not supported`);
}

function bad(where: string, description: string): KintoError {
  return invalidParameter("body", where, `${where}: ${description}`);
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawNumber(value);
}

function isScalar(value: JsonValue): boolean {
  return value === null || typeof value !== "object" || isRawNumber(value);
}

/** `_id` is the record id, as in kinto-elasticsearch's documents. */
export function fieldName(name: string, where: string): string {
  if (name === "" || name.length > 256) throw bad(where, "expected a field name");
  return name === "_id" ? "id" : name;
}

/** The one `{field: value}` pair of a leaf clause. */
function single(body: JsonValue | undefined, where: string): [string, JsonValue] {
  if (!isObject(body)) throw bad(where, "expected an object {field: ...}");
  const entries = Object.entries(body).filter(([key]) => key !== "boost" && key !== "_name");
  if (entries.length !== 1 || entries[0] === undefined) throw bad(where, "expected exactly one field");
  return [fieldName(entries[0][0], where), entries[0][1]];
}

/** The value of a leaf: `{field: v}` or `{field: {value: v, ...}}` (only `value` and `boost`). */
function leafValue(value: JsonValue, where: string, key = "value"): JsonValue {
  if (!isObject(value)) return value;
  for (const option of Object.keys(value)) {
    if (option !== key && option !== "boost" && option !== "_name") throw unsupported(`${where}.${option}`, "this option");
  }
  const inner = value[key];
  if (inner === undefined) throw bad(where, `expected ${key}`);
  return inner;
}

function termsQuery(kind: "term" | "terms", body: JsonValue | undefined): Query {
  const [field, raw] = single(body, kind);
  const values = kind === "term" ? [leafValue(raw, "term")] : raw;
  if (!Array.isArray(values) || !values.every(isScalar)) throw bad(kind, kind === "term" ? "expected a scalar value" : "expected an array of scalar values");
  if (values.length > 1000) throw bad(kind, "at most 1000 values");
  return { kind: "terms", field, values };
}

const RANGE_OPS = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function rangeQuery(body: JsonValue | undefined): Query {
  const [field, raw] = single(body, "range");
  if (!isObject(raw)) throw bad("range", "expected {gt|gte|lt|lte: value}");
  const bounds: Bound[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === "boost") continue;
    if (!(key in RANGE_OPS)) throw unsupported(`range.${key}`, "this option");
    if (value === null) continue;
    if (typeof value !== "string" && !isNumeric(value)) throw bad(`range.${key}`, "expected a number or a string");
    bounds.push({ op: RANGE_OPS[key as keyof typeof RANGE_OPS], value });
  }
  const kinds = new Set(bounds.map((bound) => typeof bound.value === "string"));
  if (kinds.size > 1) throw bad("range", "bounds must all be numbers or all strings");
  return { kind: "range", field, bounds };
}

function stringLeaf(kind: "prefix" | "wildcard", body: JsonValue | undefined): { field: string; text: string } {
  const [field, raw] = single(body, kind);
  const text = leafValue(raw, kind);
  if (typeof text !== "string") throw bad(kind, "expected a string");
  if (text.length > 1000) throw bad(kind, "at most 1000 characters");
  return { field, text };
}

function operatorOf(value: JsonValue | undefined, where: string): "and" | "or" {
  if (value === undefined) return "or";
  if (typeof value === "string" && (value.toLowerCase() === "and" || value.toLowerCase() === "or")) return value.toLowerCase() as "and" | "or";
  throw bad(`${where}.operator`, "expected and or or");
}

function queryText(value: JsonValue | undefined, where: string): string {
  if (typeof value === "string") return value;
  if (isNumeric(value)) return isRawNumber(value) ? value.rawJSON : String(value);
  throw bad(where, "expected a query string");
}

function matchQuery(kind: "match" | "match_phrase_prefix", body: JsonValue | undefined): Query {
  const [field, raw] = single(body, kind);
  const options = isObject(raw) ? raw : { query: raw };
  for (const option of Object.keys(options)) {
    if (option !== "query" && option !== "operator" && option !== "boost" && option !== "_name") throw unsupported(`${kind}.${option}`, "this option");
  }
  if (kind === "match_phrase_prefix" && options.operator !== undefined) throw unsupported(`${kind}.operator`, "this option");
  return { kind: "text", fields: [field], tokens: tokensOf(queryText(options.query, kind)), operator: operatorOf(options.operator, kind), prefix: kind === "match_phrase_prefix" };
}

function multiMatch(body: JsonValue | undefined): Query {
  if (!isObject(body)) throw bad("multi_match", "expected an object");
  for (const option of Object.keys(body)) {
    if (!["query", "fields", "operator", "type", "boost", "_name"].includes(option)) throw unsupported(`multi_match.${option}`, "this option");
  }
  const type = body.type ?? "best_fields";
  if (type !== "best_fields" && type !== "phrase_prefix") throw unsupported("multi_match.type", JSON.stringify(type));
  const fields = body.fields;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === "string")) throw bad("multi_match.fields", "expected an array of field names");
  return {
    kind: "text",
    // `field^2` boosts do not change which documents match.
    fields: fields.map((f) => fieldName(String(f).replace(/\^[\d.]+$/, ""), "multi_match.fields")),
    tokens: tokensOf(queryText(body.query, "multi_match")),
    operator: operatorOf(body.operator, "multi_match"),
    prefix: type === "phrase_prefix",
  };
}

function clauses(value: JsonValue | undefined, where: string, count: { n: number }): Query[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => parseClause(item, `${where}[${i}]`, count));
}

/** ES's `minimum_should_match`: an integer, its string, or a percentage; negative counts from the total. */
function minimumShould(value: JsonValue | undefined, should: number, fallback: number): number {
  if (value === undefined) return fallback;
  const text = typeof value === "string" ? value.trim() : isNumeric(value) ? String(isRawNumber(value) ? value.rawJSON : value) : "";
  const match = /^(-?)(\d+)(%?)$/.exec(text);
  if (!match) throw unsupported("bool.minimum_should_match", JSON.stringify(value));
  const amount = match[3] === "%" ? Math.floor((should * Number(match[2])) / 100) : Number(match[2]);
  const required = match[1] === "-" ? should - amount : amount;
  return Math.max(0, Math.min(should, required));
}

function boolQuery(body: JsonValue | undefined, count: { n: number }): Query {
  if (!isObject(body)) throw bad("bool", "expected an object");
  for (const key of Object.keys(body)) {
    if (!["must", "filter", "should", "must_not", "minimum_should_match", "boost", "_name"].includes(key)) throw unsupported(`bool.${key}`, "this option");
  }
  const must = [...clauses(body.must, "bool.must", count), ...clauses(body.filter, "bool.filter", count)];
  const should = clauses(body.should, "bool.should", count);
  const mustNot = clauses(body.must_not, "bool.must_not", count);
  // ES default: one should clause must match when there is no must/filter clause, else none.
  const fallback = should.length > 0 && must.length === 0 ? 1 : 0;
  return { kind: "bool", must, should, mustNot, minimumShould: minimumShould(body.minimum_should_match, should.length, fallback) };
}

function parseClause(value: JsonValue, where: string, count: { n: number }): Query {
  if (++count.n > MAX_CLAUSES) throw bad("query", `at most ${MAX_CLAUSES} clauses`);
  if (!isObject(value)) throw bad(where, "expected a query clause object");
  const keys = Object.keys(value);
  const [kind] = keys;
  if (keys.length !== 1 || kind === undefined) throw bad(where, "expected exactly one clause");
  const body = value[kind];
  switch (kind) {
    case "match_all":
      return { kind: "all" };
    case "match_none":
      return { kind: "none" };
    case "term":
    case "terms":
      return termsQuery(kind, body);
    case "range":
      return rangeQuery(body);
    case "prefix": {
      const { field, text } = stringLeaf("prefix", body);
      return { kind: "prefix", field, prefix: text };
    }
    case "wildcard": {
      const { field, text } = stringLeaf("wildcard", body);
      return { kind: "wildcard", field, pattern: text };
    }
    case "exists": {
      if (!isObject(body) || typeof body.field !== "string") throw bad("exists", "expected {field: name}");
      return { kind: "exists", field: fieldName(body.field, "exists") };
    }
    case "match":
    case "match_phrase_prefix":
      return matchQuery(kind, body);
    case "multi_match":
      return multiMatch(body);
    case "bool":
      return boolQuery(body, count);
    default:
      throw unsupported(kind, "this query clause");
  }
}

/** The `query` of a search body (absent: `match_all`). */
export function parseQuery(value: JsonValue | undefined): Query {
  if (value === undefined) return { kind: "all" };
  return parseClause(value, "query", { n: 0 });
}
