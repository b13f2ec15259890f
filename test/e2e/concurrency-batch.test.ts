// Concurrency, issue item 5: a batch's writes to one collection are one serialized unit,
// committed all or nothing (design invariant 6), applied in sub-request order, with 4xx
// sub-requests reported without undoing the others (contract §8).
//
// A 5xx cannot be provoked from outside, but a commit failure can: a forced `last_modified`
// equal to another record's timestamp violates the unique (parent, resource, last_modified)
// index (contract §5.3: 409 errno 122, or the server may bump the value).
import { describe, expect, it } from "vitest";
import { Api, expectStatus, type BatchResponse, type SubResponse } from "./support/api";
import { dataOf, freshCollection, range, sleep } from "./support/fixtures";
import { capped, interleavingViolations, strictlyIncreasingViolations } from "./support/invariants";
import { listAll } from "./support/listing";
import { serialHistoryViolations, type Creation, type PluralDelete } from "./support/serial";

const ok = (status: number): boolean => status >= 200 && status < 300;

function statuses(r: BatchResponse): number[] {
  return r.responses.map((s) => s.status);
}

function tsOf(sub: SubResponse): number {
  return Number(sub.body?.data?.last_modified);
}

describe("concurrency: batches writing to one collection", () => {
  it("applies sub-requests in order with increasing timestamps; a 412 sub-request leaves the others applied", async () => {
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-batch");
    const seeded: Record<string, number> = {};
    for (const id of ["a", "stale", "gone"]) {
      seeded[id] = dataOf(expectStatus(await api.put(c.record(id), { data: { v: 0 } }), 201)).last_modified;
    }
    const before = expectStatus(await api.get(c.records), 200).etag as number;

    const r = expectStatus(
      await api.batch([
        { method: "PUT", path: c.record("new1"), body: { data: { v: 1 } } },
        { method: "PATCH", path: c.record("a"), body: { data: { v: 1 } } },
        { method: "PUT", path: c.record("stale"), headers: { "If-Match": `"${(seeded.stale as number) - 1}"` }, body: { data: { v: 1 } } },
        { method: "DELETE", path: c.record("gone") },
        { method: "POST", path: c.records, body: { data: { id: "new2", v: 1 } } },
        { method: "PATCH", path: c.record("new1"), body: { data: { v: 2 } } },
        { method: "PUT", path: c.record("new3"), headers: { "If-None-Match": "*" }, body: { data: { v: 1 } } },
        { method: "PUT", path: c.record("new3"), headers: { "If-None-Match": "*" }, body: { data: { v: 2 } } },
      ]),
      200,
    ) as BatchResponse;
    expect(statuses(r)).toEqual([201, 200, 412, 200, 201, 200, 201, 412]);
    const subs = r.responses;
    const sub = (i: number): SubResponse => subs[i] as SubResponse;

    // 412s carry the object as it was at that point of the batch.
    expect(sub(2).body.details.existing).toEqual({ id: "stale", v: 0, last_modified: seeded.stale });
    expect(sub(7).body.details.existing).toEqual(sub(6).body.data);

    // Every applied write got a timestamp after the list's, increasing in sub-request order.
    const applied = [0, 1, 3, 4, 5, 6].map((i) => tsOf(sub(i)));
    expect(strictlyIncreasingViolations([before, ...applied], "applied sub-requests")).toEqual([]);

    // The state is every applied write, in order, and nothing of the 412s.
    const state = async (id: string): Promise<unknown> => {
      const got = await api.get(c.record(id));
      return got.status === 200 ? got.body.data : got.status;
    };
    expect(await state("new1")).toEqual({ id: "new1", v: 2, last_modified: tsOf(sub(5)) });
    expect(await state("a")).toEqual({ id: "a", v: 1, last_modified: tsOf(sub(1)) });
    expect(await state("stale")).toEqual({ id: "stale", v: 0, last_modified: seeded.stale });
    expect(await state("gone")).toBe(404);
    expect(await state("new2")).toEqual({ id: "new2", v: 1, last_modified: tsOf(sub(4)) });
    expect(await state("new3")).toEqual({ id: "new3", v: 1, last_modified: tsOf(sub(6)) });
    const changes = expectStatus(await api.get(`${c.records}?_since=${before}`), 200);
    expect(changes.etag).toBe(Math.max(...applied));
    expect(changes.body.data).toEqual([
      { id: "new3", v: 1, last_modified: tsOf(sub(6)) },
      { id: "new1", v: 2, last_modified: tsOf(sub(5)) },
      { id: "new2", v: 1, last_modified: tsOf(sub(4)) },
      { id: "gone", deleted: true, last_modified: tsOf(sub(3)) },
      { id: "a", v: 1, last_modified: tsOf(sub(1)) },
    ]);
  });

  it("commits all or nothing: a batch whose last write cannot commit leaves none of its writes", async () => {
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-aon");
    const taken = dataOf(expectStatus(await api.put(c.record("taken"), { data: { v: 0 } }), 201));
    const a = dataOf(expectStatus(await api.put(c.record("a"), { data: { v: 0 } }), 201));
    const victim = dataOf(expectStatus(await api.put(c.record("victim"), { data: { v: 0 } }), 201));
    const before = expectStatus(await api.get(c.records), 200).etag as number;

    const r = expectStatus(
      await api.batch([
        { method: "PUT", path: c.record("x1"), body: { data: { v: 1 } } },
        { method: "PATCH", path: c.record("a"), body: { data: { v: 1 } } },
        { method: "DELETE", path: c.record("victim") },
        { method: "POST", path: c.records, body: { data: { id: "x2", v: 1 } } },
        // Forced into the past onto another record's timestamp: the unique index refuses it.
        { method: "PUT", path: c.record("x3"), body: { data: { v: 1, last_modified: taken.last_modified } } },
      ]),
      200,
    ) as BatchResponse;

    const after = expectStatus(await api.get(`${c.records}?_since=0`), 200);
    const codes = statuses(r);
    if (codes.every(ok)) {
      // The server bumped the forced value (allowed by §5.3): timestamps must stay unique.
      const stamps = (after.body.data as { last_modified: number }[]).map((x) => x.last_modified);
      expect(new Set(stamps).size).toBe(stamps.length);
    } else {
      // Nothing of the batch is written, and every sub-request says so.
      expect(codes.filter(ok), `statuses ${codes.join(", ")}: a failed commit must fail every write`).toEqual([]);
      expect(r.responses.map((s) => s.body?.errno)).toEqual(codes.map(() => 122));
      expect(after.etag).toBe(before);
      expect(after.body.data).toEqual([victim, a, taken].map(({ id, last_modified }) => ({ id, last_modified, v: 0 })));
    }
  });

  it("acknowledges truthfully when failing batches commit concurrently with other writes, and fails only the failing request", async () => {
    const POISONED = 8;
    const CLEAN_BATCHES = 8;
    const SINGLES = 24;
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-truth");
    const taken = dataOf(expectStatus(await api.put(c.record("taken"), { data: { v: 0 } }), 201));

    type Write = { id: string; v: number; request: string; status: number; ts: number | null };
    const writes: Write[] = [];
    const record = (request: string, ids: string[], v: number, subs: { status: number; body: { data?: { last_modified?: number } } }[]): void => {
      for (const [i, id] of ids.entries()) {
        const s = subs[i];
        writes.push({ id, v, request, status: s?.status ?? -1, ts: s && ok(s.status) ? Number(s.body.data?.last_modified) : null });
      }
    };

    const poisoned = range(POISONED).map(async (p) => {
      const ids = range(4).map((i) => `p${p}-${i}`);
      const r = await api.batch([
        ...ids.slice(0, 3).map((id) => ({ method: "PUT", path: c.record(id), body: { data: { v: p } } })),
        { method: "PUT", path: c.record(ids[3] as string), body: { data: { v: p, last_modified: taken.last_modified } } },
      ]);
      record(`poisoned batch ${p}`, ids, p, r.responses);
      return r;
    });
    const clean = range(CLEAN_BATCHES).map(async (b) => {
      const ids = range(10).map((i) => `b${b}-${i}`);
      const r = await api.batch(ids.map((id) => ({ method: "PUT", path: c.record(id), body: { data: { v: b } } })));
      record(`clean batch ${b}`, ids, b, r.responses);
      return r;
    });
    const singles = range(SINGLES).map(async (s) => {
      const r = await api.put(c.record(`s${s}`), { data: { v: s } });
      record(`single ${s}`, [`s${s}`], s, [{ status: r.status, body: r.body }]);
      return r;
    });
    await Promise.all([...poisoned, ...clean, ...singles]);

    // Truth: every acknowledged write is there as acknowledged; every refused one is absent.
    const listed = new Map((await listAll(api, c.records, "_since=0")).records.map((x) => [x.id, x]));
    const lies: string[] = [];
    for (const w of writes) {
      const found = listed.get(w.id);
      if (w.ts !== null && (found === undefined || found.last_modified !== w.ts || found.v !== w.v)) {
        lies.push(`${w.request}: ${w.id} acknowledged ${w.status} at ${w.ts}, stored as ${JSON.stringify(found)}`);
      }
      if (w.ts === null && found !== undefined) {
        lies.push(`${w.request}: ${w.id} answered ${w.status} but is stored as ${JSON.stringify(found)}`);
      }
    }
    expect.soft(capped(lies), "answers contradicting the stored state").toEqual([]);

    // All or nothing per request; and a request that cannot commit fails no other request.
    const byRequest = new Map<string, Write[]>();
    for (const w of writes) byRequest.set(w.request, [...(byRequest.get(w.request) ?? []), w]);
    const mixed = [...byRequest].filter(([, ws]) => ws.some((w) => w.ts !== null) && ws.some((w) => w.ts === null));
    expect.soft(mixed.map(([request, ws]) => `${request}: statuses ${ws.map((w) => w.status).join(", ")}`), "requests half applied").toEqual([]);
    const innocentFailures = writes.filter((w) => !w.request.startsWith("poisoned") && w.ts === null);
    expect.soft(
      innocentFailures.map((w) => `${w.request}: ${w.id} answered ${w.status}`),
      "writes of valid requests that failed",
    ).toEqual([]);
    expect(api.recorder.serverErrors).toEqual([]);
  }, 120_000);

  it("does not interleave other writes between the sub-requests of one batch", async () => {
    const BATCHES = 8;
    const SINGLE_WRITERS = 12;
    const SINGLES_EACH = 15;
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-interleave");
    // Existing records that batches update, so batches mix creations and updates.
    for (const b of range(BATCHES)) expectStatus(await api.put(c.record(`u${b}`), { data: { v: 0 } }), 201);

    const groups: { where: string; ids: string[]; ts: number[] }[] = [];
    const orderViolations: string[] = [];
    const failures: string[] = [];
    const batch = async (b: number): Promise<void> => {
      const ids = [...range(12).map((i) => `b${b}-${i}`), `u${b}`, ...range(12).map((i) => `b${b}-${12 + i}`)];
      const r = await api.batch(
        ids.map((id) =>
          id.startsWith("u")
            ? { method: "PATCH", path: c.record(id), body: { data: { v: b + 1 } } }
            : { method: "POST", path: c.records, body: { data: { id, b } } },
        ),
      );
      if (r.status !== 200 || !r.responses.every((s) => ok(s.status))) {
        failures.push(`batch ${b}: HTTP ${r.status}, statuses ${statuses(r).join(", ")}`);
        return;
      }
      const ts = r.responses.map(tsOf);
      orderViolations.push(...strictlyIncreasingViolations(ts, `batch ${b}`));
      groups.push({ where: `batch ${b}`, ids, ts });
    };
    const single = async (w: number): Promise<void> => {
      for (const n of range(SINGLES_EACH)) {
        const r = await api.post(c.records, { data: { w, n } });
        if (r.status !== 201) failures.push(`single writer ${w} #${n}: ${r.status}`);
      }
    };
    await Promise.all([...range(BATCHES).map(batch), ...range(SINGLE_WRITERS).map(single)]);

    expect(failures).toEqual([]);
    expect(capped(orderViolations)).toEqual([]);
    const all = (await listAll(api, c.records)).records;
    expect(all).toHaveLength(BATCHES * 25 + SINGLE_WRITERS * SINGLES_EACH);
    expect(new Set(all.map((x) => x.last_modified)).size).toBe(all.length);
    expect(capped(interleavingViolations(groups, all))).toEqual([]);
  }, 120_000);

  it("a plural DELETE later in a batch applies after the batch's earlier writes", async () => {
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-order");
    const old = dataOf(expectStatus(await api.put(c.record("old"), { data: { v: 0 } }), 201));
    expectStatus(await api.put(c.record("gone"), { data: { v: 0 } }), 201);

    const r = expectStatus(
      await api.batch([
        { method: "PUT", path: c.record("x"), body: { data: { v: 1 } } },
        { method: "DELETE", path: c.record("gone") },
        { method: "DELETE", path: c.records },
      ]),
      200,
    ) as BatchResponse;
    expect(statuses(r)).toEqual([201, 200, 200]);
    const subs = r.responses as [SubResponse, SubResponse, SubResponse];
    const created = tsOf(subs[0]);
    const goneTs = tsOf(subs[1]);
    const plural = subs[2].body.data as { id: string; last_modified: number; deleted: boolean }[];

    // In sub-request order: x exists and `gone` is already a tombstone when the list is deleted.
    expect(plural.map((t) => t.id).sort(), "records deleted by the plural DELETE").toEqual(["old", "x"]);
    expect(Math.min(...plural.map((t) => t.last_modified))).toBeGreaterThan(goneTs);
    expect(goneTs).toBeGreaterThan(created);
    expect(created).toBeGreaterThan(old.last_modified);
    expect(expectStatus(await api.get(c.records), 200).body.data, "live records after the batch").toEqual([]);
  });

  it("plural DELETEs racing with creations follow one serial order: each deletes exactly what was created before it", async () => {
    const SEEDED = 25;
    const CREATORS = 12;
    /** Bound of each creator; they stop when the deleter is done. */
    const EACH = 200;
    const DELETES = 25;
    const api = new Api("batch-owner");
    const c = await freshCollection(api, "cc-plural");
    const creations: Creation[] = [];
    const failures: string[] = [];
    const seeded = expectStatus(
      await api.batch(range(SEEDED).map((i) => ({ body: { data: { seed: i } } })), { method: "POST", path: c.records }),
      200,
    ) as BatchResponse;
    for (const [i, sub] of seeded.responses.entries()) creations.push({ id: sub.body.data.id, ts: tsOf(sub), where: `seed #${i}` });

    let deleting = true;
    const creator = async (k: number): Promise<void> => {
      for (let n = 0; n < EACH && deleting; n++) {
        const r = await api.post(c.records, { data: { k, n } });
        if (r.status !== 201) failures.push(`creator ${k} #${n}: ${r.status}`);
        else creations.push({ id: r.body.data.id, ts: r.body.data.last_modified, where: `creator ${k} #${n}` });
      }
    };
    const deletes: PluralDelete[] = [];
    // Each round sends a creation and, right behind it, a plural DELETE: when both wait in the
    // Writer's queue together, the DELETE must still see the creation decided before it.
    const deleter = async (): Promise<void> => {
      for (const d of range(DELETES)) {
        const creation = api.post(c.records, { data: { k: "deleter", n: d } });
        await sleep(1);
        const r = await api.delete(c.records);
        const created = await creation;
        if (created.status !== 201) failures.push(`deleter's creation #${d}: ${created.status}`);
        else creations.push({ id: created.body.data.id, ts: created.body.data.last_modified, where: `deleter's creation #${d}` });
        if (r.status !== 200) failures.push(`plural DELETE #${d}: ${r.status}`);
        else deletes.push({ tombstones: r.body.data, where: `plural DELETE #${d}` });
        await sleep(3);
      }
    };
    const creators = Promise.all(range(CREATORS).map(creator));
    await deleter();
    deleting = false;
    await creators;

    expect(failures).toEqual([]);
    const live = (await listAll(api, c.records)).records.map((x) => x.id);
    console.info(
      `[concurrency-batch] plural DELETEs: ${deletes.map((d) => d.tombstones.length).join(", ")} tombstones, ` +
        `${creations.length} creations, ${live.length} live at the end`,
    );
    expect(capped(serialHistoryViolations(creations, deletes, live))).toEqual([]);
  }, 120_000);
});
