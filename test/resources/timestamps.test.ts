/** T01–T06: timestamps per list — strictly increasing, unique, ETag = max, forced values (contract §5). */
import { describe, expect, test } from "vitest";
import { createBucket, createCollection, etagOf, ok, send } from "./helpers";

async function freshRecords(): Promise<{ bid: string; cid: string; records: string }> {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return { bid, cid, records: `/buckets/${bid}/collections/${cid}/records` };
}

describe("assignment (T01, T04, T06)", () => {
  test("50 sequential POSTs get strictly increasing timestamps; list ETag = max", async () => {
    const { records } = await freshRecords();
    const stamps: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await ok({ method: "POST", url: records, body: { data: { i } } });
      stamps.push(res.body.data.last_modified);
    }
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
    const list = await ok({ url: records });
    expect(etagOf(list)).toBe(Math.max(...stamps));
    expect(list.body.data).toHaveLength(50);
  });

  test("50 concurrent POSTs: all succeed with unique timestamps; list ETag = max", async () => {
    const { records } = await freshRecords();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => send({ method: "POST", url: records, body: { data: { i } } })),
    );
    for (const res of responses) expect(res.status, res.text).toBe(201);
    const stamps = responses.map((res) => res.body.data.last_modified as number);
    expect(new Set(stamps).size).toBe(50);
    const list = await ok({ url: records });
    expect(list.body.data).toHaveLength(50);
    expect(etagOf(list)).toBe(Math.max(...stamps));
    const listed = list.body.data.map((r: { last_modified: number }) => r.last_modified).sort((a: number, b: number) => a - b);
    expect(listed).toEqual([...stamps].sort((a, b) => a - b));
  });

  test("concurrent writes to two collections of one bucket do not interfere", async () => {
    const bid = await createBucket();
    const [a, b] = [await createCollection(bid), await createCollection(bid)];
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send({ method: "POST", url: `/buckets/${bid}/collections/${i % 2 ? a : b}/records`, body: { data: { i } } }),
      ),
    );
    for (const res of responses) expect(res.status).toBe(201);
    for (const cid of [a, b]) {
      const list = await ok({ url: `/buckets/${bid}/collections/${cid}/records` });
      const stamps = list.body.data.map((r: { last_modified: number }) => r.last_modified);
      expect(list.body.data).toHaveLength(10);
      expect(new Set(stamps).size).toBe(10);
      expect(etagOf(list)).toBe(Math.max(...stamps));
    }
  });

  test("mixed create / update / delete: each write is above everything before, tombstones included", async () => {
    const { records } = await freshRecords();
    let last = etagOf(await ok({ url: records }));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await ok({ method: "POST", url: records, body: { data: { i } } });
      expect(created.body.data.last_modified).toBeGreaterThan(last);
      last = created.body.data.last_modified;
      ids.push(created.body.data.id);
    }
    for (const id of ids.slice(0, 5)) {
      const updated = await ok({ method: "PATCH", url: `${records}/${id}`, body: { data: { u: true } } });
      expect(updated.body.data.last_modified).toBeGreaterThan(last);
      last = updated.body.data.last_modified;
      const deleted = await ok({ method: "DELETE", url: `${records}/${id}` });
      expect(deleted.body.data.last_modified).toBeGreaterThan(last);
      last = deleted.body.data.last_modified;
    }
    // The newest write is a tombstone: the list ETag still equals it.
    const list = await ok({ url: records });
    expect(etagOf(list)).toBe(last);
    const since = await ok({ url: `${records}?_since=0` });
    const all = since.body.data.map((r: { last_modified: number }) => r.last_modified);
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...all)).toBe(last);
  });

  test("the list ETag never goes backwards when every record is deleted", async () => {
    const { records } = await freshRecords();
    const r = await ok({ method: "POST", url: records, body: { data: {} } });
    const deleted = await ok({ method: "DELETE", url: `${records}/${r.body.data.id}` });
    expect(etagOf(await ok({ url: records }))).toBe(deleted.body.data.last_modified);
    expect(etagOf(await ok({ method: "HEAD", url: records }))).toBe(deleted.body.data.last_modified);
  });
});

