/**
 * Property: on random documents, random queries and aggregations give exactly the hits,
 * totals and buckets of the in-memory reference (reference.ts) evaluated on the same parsed
 * request. One random collection, many random requests.
 */
import fc from "fast-check";
import { beforeAll, expect, test, vi } from "vitest";
import { parseSearchRequest } from "../../src/plugins/search/request";
import { createBucket, ok } from "../resources/helpers";
import { hitIds, putRecords, searchOk, type Doc } from "./helpers";
import { aggregate, matches } from "./reference";

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const FIELDS = { text: ["v"], keyword: ["p", "c"] };
const VOCAB = ["57.0b1", "57.0b10", "57.0", "58.0a1", "en-us", "linux-x86_64", "win64", "mac", "Nightly"];
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

const docArb = fc.record(
  {
    p: maybe(fc.constantFrom("firefox", "fennec", "thunderbird", "Firefox")),
    c: maybe(fc.constantFrom<unknown>("beta", "release", "nightly", "aurora", 1, true, null)),
    n: maybe(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom("3", "a"))),
    v: maybe(fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 4 }).chain((tokens) => fc.constantFrom(tokens.join(" "), tokens.join(", ")))),
    t: maybe(fc.record({ x: fc.constantFrom("a", "b", "ab", "") })),
  },
  { requiredKeys: [] },
);

const keywordField = fc.constantFrom("p", "c", "n", "t.x");
const valueArb = fc.constantFrom<unknown>("firefox", "fennec", "beta", "release", 1, 3, -2, true, null, "a", "ab", "3", "Firefox");
const textQuery = fc.array(fc.constantFrom(...VOCAB, "57.0b", "none"), { minLength: 0, maxLength: 3 }).map((t) => t.join(" "));

const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ match_all: {} }),
  fc.record({ f: keywordField, v: valueArb }).map(({ f, v }) => ({ term: { [f]: v } })),
  fc.record({ f: keywordField, v: valueArb }).map(({ f, v }) => ({ term: { [f]: { value: v } } })),
  fc.record({ f: keywordField, v: fc.array(valueArb, { maxLength: 3 }) }).map(({ f, v }) => ({ terms: { [f]: v } })),
  fc.record({ lo: fc.integer({ min: -6, max: 6 }), hi: fc.integer({ min: -6, max: 6 }), incl: fc.boolean() }).map(({ lo, hi, incl }) => ({
    range: { n: incl ? { gte: lo, lte: hi } : { gt: lo, lt: hi } },
  })),
  fc.constantFrom({ range: { p: { gte: "f", lt: "g" } } }, { range: { n: { gt: "2" } } }, { range: { c: { lte: "nightly" } } }),
  fc.record({ f: fc.constantFrom("p", "c", "t.x"), v: fc.constantFrom("f", "th", "", "a", "Fire") }).map(({ f, v }) => ({ prefix: { [f]: v } })),
  fc.constantFrom("57.0b", "58", "en", "x").map((v) => ({ prefix: { v } })),
  fc.record({ f: fc.constantFrom("p", "c"), v: fc.constantFrom("f*x", "*e*", "?ennec", "*", "b?ta") }).map(({ f, v }) => ({ wildcard: { [f]: v } })),
  fc.constantFrom("p", "c", "n", "t", "t.x", "v").map((field) => ({ exists: { field } })),
  textQuery.map((q) => ({ match: { v: q } })),
  textQuery.map((q) => ({ match: { v: { query: q, operator: "and" } } })),
  textQuery.map((q) => ({ match_phrase_prefix: { v: q } })),
  textQuery.map((q) => ({ multi_match: { query: q, fields: ["v^2"] } })),
);

const queryArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  query: fc.oneof({ maxDepth: 2, withCrossShrink: true }, leafArb, tie("bool")),
  bool: fc
    .record(
      {
        must: fc.array(tie("query"), { maxLength: 2 }),
        filter: fc.array(tie("query"), { maxLength: 2 }),
        should: fc.array(tie("query"), { maxLength: 3 }),
        must_not: fc.array(tie("query"), { maxLength: 2 }),
        minimum_should_match: fc.constantFrom<unknown>(0, 1, 2, "-1", "50%"),
      },
      { requiredKeys: [] },
    )
    .map((bool) => ({ bool })),
})).query;

const orderArb = fc.constantFrom(undefined, { _count: "asc" }, { _key: "asc" }, { _key: "desc" });
const aggsArb = fc.option(
  fc.record({
    f: keywordField,
    size: fc.integer({ min: 1, max: 4 }),
    order: orderArb,
    sub: fc.option(fc.record({ f: keywordField, size: fc.integer({ min: 1, max: 3 }) }), { nil: undefined }),
    metric: fc.constantFrom("max", "min"),
  }).map(({ f, size, order, sub, metric }) => ({
    facet: {
      terms: { field: f, size, ...(order ? { order } : {}) },
      aggs: { ...(sub ? { inner: { terms: { field: sub.f, size: sub.size } } } : {}), m: { [metric]: { field: "n" } } },
    },
    top: { [metric]: { field: "n" } },
  })),
  { nil: undefined },
);

let bid = "";
const cid = "random";
let docs: Doc[] = [];

beforeAll(async () => {
  bid = await createBucket();
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: { data: { search: FIELDS } } });
  const data = fc.sample(fc.array(docArb, { minLength: 120, maxLength: 120 }), { numRuns: 1, seed: 42 })[0] ?? [];
  // fast-check's option gives `undefined` keys: JSON drops them, as the reference must.
  docs = await putRecords(bid, cid, data.map((doc) => JSON.parse(JSON.stringify(doc)) as Record<string, unknown>));
});

test("random queries and aggregations equal the in-memory reference", async () => {
  await fc.assert(
    fc.asyncProperty(queryArb, aggsArb, async (query, aggs) => {
      const body = { query, size: 500, ...(aggs ? { aggs } : {}) };
      const request = parseSearchRequest(body as never, 10_000);
      const expected = docs.filter((doc) => matches(doc, request.query, FIELDS));
      const res = await searchOk(bid, cid, body);
      expect(hitIds(res)).toEqual(expected.map((doc) => doc.id).sort());
      expect(res.body.hits.total.value).toBe(expected.length);
      if (aggs) expect(res.body.aggregations).toEqual(aggregate(expected, request.aggs));
    }),
    { numRuns: 200, seed: 7, endOnFailure: true },
  );
});
