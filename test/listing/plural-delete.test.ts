/** R12: plural DELETE with filters and pagination returns tombstones (contract §3.1.3, §4.6). */
import { describe, expect, test } from "vitest";
import { ok, send } from "../resources/helpers";
import { emptyCollection, ids, list, seed, type Json } from "./helpers";

async function sixRecords() {
  const c = await emptyCollection();
  const created = await seed(
    c.records,
    ["a", "b", "c", "d", "e", "f"].map((id, i) => ({ id, kind: i % 2 === 0 ? "even" : "odd" })),
  );
  const etag = (await list(c.records)).headers.get("ETag") as string;
  return { ...c, created, etag, listTs: Number(etag.slice(1, -1)) };
}

function expectTombstones(data: Json[], expectedIds: string[], after: number): void {
  expect(ids(data).sort()).toEqual([...expectedIds].sort());
  for (const t of data) {
    expect(Object.keys(t).sort()).toEqual(["deleted", "id", "last_modified"]);
    expect(t.deleted).toBe(true);
    expect(t.last_modified).toBeGreaterThan(after);
  }
  const stamps = data.map((t) => t.last_modified as number);
  expect(new Set(stamps).size).toBe(stamps.length);
}

describe("plural DELETE with a filter", () => {
  test("?in_id=… deletes exactly those, returns their tombstones; the others stay", async () => {
    const fx = await sixRecords();
    const res = await ok({ method: "DELETE", url: `${fx.records}?in_id=b,e` });
    expectTombstones(res.body.data, ["b", "e"], fx.listTs);
    const maxTs = Math.max(...res.body.data.map((t: { last_modified: number }) => t.last_modified));
    expect(res.headers.get("ETag")).toBe(`"${maxTs}"`);
    expect(res.headers.get("Next-Page")).toBeNull();
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["a", "c", "d", "f"]);
    // The tombstones are what a poller gets.
    const polled = await list(`${fx.records}?_since=${fx.listTs}`);
    expect(polled.body.data).toEqual(expect.arrayContaining(res.body.data));
    expect(polled.body.data).toHaveLength(2);
    expect(polled.headers.get("ETag")).toBe(`"${maxTs}"`);
    for (const id of ["b", "e"]) expect((await send({ url: `${fx.records}/${id}` })).status).toBe(404);
  });

  test("a data filter deletes only the matching records", async () => {
    const fx = await sixRecords();
    const res = await ok({ method: "DELETE", url: `${fx.records}?kind=odd` });
    expectTombstones(res.body.data, ["b", "d", "f"], fx.listTs);
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["a", "c", "e"]);
  });

  test("a filter that matches nothing deletes nothing; ETag is the unchanged list timestamp", async () => {
    const fx = await sixRecords();
    const res = await ok({ method: "DELETE", url: `${fx.records}?in_id=zz,yy` });
    expect(res.body).toEqual({ data: [] });
    expect(res.headers.get("ETag")).toBe(fx.etag);
    expect((await list(fx.records)).headers.get("ETag")).toBe(fx.etag);
    expect((await list(fx.records)).body.data).toHaveLength(6);
  });

  test("tombstones already there are not deleted again", async () => {
    const fx = await sixRecords();
    await ok({ method: "DELETE", url: `${fx.records}/a` });
    const res = await ok({ method: "DELETE", url: `${fx.records}?in_id=a,b` });
    expectTombstones(res.body.data, ["b"], fx.listTs);
    // A last_modified filter (which lists tombstones on GET) does not re-delete them either.
    const since = await ok({ method: "DELETE", url: `${fx.records}?_since=0&in_id=a,b,c` });
    expectTombstones(since.body.data, ["c"], fx.listTs);
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["d", "e", "f"]);
  });

  test("If-Match with a stale list timestamp → 412, nothing deleted", async () => {
    const fx = await sixRecords();
    const res = await send({ method: "DELETE", url: `${fx.records}?in_id=a`, headers: { "If-Match": '"1"' } });
    expect(res.status).toBe(412);
    expect(res.body.errno).toBe(114);
    expect((await list(fx.records)).body.data).toHaveLength(6);
    const current = await ok({ method: "DELETE", url: `${fx.records}?in_id=a`, headers: { "If-Match": fx.etag } });
    expect(ids(current.body.data)).toEqual(["a"]);
  });
});

describe("plural DELETE with _limit and Next-Page", () => {
  test("?_limit=2 deletes two at a time; following Next-Page deletes the rest", async () => {
    const fx = await sixRecords();
    const first = await ok({ method: "DELETE", url: `${fx.records}?_limit=2` });
    expect(first.body.data).toHaveLength(2);
    expectTombstones(first.body.data, ids(first.body.data), fx.listTs);
    expect((await list(fx.records)).body.data).toHaveLength(4);
    const deleted = [...ids(first.body.data)];
    let next = first.headers.get("Next-Page");
    expect(next).not.toBeNull();
    let rounds = 0;
    while (next !== null) {
      const url = new URL(next);
      expect(url.origin).toBe("http://localhost");
      expect(url.searchParams.get("_limit")).toBe("2");
      const res = await ok({ method: "DELETE", url: next });
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      deleted.push(...ids(res.body.data));
      next = res.headers.get("Next-Page");
      rounds += 1;
      expect(rounds).toBeLessThan(10);
    }
    expect(deleted.sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect((await list(fx.records)).body.data).toEqual([]);
    const polled = await list(`${fx.records}?_since=${fx.listTs}`);
    expect(polled.body.data).toHaveLength(6);
  });

  test("?_limit=2 with a filter and a sort removes only the first matching page", async () => {
    const fx = await sixRecords();
    const res = await ok({ method: "DELETE", url: `${fx.records}?kind=even&_sort=id&_limit=2` });
    expectTombstones(res.body.data, ["a", "c"], fx.listTs);
    const next = res.headers.get("Next-Page") as string;
    expect(next).not.toBeNull();
    const params = new URL(next).searchParams;
    expect(params.get("kind")).toBe("even");
    expect(params.get("_sort")).toBe("id");
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["b", "d", "e", "f"]);
    const rest = await ok({ method: "DELETE", url: next });
    expect(ids(rest.body.data)).toEqual(["e"]);
    expect(rest.headers.get("Next-Page")).toBeNull();
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["b", "d", "f"]);
  });

  test("a DELETE token is single-use", async () => {
    const fx = await sixRecords();
    const first = await ok({ method: "DELETE", url: `${fx.records}?_sort=id&_limit=2` });
    const next = first.headers.get("Next-Page") as string;
    await ok({ method: "DELETE", url: next });
    const again = await send({ method: "DELETE", url: next });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 400, errno: 107 });
    expect(again.body.details[0].description).toMatch(/_token was already used or has expired/);
    expect(ids((await list(`${fx.records}?_sort=id`)).body.data)).toEqual(["e", "f"]);
  });
});
