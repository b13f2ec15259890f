/**
 * History settings (contract §10.2, Kinto 26 `history/listener.py`): `exclude_resources`,
 * `exclude_user_ids`, and trimming with `auto_trim_max_count` (the newest N entries per
 * bucket and resource name) and `auto_trim_user_ids` (per user, only those users).
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { newUser } from "../permissions/helpers";
import { historyOf, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe("exclusions", () => {
  test("excluded bucket, collection and record URIs are not tracked; the writes succeed", async () => {
    const owner = await newUser();
    const bid = uid("b");
    const skipped = uid("skip");
    const vars = {
      KINTO_HISTORY_EXCLUDE_RESOURCES: `/buckets/${skipped} /buckets/${bid}/collections/quiet /buckets/${bid}/collections/c/records/secret`,
    };
    await withHistory(skipped, [], async () => {
      await withHistory(bid, ["c", "quiet"], async () => {
        await hok({ method: "PUT", url: `/buckets/${skipped}`, auth: owner.auth }, vars);
        await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth }, vars);
        for (const cid of ["c", "quiet"]) {
          await hok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth }, vars);
          await hok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/r`, auth: owner.auth }, vars);
          await hok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/secret`, auth: owner.auth }, vars);
        }
        expect(await historyOf(skipped, owner.auth, "", vars)).toEqual([]);
        expect((await historyOf(bid, owner.auth, "", vars)).map((e) => e.uri)).toEqual([
          `/buckets/${bid}`,
          `/buckets/${bid}/collections/c`,
          `/buckets/${bid}/collections/c/records/r`,
        ]);
      }, vars);
    }, vars);
  });

  test("changes by excluded user ids are not tracked", async () => {
    const owner = await newUser("owner");
    const robot = await newUser("robot");
    const bid = uid("b");
    const vars = { KINTO_HISTORY_EXCLUDE_USER_IDS: robot.id };
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { write: [robot.id] } } }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: robot.auth }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth }, vars);
      expect((await historyOf(bid, owner.auth, "", vars)).map((e) => e.resource_name)).toEqual(["bucket", "record"]);
    }, vars);
  });
});

describe("trimming", () => {
  test("auto_trim_max_count keeps the newest N entries per resource name", async () => {
    const owner = await newUser();
    const bid = uid("b");
    const vars = { KINTO_HISTORY_AUTO_TRIM_MAX_COUNT: "2" };
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth }, vars);
      for (let v = 0; v < 5; v++) {
        await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth, body: { data: { v } } }, vars);
      }
      // A batch of several entries trims once, after them.
      await hok({
        method: "POST",
        url: "/batch",
        auth: owner.auth,
        body: { requests: [5, 6, 7].map((v) => ({ method: "PUT", path: `/buckets/${bid}/collections/c/records/r`, body: { data: { v } } })) },
      }, vars);
      const entries = await historyOf(bid, owner.auth, "", vars);
      expect(entries.map((e) => `${e.resource_name} ${e.target.data.v ?? ""}`.trim())).toEqual(["bucket", "collection", "record 6", "record 7"]);
    }, vars);
  });

  test("auto_trim_user_ids trims per user and only those users", async () => {
    const owner = await newUser("owner");
    const robot = await newUser("robot");
    const bid = uid("b");
    const vars = { KINTO_HISTORY_AUTO_TRIM_MAX_COUNT: "1", KINTO_HISTORY_AUTO_TRIM_USER_IDS: robot.id };
    await withHistory(bid, ["c"], async () => {
      await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { write: [robot.id] } } }, vars);
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth }, vars);
      for (let v = 0; v < 3; v++) {
        await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/o${v}`, auth: owner.auth }, vars);
        await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r${v}`, auth: robot.auth }, vars);
      }
      const records = await historyOf(bid, owner.auth, "?resource_name=record", vars);
      expect(records.map((e) => e.record_id)).toEqual(["o0", "o1", "o2", "r2"]);
    }, vars);
  });
});
