/**
 * Read permission exactly as `GET …/records`; the index staying exact under concurrent
 * writes; `search` metadata validation; a rebuild after `search.text` changes, in steps
 * resumed by the upkeep; commits of records bigger than one bound value.
 */
import { env } from "cloudflare:workers";
import { expect, test, vi } from "vitest";
import { rebuild, resumeRebuilds } from "../../src/plugins/search/rebuild";
import { REBUILD_CHUNK } from "../../src/storage/search-index";
import { createBucket, ok, send, userIdOf } from "../resources/helpers";
import { hitIds, putRecords, searchAs, searchOk } from "./helpers";

vi.setConfig({ testTimeout: 120_000 });

test("a reader of shared records finds only those; anonymous gets 401, like GET …/records", async () => {
  const bid = await createBucket();
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["v"] } } } });
  const bob = await userIdOf("bob");
  const [shared] = await putRecords(bid, "c", [{ v: "57.0b1", k: 1 }]);
  await putRecords(bid, "c", [{ v: "57.0b1", k: 2 }, { v: "57.0b1", k: 3 }]);
  await ok({ method: "PATCH", url: `/buckets/${bid}/collections/c/records/${shared?.id ?? ""}`, body: { permissions: { read: [bob] } } });
  const query = { query: { match: { v: "57.0b1" } }, aggs: { k: { terms: { field: "k" } } } };
  const asBob = await searchOk(bid, "c", query, "bob");
  expect(hitIds(asBob)).toEqual([shared?.id]);
  expect(asBob.body.aggregations.k.buckets).toEqual([{ key: 1, doc_count: 1 }]);
  const list = await ok({ url: `/buckets/${bid}/collections/c/records`, as: "bob" });
  expect(list.body.data.map((r: { id: string }) => r.id)).toEqual(hitIds(asBob));
  expect((await searchOk(bid, "c", query)).body.hits.total.value).toBe(3);
  const anonymous = await searchAs(bid, "c", query, "anonymous");
  expect(anonymous.status).toBe((await send({ url: `/buckets/${bid}/collections/c/records`, as: "anonymous" })).status);
  expect(anonymous.status).toBe(401);
});

test("many concurrent writes, then the full-text hits equal the list", async () => {
  const bid = await createBucket();
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["v"], keyword: ["n"] } } } });
  const ids = Array.from({ length: 30 }, (_, i) => `r${i}`);
  const responses = await Promise.all(
    ids.flatMap((id, i) => [
      send({ method: "PUT", url: `/buckets/${bid}/collections/c/records/${id}`, body: { data: { v: `57.0b${i} first`, n: i } } }),
      send({ method: "PUT", url: `/buckets/${bid}/collections/c/records/${id}`, body: { data: { v: i % 2 === 0 ? `58.0 second` : `57.0b${i} second`, n: i } } }),
      ...(i % 5 === 0 ? [send({ method: "DELETE", url: `/buckets/${bid}/collections/c/records/${id}` })] : []),
    ]),
  );
  // Every write is answered (a DELETE racing its PUTs may find nothing: 404).
  for (const res of responses) expect([200, 201, 404], res.text.slice(0, 200)).toContain(res.status);
  const records = (await ok({ url: `/buckets/${bid}/collections/c/records` })).body.data as { id: string; v: string }[];
  for (const [query, predicate] of [
    [{ match: { v: "second" } }, (v: string) => v.includes("second")],
    [{ match: { v: "first" } }, (v: string) => v.includes("first")],
    [{ match_phrase_prefix: { v: "57.0b" } }, (v: string) => v.startsWith("57.0b")],
    [{ match: { v: "58.0" } }, (v: string) => v.startsWith("58.0")],
  ] as const) {
    const res = await searchOk(bid, "c", { query, size: 100 });
    const expected = records.filter((r) => predicate(r.v)).map((r) => r.id).sort();
    expect(hitIds(res)).toEqual(expected);
    // A text-only query's total is counted from its documents: tombstones have none.
    expect(res.body.hits.total.value).toBe(expected.length);
  }
  // A batch of 25 writes in one commit is indexed in that commit.
  const batch = await putRecords(bid, "c", Array.from({ length: 25 }, (_, i) => ({ v: `batch${i}` })));
  expect(hitIds(await searchOk(bid, "c", { query: { match: { v: "batch7" } } }))).toEqual([batch[7]?.id]);
  // Deleting every record leaves no document behind.
  await ok({ method: "DELETE", url: `/buckets/${bid}/collections/c/records` });
  const after = await searchOk(bid, "c", { query: { match_phrase_prefix: { v: "57.0b" } } });
  expect([after.body.hits.total.value, hitIds(after)]).toEqual([0, []]);
});

