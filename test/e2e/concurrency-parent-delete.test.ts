// Concurrency, issue item 3: parents exist (design invariant 5). Writers keep writing under a
// collection (and a bucket) while its owner deletes and re-creates it in a loop. No write may
// survive the deletion of its parent, no write answered 4xx may appear, and once the writers
// stop, a deleted-then-re-created parent shows nothing old: no records, tombstones, collections,
// groups, ACL entries or group memberships (the server has no SQL endpoint, so orphan rows are
// looked for through the API: lists with `_since=0`, `GET /permissions`, hello's principals).
import { describe, expect, it } from "vitest";
import { Api, expectStatus, type ApiResponse } from "./support/api";
import { freshCollection, range, sleep, uniqueId } from "./support/fixtures";
import { ackedWrite, generationViolations, halfAppliedBatch, lostWriteViolations, type AckedWrite, type Snapshot } from "./support/generations";
import { capped } from "./support/invariants";
import { listAll } from "./support/listing";

const WRITERS = 6;
/** Upper bound of operations per writer; writers normally stop when the deleter is done. */
const MAX_OPS_PER_WRITER = 2_000;
/** Pause between deleting and re-creating a parent, so that writes meet the missing parent. */
const PAUSE_MS = 40;
/** Pause between re-creating a parent and listing it, so that acknowledged writes land in between. */
const SETTLE_MS = 150;

/** Writers may write anything under the bucket; the owner deletes and re-creates. */
const SHARED = { write: ["system.Authenticated"] };

interface Outcome {
  acked: AckedWrite[];
  unexpected: string[];
  halfApplied: string[];
}

function newOutcome(): Outcome {
  return { acked: [], unexpected: [], halfApplied: [] };
}

