/** `/search` end to end: the response shape, each clause on a small fixed collection, aggregations. */
import { beforeAll, describe, expect, test } from "vitest";
import { createBucket, ok, send } from "../resources/helpers";
import { hitIds, putRecords, searchAs, searchOk, searchUrl, type Doc } from "./helpers";

let bid = "";
let cid = "";
let docs: Doc[] = [];
const ids = (pred: (doc: Doc) => boolean) => docs.filter(pred).map((doc) => doc.id).sort();

beforeAll(async () => {
  bid = await createBucket();
  cid = "builds";
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: { data: { search: { text: ["target.version"], keyword: ["source.product"] } } } });
  docs = await putRecords(bid, cid, [
    { source: { product: "firefox" }, target: { version: "57.0b3", channel: "beta" }, size: 10 },
    { source: { product: "firefox" }, target: { version: "57.0b10", channel: "beta" }, size: 30 },
    { source: { product: "firefox" }, target: { version: "58.0", channel: "release" }, size: 20 },
    { source: { product: "thunderbird" }, target: { version: "57.0", channel: "release" }, size: 5 },
    { source: { product: "devedition" }, target: { version: "57.0b3 rc", channel: "aurora" } },
  ]);
});

describe("search", () => {
  test("match_all answers the Elasticsearch 7 shape with whole records", async () => {
    const res = await searchOk(bid, cid, {});
    expect(res.body.hits.total).toEqual({ value: 5, relation: "eq" });
    expect(res.body.hits.hits).toHaveLength(5);
    const hit = res.body.hits.hits[0];
    expect(hit).toMatchObject({ _index: `kinto-${bid}-${cid}`, _score: null });
    expect(hit._source).toEqual(docs.find((doc) => doc.id === hit._id));
    expect(res.body.aggregations).toBeUndefined();
  });

  test("GET without a body is match_all; GET with a body is read", async () => {
    const all = await send({ url: searchUrl(bid, cid) });
    expect(all.status).toBe(200);
    expect(all.body.hits.total.value).toBe(5);
  });

  test.each([
    ["term", { term: { "source.product": "firefox" } }, (d: Doc) => (d.source as { product: string }).product === "firefox"],
    ["terms", { terms: { "target.channel": ["beta", "aurora"] } }, (d: Doc) => ["beta", "aurora"].includes((d.target as { channel: string }).channel)],
    ["range", { range: { size: { gte: 10, lt: 30 } } }, (d: Doc) => typeof d.size === "number" && d.size >= 10 && d.size < 30],
    ["prefix keyword", { prefix: { "source.product": "fire" } }, (d: Doc) => (d.source as { product: string }).product.startsWith("fire")],
    ["wildcard", { wildcard: { "target.channel": "?e*a" } }, (d: Doc) => ["beta"].includes((d.target as { channel: string }).channel)],
    ["exists", { exists: { field: "size" } }, (d: Doc) => d.size !== undefined],
    ["match token", { match: { "target.version": "57.0b3" } }, (d: Doc) => (d.target as { version: string }).version.split(" ").includes("57.0b3")],
    ["version prefix", { match_phrase_prefix: { "target.version": "57.0b" } }, (d: Doc) => (d.target as { version: string }).version.startsWith("57.0b")],
    ["prefix on a text field", { prefix: { "target.version": "57.0b1" } }, (d: Doc) => (d.target as { version: string }).version.startsWith("57.0b1")],
    ["match and", { match: { "target.version": { query: "57.0b3 RC", operator: "and" } } }, (d: Doc) => (d.target as { version: string }).version === "57.0b3 rc"],
    [
      "bool",
      { bool: { filter: [{ term: { "source.product": "firefox" } }], must_not: [{ term: { "target.channel": "release" } }] } },
      (d: Doc) => (d.source as { product: string }).product === "firefox" && (d.target as { channel: string }).channel !== "release",
    ],
    ["bool should alone needs one", { bool: { should: [{ term: { size: 5 } }, { term: { size: 10 } }] } }, (d: Doc) => d.size === 5 || d.size === 10],
    ["_id", { term: { _id: "nope" } }, () => false],
  ])("%s", async (_name, query, predicate) => {
    const res = await searchOk(bid, cid, { query, size: 100 });
    expect(hitIds(res)).toEqual(ids(predicate));
    expect(res.body.hits.total.value).toBe(ids(predicate).length);
  });

  test("sort, size and from page the hits", async () => {
    const res = await searchOk(bid, cid, { query: { exists: { field: "size" } }, sort: [{ size: { order: "desc" } }], size: 2, from: 1 });
    expect(res.body.hits.hits.map((hit: { _source: Doc }) => hit._source.size)).toEqual([20, 10]);
    expect(res.body.hits.total.value).toBe(4);
  });

  test("a terms aggregation counts the total, also when no hit has the field or nothing matches", async () => {
    const all = await searchOk(bid, cid, { size: 0 });
    const noField = await searchOk(bid, cid, { size: 0, aggs: { none: { terms: { field: "nowhere" } } } });
    expect(noField.body.hits.total.value).toBe(all.body.hits.total.value);
    expect(noField.body.aggregations).toEqual({ none: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] } });
    const nothing = await searchOk(bid, cid, { query: { term: { "source.product": "nothing" } }, aggs: { p: { terms: { field: "source.product" } } } });
    expect([nothing.body.hits.total.value, nothing.body.aggregations]).toEqual([0, { p: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] } }]);
  });

  test("terms aggregation with a nested terms and max, as Elasticsearch shapes them", async () => {
    const res = await searchOk(bid, cid, {
      size: 0,
      aggs: {
        products: { terms: { field: "source.product", size: 2 }, aggs: { channels: { terms: { field: "target.channel" } }, biggest: { max: { field: "size" } } } },
        smallest: { min: { field: "size" } },
      },
    });
    expect(res.body.hits.hits).toEqual([]);
    expect(res.body.aggregations).toEqual({
      products: {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: 1,
        buckets: [
          {
            key: "firefox",
            doc_count: 3,
            channels: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: "beta", doc_count: 2 }, { key: "release", doc_count: 1 }] },
            biggest: { value: 30 },
          },
          {
            key: "devedition",
            doc_count: 1,
            channels: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [{ key: "aurora", doc_count: 1 }] },
            biggest: { value: null },
          },
        ],
      },
      smallest: { value: 5 },
    });
  });

  test.each([
    [{ query: { fuzzy: { a: "b" } } }, "fuzzy"],
    [{ query: { bool: { must: [{ geo_shape: {} }] } } }, "geo_shape"],
    [{ aggs: { x: { avg: { field: "size" } } } }, "aggs.x.avg"],
    [{ aggs: { x: { terms: { field: "a", include: "b" } } } }, "aggs.x.terms.include"],
    [{ highlight: {} }, "highlight"],
    [{ query: { match: { "source.product": "firefox" } } }, "source.product"],
    [{ size: 20000 }, "size"],
    [{ from: 9995, size: 10 }, "from"],
    [{ query: { range: { size: { gt: 1, format: "x" } } } }, "range.format"],
  ])("400 naming the unsupported part: %j", async (body, name) => {
    const res = await searchAs(bid, cid, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, error: "Invalid parameters" });
    expect(res.body.message).toContain(name);
  });

  test("invalid JSON and the q parameter answer 400", async () => {
    expect((await searchAs(bid, cid, "{")).status).toBe(400);
    const q = await send({ url: `${searchUrl(bid, cid)}?q=a:b` });
    expect(q.status).toBe(400);
    expect(q.body.message).toContain("q");
  });

  test("a missing collection is a 404 like GET …/records", async () => {
    const res = await searchAs(bid, "nope", {});
    const records = await send({ url: `/buckets/${bid}/collections/nope/records` });
    expect(res.status).toBe(records.status);
  });

  test("a text match counts only this collection's field: another collection and another field holding the token are not matched", async () => {
    const other = "other-builds";
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${other}`, body: { data: { search: { text: ["target.version", "target.channel"] } } } });
    await putRecords(bid, other, [{ target: { version: "57.0b3", channel: "57.0b3" } }, { target: { version: "1.0", channel: "57.0b9" } }]);
    const own = await searchOk(bid, cid, { query: { match_phrase_prefix: { "target.version": "57.0b" } } });
    expect(own.body.hits.total.value).toBe(3);
    expect(hitIds(own)).toEqual(ids((doc) => String((doc.target as { version: string }).version).startsWith("57.0b")));
    const oneField = await searchOk(bid, other, { query: { match_phrase_prefix: { "target.version": "57.0b" } } });
    expect(oneField.body.hits.total.value).toBe(1);
    const both = await searchOk(bid, other, { query: { multi_match: { query: "57.0b3", fields: ["target.version", "target.channel"] } } });
    expect(both.body.hits.total.value).toBe(1);
    expect(both.body.hits.hits).toHaveLength(1);
  });

  test("text hits follow forced timestamps; a last_modified of 2^42 or more is refused while search is on", async () => {
    const forced = "forced";
    const url = `/buckets/${bid}/collections/${forced}`;
    await ok({ method: "PUT", url, body: { data: { search: { text: ["v"] } } } });
    await ok({ method: "PUT", url: `${url}/records/new`, body: { data: { v: "x1" } } });
    await ok({ method: "PUT", url: `${url}/records/old`, body: { data: { v: "x2", last_modified: 1000 } } });
    await ok({ method: "PUT", url: `${url}/records/edge`, body: { data: { v: "x3", last_modified: 2 ** 42 - 1 } } });
    const res = await searchOk(bid, forced, { query: { match_phrase_prefix: { v: "x" } } });
    expect(res.body.hits.total.value).toBe(3);
    expect((res.body.hits.hits as { _id: string }[]).map((hit) => hit._id)).toEqual(["edge", "new", "old"]);
    const refused = await send({ method: "PUT", url: `${url}/records/late`, body: { data: { v: "x4", last_modified: 2 ** 42 + 5 } } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errno: 107, error: "Invalid parameters" });
    expect(refused.body.message).toContain("last_modified");
    expect((await send({ url: `${url}/records/late` })).status).toBe(404);
  });

  test("the capability is listed in GET /", async () => {
    const res = await ok({ url: "/" });
    expect(res.body.capabilities.search).toMatchObject({ description: expect.any(String) });
  });
});
