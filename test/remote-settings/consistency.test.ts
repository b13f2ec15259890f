/**
 * A changeset is one snapshot: while a writer commits, every answer's `timestamp` is the
 * newest record's `last_modified` and the records are exactly those up to it (creations
 * only here, so the newest live record carries the records timestamp).
 */
import { describe, expect, it } from "vitest";
import { EVERYONE, createBucket, createCollection, send } from "../resources/helpers";
import { get } from "./helpers";

describe("changeset snapshots under concurrent writes", () => {
  it("never tear: timestamp = newest change, counts only grow", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { permissions: { read: [EVERYONE] } });
    const writes = Array.from({ length: 30 }, (_, n) => send({ method: "POST", url: `/buckets/${bid}/collections/${cid}/records`, body: { data: { n } } }));
    const reads = Array.from({ length: 30 }, (_, n) => get({ url: `/buckets/${bid}/collections/${cid}/changeset?_expected=${n}`, as: "alice" }));
    const answers = await Promise.all(reads);
    await Promise.all(writes);
    for (const res of answers) {
      expect(res.status).toBe(200);
      const stamps: number[] = res.body.changes.map((change: { last_modified: number }) => change.last_modified);
      if (stamps.length > 0) expect(res.body.timestamp).toBe(stamps[0]);
      expect(new Set(stamps).size).toBe(stamps.length);
      expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
    }
    const final = await get({ url: `/buckets/${bid}/collections/${cid}/changeset?_expected=final`, as: "alice" });
    expect(final.body.changes).toHaveLength(30);
    // Each answer holds exactly the records the final list has up to its timestamp.
    for (const res of answers) {
      const upTo = final.body.changes.filter((change: { last_modified: number }) => change.last_modified <= res.body.timestamp);
      expect(res.body.changes.map((change: { id: string }) => change.id)).toEqual(upTo.map((change: { id: string }) => change.id));
    }
  });
});
