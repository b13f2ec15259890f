// Concurrency, issue item 2: no missed record (design invariants 1 and 2). Creators insert
// records into one collection (single POSTs and batches of 25) while pollers loop on
// `?_since=<last ETag>` as kinto.js does. Every acknowledged record must reach every poller
// exactly once; timestamps are unique and follow real-time order; nothing answers 5xx or 409.
//
// KINTO_E2E_CONCURRENCY_RECORDS sets the number of records (default 5,000).
import { describe, expect, it } from "vitest";
import { Api, expectStatus } from "./support/api";
import { envCount, freshCollection, range, sleep } from "./support/fixtures";
import {
  capped,
  causalTimestampViolations,
  duplicates,
  readAfterAckViolations,
  strictlyIncreasingViolations,
  type Ack,
  type ListRead,
} from "./support/invariants";
import { listAll, pollSince, type Listed, type Poll } from "./support/listing";

const RECORDS = envCount("KINTO_E2E_CONCURRENCY_RECORDS", 5_000);
const CREATORS = 20;
const POLLERS = 5;
const BATCH_SIZE = 25;
/** Each creator sends one batch, then this many single POSTs, and again. */
const SINGLES_PER_BATCH = 5;
/** Page size of the pollers, small enough that bursts span several pages. */
const POLL_LIMIT = 50;
const MAX_POLLS = 20_000;
/** Tasks reading `?_limit=1` in a loop: the newest record of a listing must be its ETag. */
const PROBES = 2;
const MAX_FINAL_POLLS = 50;

interface Sent {
  tag: string;
  creator: number;
  seq: number;
}

