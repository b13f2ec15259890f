/**
 * P04: list filtering to shared ids (contract §6.4 "Lists", §4.4): a caller who can read only
 * some objects of a list sees exactly those, through filters, `_since`, HEAD counts and
 * pagination; tombstones of objects whose ACL died are not shown; grants on deeper objects
 * open no list above them.
 */
import { describe, expect, test, vi } from "vitest";
import { type Res, uid } from "../resources/helpers";
import { call, expect403, idsOf, newUser, okCall } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe("list filtering to shared ids (§6.4 Lists, §4.4)", () => {
  async function threeRecords() {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth });
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const [shared, hidden1, hidden2] = [uid("shared"), uid("hidden"), uid("hidden")] as [string, string, string];
    const start = await okCall({ url: records, auth: owner.auth });
    const since = start.headers.get("ETag")?.replaceAll('"', "") ?? "0";
    await okCall({ method: "PUT", url: `${records}/${hidden1}`, auth: owner.auth, body: { data: { n: 1 } } });
    await okCall({ method: "PUT", url: `${records}/${shared}`, auth: owner.auth, body: { data: { n: 2 }, permissions: { read: [reader.id] } } });
    await okCall({ method: "PUT", url: `${records}/${hidden2}`, auth: owner.auth, body: { data: { n: 3 } } });
    return { owner, reader, records, shared, hidden1, hidden2, since };
  }

  test("a user with read on one record sees only it: list, filters, _since, HEAD, pagination", async () => {
    const { reader, records, shared, hidden1, since } = await threeRecords();
    expect(idsOf(await okCall({ url: records, auth: reader.auth }))).toEqual([shared]);
    expect(idsOf(await okCall({ url: `${records}?_since=${since}`, auth: reader.auth }))).toEqual([shared]);
    expect(idsOf(await okCall({ url: `${records}?_since="${since}"&_sort=last_modified`, auth: reader.auth }))).toEqual([shared]);
    expect(idsOf(await okCall({ url: `${records}?in_id=${hidden1},${shared}`, auth: reader.auth }))).toEqual([shared]);
    expect(idsOf(await okCall({ url: `${records}?id=${hidden1}`, auth: reader.auth }))).toEqual([]);
    expect(idsOf(await okCall({ url: `${records}?gt_n=0`, auth: reader.auth }))).toEqual([shared]);
    const head = await okCall({ method: "HEAD", url: records, auth: reader.auth });
    expect(head.headers.get("Total-Records")).toBe("1");
    expect(head.headers.get("Total-Objects")).toBe("1");
    const headSince = await okCall({ method: "HEAD", url: `${records}?_since=${since}`, auth: reader.auth });
    expect(headSince.headers.get("Total-Records")).toBe("1");
    const page = await okCall({ url: `${records}?_limit=1`, auth: reader.auth });
    expect(idsOf(page)).toEqual([shared]);
    expect(page.headers.get("Next-Page")).toBeNull();
  });

  test("_since after changes: only the shared record's update; no tombstone once it is deleted", async () => {
    const { owner, reader, records, shared, hidden1, hidden2 } = await threeRecords();
    const before = await okCall({ url: records, auth: owner.auth });
    const etag = before.headers.get("ETag")?.replaceAll('"', "") ?? "";
    await okCall({ method: "PATCH", url: `${records}/${hidden1}`, auth: owner.auth, body: { data: { n: 10 } } });
    await okCall({ method: "PATCH", url: `${records}/${shared}`, auth: owner.auth, body: { data: { n: 20 } } });
    await okCall({ method: "DELETE", url: `${records}/${hidden2}`, auth: owner.auth });
    const changes = await okCall({ url: `${records}?_since=${etag}`, auth: reader.auth });
    expect(changes.body.data).toEqual([expect.objectContaining({ id: shared, n: 20 })]);

    await okCall({ method: "PATCH", url: `${records}/${hidden1}`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
    const mid = (await okCall({ url: records, auth: owner.auth })).headers.get("ETag")?.replaceAll('"', "") ?? "";
    await okCall({ method: "DELETE", url: `${records}/${shared}`, auth: owner.auth });
    // The ACL died with the record: its tombstone is not shown to the reader (§4.4).
    const after = await okCall({ url: `${records}?_since=${mid}`, auth: reader.auth });
    expect(after.body.data).toEqual([]);
    expect(idsOf(await okCall({ url: records, auth: reader.auth }))).toEqual([hidden1]);
    const owners = await okCall({ url: `${records}?_since=${mid}`, auth: owner.auth });
    expect(owners.body.data).toEqual([{ id: shared, last_modified: expect.any(Number), deleted: true }]);
  });

  test("a reader of some records also sees them through _limit pages and never more", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth });
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const sharedIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = uid("r");
      const share = i % 2 === 0;
      if (share) sharedIds.push(id);
      await okCall({ method: "PUT", url: `${records}/${id}`, auth: owner.auth, body: { data: { i }, permissions: share ? { read: [reader.id] } : {} } });
    }
    const seen: string[] = [];
    let next: string | null = `${records}?_limit=1`;
    for (let pages = 0; next !== null && pages < 10; pages++) {
      const page: Res = await okCall({ url: next, auth: reader.auth });
      seen.push(...idsOf(page));
      next = page.headers.get("Next-Page");
    }
    expect(next).toBeNull();
    expect(seen.sort()).toEqual(sharedIds.sort());
  });

  test("collections and groups lists are filtered the same way", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    const [c1, c2, g1, g2] = [uid("c"), uid("c"), uid("g"), uid("g")];
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${c1}`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${c2}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/groups/${g1}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/groups/${g2}`, auth: owner.auth, body: { permissions: { write: [reader.id] } } });
    expect(idsOf(await okCall({ url: `/buckets/${bid}/collections`, auth: reader.auth }))).toEqual([c1]);
    expect(idsOf(await okCall({ url: `/buckets/${bid}/groups`, auth: reader.auth }))).toEqual([g2]);
    // Read on a collection is no access to the groups list, and vice versa is not needed here.
    const buckets = await okCall({ url: `/buckets?in_id=${bid}`, auth: reader.auth });
    expect(buckets.body.data).toEqual([]);
  });

  test("write on a record gives no access to the collections list above it (§6.4 step 2: the list's own objects)", async () => {
    const owner = await newUser("owner");
    const editor = await newUser("editor");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/${uid("r")}`, auth: owner.auth, body: { permissions: { write: [editor.id] } } });
    expect403(await call({ url: `/buckets/${bid}/collections`, auth: editor.auth }));
    const head = await call({ method: "HEAD", url: `/buckets/${bid}/collections`, auth: editor.auth });
    expect(head.status).toBe(403);
    expect403(await call({ method: "DELETE", url: `/buckets/${bid}/collections`, auth: editor.auth }));
    expect403(await call({ url: `/buckets/${bid}/collections/${cid}`, auth: editor.auth }));
    expect403(await call({ url: `/buckets/${bid}`, auth: editor.auth }));
    expect(idsOf(await okCall({ url: `/buckets/${bid}/collections/${cid}/records`, auth: editor.auth }))).toHaveLength(1);
  });
});
