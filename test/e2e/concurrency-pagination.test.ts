// Concurrency, issue item 4: a paginated walk (`_limit=100`, following `Next-Page` verbatim)
// over a collection receiving inserts returns no duplicate and misses no record that existed
// before the walk began (keyset pagination, contract §4.6). Walked in three orders: newest
// first (inserts land before the cursor), oldest first (after it) and by a random field
// (anywhere).
import { describe, expect, it } from "vitest";
import { Api, expectStatus, type BatchResponse } from "./support/api";
import { freshCollection, pool, range, sleep } from "./support/fixtures";
import { capped, duplicates } from "./support/invariants";
import { walk, type Listed } from "./support/listing";

const SEEDED = 1_000;
const PAGE = 100;
/** Concurrent inserters during a walk, and the bound of their inserts. */
const INSERTERS = 3;
const MAX_INSERTS_PER_WALK = 900;

interface Known {
  id: string;
  last_modified: number;
  rank: number;
  ackedAt: number;
}

function createdIn(response: BatchResponse): { id: string; last_modified: number; rank: number }[] {
  return response.responses.map((sub) => {
    if (sub.status !== 201) throw new Error(`batch sub-request answered ${sub.status}: ${JSON.stringify(sub.body)}`);
    return sub.body.data;
  });
}

/** Sort keys as the server compares them; `rank` ties broken by -last_modified (contract §4.5). */
const ORDERS: { sort: string; before: (a: Listed, b: Listed) => boolean }[] = [
  { sort: "-last_modified", before: (a, b) => a.last_modified > b.last_modified },
  { sort: "last_modified", before: (a, b) => a.last_modified < b.last_modified },
  {
    sort: "rank",
    before: (a, b) => (a.rank as number) < (b.rank as number) || (a.rank === b.rank && a.last_modified > b.last_modified),
  },
];

describe("concurrency: paginated walks during inserts", () => {
  it(`walks of ${SEEDED}+ records by pages of ${PAGE} while records are inserted: no duplicate, no pre-existing record missed`, async () => {
    const api = new Api("walk-owner");
    const c = await freshCollection(api, "cc-walk");
    const known = new Map<string, Known>();
    const remember = (records: { id: string; last_modified: number; rank: number }[], ackedAt: number): void => {
      for (const r of records) known.set(r.id, { id: r.id, last_modified: r.last_modified, rank: r.rank, ackedAt });
    };

    const seedBatches = range(SEEDED / 25).map((b) => async () => {
      const r = expectStatus(
        await api.batch(
          range(25).map((i) => ({ body: { data: { rank: Math.floor(Math.random() * 1e9), seed: b * 25 + i } } })),
          { method: "POST", path: c.records },
        ),
        200,
      ) as BatchResponse;
      remember(createdIn(r), r.ackedAt);
    });
    await pool(4, seedBatches);
    expect(known.size).toBe(SEEDED);

    const report: Record<string, unknown>[] = [];
    for (const order of ORDERS) {
      let walking = true;
      let inserted = 0;
      const insertErrors: string[] = [];
      const inserter = async (): Promise<void> => {
        for (let n = 0; walking && inserted < MAX_INSERTS_PER_WALK; n++) {
          if (n % 3 === 0) {
            const r = await api.batch(
              range(10).map(() => ({ body: { data: { rank: Math.floor(Math.random() * 1e9) } } })),
              { method: "POST", path: c.records },
            );
            if (r.status !== 200) insertErrors.push(`batch ${r.status}`);
            else remember(createdIn(r), r.ackedAt);
            inserted += 10;
          } else {
            const r = await api.post(c.records, { data: { rank: Math.floor(Math.random() * 1e9) } });
            if (r.status !== 201) insertErrors.push(`POST ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
            else remember([r.body.data], r.ackedAt);
            inserted += 1;
          }
        }
      };
      const inserting = Promise.all(range(INSERTERS).map(inserter));
      // Give the inserter a head start so the first pages already race with it.
      await sleep(20);
      const result = await walk(api, `${c.records}?_limit=${PAGE}&_sort=${order.sort}`, 200).finally(() => {
        walking = false;
      });
      await inserting;

      const existing = [...known.values()].filter((k) => k.ackedAt < result.sentAt);
      const seen = result.pages.flat();
      const seenIds = new Set(seen.map((r) => r.id));
      const violations: string[] = [];
      for (const [id, n] of duplicates(seen.map((r) => r.id))) violations.push(`record ${id} returned ${n} times`);
      for (const k of existing) {
        if (!seenIds.has(k.id)) violations.push(`record ${k.id} (last_modified ${k.last_modified}, rank ${k.rank}) existed before the walk and was missed`);
      }
      for (const r of seen) {
        const k = known.get(r.id);
        if (k === undefined) violations.push(`record ${r.id} returned but never acknowledged`);
        else if (k.last_modified !== r.last_modified) violations.push(`record ${r.id} returned at ${r.last_modified}, acknowledged at ${k.last_modified}`);
      }
      for (let i = 1; i < seen.length; i++) {
        const a = seen[i - 1] as Listed;
        const b = seen[i] as Listed;
        if (!order.before(a, b)) violations.push(`_sort=${order.sort}: ${a.id} (${a.last_modified}, rank ${a.rank}) is followed by ${b.id} (${b.last_modified}, rank ${b.rank})`);
      }
      const sizes = result.pages.map((p) => p.length);
      if (sizes.slice(0, -1).some((n) => n !== PAGE)) violations.push(`_sort=${order.sort}: page sizes ${sizes.join(", ")}`);
      report.push({ sort: order.sort, pages: sizes.length, seen: seen.length, existing: existing.length, inserted, insertErrors });
      expect.soft(capped(violations), `walk with _sort=${order.sort}`).toEqual([]);
      expect.soft(insertErrors, `inserts during the walk with _sort=${order.sort}`).toEqual([]);
    }
    console.info(`[concurrency-pagination] ${JSON.stringify(report)}`);
    expect(api.recorder.serverErrors).toEqual([]);
  }, 180_000);
});