describe("empty lists (T02)", () => {
  test("an empty list's ETag is fixed at the first read and stable afterwards", async () => {
    const { records } = await freshRecords();
    const first = etagOf(await ok({ url: records }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = etagOf(await ok({ url: records }));
    const head = etagOf(await ok({ method: "HEAD", url: records }));
    expect(second).toBe(first);
    expect(head).toBe(first);
    // The first write goes above it.
    const created = await ok({ method: "POST", url: records, body: { data: {} } });
    expect(created.body.data.last_modified).toBeGreaterThan(first);
  });

  test("an empty list polled with its own ETag answers [] with the same ETag", async () => {
    const { records } = await freshRecords();
    const etag = etagOf(await ok({ url: records }));
    const polled = await ok({ url: `${records}?_since=${etag}` });
    expect(polled.body.data).toEqual([]);
    expect(etagOf(polled)).toBe(etag);
  });
});

describe("forced last_modified (T03)", () => {
  test("create with a past value keeps it; the list timestamp does not move back", async () => {
    const { records } = await freshRecords();
    const recent = await ok({ method: "POST", url: records, body: { data: {} } });
    const listBefore = etagOf(await ok({ url: records }));
    const past = await ok({ method: "POST", url: records, body: { data: { last_modified: 1_000_000_000_000 } } });
    expect(past.body.data.last_modified).toBe(1_000_000_000_000);
    expect(etagOf(past)).toBe(1_000_000_000_000);
    expect(etagOf(await ok({ url: records }))).toBe(listBefore);
    // The next normal write still goes above everything.
    const next = await ok({ method: "POST", url: records, body: { data: {} } });
    expect(next.body.data.last_modified).toBeGreaterThan(recent.body.data.last_modified);
  });

  test("PUT create with a forced value keeps it", async () => {
    const { records } = await freshRecords();
    const res = await ok({ method: "PUT", url: `${records}/imported`, body: { data: { last_modified: 1_200_000_000_000 } } });
    expect(res.status).toBe(201);
    expect(res.body.data.last_modified).toBe(1_200_000_000_000);
  });

  test("a forced value above the list timestamp becomes the list timestamp", async () => {
    const { records } = await freshRecords();
    const before = etagOf(await ok({ url: records }));
    const forced = before + 50_000;
    const res = await ok({ method: "POST", url: records, body: { data: { last_modified: forced } } });
    expect(res.body.data.last_modified).toBe(forced);
    expect(etagOf(await ok({ url: records }))).toBe(forced);
    const next = await ok({ method: "POST", url: records, body: { data: {} } });
    expect(next.body.data.last_modified).toBe(forced + 1);
  });

  test("a forced value equal to the list timestamp gets +1", async () => {
    const { records } = await freshRecords();
    await ok({ method: "POST", url: records, body: { data: {} } });
    const listTs = etagOf(await ok({ url: records }));
    const res = await ok({ method: "POST", url: records, body: { data: { last_modified: listTs } } });
    expect(res.body.data.last_modified).toBe(listTs + 1);
    expect(etagOf(await ok({ url: records }))).toBe(listTs + 1);
  });

  test("update with a lower (or equal) value is ignored; a greater one is used", async () => {
    const { records } = await freshRecords();
    const created = await ok({ method: "POST", url: records, body: { data: {} } });
    const url = `${records}/${created.body.data.id}`;
    const ts = created.body.data.last_modified;

    const lower = await ok({ method: "PUT", url, body: { data: { last_modified: ts - 1000 } } });
    expect(lower.body.data.last_modified).toBeGreaterThan(ts);
    const equal = await ok({ method: "PATCH", url, body: { data: { last_modified: lower.body.data.last_modified } } });
    expect(equal.body.data.last_modified).toBeGreaterThan(lower.body.data.last_modified);

    const greater = equal.body.data.last_modified + 10_000;
    const forced = await ok({ method: "PATCH", url, body: { data: { last_modified: greater } } });
    expect(forced.body.data.last_modified).toBe(greater);
  });

  test("a forced value colliding with another object's timestamp stays unique (409 or bumped)", async () => {
    const { records } = await freshRecords();
    const first = await ok({ method: "POST", url: records, body: { data: {} } });
    await ok({ method: "POST", url: records, body: { data: {} } });
    const clash = await send({ method: "POST", url: records, body: { data: { last_modified: first.body.data.last_modified } } });
    if (clash.status === 409) {
      expect(clash.body.errno).toBe(122);
      expect(clash.headers.get("Retry-After")).toMatch(/^\d+$/);
    } else {
      expect(clash.status).toBe(201);
      expect(clash.body.data.last_modified).not.toBe(first.body.data.last_modified);
    }
    const since = await ok({ url: `${records}?_since=0` });
    const stamps = since.body.data.map((r: { last_modified: number }) => r.last_modified);
    expect(new Set(stamps).size).toBe(stamps.length);
  });
});

describe("what moves which timestamp (T05)", () => {
  test("record writes move the records list only, not the collection or the collections list", async () => {
    const { bid, cid, records } = await freshRecords();
    const collection = await ok({ url: `/buckets/${bid}/collections/${cid}` });
    const collectionsEtag = etagOf(await ok({ url: `/buckets/${bid}/collections` }));
    const bucketEtag = etagOf(await ok({ url: `/buckets/${bid}` }));
    const created = await ok({ method: "POST", url: records, body: { data: {} } });
    await ok({ method: "DELETE", url: `${records}/${created.body.data.id}` });
    expect(etagOf(await ok({ url: `/buckets/${bid}/collections/${cid}` }))).toBe(etagOf(collection));
    expect(etagOf(await ok({ url: `/buckets/${bid}/collections` }))).toBe(collectionsEtag);
    expect(etagOf(await ok({ url: `/buckets/${bid}` }))).toBe(bucketEtag);
  });

  test("collection writes move the collections list, not the bucket", async () => {
    const bid = await createBucket();
    const bucketEtag = etagOf(await ok({ url: `/buckets/${bid}` }));
    const created = await ok({ method: "POST", url: `/buckets/${bid}/collections`, body: {} });
    expect(etagOf(await ok({ url: `/buckets/${bid}/collections` }))).toBe(created.body.data.last_modified);
    expect(etagOf(await ok({ url: `/buckets/${bid}` }))).toBe(bucketEtag);
  });
});
