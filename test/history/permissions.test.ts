/**
 * Who reads and deletes history (contract §10.2, Kinto's rule): bucket readers and writers see
 * every entry; others see the entries whose stored ACL (bucket, collection and object readers
 * and writers at the time of the change) names them; otherwise 403 (401 anonymous). Deleting
 * needs bucket `write`.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { expect401, expect403, newUser } from "../permissions/helpers";
import { hcall, historyOf, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe("reading", () => {
  test("bucket writers and readers see all; object and collection readers their entries; others 403/401", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const friend = await newUser("friend");
    const colleague = await newUser("colleague");
    const stranger = await newUser("stranger");
    const bid = uid("b");
    await withHistory(bid, ["c", "d"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/d`, auth: owner.auth, body: { permissions: { read: [colleague.id] } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r1`, auth: owner.auth, body: { permissions: { read: [friend.id] } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r2`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/d/records/r3`, auth: owner.auth });

      expect(await historyOf(bid, owner.auth)).toHaveLength(6);
      expect(await historyOf(bid, reader.auth)).toHaveLength(6);
      expect((await historyOf(bid, friend.auth)).map((e) => e.uri)).toEqual([`/buckets/${bid}/collections/c/records/r1`]);
      expect((await historyOf(bid, colleague.auth)).map((e) => e.uri)).toEqual([
        `/buckets/${bid}/collections/d`,
        `/buckets/${bid}/collections/d/records/r3`,
      ]);
      const head = await hcall({ method: "HEAD", url: `/buckets/${bid}/history`, auth: friend.auth });
      expect(head.headers.get("Total-Records")).toBe("1");
      expect403(await hcall({ url: `/buckets/${bid}/history`, auth: stranger.auth }));
      expect401(await hcall({ url: `/buckets/${bid}/history` }));
    });
  });

  test("an entry keeps the permissions of its time: a later grant does not reveal older entries", async () => {
    const owner = await newUser("owner");
    const friend = await newUser("friend");
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      const record = `/buckets/${bid}/collections/c/records/r`;
      await hok({ method: "PUT", url: record, auth: owner.auth, body: { data: { v: 1 } } });
      await hok({ method: "PUT", url: record, auth: owner.auth, body: { data: { v: 2 }, permissions: { read: [friend.id] } } });
      const seen = await historyOf(bid, friend.auth);
      expect(seen.map((e) => e.target.data.v)).toEqual([2]);
      expect(seen[0].target.permissions).toEqual({ read: [friend.id], write: [owner.id] });
    });
  });

  test("without explicit_permissions, entries get no ACL: only bucket readers see them", async () => {
    const owner = await newUser("owner");
    const friend = await newUser("friend");
    const bid = uid("b");
    const vars = { KINTO_EXPLICIT_PERMISSIONS: "false" };
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { write: [owner.id] } } }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth, body: { permissions: { read: [friend.id] } } }, vars);
      expect(await historyOf(bid, owner.auth, "", vars)).toHaveLength(3);
      expect403(await hcall({ url: `/buckets/${bid}/history`, auth: friend.auth }, vars));
    }, vars);
  });

  test("a missing bucket answers 403 to a stranger and 404 to a reader by settings", async () => {
    const user = await newUser();
    const bid = uid("gone");
    expect403(await hcall({ url: `/buckets/${bid}/history`, auth: user.auth }));
    const res = await hcall({ url: `/buckets/${bid}/history`, auth: user.auth }, { KINTO_BUCKET_READ_PRINCIPALS: "system.Authenticated" });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errno: 111, details: { id: bid, resource_name: "bucket" } });
  });
});

describe("deleting", () => {
  test("needs bucket write; returns tombstones; filters select what goes", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r1`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r2`, auth: owner.auth });
      const before = await hok({ url: `/buckets/${bid}/history`, auth: owner.auth });
      const etag = Number(JSON.parse(before.headers.get("ETag") ?? "0"));

      expect403(await hcall({ method: "DELETE", url: `/buckets/${bid}/history`, auth: reader.auth }));
      const deleted = await hok({ method: "DELETE", url: `/buckets/${bid}/history?resource_name=record`, auth: owner.auth });
      expect(deleted.body.data).toHaveLength(2);
      for (const tombstone of deleted.body.data) {
        expect(tombstone.deleted).toBe(true);
        expect(tombstone.last_modified).toBeGreaterThan(etag);
      }
      const left = await historyOf(bid, owner.auth);
      expect(left.map((e) => e.resource_name)).toEqual(["bucket", "collection"]);
      const after = await hok({ url: `/buckets/${bid}/history`, auth: owner.auth });
      expect(Number(JSON.parse(after.headers.get("ETag") ?? "0"))).toBeGreaterThan(etag);
      const since = await hok({ url: `/buckets/${bid}/history?_since=${etag}`, auth: owner.auth });
      expect(since.body.data.map((e: { id: string }) => e.id).sort()).toEqual(deleted.body.data.map((e: { id: string }) => e.id).sort());
    });
  });

  test("_limit deletes one page and Next-Page the rest", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      for (let i = 0; i < 5; i++) await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r${i}`, auth: owner.auth });
      const first = await hok({ method: "DELETE", url: `/buckets/${bid}/history?resource_name=record&_limit=3`, auth: owner.auth });
      expect(first.body.data).toHaveLength(3);
      const next = first.headers.get("Next-Page") ?? "";
      expect(next).toContain("_token=");
      const second = await hok({ method: "DELETE", url: next, auth: owner.auth });
      expect(second.body.data).toHaveLength(2);
      expect(second.headers.get("Next-Page")).toBeNull();
      expect((await historyOf(bid, owner.auth)).map((e) => e.resource_name)).toEqual(["bucket", "collection"]);
    });
  });
});
