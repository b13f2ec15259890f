/**
 * The search semantics evaluated in memory: the reference the SQL is checked against.
 * Mirrors dsl.ts's documented meaning (scalar equality as `?field=`, typed ranges, FTS tokens).
 */
import { compareValues } from "../../src/protocol/query/memory-order";
import { deepEqual } from "../../src/protocol/query/memory-filter";
import { valueAt, type MaybeJson } from "../../src/protocol/query/values";
import type { Query } from "../../src/plugins/search/dsl";
import type { Agg } from "../../src/plugins/search/request";
import { tokensOf } from "../../src/plugins/search/tokens";
import type { JsonValue } from "../../src/wire";
import type { Doc } from "./helpers";

export interface TextFields {
  text: string[];
  keyword: string[];
}

function at(doc: Doc, field: string): MaybeJson {
  return valueAt(doc as unknown as { [key: string]: JsonValue }, field);
}

function isScalar(value: MaybeJson): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function docTokens(doc: Doc, field: string): string[] {
  const value = at(doc, field);
  return typeof value === "string" ? tokensOf(value) : [];
}

function textMatches(doc: Doc, query: Extract<Query, { kind: "text" }>): boolean {
  if (query.tokens.length === 0) return false;
  return query.fields.some((field) => {
    const tokens = docTokens(doc, field);
    if (query.prefix) {
      const n = query.tokens.length;
      return tokens.some((_, i) => query.tokens.every((token, j) => (j === n - 1 ? (tokens[i + j] ?? "").startsWith(token) : tokens[i + j] === token)));
    }
    const has = (token: string) => tokens.includes(token);
    return query.operator === "and" ? query.tokens.every(has) : query.tokens.some(has);
  });
}

export function matches(doc: Doc, query: Query, fields: TextFields): boolean {
  switch (query.kind) {
    case "all":
      return true;
    case "none":
      return false;
    case "terms": {
      const value = at(doc, query.field);
      return isScalar(value) && query.values.some((item) => deepEqual(value, item) || (value === null && item === null));
    }
    case "range": {
      const value = at(doc, query.field);
      const numeric = query.bounds.some((bound) => typeof bound.value !== "string");
      if (query.bounds.length === 0) return value !== undefined;
      if (numeric ? typeof value !== "number" : typeof value !== "string") return false;
      return query.bounds.every((bound) => {
        const c = compareValues(value, bound.value);
        return bound.op === ">" ? c > 0 : bound.op === ">=" ? c >= 0 : bound.op === "<" ? c < 0 : c <= 0;
      });
    }
    case "prefix": {
      if (fields.text.includes(query.field) && !fields.keyword.includes(query.field)) {
        const token = tokensOf(query.prefix)[0];
        return token !== undefined && docTokens(doc, query.field).some((t) => t.startsWith(token));
      }
      const value = at(doc, query.field);
      return typeof value === "string" && value.startsWith(query.prefix);
    }
    case "wildcard": {
      const value = at(doc, query.field);
      const source = [...query.pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
      return typeof value === "string" && new RegExp(`^${source}$`, "su").test(value);
    }
    case "exists": {
      const value = at(doc, query.field);
      return value !== undefined && value !== null;
    }
    case "text":
      return textMatches(doc, query);
    case "bool": {
      if (!query.must.every((q) => matches(doc, q, fields))) return false;
      if (query.mustNot.some((q) => matches(doc, q, fields))) return false;
      return query.should.filter((q) => matches(doc, q, fields)).length >= query.minimumShould;
    }
  }
}

function keyOf(value: MaybeJson): string | number | boolean | null {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
}

/** The aggregations as Elasticsearch would answer them for `docs`. */
export function aggregate(docs: Doc[], aggs: Agg[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const agg of aggs) {
    if (agg.kind !== "terms") {
      const values = docs.map((doc) => at(doc, agg.field)).filter((v): v is number => typeof v === "number");
      out[agg.name] = { value: values.length === 0 ? null : agg.kind === "max" ? Math.max(...values) : Math.min(...values) };
      continue;
    }
    const groups = new Map<string, { key: string | number | boolean; docs: Doc[] }>();
    for (const doc of docs) {
      const key = keyOf(at(doc, agg.field));
      if (key === null) continue;
      const id = JSON.stringify([typeof key, key]);
      const group = groups.get(id) ?? { key, docs: [] };
      group.docs.push(doc);
      groups.set(id, group);
    }
    const byKey = (a: { key: unknown }, b: { key: unknown }) => compareValues(a.key as JsonValue, b.key as JsonValue);
    const sorted = [...groups.values()].sort((a, b) => {
      switch (agg.order) {
        case "count_desc":
          return b.docs.length - a.docs.length || byKey(a, b);
        case "count_asc":
          return a.docs.length - b.docs.length || byKey(a, b);
        case "key_asc":
          return byKey(a, b);
        case "key_desc":
          return byKey(b, a);
      }
    });
    const top = sorted.slice(0, agg.size);
    const withValue = [...groups.values()].reduce((sum, g) => sum + g.docs.length, 0);
    const shown = top.reduce((sum, g) => sum + g.docs.length, 0);
    out[agg.name] = {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: withValue - shown,
      buckets: top.map((g) => ({ key: g.key, doc_count: g.docs.length, ...aggregate(g.docs, agg.aggs) })),
    };
  }
  return out;
}
