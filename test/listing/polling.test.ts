/** Q06–Q08, C08: `_since` / `_before`, tombstones, list ETag and HEAD counts through HTTP (§3.1.1, §4.4). */
import { beforeAll, describe, expect, test } from "vitest";
import { ok, send } from "../resources/helpers";
import { emptyCollection, list, type Collection } from "./helpers";

/**
 * History of the fixture: create a (t1), b (t2), c (t3); delete a (t4); update b (t5).
 * Live: c (t3), b (t5). Tombstone: a (t4). List timestamp: t5.
 */
let fx: Collection & { t1: number; t2: number; t3: number; t4: number; t5: number };

beforeAll(async () => {
  const c = await emptyCollection();
  const put = async (id: string, data: object) =>
    (await ok({ method: "PUT", url: `${c.records}/${id}`, body: { data } })).body.data.last_modified as number;
  const t1 = await put("a", { title: "A" });
  const t2 = await put("b", { title: "B" });
  const t3 = await put("c", { title: "C" });
  const t4 = (await ok({ method: "DELETE", url: `${c.records}/a` })).body.data.last_modified as number;
  const t5 = (await ok({ method: "PATCH", url: `${c.records}/b`, body: { data: { title: "B2" } } })).body.data.last_modified as number;
  fx = { ...c, t1, t2, t3, t4, t5 };
});

const tombstoneA = () => ({ id: "a", last_modified: fx.t4, deleted: true });
const live = (id: "b" | "c") =>
  id === "b"
    ? { id: "b", last_modified: fx.t5, title: "B2" }
    : { id: "c", last_modified: fx.t3, title: "C" };

describe("_since / _before", () => {
  test("timestamps are strictly increasing", () => {
    expect([fx.t1, fx.t2, fx.t3, fx.t4, fx.t5]).toEqual([fx.t1, fx.t2, fx.t3, fx.t4, fx.t5].sort((x, y) => x - y));
    expect(new Set([fx.t1, fx.t2, fx.t3, fx.t4, fx.t5]).size).toBe(5);
  });

  test("no last_modified filter: live objects only, no tombstone", async () => {
    expect((await list(fx.records)).body.data).toEqual([live("b"), live("c")]);
  });

  test.each([
    { name: "bare _since", query: () => `_since=${fx.t1}`, expected: () => [live("b"), tombstoneA(), live("c")] },
    { name: "quoted _since (ETag form)", query: () => `_since=%22${fx.t1}%22`, expected: () => [live("b"), tombstoneA(), live("c")] },
    { name: "raw quoted _since", query: () => `_since="${fx.t3}"`, expected: () => [live("b"), tombstoneA()] },
    { name: "_since = the list timestamp", query: () => `_since=${fx.t5}`, expected: () => [] },
    { name: "_since=0", query: () => "_since=0", expected: () => [live("b"), tombstoneA(), live("c")] },
    { name: "bare _before", query: () => `_before=${fx.t5}`, expected: () => [tombstoneA(), live("c")] },
    { name: "quoted _before", query: () => `_before=%22${fx.t4}%22`, expected: () => [live("c")] },
    { name: "_since and _before", query: () => `_since=${fx.t3}&_before=${fx.t5}`, expected: () => [tombstoneA()] },
    { name: "gt_last_modified", query: () => `gt_last_modified=${fx.t3}`, expected: () => [live("b"), tombstoneA()] },
    { name: "min_last_modified", query: () => `min_last_modified=${fx.t4}`, expected: () => [live("b"), tombstoneA()] },
    { name: "max_last_modified", query: () => `max_last_modified=${fx.t4}`, expected: () => [tombstoneA(), live("c")] },
    { name: "last_modified equality", query: () => `last_modified=${fx.t4}`, expected: () => [tombstoneA()] },
    { name: "not_last_modified", query: () => `not_last_modified=${fx.t3}`, expected: () => [live("b"), tombstoneA()] },
    { name: "_since with deleted=true: deletions only", query: () => `_since=${fx.t1}&deleted=true`, expected: () => [tombstoneA()] },
    { name: "_since with a data filter: never a tombstone", query: () => `_since=${fx.t1}&like_title=*`, expected: () => [live("b"), live("c")] },
    { name: "_since with exclude_id drops the tombstone too", query: () => `_since=${fx.t1}&exclude_id=a`, expected: () => [live("b"), live("c")] },
    { name: "_since with in_id", query: () => `_since=${fx.t1}&in_id=a,c`, expected: () => [tombstoneA(), live("c")] },
    { name: "_since with _sort=id", query: () => `_since=${fx.t1}&_sort=id`, expected: () => [tombstoneA(), live("b"), live("c")] },
  ])("$name", async ({ query, expected }) => {
    const res = await list(`${fx.records}?${query()}`);
    expect(res.body.data).toEqual(expected());
    // The ETag stays the whole list's timestamp, whatever the filters.
    expect(res.headers.get("ETag")).toBe(`"${fx.t5}"`);
  });

  test("_fields on a polling request drops `deleted` unless requested", async () => {
    const res = await list(`${fx.records}?_since=${fx.t3}&_fields=title`);
    expect(res.body.data).toEqual([
      { id: "b", last_modified: fx.t5, title: "B2" },
      { id: "a", last_modified: fx.t4 },
    ]);
    const withDeleted = await list(`${fx.records}?_since=${fx.t3}&_fields=deleted`);
    expect(withDeleted.body.data).toEqual([
      { id: "b", last_modified: fx.t5 },
      { id: "a", last_modified: fx.t4, deleted: true },
    ]);
  });

  test.each([
    { query: "_since=abc" },
    { query: "_since=-1" },
    { query: "_since=1.5" },
    { query: "_before=%22abc%22" },
    { query: `_since=${Date.now() + 3 * 24 * 3600 * 1000}` },
  ])("?$query → 400 errno 107", async ({ query }) => {
    const res = await send({ url: `${fx.records}?${query}` });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
  });
});