describe("concurrency: creators and _since pollers on one collection", () => {
  it(`${CREATORS} creators insert ${RECORDS} records while ${POLLERS} pollers follow _since: each poller sees each acknowledged record exactly once`, async () => {
    const started = Date.now();
    const owner = new Api("since-owner");
    const c = await freshCollection(owner, "cc-since");

    // The empty list's ETag, fixed at its first read (contract §5.1): the pollers' first cursor.
    const initial = expectStatus(await owner.get(c.records), 200);
    const initialEtag = initial.etag as number;

    const acks: Ack[] = [];
    const ackedTag = new Map<string, string>();
    const badAnswers: string[] = [];
    const batchOrder: string[] = [];
    let claimed = 0;
    let creatorsDone = false;

    const claim = (n: number): number[] => {
      const start = claimed;
      claimed = Math.min(RECORDS, claimed + n);
      return range(claimed - start).map((i) => start + i);
    };
    const bodyOf = (creator: number, seq: number): Sent => ({ tag: `r${seq}`, creator, seq });

    const creator = async (k: number): Promise<void> => {
      for (let iteration = 0; claimed < RECORDS; iteration++) {
        if (iteration % (SINGLES_PER_BATCH + 1) === 0) {
          const seqs = claim(BATCH_SIZE);
          const sent = seqs.map((seq) => bodyOf(k, seq));
          const r = await owner.batch(
            sent.map((data) => ({ body: { data } })),
            { method: "POST", path: c.records },
          );
          if (r.status !== 200 || r.responses.length !== sent.length) {
            badAnswers.push(`creator ${k} batch of ${seqs[0]}..: HTTP ${r.status} with ${r.responses.length} responses ${JSON.stringify(r.body).slice(0, 300)}`);
            continue;
          }
          const stamps: number[] = [];
          for (const [i, sub] of r.responses.entries()) {
            const expected = sent[i] as Sent;
            const data = sub.body?.data;
            if (sub.status !== 201 || typeof data?.id !== "string") {
              badAnswers.push(`creator ${k} batch sub-request ${i} (${expected.tag}): ${sub.status} ${JSON.stringify(sub.body).slice(0, 300)}`);
              continue;
            }
            if (data.tag !== expected.tag) {
              badAnswers.push(`creator ${k} batch sub-request ${i} sent ${expected.tag} but was answered ${data.tag} (id ${data.id})`);
            }
            ackedTag.set(data.id, expected.tag);
            stamps.push(data.last_modified);
            acks.push({ id: data.id, ts: data.last_modified, sentAt: r.sentAt, ackedAt: r.ackedAt, where: `creator ${k} batch #${i}` });
          }
          batchOrder.push(...strictlyIncreasingViolations(stamps, `creator ${k} batch starting at ${sent[0]?.tag}`));
        } else {
          const [seq] = claim(1);
          if (seq === undefined) break;
          const sent = bodyOf(k, seq);
          const r = await owner.post(c.records, { data: sent });
          const data = r.body?.data;
          if (r.status !== 201 || typeof data?.id !== "string") {
            badAnswers.push(`creator ${k} POST ${sent.tag}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
            continue;
          }
          if (data.tag !== sent.tag) badAnswers.push(`creator ${k} POST sent ${sent.tag} but was answered ${data.tag} (id ${data.id})`);
          if (r.etag !== data.last_modified) badAnswers.push(`creator ${k} POST ${sent.tag}: ETag ${r.etag} ≠ last_modified ${data.last_modified}`);
          ackedTag.set(data.id, sent.tag);
          acks.push({ id: data.id, ts: data.last_modified, sentAt: r.sentAt, ackedAt: r.ackedAt, where: `creator ${k} POST` });
        }
      }
    };

    interface PollerLog {
      seen: Map<string, number[]>;
      polls: Poll[];
      violations: string[];
    }

    const poller = async (p: number): Promise<PollerLog> => {
      const log: PollerLog = { seen: new Map(), polls: [], violations: [] };
      let since = initialEtag;
      const once = async (): Promise<number> => {
        const poll = await pollSince(owner, c.records, since, POLL_LIMIT);
        log.polls.push(poll);
        const stamps = poll.records.map((r) => r.last_modified);
        const where = `poller ${p} poll #${log.polls.length} (_since=${since}, ETag ${poll.etag}, ${poll.pages} pages)`;
        if (poll.etag < since) log.violations.push(`${where}: the ETag went backwards`);
        if (poll.records.length === 0 && poll.etag !== since) {
          log.violations.push(`${where}: no record but the ETag moved: records in (${since}, ${poll.etag}] are missed`);
        }
        if (poll.records.length > 0 && stamps[0] !== poll.etag) {
          log.violations.push(`${where}: the newest record has ${stamps[0]}, not the list ETag`);
        }
        for (const record of poll.records) {
          if (record.deleted) log.violations.push(`${where}: tombstone ${record.id} though nothing is deleted`);
          if (!(record.last_modified > since) || record.last_modified > poll.etag) {
            log.violations.push(`${where}: record ${record.id} has ${record.last_modified}, outside (${since}, ${poll.etag}]`);
          }
          const list = log.seen.get(record.id) ?? [];
          list.push(record.last_modified);
          log.seen.set(record.id, list);
        }
        const order = strictlyIncreasingViolations([...stamps].reverse(), `${where} (reversed)`);
        log.violations.push(...order);
        since = poll.etag;
        return poll.records.length;
      };
      for (let i = 0; i < MAX_POLLS && !creatorsDone; i++) {
        await once();
        await sleep(10);
      }
      // Creators are done: poll until nothing new arrives.
      let quiet = false;
      for (let i = 0; i < MAX_FINAL_POLLS && !quiet; i++) quiet = (await once()) === 0;
      if (!quiet) log.violations.push(`poller ${p} still received records after ${MAX_FINAL_POLLS} final polls`);
      return log;
    };

    // A listing is one snapshot: its ETag is the timestamp of its newest record (invariant 1).
    // A record newer than the ETag is listed again by the next `_since=<ETag>` poll; an ETag
    // newer than the newest record hides that record from the poll that follows.
    const probeViolations: string[] = [];
    const probeReads: ListRead[] = [];
    let probes = 0;
    const probe = async (q: number): Promise<void> => {
      let previous = initialEtag;
      for (let i = 0; i < MAX_POLLS && !creatorsDone; i++) {
        const r = await owner.get(`${c.records}?_limit=1`);
        probes++;
        const newest = r.body?.data?.[0];
        const where = `probe ${q} read #${i} (t=${r.sentAt})`;
        if (r.etag !== null) probeReads.push({ etag: r.etag, sentAt: r.sentAt, where });
        if (r.status !== 200 || r.etag === null) probeViolations.push(`${where}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        else if (r.etag < previous) probeViolations.push(`${where}: ETag ${r.etag} went back from ${previous}`);
        else if (newest !== undefined && newest.last_modified !== r.etag) {
          probeViolations.push(`${where}: ETag ${r.etag} but the newest record ${newest.id} has ${newest.last_modified}`);
        }
        previous = r.etag ?? previous;
        await sleep(5);
      }
    };

    const pollers = range(POLLERS).map(poller);
    const probing = range(PROBES).map(probe);
    await Promise.all(range(CREATORS).map(creator));
    creatorsDone = true;
    const logs = await Promise.all(pollers);
    await Promise.all(probing);
    const elapsed = (Date.now() - started) / 1000;

    const polls = logs.reduce((n, log) => n + log.polls.length, 0);
    console.info(
      `[concurrency-since] ${RECORDS} records by ${CREATORS} creators, ${POLLERS} pollers made ${polls} polls, ${probes} probe reads, ` +
        `statuses ${JSON.stringify(owner.recorder.histogram())}, ${elapsed.toFixed(1)} s`,
    );

    // Answers: all 201, none 5xx or 409, each acknowledging what was sent.
    expect(capped(badAnswers)).toEqual([]);
    expect(owner.recorder.serverErrors).toEqual([]);
    expect(owner.recorder.conflicts).toEqual([]);
    expect(acks).toHaveLength(RECORDS);
    expect(ackedTag.size).toBe(RECORDS);

    // Timestamps: unique, in sub-request order within a batch, and in real-time order.
    expect.soft(capped(duplicates(acks.map((a) => a.ts)).map(([ts, n]) => `timestamp ${ts} acknowledged ${n} times`)), "duplicate timestamps").toEqual([]);
    expect.soft(capped(batchOrder), "batch timestamps out of sub-request order").toEqual([]);
    expect.soft(capped(causalTimestampViolations(acks)), "timestamps against real-time order").toEqual([]);

    // Pollers: each acknowledged record exactly once, with its acknowledged timestamp, nothing else.
    const ackTs = new Map(acks.map((a) => [a.id, a.ts]));
    const pollConsistency: string[] = [];
    const seenTwice: string[] = [];
    const unknown: string[] = [];
    const missed: string[] = [];
    for (const [p, log] of logs.entries()) {
      pollConsistency.push(...log.violations);
      for (const [id, stamps] of log.seen) {
        if (stamps.length > 1) seenTwice.push(`poller ${p} saw record ${id} ${stamps.length} times (timestamps ${stamps.join(", ")})`);
        if (!ackTs.has(id)) unknown.push(`poller ${p} saw record ${id} (${stamps.join(", ")}) that no creator was acknowledged`);
        else if (stamps.some((ts) => ts !== ackTs.get(id))) unknown.push(`poller ${p} saw ${id} at ${stamps.join(", ")}, acknowledged at ${ackTs.get(id)}`);
      }
      for (const a of acks.filter((ack) => !log.seen.has(ack.id))) {
        missed.push(`poller ${p} never saw ${a.id} (last_modified ${a.ts}, ${a.where}, acknowledged at t=${a.ackedAt})`);
      }
    }
    // Soft: a report names every broken invariant, not only the first.
    expect.soft(capped(missed), "acknowledged records some poller never saw").toEqual([]);
    expect.soft(capped(seenTwice), "records a poller saw more than once").toEqual([]);
    expect.soft(capped(unknown), "records pollers saw that were not acknowledged as such").toEqual([]);
    expect.soft(capped(pollConsistency), "polls whose records and ETag disagree").toEqual([]);
    expect.soft(capped(probeViolations), "listings whose newest record is not their ETag").toEqual([]);

    // A poll sent after an acknowledgement already covers it (acknowledged = committed and visible).
    const reads: ListRead[] = [
      ...logs.flatMap((log, p) => log.polls.map((poll, i) => ({ etag: poll.etag, sentAt: poll.sentAt, where: `poller ${p} poll #${i + 1}` }))),
      ...probeReads,
    ];
    expect.soft(capped(readAfterAckViolations(acks, reads)), "polls that miss an already acknowledged write").toEqual([]);

    // The final list: exactly the acknowledged records, newest first, unique timestamps, ETag = newest.
    const final = await listAll(owner, c.records, "_sort=-last_modified");
    const listed: Listed[] = final.records;
    const finalViolations: string[] = [];
    finalViolations.push(...strictlyIncreasingViolations(listed.map((r) => r.last_modified).reverse(), "final list (reversed)"));
    for (const record of listed) {
      if (ackTs.get(record.id) !== record.last_modified) finalViolations.push(`final list has ${record.id} at ${record.last_modified}, acknowledged at ${ackTs.get(record.id)}`);
      if (ackedTag.get(record.id) !== record.tag) finalViolations.push(`final list has ${record.id} with tag ${record.tag}, acknowledged with ${ackedTag.get(record.id)}`);
    }
    expect.soft(capped(finalViolations), "final list against the acknowledgements").toEqual([]);
    expect.soft(listed.length, "records in the final list").toBe(RECORDS);
    expect.soft(final.etag, "final list ETag = newest acknowledged timestamp").toBe(Math.max(...acks.map((a) => a.ts)));

  }, 300_000);
});
