/**
 * History recording (contract §10.2): one entry per change of a bucket, group, collection or
 * record, written in the same transaction as the change.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { call, newUser } from "../permissions/helpers";
import { hcall, historyOf, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const WITHOUT_HISTORY = { KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.default_bucket kinto.plugins.flush" };

describe("capability", () => {
  test("history is advertised with Kinto's description and url, only while included", async () => {
    const res = await hok({ url: "/" });
    expect(res.body.capabilities.history).toEqual({
      description: "Track changes on data.",
      url: "http://kinto.readthedocs.io/en/latest/api/1.x/history.html",
    });
    expect((await call({ url: "/", vars: WITHOUT_HISTORY })).body.capabilities.history).toBeUndefined();
  });

  test("non-default settings are echoed", async () => {
    const vars = {
      KINTO_HISTORY_AUTO_TRIM_MAX_COUNT: "5",
      KINTO_HISTORY_AUTO_TRIM_USER_IDS: "account:a account:b",
      KINTO_HISTORY_EXCLUDE_RESOURCES: "/buckets/x /buckets/x/collections/y /buckets/x/groups/g /buckets/x/collections/y/records/z",
    };
    const res = await hok({ url: "/" }, vars);
    expect(res.body.capabilities.history).toMatchObject({
      auto_trim_max_count: 5,
      auto_trim_user_ids: ["account:a", "account:b"],
      excluded_resources: [
        { bucket: "x" },
        { bucket: "x", collection: "y" },
        { bucket: "x", group: "g" },
        { bucket: "x", collection: "y", record: "z" },
      ],
    });
  });

  test("the endpoint answers 404 while the plugin is not included", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    expect((await call({ url: `/buckets/${bid}/history`, auth: owner.auth, vars: WITHOUT_HISTORY })).status).toBe(404);
  });
});

describe("entries", () => {
  test("every resource type and action, newest first, with Kinto's entry shape", async () => {
    const owner = await newUser("owner");
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PATCH", url: `/buckets/${bid}`, auth: owner.auth, body: { data: { a: 1 } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/groups/g`, auth: owner.auth, body: { data: { members: [] } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      const created = await hok({ method: "POST", url: `/buckets/${bid}/collections/c/records`, auth: owner.auth, body: { data: { n: 1 } } });
      const rid = created.body.data.id as string;
      await hok({ method: "PATCH", url: `/buckets/${bid}/collections/c/records/${rid}`, auth: owner.auth, body: { data: { n: 2 } } });
      await hok({ method: "DELETE", url: `/buckets/${bid}/collections/c/records/${rid}`, auth: owner.auth });
      await hok({ method: "DELETE", url: `/buckets/${bid}/groups/g`, auth: owner.auth });
      await hok({ method: "DELETE", url: `/buckets/${bid}/collections/c`, auth: owner.auth });

      const res = await hok({ url: `/buckets/${bid}/history`, auth: owner.auth });
      const entries = [...res.body.data].reverse();
      expect(entries.map((e) => `${e.action} ${e.resource_name}`)).toEqual([
        "create bucket",
        "update bucket",
        "create group",
        "create collection",
        "create record",
        "update record",
        "delete record",
        "delete group",
        "delete collection",
      ]);
      const stamps = entries.map((e) => e.last_modified as number);
      expect(new Set(stamps).size).toBe(stamps.length);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
      expect(res.headers.get("ETag")).toBe(`"${stamps.at(-1)}"`);

      const [bucket, , group, collection, record, update, removal] = entries;
      expect(bucket).toMatchObject({ uri: `/buckets/${bid}`, bucket_id: bid, user_id: owner.id });
      expect(bucket.target.permissions).toEqual({ write: [owner.id] });
      expect(group).toMatchObject({ uri: `/buckets/${bid}/groups/g`, group_id: "g" });
      expect(group.bucket_id).toBeUndefined();
      expect(collection).toMatchObject({ uri: `/buckets/${bid}/collections/c`, collection_id: "c" });
      expect(record).toMatchObject({
        uri: `/buckets/${bid}/collections/c/records/${rid}`,
        collection_id: "c",
        record_id: rid,
        target: { data: { id: rid, n: 1 }, permissions: { write: [owner.id] } },
      });
      expect(update.target.data).toMatchObject({ id: rid, n: 2 });
      expect(removal.target.data).toEqual({ id: rid, last_modified: removal.target.data.last_modified, deleted: true });
      expect(removal.target.data.last_modified).toBeGreaterThan(update.target.data.last_modified);
      expect(bucket.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(typeof bucket.id).toBe("string");
    });
  });

  test("anonymous writers are recorded with user_id null", async () => {
    const bid = uid("b");
    const open = { KINTO_BUCKET_CREATE_PRINCIPALS: "system.Everyone" };
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, body: { permissions: { read: ["system.Everyone"] } } }, open);
      const entries = await historyOf(bid, null, "", open);
      expect(entries).toHaveLength(1);
      expect(entries[0].user_id).toBeNull();
    }, open);
  });

  test("a batch writes one entry per sub-request change; a plural DELETE one per object", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      const records = `/buckets/${bid}/collections/c/records`;
      const batch = await hok({
        method: "POST",
        url: "/batch",
        auth: owner.auth,
        body: {
          defaults: { method: "PUT" },
          requests: [
            { path: `${records}/r1`, body: { data: { n: 1 } } },
            { path: `${records}/r2`, body: { data: { n: 2 } } },
            { path: `${records}/r1`, method: "PATCH", body: { data: { n: 3 } } },
            { path: `${records}/r9`, method: "DELETE" },
          ],
        },
      });
      expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([201, 201, 200, 404]);
      await hok({ method: "DELETE", url: records, auth: owner.auth });
      const entries = (await historyOf(bid, owner.auth, "?resource_name=record")).map((e) => `${e.action} ${e.record_id}`);
      expect(entries.slice(0, 3)).toEqual(["create r1", "create r2", "update r1"]);
      expect(entries.slice(3).sort()).toEqual(["delete r1", "delete r2"]);
    });
  });

  test("the entries of one commit bigger than a bound value (25 × 50 KB) keep their order, data and readers", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
      const blob = (i: number) => `${i}:${"é".repeat(25_000)}`;
      const batch = await hok({
        method: "POST",
        url: "/batch",
        auth: owner.auth,
        body: {
          defaults: { method: "PUT" },
          requests: Array.from({ length: 25 }, (_, i) => ({ path: `/buckets/${bid}/collections/c/records/r${String(i).padStart(2, "0")}`, body: { data: { blob: blob(i) } } })),
        },
      });
      expect(new Set(batch.body.responses.map((r: { status: number }) => r.status))).toEqual(new Set([201]));
      for (const auth of [owner.auth, reader.auth]) {
        const entries = await historyOf(bid, auth, "?resource_name=record");
        expect(entries.map((e) => e.record_id)).toEqual(Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, "0")}`));
        expect(entries.map((e) => e.target.data.blob)).toEqual(Array.from({ length: 25 }, (_, i) => blob(i)));
        const stamps = entries.map((e) => e.last_modified);
        expect(stamps.every((stamp, i) => i === 0 || stamp > stamps[i - 1])).toBe(true);
      }
    });
  });

  test("a plural DELETE of collections writes a delete entry per collection, with the collection's last data", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c1`, auth: owner.auth, body: { data: { title: "one" } } });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c2`, auth: owner.auth });
      await hok({ method: "DELETE", url: `/buckets/${bid}/collections`, auth: owner.auth });
      const entries = (await historyOf(bid, owner.auth, "?resource_name=collection")).map((e) => `${e.action} ${e.collection_id}`);
      expect(entries.slice(0, 2)).toEqual(["create c1", "create c2"]);
      expect(entries.slice(2).sort()).toEqual(["delete c1", "delete c2"]);
    });
  });

  test("a rejected write leaves no entry (412, 403, invalid data)", async () => {
    const owner = await newUser("owner");
    const other = await newUser("other");
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      const record = `/buckets/${bid}/collections/c/records/r`;
      await hok({ method: "PUT", url: record, auth: owner.auth, body: { data: { n: 1 } } });
      const before = await historyOf(bid, owner.auth);
      expect((await hcall({ method: "PUT", url: record, auth: owner.auth, headers: { "If-Match": '"1"' }, body: { data: {} } })).status).toBe(412);
      expect((await hcall({ method: "PUT", url: record, auth: other.auth, body: { data: {} } })).status).toBe(403);
      expect((await hcall({ method: "PUT", url: record, auth: owner.auth, body: { data: [] } })).status).toBe(400);
      expect(await historyOf(bid, owner.auth)).toEqual(before);
    });
  });

  test("deleting a bucket removes its history; a new bucket of that name starts empty", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth });
      expect(await historyOf(bid, owner.auth)).toHaveLength(3);
      await hok({ method: "DELETE", url: `/buckets/${bid}`, auth: owner.auth });
      expect((await hcall({ url: `/buckets/${bid}/history`, auth: owner.auth })).status).toBe(403);
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
      const entries = await historyOf(bid, owner.auth);
      expect(entries.map((e) => `${e.action} ${e.resource_name}`)).toEqual(["create bucket"]);
    });
  });

  test("a bucket created, deleted and created again in one batch keeps only the last creation", async () => {
    const owner = await newUser();
    const bid = uid("b");
    await withHistory(bid, [], async () => {
      const batch = await hok({
        method: "POST",
        url: "/batch",
        auth: owner.auth,
        body: {
          requests: [
            { method: "PUT", path: `/buckets/${bid}`, body: { data: { n: 1 } } },
            { method: "DELETE", path: `/buckets/${bid}` },
            { method: "PUT", path: `/buckets/${bid}`, body: { data: { n: 2 } } },
          ],
        },
      });
      expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([201, 200, 201]);
      const entries = await historyOf(bid, owner.auth);
      expect(entries.map((e) => `${e.action} ${e.target.data.n}`)).toEqual(["create 2"]);
    });
  });
});