/** Notes a write answer: 2xx → acknowledged; an allowed failure → nothing; else unexpected. */
function note(outcome: Outcome, response: ApiResponse, kind: AckedWrite["kind"], where: string, allowed: number[]): boolean {
  if (response.status >= 200 && response.status < 300) {
    outcome.acked.push(ackedWrite(kind, response, where));
    return true;
  }
  if (!allowed.includes(response.status)) {
    outcome.unexpected.push(`${where}: ${response.method} ${new URL(response.url).pathname} answered ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
  }
  return false;
}

/** How many acknowledged writes `lostWriteViolations` looked for. */
function presenceChecked(acked: AckedWrite[], snapshots: Snapshot[]): number {
  return acked.filter((w) => snapshots.some((s) => s.kind === w.kind && w.sentAt > s.recreated.ackedAt && w.ackedAt < s.sentAt)).length;
}

describe("concurrency: writes racing with the deletion of their parent", () => {
  it("deleting and re-creating a collection while records are written leaves no record behind", async () => {
    const CYCLES = 12;
    const owner = new Api(uniqueId("pd-owner"));
    const c = await freshCollection(owner, "cc-pdc", { bucketPermissions: SHARED });
    const outcome = newOutcome();
    const snapshots: Snapshot[] = [];
    let stop = false;

    const writer = async (w: number): Promise<void> => {
      const api = owner.as(`pd-writer-${w}`);
      const live: string[] = [];
      for (let n = 0; n < MAX_OPS_PER_WRITER && !stop; n++) {
        const where = `writer ${w} op ${n}`;
        switch (n % 5) {
          case 0:
          case 1:
          case 2: {
            const r = await api.post(c.records, { data: { w, n } });
            if (note(outcome, r, "record", where, [404])) live.push(r.body.data.id);
            break;
          }
          case 3: {
            const r = await api.batch(
              range(5).map((i) => ({ body: { data: { w, n, i } } })),
              { method: "POST", path: c.records },
            );
            if (r.status !== 200) {
              outcome.unexpected.push(`${where}: batch answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
              break;
            }
            const half = halfAppliedBatch(r, `${where} batch`);
            if (half) outcome.halfApplied.push(half);
            for (const [i, sub] of r.responses.entries()) {
              const asResponse = { ...r, status: sub.status, body: sub.body };
              if (note(outcome, asResponse, "record", `${where} batch #${i}`, [404])) live.push(sub.body.data.id);
            }
            break;
          }
          default: {
            const id = live.shift();
            if (id === undefined) break;
            // 404: the record went with its collection.
            note(outcome, await api.delete(c.record(id)), "record", `${where} delete`, [404]);
          }
        }
      }
    };

    const deleter = async (): Promise<void> => {
      for (const cycle of range(CYCLES)) {
        await sleep(PAUSE_MS);
        expectStatus(await owner.delete(c.collection), 200);
        await sleep(PAUSE_MS);
        const recreation = expectStatus(await owner.put(c.collection), 201);
        await sleep(SETTLE_MS);
        const listing = await listAll(owner, c.records, "_since=0");
        snapshots.push({
          kind: "record",
          items: listing.records,
          sentAt: listing.sentAt,
          where: `records listed after cycle ${cycle}`,
          recreated: { sentAt: recreation.sentAt, ackedAt: recreation.ackedAt, where: `collection re-creation #${cycle}` },
        });
      }
    };

    const writers = range(WRITERS).map(writer);
    await deleter();
    stop = true;
    await Promise.all(writers);

    // Writers stopped: delete, re-create, and the collection is empty, tombstones included.
    expectStatus(await owner.delete(c.collection), 200);
    const last = expectStatus(await owner.put(c.collection), 201);
    const final = await listAll(owner, c.records, "_since=0");
    snapshots.push({
      kind: "record",
      items: final.records,
      sentAt: final.sentAt,
      where: "records listed after the final re-creation",
      recreated: { sentAt: last.sentAt, ackedAt: last.ackedAt, where: "the final collection re-creation" },
    });
    const head = await owner.request("HEAD", c.records);

    const acknowledged = outcome.acked.filter((w) => !w.deleted).length;
    console.info(
      `[concurrency-parent-delete] collection: ${CYCLES} delete/re-create cycles, ${acknowledged} records acknowledged, ` +
        `statuses ${JSON.stringify(owner.recorder.histogram())}, ${snapshots.reduce((n, s) => n + s.items.length, 0)} objects checked in snapshots, ` +
        `${presenceChecked(outcome.acked, snapshots)} writes checked for presence`,
    );

    expect.soft(owner.recorder.serverErrors, "5xx answers").toEqual([]);
    expect.soft(capped(outcome.unexpected), "unexpected answers").toEqual([]);
    expect.soft(capped(outcome.halfApplied), "half-applied batches").toEqual([]);
    expect.soft(capped(generationViolations(outcome.acked, snapshots)), "objects that outlived their parent, or were never acknowledged").toEqual([]);
    expect.soft(capped(lostWriteViolations(outcome.acked, snapshots)), "acknowledged writes missing from a later listing").toEqual([]);
    expect.soft(final.records, "records (and tombstones) under the re-created collection").toEqual([]);
    expect.soft(head.headers.get("Total-Records"), "Total-Records of the re-created collection").toBe("0");

    // No ACL entry of a purged record is left: writers hold no record permission in the bucket.
    for (const w of range(WRITERS)) {
      const api = owner.as(`pd-writer-${w}`);
      const entries = expectStatus(await api.get(`/permissions?bucket_id=${c.bid}&resource_name=record`), 200).body.data;
      expect.soft(entries, `writer ${w}'s permission entries on records of ${c.bid}`).toEqual([]);
    }
    // The run did exercise both outcomes of the race.
    expect(acknowledged).toBeGreaterThan(0);
    expect(owner.recorder.count(404)).toBeGreaterThan(0);
  }, 180_000);

  it("deleting and re-creating a bucket while collections, groups and records are written leaves nothing behind", async () => {
    const CYCLES = 8;
    const owner = new Api(uniqueId("pd-owner"));
    const c = await freshCollection(owner, "cc-pdb", { bucketPermissions: SHARED });
    const outcome = newOutcome();
    const snapshots: Snapshot[] = [];
    let stop = false;

    const writerApis = range(WRITERS).map((w) => owner.as(`pd-bwriter-${w}`));
    const writerIds = await Promise.all(writerApis.map((api) => api.userId()));

    const writer = async (w: number): Promise<void> => {
      const api = writerApis[w] as Api;
      for (let n = 0; n < MAX_OPS_PER_WRITER && !stop; n++) {
        const where = `writer ${w} op ${n}`;
        switch (n % 4) {
          case 0:
            // 403: the bucket (and its ACL granting the writers) is gone.
            note(outcome, await api.put(`${c.bucket}/collections/k-${w}-${n}`), "collection", where, [403, 404]);
            break;
          case 1:
            note(outcome, await api.post(c.records, { data: { w, n } }), "record", where, [403, 404]);
            break;
          case 2:
            note(
              outcome,
              await api.put(`${c.bucket}/groups/g-${w}-${n}`, { data: { members: [writerIds[w]] } }),
              "group",
              where,
              [403, 404],
            );
            break;
          default: {
            const r = await api.batch(
              range(5).map((i) => ({ body: { data: { w, n, i } } })),
              { method: "POST", path: c.records },
            );
            if (r.status !== 200) {
              outcome.unexpected.push(`${where}: batch answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
              break;
            }
            const half = halfAppliedBatch(r, `${where} batch`);
            if (half) outcome.halfApplied.push(half);
            for (const [i, sub] of r.responses.entries()) {
              note(outcome, { ...r, status: sub.status, body: sub.body }, "record", `${where} batch #${i}`, [403, 404]);
            }
          }
        }
      }
    };

    /** Lists the bucket's collections and groups and the collection's records, `_since=0`. */
    const snapshot = async (bucket: ApiResponse, collection: ApiResponse, label: string): Promise<void> => {
      const bucketMark = { sentAt: bucket.sentAt, ackedAt: bucket.ackedAt, where: `bucket re-creation ${label}` };
      const collectionMark = { sentAt: collection.sentAt, ackedAt: collection.ackedAt, where: `collection re-creation ${label}` };
      for (const [kind, path, recreated] of [
        ["collection", `${c.bucket}/collections`, bucketMark],
        ["group", `${c.bucket}/groups`, bucketMark],
        ["record", c.records, collectionMark],
      ] as const) {
        const listing = await listAll(owner, path, "_since=0");
        snapshots.push({ kind, items: listing.records, sentAt: listing.sentAt, where: `${kind}s listed after ${label}`, recreated });
      }
    };

    const deleter = async (): Promise<void> => {
      for (const cycle of range(CYCLES)) {
        await sleep(PAUSE_MS);
        expectStatus(await owner.delete(c.bucket), 200);
        await sleep(PAUSE_MS);
        const bucket = expectStatus(await owner.put(c.bucket, { permissions: SHARED }), 201);
        const collection = expectStatus(await owner.put(c.collection), 201);
        outcome.acked.push(ackedWrite("collection", collection, `owner's re-creation #${cycle}`));
        await sleep(SETTLE_MS);
        await snapshot(bucket, collection, `cycle ${cycle}`);
      }
    };

    const writers = range(WRITERS).map(writer);
    await deleter();
    stop = true;
    await Promise.all(writers);

    // Writers stopped: delete, re-create without sharing, and everything under it is empty.
    expectStatus(await owner.delete(c.bucket), 200);
    const bucket = expectStatus(await owner.put(c.bucket), 201);
    const collection = expectStatus(await owner.put(c.collection), 201);
    outcome.acked.push(ackedWrite("collection", collection, "owner's final re-creation"));
    await snapshot(bucket, collection, "the final re-creation");
    const finalSnapshots = snapshots.slice(-3);

    const counts = { collection: 0, group: 0, record: 0 };
    for (const w of outcome.acked) counts[w.kind]++;
    console.info(
      `[concurrency-parent-delete] bucket: ${CYCLES} delete/re-create cycles, acknowledged ${JSON.stringify(counts)}, ` +
        `statuses ${JSON.stringify(owner.recorder.histogram())}, ${snapshots.reduce((n, s) => n + s.items.length, 0)} objects checked in snapshots, ` +
        `${presenceChecked(outcome.acked, snapshots)} writes checked for presence`,
    );

    expect.soft(owner.recorder.serverErrors, "5xx answers").toEqual([]);
    expect.soft(capped(outcome.unexpected), "unexpected answers").toEqual([]);
    expect.soft(capped(outcome.halfApplied), "half-applied batches").toEqual([]);
    expect.soft(capped(generationViolations(outcome.acked, snapshots)), "objects that outlived their bucket, or were never acknowledged").toEqual([]);
    expect.soft(capped(lostWriteViolations(outcome.acked, snapshots)), "acknowledged writes missing from a later listing").toEqual([]);
    const leftovers = finalSnapshots.map((s) => ({
      kind: s.kind,
      items: s.kind === "collection" ? s.items.filter((i) => i.id !== c.cid) : s.items,
    }));
    expect.soft(leftovers, "objects under the re-created bucket (only the owner's new collection expected)").toEqual([
      { kind: "collection", items: [] },
      { kind: "group", items: [] },
      { kind: "record", items: [] },
    ]);

    // Orphan group memberships and ACL entries: none of the old bucket's remain for any writer.
    for (const [w, api] of writerApis.entries()) {
      const principals = expectStatus(await api.get("/"), 200).body.user?.principals as string[];
      expect.soft(principals.filter((p) => p.startsWith(`${c.bucket}/`)), `writer ${w}'s principals under ${c.bucket}`).toEqual([]);
      const entries = expectStatus(await api.get(`/permissions?bucket_id=${c.bid}`), 200).body.data;
      expect.soft(entries, `writer ${w}'s permission entries in ${c.bid}`).toEqual([]);
    }
    expect(counts.record + counts.group).toBeGreaterThan(0);
    expect(owner.recorder.count(403) + owner.recorder.count(404)).toBeGreaterThan(0);
  }, 180_000);
});
