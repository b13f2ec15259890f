/**
 * Several Writers, one history (design.md "lists written by several writers"): 10 writers in
 * 5 collections of one bucket write at once. The history holds exactly one entry per
 * acknowledged change and none for a rejected one; entry timestamps are unique, and each
 * collection's entries follow its commit order. Invariants only, never durations.
 */
import { expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { newUser } from "../permissions/helpers";
import { hcall, historyOf, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const COLLECTIONS = ["c0", "c1", "c2", "c3", "c4"];
const WRITES = 8;

test("10 concurrent writers in 5 collections: one entry per acknowledged change, unique timestamps", async () => {
  const owner = await newUser();
  const bid = uid("b");
  await withHistory(bid, COLLECTIONS, async () => {
    await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    for (const cid of COLLECTIONS) await hok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth });
    const writers = COLLECTIONS.flatMap((cid) => [0, 1].map((w) => ({ cid, w })));
    const acknowledged: string[] = [];
    let rejected = 0;
    await Promise.all(
      writers.map(async ({ cid, w }) => {
        for (let i = 0; i < WRITES; i++) {
          const id = `w${w}-${i}`;
          // Every third write is rejected by its precondition (the record does not exist).
          const headers: Record<string, string> = i % 3 === 2 ? { "If-Match": '"1"' } : {};
          const res = await hcall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/${id}`, auth: owner.auth, headers, body: { data: { i } } });
          if (res.status === 201) acknowledged.push(`${cid}/${id}`);
          else {
            expect(res.status).toBe(412);
            rejected++;
          }
        }
      }),
    );
    expect(rejected).toBeGreaterThan(0);
    const entries = await historyOf(bid, owner.auth, "?resource_name=record");
    expect(entries.map((e) => `${e.collection_id}/${e.record_id}`).sort()).toEqual([...acknowledged].sort());
    const stamps = entries.map((e) => e.last_modified as number);
    expect(new Set(stamps).size).toBe(stamps.length);
    for (const cid of COLLECTIONS) {
      // Within a collection, history order is the records' commit order.
      const own = entries.filter((e) => e.collection_id === cid).map((e) => e.target.data.last_modified as number);
      expect(own).toEqual([...own].sort((a, b) => a - b));
    }
    const list = await hok({ url: `/buckets/${bid}/history`, auth: owner.auth });
    expect(list.headers.get("ETag")).toBe(`"${Math.max(...stamps, ...list.body.data.map((e: { last_modified: number }) => e.last_modified))}"`);
  });
});
