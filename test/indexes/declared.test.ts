// #13 (f): collections declare indexed fields (`indexes` metadata); each becomes a partial
// SQLite expression index of the collection's records, kept equal to the metadata by the
// collection's writes, and used by the planner for filtered, sorted pages.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { parseListQuery } from "../../src/protocol/query/parse";
import { declaredIndexName } from "../../src/storage/declared-indexes";
import { pageQuery } from "../../src/storage/list";
import { toQuery } from "../../src/storage/sql";
import { createBucket, createCollection, ok, send } from "../resources/helpers";
import { seed, walk } from "../listing/helpers";

const settings = { paginateBy: null, storageMaxFetchSize: 10000 };

async function indexesOf(collectionUri: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'objects_declared_%' AND instr(sql, ?) > 0 ORDER BY name",
  )
    .bind(`parent_id = '${collectionUri}' AND`)
    .all<{ name: string }>();
  return results.map((row) => row.name);
}

const names = (uri: string, ...entries: string[][]) => entries.map((fields) => declaredIndexName(uri, fields)).sort();

async function planOf(collectionUri: string, search: string): Promise<string> {
  const query = parseListQuery(new URLSearchParams(search), { settings, now: Date.now() });
  const { sql, params } = toQuery(pageQuery({ parentId: collectionUri, resourceName: "record" }, query, null));
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((row) => row.detail).join("\n");
}

const token = (lastObject: Record<string, unknown>) => `_token=${btoa(JSON.stringify({ last_object: lastObject, offset: 10, nonce: "n" }))}`;

describe("declared indexes follow the collection's metadata", () => {
  test("created with the collection, replaced on update, dropped with the collection", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { data: { indexes: ["n", ["group", "n"]] } });
    const uri = `/buckets/${bid}/collections/${cid}`;
    expect(await indexesOf(uri)).toEqual(names(uri, ["n"], ["group", "n"]));

    await ok({ method: "PATCH", url: uri, body: { data: { indexes: [["group", "title"]] } } });
    expect(await indexesOf(uri)).toEqual(names(uri, ["group", "title"]));

    await ok({ method: "PATCH", url: uri, body: { data: { title: "kept" } } });
    expect(await indexesOf(uri)).toEqual(names(uri, ["group", "title"]));

    await ok({ method: "PUT", url: uri, body: { data: {} } });
    expect(await indexesOf(uri)).toEqual([]);

    await ok({ method: "PATCH", url: uri, body: { data: { indexes: ["n"] } } });
    await ok({ method: "DELETE", url: uri });
    expect(await indexesOf(uri)).toEqual([]);
  });

  test("`indexes: null` declares none", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { data: { indexes: ["n"] } });
    const uri = `/buckets/${bid}/collections/${cid}`;
    await ok({ method: "PATCH", url: uri, body: { data: { indexes: null } } });
    expect(await indexesOf(uri)).toEqual([]);
  });

  test("deleting a bucket, or all its collections, drops the indexes of every collection in it", async () => {
    const bid = await createBucket();
    const first = await createCollection(bid, "alice", { data: { indexes: ["n"] } });
    const second = await createCollection(bid, "alice", { data: { indexes: ["group"] } });
    const other = await createBucket();
    const kept = await createCollection(other, "alice", { data: { indexes: ["n"] } });
    await ok({ method: "DELETE", url: `/buckets/${bid}` });
    expect(await indexesOf(`/buckets/${bid}/collections/${first}`)).toEqual([]);
    expect(await indexesOf(`/buckets/${bid}/collections/${second}`)).toEqual([]);
    expect(await indexesOf(`/buckets/${other}/collections/${kept}`)).toHaveLength(1);

    await ok({ method: "DELETE", url: `/buckets/${other}/collections` });
    expect(await indexesOf(`/buckets/${other}/collections/${kept}`)).toEqual([]);
  });

  test("the search plugin's keyword fields are indexed as declared fields", async () => {
    const bid = await createBucket();
    const search = { text: ["target.version"], keyword: ["source.product", "target.channel"] };
    const cid = await createCollection(bid, "alice", { data: { indexes: ["source.product"], search } });
    const uri = `/buckets/${bid}/collections/${cid}`;
    expect(await indexesOf(uri)).toEqual(names(uri, ["source.product"], ["target.channel"]));
    await ok({ method: "PATCH", url: uri, body: { data: { search: { text: ["target.version"], keyword: [] } } } });
    expect(await indexesOf(uri)).toEqual(names(uri, ["source.product"]));
  });

  test("a collection without declared indexes creates none", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { data: { title: "plain" } });
    expect(await indexesOf(`/buckets/${bid}/collections/${cid}`)).toEqual([]);
  });

  test.each([
    ["not a list", "n"],
    ["a number entry", [3]],
    ["an empty composite", [[]]],
    ["too many fields", [["a", "b", "c", "d", "e"]]],
    ["too many indexes", ["a", "b", "c", "d", "e", "f", "g", "h", "i"]],
    ["a bad field name", ["a b"]],
    ["an injection attempt", ["n'); DROP TABLE objects; --"]],
    ["an always-indexed column", ["last_modified"]],
    ["a repeated field", [["n", "n"]]],
    ["a repeated index", ["n", ["n"]]],
  ])("%s is refused with 400 errno 107 on data.indexes, and nothing is written", async (_name, indexes) => {
    const bid = await createBucket();
    const res = await send({ method: "PUT", url: `/buckets/${bid}/collections/refused`, as: "alice", body: { data: { indexes } } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, details: [{ location: "body", name: "data.indexes" }] });
    expect((await send({ url: `/buckets/${bid}/collections/refused`, as: "alice" })).status).toBe(404);
  });
});

