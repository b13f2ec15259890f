// Pure checks over what the clients observed. Each returns a list of violations, each one a
// sentence naming ids, timestamps and logical times, so `expect(list).toEqual([])` fails
// with the evidence in its diff.

/** A write the server acknowledged with a 2xx: the object and its assigned timestamp. */
export interface Ack {
  id: string;
  ts: number;
  /** Logical clock (support/api.ts) when the request was sent / its answer read. */
  sentAt: number;
  ackedAt: number;
  /** Where it came from, for reports (e.g. "creator 3 single", "batch 12 #4"). */
  where: string;
}

/** Keeps reports readable: the first `max` violations and a count of the rest. */
export function capped(violations: string[], max = 15): string[] {
  if (violations.length <= max) return violations;
  return [...violations.slice(0, max), `… and ${violations.length - max} more`];
}

/** Values appearing more than once, with their count. */
export function duplicates<T>(values: Iterable<T>): [T, number][] {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}

export function strictlyIncreasingViolations(values: number[], label: string): string[] {
  const violations: string[] = [];
  for (let i = 1; i < values.length; i++) {
    const previous = values[i - 1] as number;
    const current = values[i] as number;
    if (!(current > previous)) violations.push(`${label}: position ${i} has ${current} after ${previous}`);
  }
  return violations;
}

/** Acks sorted by `ackedAt`, with the running maximum timestamp (and who holds it). */
function prefixMaxByAck(acks: Ack[]): { ackedAt: number[]; max: Ack[] } {
  const sorted = [...acks].sort((a, b) => a.ackedAt - b.ackedAt);
  const ackedAt: number[] = [];
  const max: Ack[] = [];
  let best: Ack | undefined;
  for (const ack of sorted) {
    if (best === undefined || ack.ts > best.ts) best = ack;
    ackedAt.push(ack.ackedAt);
    max.push(best);
  }
  return { ackedAt, max };
}

/** The newest-timestamped ack among those answered strictly before logical time `t`. */
function newestAckedBefore(index: { ackedAt: number[]; max: Ack[] }, t: number): Ack | undefined {
  let lo = 0;
  let hi = index.ackedAt.length; // first position with ackedAt >= t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((index.ackedAt[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : index.max[lo - 1];
}

/**
 * Timestamps follow real-time order (design invariant 1): when write A was acknowledged
 * before write B was sent, A committed before B, so `ts(A) < ts(B)`.
 */
export function causalTimestampViolations(acks: Ack[]): string[] {
  const index = prefixMaxByAck(acks);
  const violations: string[] = [];
  for (const b of acks) {
    const a = newestAckedBefore(index, b.sentAt);
    if (a !== undefined && a.ts >= b.ts) {
      violations.push(
        `${b.where} (id ${b.id}) sent at t=${b.sentAt} got last_modified ${b.ts}, but ${a.where} (id ${a.id}) ` +
          `acknowledged earlier (t=${a.ackedAt}) already had ${a.ts}`,
      );
    }
  }
  return violations;
}

/** A read of a list: its ETag and when it was sent. */
export interface ListRead {
  etag: number;
  sentAt: number;
  where: string;
}

/**
 * An acknowledged write is committed and visible (design invariant 2): every list read sent
 * after the ack has an ETag ≥ the write's timestamp.
 */
export function readAfterAckViolations(acks: Ack[], reads: ListRead[]): string[] {
  const index = prefixMaxByAck(acks);
  const violations: string[] = [];
  for (const read of reads) {
    const a = newestAckedBefore(index, read.sentAt);
    if (a !== undefined && a.ts > read.etag) {
      violations.push(
        `${read.where} sent at t=${read.sentAt} answered ETag ${read.etag}, older than ${a.where} (id ${a.id}, ` +
          `last_modified ${a.ts}) acknowledged at t=${a.ackedAt}`,
      );
    }
  }
  return violations;
}

/**
 * One request's writes are one serialized unit: no other object of the list got a timestamp
 * strictly between the first and the last timestamp of a group.
 */
export function interleavingViolations(
  groups: { where: string; ids: string[]; ts: number[] }[],
  all: { id: string; last_modified: number }[],
): string[] {
  const sorted = [...all].sort((a, b) => a.last_modified - b.last_modified);
  const stamps = sorted.map((r) => r.last_modified);
  const firstAbove = (t: number): number => {
    let lo = 0;
    let hi = stamps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((stamps[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const violations: string[] = [];
  for (const group of groups) {
    if (group.ts.length < 2) continue;
    const low = Math.min(...group.ts);
    const high = Math.max(...group.ts);
    const own = new Set(group.ids);
    for (let i = firstAbove(low); i < sorted.length && (sorted[i] as { last_modified: number }).last_modified < high; i++) {
      const intruder = sorted[i] as { id: string; last_modified: number };
      if (!own.has(intruder.id)) {
        violations.push(
          `${group.where} wrote timestamps ${low}..${high}, but record ${intruder.id} of another request has ${intruder.last_modified} in between`,
        );
      }
    }
  }
  return violations;
}