test.each([
  [{ search: [] }, "data.search"],
  [{ search: { text: "v" } }, "data.search.text"],
  [{ search: { text: ["v", "v"] } }, "data.search.text"],
  [{ search: { keyword: ['a"b'] } }, "data.search.keyword"],
  [{ search: { text: ["a..b"] } }, "data.search.text"],
  [{ search: { other: [] } }, "data.search"],
])("collection metadata %j is refused with a 400", async (data, name) => {
  const bid = await createBucket();
  const res = await send({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data } });
  expect(res.status).toBe(400);
  expect(res.body.errno).toBe(107);
  expect(res.body.message).toContain(name);
});

test("changing search.text rebuilds the documents; deleting the collection drops them", async () => {
  const bid = await createBucket();
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["a"] } } } });
  const docs = await putRecords(bid, "c", [{ a: "alpha", b: "beta" }, { a: "beta", b: "gamma" }]);
  expect(hitIds(await searchOk(bid, "c", { query: { match: { a: "beta" } } }))).toEqual([docs[1]?.id]);
  await ok({ method: "PATCH", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["b"] } } } });
  // The rebuild runs after the commit: wait until text queries are answered again.
  let res = await searchAs(bid, "c", { query: { match: { b: "beta" } } });
  for (let i = 0; i < 50 && res.status === 503; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await searchAs(bid, "c", { query: { match: { b: "beta" } } });
  }
  expect(res.status).toBe(200);
  expect(hitIds(res)).toEqual([docs[0]?.id]);
  expect((await searchAs(bid, "c", { query: { match: { a: "beta" } } })).status).toBe(400);
  await ok({ method: "DELETE", url: `/buckets/${bid}/collections/c` });
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["b"] } } } });
  const res2 = await searchOk(bid, "c", { query: { match: { b: "beta" } } });
  expect(res2.body.hits.total.value).toBe(0);
});

async function scopeRows(collectionUri: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM search_scopes WHERE parent_id = ?").bind(collectionUri).first<{ n: number }>();
  return row?.n ?? -1;
}

test("a rebuild left pending goes on in steps of REBUILD_CHUNK records, resumed by the upkeep; meanwhile text clauses answer 503", async () => {
  const bid = await createBucket();
  const uri = `/buckets/${bid}/collections/c`;
  await ok({ method: "PUT", url: uri, body: { data: { search: { text: ["v"] } } } });
  const count = REBUILD_CHUNK + 100;
  await putRecords(bid, "c", Array.from({ length: count }, (_, i) => ({ v: i % 2 === 0 ? `57.0b${i}` : `58.0 ${i}` })));
  // A rebuild as a collection write leaves it, its budget spent after one step.
  await env.DB.prepare("INSERT INTO search_builds (collection_uri, cursor) VALUES (?, '')").bind(uri).run();
  expect(await rebuild(env.DB, uri, 0)).toBe(false);
  const pending = await searchAs(bid, "c", { query: { match_phrase_prefix: { v: "57.0b" } } });
  expect(pending.status).toBe(503);
  expect(pending.body.errno).toBe(201);
  expect((await searchOk(bid, "c", { query: { range: { last_modified: { gt: 0 } } } })).body.hits.total.value).toBe(count);
  await resumeRebuilds(env.DB);
  const done = await searchOk(bid, "c", { query: { match_phrase_prefix: { v: "57.0b" } } });
  expect(done.body.hits.total.value).toBe(count / 2);
  const list = await ok({ url: `${uri}/records?_limit=10&_sort=-last_modified&like_v=57.0b*` });
  expect(done.body.hits.hits.map((hit: { _id: string }) => hit._id)).toEqual(list.body.data.map((record: { id: string }) => record.id));
  const docs = await env.DB.prepare("SELECT count(*) AS n FROM search_docs WHERE parent_id = ?").bind(uri).first<{ n: number }>();
  expect(docs?.n).toBe(count);
  expect(await scopeRows(uri)).toBe(1);
  await ok({ method: "DELETE", url: `/buckets/${bid}` });
  expect(await scopeRows(uri)).toBe(0);
});

test("a commit whose records' JSON exceeds one bound value indexes every record", async () => {
  const bid = await createBucket();
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { search: { text: ["v"] } } } });
  const padding = "x".repeat(200_000);
  const requests = Array.from({ length: 4 }, (_, i) => ({ method: "PUT", path: `/buckets/${bid}/collections/c/records/big${i}`, body: { data: { v: `token${i} shared`, padding } } }));
  const batch = await ok({ method: "POST", url: "/batch", body: { requests } });
  expect(batch.body.responses.map((response: { status: number }) => response.status)).toEqual([201, 201, 201, 201]);
  const res = await searchOk(bid, "c", { query: { match: { v: "shared" } }, _source: false });
  expect(res.body.hits.total.value).toBe(4);
  expect(hitIds(res)).toEqual(["big0", "big1", "big2", "big3"]);
});