describe("the planner uses a declared index", () => {
  const uri = "/buckets/plan/collections/big";
  const prepare = async (indexes: unknown[]) => {
    await ok({ method: "PUT", url: "/buckets/plan", body: {} });
    await ok({ method: "PUT", url: uri, body: { data: { indexes } } });
  };

  test("a composite (filter, sort) index serves page 1 and a later page without sorting", async () => {
    await prepare([["group", "n"]]);
    const name = declaredIndexName(uri, ["group", "n"]);
    const first = await planOf(uri, "group=3&_sort=-n");
    expect(first).toContain(`USING INDEX ${name}`);
    expect(first).not.toContain("TEMP B-TREE");
    // After a token: the same-rank part is a range seek from the token's value, the lower-rank
    // part a range on the rank; only their union (at most two pages) is sorted.
    const later = await planOf(uri, `group=3&_sort=-n&_limit=100&${token({ n: 500, last_modified: 99 })}`);
    expect(later).toContain(`SEARCH objects USING INDEX ${name} (<expr>=? AND <expr>=? AND <expr>=? AND <expr><?)`);
    expect(later).toContain(`SEARCH objects USING INDEX ${name} (<expr>=? AND <expr>=? AND <expr><?)`);
    expect(later.match(/TEMP B-TREE/g)).toHaveLength(1);
    // Ascending: the index gives the order of `n`; only ties are sorted by the `-last_modified`
    // tie-breaker (the index holds last_modified ascending), never the whole result.
    const ascending = await planOf(uri, "group=3&_sort=n");
    expect(ascending).toContain(`USING INDEX ${name}`);
    expect(ascending).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    // Equality on the leading field (its type rank and value) is an index seek.
    expect(await planOf(uri, "group=3&_sort=-n")).toMatch(/<expr>=\? AND <expr>=\?/);
  });

  test("a single-field index serves a filter with the default sort", async () => {
    await prepare(["group"]);
    const plan = await planOf(uri, "group=3");
    expect(plan).toContain(`USING INDEX ${declaredIndexName(uri, ["group"])}`);
    expect(plan).not.toContain("TEMP B-TREE");
  });

  test("another collection's query does not use it (the index is partial to its collection)", async () => {
    await prepare([["group", "n"]]);
    const plan = await planOf("/buckets/plan/collections/other", "group=3&_sort=-n");
    expect(plan).not.toContain("objects_declared_");
  });
});

describe("answers are the same with and without declared indexes", () => {
  // Mixed types on the indexed fields: the index holds the cross-type order of the list queries.
  const values: unknown[] = [3, 1, "3", null, true, false, [1], { a: 1 }, 2.5, -7, "a", undefined];
  const records = Array.from({ length: 60 }, (_, i) => {
    const record: Record<string, unknown> = { id: `r${String(i).padStart(3, "0")}`, title: `t${i % 7}` };
    const group = values[i % values.length];
    const n = values[(i * 7 + 3) % values.length];
    if (group !== undefined) record.group = group;
    if (n !== undefined) record.n = n;
    return record;
  });

  test.each(["group=3&_sort=-n", "group=3&_sort=n,title", "_sort=-group,n", "gt_n=1&_sort=n", "in_group=3,true&_sort=-n", "has_n=false", "group=3", "_sort=title,-group"])(
    "%s (paged by 4) lists the same records in the same order",
    async (search) => {
      const bid = await createBucket();
      const indexed = await createCollection(bid, "alice", { data: { indexes: [["group", "n"], "n", ["title", "group"]] } });
      const plain = await createCollection(bid);
      const ids: string[][] = [];
      for (const cid of [indexed, plain]) {
        await seed(`/buckets/${bid}/collections/${cid}/records`, records);
        const result = await walk(`/buckets/${bid}/collections/${cid}/records?${search}&_limit=4`);
        ids.push(result.objects.map((record: { id: string }) => record.id));
      }
      expect(ids[0]!.length).toBeGreaterThan(0);
      expect(ids[0]).toEqual(ids[1]);
    },
  );
});
