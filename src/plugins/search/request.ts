/**
 * A `/search` body: `query` (dsl.ts), `sort`, `size`, `from`, `_source`, `aggs`/`aggregations`,
 * `track_total_hits` (accepted; totals are always exact). Other keys answer a 400 naming them.
 * Limits: `size` ≤ storage_max_fetch_size, `from + size` ≤ 10,000 (ES's max_result_window);
 * at most 20 aggregations, nested at most 3 deep, `terms.size` ≤ 1000.
 */
import { invalidParameter } from "../../errors";
import { isNumeric, isRawNumber, toDouble } from "../../json/numbers";
import type { SortKey } from "../../protocol/query/types";
import type { JsonValue } from "../../wire";
import { fieldName, isObject, parseQuery, unsupported, type Query } from "./dsl";

export const MAX_WINDOW = 10_000;
export const MAX_AGGS = 20;
export const MAX_AGG_DEPTH = 3;
export const MAX_BUCKETS = 1000;

export type TermsOrder = "count_desc" | "count_asc" | "key_asc" | "key_desc";

export type Agg =
  | { name: string; kind: "terms"; field: string; size: number; order: TermsOrder; aggs: Agg[] }
  | { name: string; kind: "max" | "min"; field: string };

export interface SearchRequest {
  query: Query;
  sort: SortKey[];
  size: number;
  from: number;
  /** null: the whole record; else the fields kept. */
  source: string[] | null | false;
  aggs: Agg[];
}

function bad(name: string, description: string) {
  return invalidParameter("body", name, `${name}: ${description}`);
}

function integer(value: JsonValue | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : isNumeric(value) ? toDouble(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw bad(name, `expected an integer from 0 to ${max}`);
  return n;
}

function sortKey(item: JsonValue): SortKey[] {
  if (typeof item === "string") {
    if (item === "_score" || item === "_doc") return [];
    return [{ field: fieldName(item, "sort"), direction: "asc" }];
  }
  if (!isObject(item)) throw bad("sort", "expected field names or {field: order}");
  return Object.entries(item).flatMap(([field, spec]): SortKey[] => {
    const options = isObject(spec) ? spec : { order: spec };
    for (const option of Object.keys(options)) if (option !== "order") throw unsupported(`sort.${field}.${option}`, "this option");
    const order = options.order ?? "asc";
    if (order !== "asc" && order !== "desc") throw bad(`sort.${field}`, "expected asc or desc");
    if (field === "_score" || field === "_doc") return [];
    return [{ field: fieldName(field, "sort"), direction: order }];
  });
}

function parseSort(value: JsonValue | undefined): SortKey[] {
  if (value === undefined) return [];
  const keys = (Array.isArray(value) ? value : [value]).flatMap(sortKey);
  if (keys.length > 10) throw bad("sort", "at most 10 keys");
  return keys;
}

function parseSource(value: JsonValue | undefined): string[] | null | false {
  if (value === undefined || value === true) return null;
  if (value === false) return false;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((field) => typeof field === "string")) throw unsupported("_source", "this form (use true, false or field names)");
  return list.map(String);
}

const TERMS_ORDER: Record<string, TermsOrder> = {
  "_count:desc": "count_desc",
  "_count:asc": "count_asc",
  "_key:asc": "key_asc",
  "_key:desc": "key_desc",
  "_term:asc": "key_asc",
  "_term:desc": "key_desc",
};

function termsOrder(value: JsonValue | undefined, where: string): TermsOrder {
  if (value === undefined) return "count_desc";
  const entries = isObject(value) ? Object.entries(value) : [];
  const [first] = entries;
  const order = entries.length === 1 && first && typeof first[1] === "string" ? TERMS_ORDER[`${first[0]}:${first[1]}`] : undefined;
  if (order === undefined) throw unsupported(`${where}.order`, JSON.stringify(value));
  return order;
}

function parseAggs(value: JsonValue | undefined, where: string, depth: number, count: { n: number }): Agg[] {
  if (value === undefined) return [];
  if (!isObject(value)) throw bad(where, "expected {name: aggregation}");
  if (depth > MAX_AGG_DEPTH) throw bad(where, `aggregations nest at most ${MAX_AGG_DEPTH} deep`);
  return Object.entries(value).map(([name, spec]): Agg => {
    if (++count.n > MAX_AGGS) throw bad(where, `at most ${MAX_AGGS} aggregations`);
    const at = `${where}.${name}`;
    if (!isObject(spec)) throw bad(at, "expected an aggregation object");
    const kinds = Object.keys(spec).filter((key) => key !== "aggs" && key !== "aggregations" && key !== "meta");
    const [kind] = kinds;
    if (kinds.length !== 1 || kind === undefined) throw bad(at, "expected exactly one aggregation type");
    const body = spec[kind];
    if (kind !== "terms" && kind !== "max" && kind !== "min") throw unsupported(`${at}.${kind}`, "this aggregation");
    if (!isObject(body) || typeof body.field !== "string") throw bad(`${at}.${kind}`, "expected {field: name}");
    for (const option of Object.keys(body)) {
      const known = kind === "terms" ? ["field", "size", "order", "min_doc_count"] : ["field"];
      if (!known.includes(option)) throw unsupported(`${at}.${kind}.${option}`, "this option");
    }
    const field = fieldName(body.field, `${at}.${kind}.field`);
    const sub = spec.aggs ?? spec.aggregations;
    if (kind !== "terms") {
      if (sub !== undefined) throw unsupported(`${at}.aggs`, "sub-aggregations of a metric");
      return { name, kind, field };
    }
    if (body.min_doc_count !== undefined && !(isNumeric(body.min_doc_count) && toDouble(body.min_doc_count) === 1)) {
      throw unsupported(`${at}.terms.min_doc_count`, "a value other than 1");
    }
    return {
      name,
      kind,
      field,
      size: integer(body.size, `${at}.terms.size`, 10, MAX_BUCKETS),
      order: termsOrder(body.order, `${at}.terms`),
      aggs: parseAggs(sub, `${at}.aggs`, depth + 1, count),
    };
  });
}

const KNOWN = ["query", "sort", "size", "from", "_source", "aggs", "aggregations", "track_total_hits"];

export function parseSearchRequest(body: JsonValue | undefined, maxSize: number): SearchRequest {
  if (body === undefined) body = {};
  if (!isObject(body) || isRawNumber(body)) throw bad("body", "expected a JSON object");
  for (const key of Object.keys(body)) if (!KNOWN.includes(key)) throw unsupported(key, "this search option");
  const size = integer(body.size, "size", Math.min(10, maxSize), maxSize);
  const from = integer(body.from, "from", 0, MAX_WINDOW);
  if (from + size > MAX_WINDOW) throw bad("from", `from + size must be at most ${MAX_WINDOW}`);
  if (body.aggs !== undefined && body.aggregations !== undefined) throw bad("aggs", "give aggs or aggregations, not both");
  return {
    query: parseQuery(body.query),
    sort: parseSort(body.sort),
    size,
    from,
    source: parseSource(body._source),
    aggs: parseAggs(body.aggs ?? body.aggregations, "aggs", 1, { n: 0 }),
  };
}
