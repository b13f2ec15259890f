// Concurrency, issue item 1: no lost update (design invariant 3). Many clients race on one
// record with `If-Match` / `If-None-Match`; the Writer checks the precondition in the same
// critical section as the write, so exactly one wins and every loser sees the winner.
import { describe, expect, it } from "vitest";
import { Api, expectStatus, type ApiResponse } from "./support/api";
import { dataOf, freshCollection, range } from "./support/fixtures";
import { capped, strictlyIncreasingViolations } from "./support/invariants";

const WRITERS = 50;
const ROUNDS = 5;

interface RoundReport {
  round: number;
  statuses: Record<string, number>;
  violations: string[];
}

function histogram(responses: ApiResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/**
 * Checks one round: exactly one `winnerStatus`, every other answer a 412 (errno 114) whose
 * `details.existing` and ETag are the winner's object, and a GET showing the winner.
 */
async function judgeRound(
  api: Api,
  path: string,
  round: number,
  previous: number,
  responses: ApiResponse[],
  winnerStatus: number,
  expectedWinner: (index: number) => Record<string, unknown>,
): Promise<RoundReport & { winnerTs: number | null }> {
  const violations: string[] = [];
  const winners = responses.map((r, i) => ({ r, i })).filter(({ r }) => r.status === winnerStatus);
  if (winners.length !== 1) {
    violations.push(
      `round ${round}: ${winners.length} answers ${winnerStatus} (writers ${winners.map((w) => w.i).join(", ")}), expected exactly 1`,
    );
  }
  const winner = winners[0];
  let winnerTs: number | null = null;
  if (winner) {
    const data = dataOf(winner.r);
    winnerTs = data.last_modified;
    const expected = { ...expectedWinner(winner.i), id: data.id, last_modified: data.last_modified };
    if (JSON.stringify(sortKeys(data)) !== JSON.stringify(sortKeys(expected))) {
      violations.push(`round ${round}: winner ${winner.i} answered ${JSON.stringify(data)}, expected ${JSON.stringify(expected)}`);
    }
    if (!(data.last_modified > previous)) {
      violations.push(`round ${round}: winner's last_modified ${data.last_modified} is not after the version read, ${previous}`);
    }
    if (winner.r.etag !== data.last_modified) {
      violations.push(`round ${round}: winner's ETag ${winner.r.etag} differs from its last_modified ${data.last_modified}`);
    }
    for (const [i, r] of responses.entries()) {
      if (i === winner.i) continue;
      if (r.status !== 412) {
        violations.push(`round ${round}: writer ${i} answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}, expected 412`);
        continue;
      }
      if (r.body?.errno !== 114) violations.push(`round ${round}: writer ${i}'s 412 has errno ${r.body?.errno}, expected 114`);
      const existing = r.body?.details?.existing;
      if (JSON.stringify(sortKeys(existing)) !== JSON.stringify(sortKeys(data))) {
        violations.push(
          `round ${round}: writer ${i}'s 412 details.existing is ${JSON.stringify(existing)}, expected the winner's ${JSON.stringify(data)}`,
        );
      }
      if (r.etag !== data.last_modified) {
        violations.push(`round ${round}: writer ${i}'s 412 ETag is ${r.etag}, expected the winner's ${data.last_modified}`);
      }
    }
    const after = expectStatus(await api.get(path), 200);
    if (JSON.stringify(sortKeys(after.body.data)) !== JSON.stringify(sortKeys(data))) {
      violations.push(`round ${round}: GET after the race shows ${JSON.stringify(after.body.data)}, the acknowledged winner was ${JSON.stringify(data)}`);
    }
    if (after.etag !== data.last_modified) violations.push(`round ${round}: GET ETag ${after.etag}, winner ${data.last_modified}`);
  }
  return { round, statuses: histogram(responses), violations, winnerTs };
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}

describe("concurrency: preconditions on one record (no lost update)", () => {
  it(`${WRITERS} concurrent PUTs with If-Match of the version read: one 200, the others 412 with the winner as details.existing`, async () => {
    const api = new Api("ifmatch-owner");
    const c = await freshCollection(api, "cc-put");
    const path = c.record("target");
    expectStatus(await api.put(path, { data: { writer: -1, round: -1 } }), 201);

    const reports: RoundReport[] = [];
    const winners: number[] = [];
    for (const round of range(ROUNDS)) {
      const read = expectStatus(await api.get(path), 200);
      const version = read.etag as number;
      const responses = await Promise.all(
        range(WRITERS).map((writer) =>
          api.put(path, { data: { writer, round } }, { "If-Match": `"${version}"` }),
        ),
      );
      const report = await judgeRound(api, path, round, version, responses, 200, (writer) => ({ writer, round }));
      reports.push(report);
      if (report.winnerTs !== null) winners.push(report.winnerTs);
    }
    expect(reports.flatMap((r) => r.violations)).toEqual([]);
    expect(reports.map((r) => r.statuses)).toEqual(range(ROUNDS).map(() => ({ 200: 1, 412: WRITERS - 1 })));
    expect(strictlyIncreasingViolations(winners, "winners' last_modified")).toEqual([]);
  }, 120_000);

  it(`${WRITERS} concurrent PATCHes with If-Match: one 200, the others 412; the record merges only the winner's fields`, async () => {
    const api = new Api("ifmatch-owner");
    const c = await freshCollection(api, "cc-patch");
    const path = c.record("target");
    expectStatus(await api.put(path, { data: { keep: "untouched", writer: -1, round: -1 } }), 201);

    const reports: RoundReport[] = [];
    for (const round of range(ROUNDS)) {
      const read = expectStatus(await api.get(path), 200);
      const version = read.etag as number;
      const responses = await Promise.all(
        range(WRITERS).map((writer) =>
          api.patch(path, { data: { writer, round, [`only_${round}_${writer}`]: round } }, { "If-Match": `"${version}"` }),
        ),
      );
      // A lost update would leave another writer's `only_<i>` key in the record.
      const previousKeys = Object.fromEntries(
        Object.entries(read.body.data as Record<string, unknown>).filter(([k]) => k !== "id" && k !== "last_modified"),
      );
      reports.push(
        await judgeRound(api, path, round, version, responses, 200, (writer) => ({
          ...previousKeys,
          writer,
          round,
          [`only_${round}_${writer}`]: round,
        })),
      );
    }
    expect(reports.flatMap((r) => r.violations)).toEqual([]);
    expect(reports.map((r) => r.statuses)).toEqual(range(ROUNDS).map(() => ({ 200: 1, 412: WRITERS - 1 })));
    const final = expectStatus(await api.get(path), 200).body.data as Record<string, unknown>;
    expect(final.keep).toBe("untouched");
    // One `only_<i>` key per round: exactly the winners'.
    expect(Object.keys(final).filter((k) => k.startsWith("only_"))).toHaveLength(ROUNDS);
  }, 120_000);

  it(`${WRITERS} concurrent PUTs with If-None-Match: * on a free id: one 201, the others 412 with the winner as details.existing`, async () => {
    const api = new Api("ifnonematch-owner");
    const c = await freshCollection(api, "cc-inm");
    const reports: RoundReport[] = [];
    for (const round of range(ROUNDS)) {
      const path = c.record(`fresh-${round}`);
      // Round 0 races on an id never used; later rounds on the tombstone of a deleted one.
      if (round > 0) {
        expectStatus(await api.put(path, { data: { seed: true } }), 201);
        expectStatus(await api.delete(path), 200);
      }
      const responses = await Promise.all(
        range(WRITERS).map((writer) => api.put(path, { data: { writer, round } }, { "If-None-Match": "*" })),
      );
      reports.push(await judgeRound(api, path, round, 0, responses, 201, (writer) => ({ writer, round })));
    }
    expect(reports.flatMap((r) => r.violations)).toEqual([]);
    expect(reports.map((r) => r.statuses)).toEqual(range(ROUNDS).map(() => ({ 201: 1, 412: WRITERS - 1 })));
  }, 120_000);

  it(`${WRITERS} concurrent DELETEs with If-Match: one tombstone, the others 404`, async () => {
    const api = new Api("ifmatch-owner");
    const c = await freshCollection(api, "cc-del");
    const violations: string[] = [];
    const statuses: Record<string, number>[] = [];
    for (const round of range(ROUNDS)) {
      const path = c.record(`victim-${round}`);
      const created = dataOf(expectStatus(await api.put(path, { data: { round } }), 201));
      const responses = await Promise.all(
        range(WRITERS).map(() => api.delete(path, { "If-Match": `"${created.last_modified}"` })),
      );
      statuses.push(histogram(responses));
      const winners = responses.filter((r) => r.status === 200);
      if (winners.length !== 1) {
        violations.push(`round ${round}: ${winners.length} DELETEs answered 200, expected exactly 1`);
        continue;
      }
      const tombstone = (winners[0] as ApiResponse).body.data;
      // Every loser found the object already gone (contract §3.1.7: lookup before preconditions).
      for (const [i, r] of responses.entries()) {
        if (r.status !== 200 && r.status !== 404) violations.push(`round ${round}: DELETE ${i} answered ${r.status}, expected 404`);
      }
      const changes = expectStatus(await api.get(`${c.records}?_since=${created.last_modified}`), 200);
      if (JSON.stringify(changes.body.data) !== JSON.stringify([tombstone])) {
        violations.push(`round ${round}: changes since the creation are ${JSON.stringify(changes.body.data)}, expected only the acknowledged tombstone ${JSON.stringify(tombstone)}`);
      }
    }
    expect(violations).toEqual([]);
    expect(statuses).toEqual(range(ROUNDS).map(() => ({ 200: 1, 404: WRITERS - 1 })));
  }, 120_000);

  it("optimistic read-modify-write loops (10 writers × 10 increments, If-Match): counter is 100 and the versions form one chain", async () => {
    const WRITER_COUNT = 10;
    const INCREMENTS = 10;
    const MAX_ATTEMPTS = 400;
    const api = new Api("rmw-owner");
    const c = await freshCollection(api, "cc-rmw");
    const path = c.record("counter");
    const initial = dataOf(expectStatus(await api.put(path, { data: { n: 0 } }), 201));

    interface Success {
      writer: number;
      basedOn: number;
      ts: number;
      n: number;
    }
    const successes: Success[] = [];
    const unexpected: string[] = [];
    let exhausted = 0;

    const writer = async (w: number): Promise<void> => {
      let current = expectStatus(await api.get(path), 200).body.data as { n: number; last_modified: number };
      let done = 0;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && done < INCREMENTS; attempt++) {
        const next = current.n + 1;
        const r = await api.patch(path, { data: { n: next } }, { "If-Match": `"${current.last_modified}"` });
        if (r.status === 200) {
          const data = dataOf(r) as unknown as { n: number; last_modified: number };
          successes.push({ writer: w, basedOn: current.last_modified, ts: data.last_modified, n: data.n });
          current = data;
          done++;
        } else if (r.status === 412 && r.body?.details?.existing) {
          current = r.body.details.existing;
        } else {
          unexpected.push(`writer ${w}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
          return;
        }
      }
      if (done < INCREMENTS) exhausted++;
    };
    await Promise.all(range(WRITER_COUNT).map(writer));

    expect(unexpected).toEqual([]);
    expect(exhausted).toBe(0);
    const final = expectStatus(await api.get(path), 200).body.data as { n: number; last_modified: number };
    expect(final.n).toBe(WRITER_COUNT * INCREMENTS);

    // Every acknowledged increment was based on the previous acknowledged version: a single chain.
    const chain = [...successes].sort((a, b) => a.ts - b.ts);
    const broken: string[] = [];
    let previous = initial.last_modified;
    for (const [i, s] of chain.entries()) {
      if (s.n !== i + 1) broken.push(`the ${i + 1}th acknowledged version (ts ${s.ts}, writer ${s.writer}) has n=${s.n}`);
      if (s.basedOn !== previous) broken.push(`version ts ${s.ts} (writer ${s.writer}, n=${s.n}) was based on ${s.basedOn}, but the previous acknowledged version is ${previous}`);
      previous = s.ts;
    }
    expect(capped(broken)).toEqual([]);
    expect(final.last_modified).toBe(previous);
  }, 120_000);
});