describe("ETag of filtered lists", () => {
  test.each([
    "title=nothing-matches",
    "like_title=B",
    "_limit=1",
    "_sort=title",
    "_fields=title",
    "in_id=c",
  ])("?%s → ETag and Last-Modified of the unfiltered list", async (query) => {
    const unfiltered = await list(fx.records);
    const res = await list(`${fx.records}?${query}`);
    expect(res.headers.get("ETag")).toBe(`"${fx.t5}"`);
    expect(res.headers.get("ETag")).toBe(unfiltered.headers.get("ETag"));
    expect(res.headers.get("Last-Modified")).toBe(unfiltered.headers.get("Last-Modified"));
  });

  test("If-None-Match with the list ETag → 304 on a filtered list too", async () => {
    const res = await send({ url: `${fx.records}?_since=${fx.t1}`, headers: { "If-None-Match": `"${fx.t5}"` } });
    expect(res.status).toBe(304);
    expect(res.text).toBe("");
  });

  test("an empty poll returns the client's own timestamp as ETag (never newer without a change)", async () => {
    const first = await list(`${fx.records}?_since=${fx.t5}`);
    const second = await list(`${fx.records}?_since=${fx.t5}`);
    expect(first.body.data).toEqual([]);
    expect(first.headers.get("ETag")).toBe(`"${fx.t5}"`);
    expect(second.headers.get("ETag")).toBe(`"${fx.t5}"`);
  });
});

describe("HEAD counts", () => {
  test.each([
    { name: "no filter", query: () => "", count: 2 },
    { name: "_since (tombstones are not counted)", query: () => `_since=${fx.t1}`, count: 2 },
    { name: "_since after the only live change", query: () => `_since=${fx.t3}`, count: 1 },
    { name: "_since matching only a tombstone", query: () => `_since=${fx.t3}&_before=${fx.t5}`, count: 0 },
    { name: "deleted=true", query: () => `_since=0&deleted=true`, count: 0 },
    { name: "a data filter", query: () => "title=C", count: 1 },
    { name: "_limit is ignored", query: () => "_limit=1", count: 2 },
  ])("$name", async ({ query, count }) => {
    const res = await send({ method: "HEAD", url: `${fx.records}?${query()}` });
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    expect(res.headers.get("Total-Records")).toBe(String(count));
    expect(res.headers.get("Total-Objects")).toBe(String(count));
    expect(res.headers.get("ETag")).toBe(`"${fx.t5}"`);
  });

  test("an empty collection counts 0", async () => {
    const { records } = await emptyCollection();
    const res = await send({ method: "HEAD", url: records });
    expect(res.headers.get("Total-Records")).toBe("0");
    expect(res.headers.get("Total-Objects")).toBe("0");
  });
});
