// Checks for writes racing with the deletion of their parent (design invariant 5). A parent
// deletion purges its children in one transaction, and a child write commits only while its
// parent exists. So a write answered before the parent's re-creation was sent committed either
// before the deletion (and was purged) or while the parent was missing (and must have failed):
// a listing under the re-created parent shows only writes still unanswered when it was re-created.
import type { ApiResponse, BatchResponse } from "./api";
import type { Listed } from "./listing";

export type Kind = "record" | "collection" | "group";

/** A write acknowledged with a 2xx: what it left (a live object or a tombstone) and when. */
export interface AckedWrite {
  kind: Kind;
  id: string;
  ts: number;
  deleted: boolean;
  sentAt: number;
  ackedAt: number;
  where: string;
}

/** A listing taken after a parent deletion (and re-creation). */
export interface Snapshot {
  kind: Kind;
  items: Listed[];
  sentAt: number;
  where: string;
  /** The latest re-creation of the parent (after its deletion) answered before the listing was sent. */
  recreated: { sentAt: number; ackedAt: number; where: string };
}

export function ackedWrite(kind: Kind, response: ApiResponse, where: string, data = response.body?.data): AckedWrite {
  return {
    kind,
    id: String(data?.id),
    ts: Number(data?.last_modified),
    deleted: data?.deleted === true,
    sentAt: response.sentAt,
    ackedAt: response.ackedAt,
    where,
  };
}

/**
 * Every object a snapshot shows must come from an acknowledged write (no phantom: a write
 * answered 4xx did not commit) that was not acknowledged before the parent's re-creation was
 * sent (no survivor, no orphan: see the top of this file).
 */
export function generationViolations(acked: AckedWrite[], snapshots: Snapshot[]): string[] {
  const index = new Map(acked.map((w) => [`${w.kind} ${w.id} ${w.ts}`, w]));
  const violations: string[] = [];
  for (const snapshot of snapshots) {
    for (const item of snapshot.items) {
      const write = index.get(`${snapshot.kind} ${item.id} ${item.last_modified}`);
      const shown = `${snapshot.kind} ${item.id} (last_modified ${item.last_modified}${item.deleted ? ", tombstone" : ""})`;
      if (write === undefined) {
        violations.push(`${snapshot.where} (sent at t=${snapshot.sentAt}) shows ${shown}, which no acknowledged write produced`);
      } else if (write.deleted !== (item.deleted === true)) {
        violations.push(`${snapshot.where} shows ${shown}, but the acknowledged write (${write.where}) left ${write.deleted ? "a tombstone" : "a live object"}`);
      } else if (write.ackedAt < snapshot.recreated.sentAt) {
        violations.push(
          `${snapshot.where} shows ${shown}, acknowledged to ${write.where} (sent t=${write.sentAt}, answered t=${write.ackedAt}) ` +
            `before ${snapshot.recreated.where} was sent (t=${snapshot.recreated.sentAt}): it survived its parent's deletion or was written while the parent was missing`,
        );
      }
    }
  }
  return violations;
}

/** A batch of writes to one collection commits all or nothing: its sub-statuses are all 2xx or none. */
export function halfAppliedBatch(response: BatchResponse, where: string): string | null {
  const ok = response.responses.filter((r) => r.status >= 200 && r.status < 300).length;
  if (ok === 0 || ok === response.responses.length) return null;
  return `${where}: ${ok} of ${response.responses.length} sub-requests succeeded (statuses ${response.responses.map((r) => r.status).join(", ")})`;
}

/**
 * Acknowledged means committed: a write sent after the parent's re-creation was answered and
 * answered before the listing was sent (no deletion of the parent in between, the deleter
 * being sequential) is in that listing, at its timestamp or a later one (a later write of the
 * same object, e.g. its deletion).
 */
export function lostWriteViolations(acked: AckedWrite[], snapshots: Snapshot[]): string[] {
  const violations: string[] = [];
  for (const snapshot of snapshots) {
    const shown = new Map(snapshot.items.map((item) => [item.id, item.last_modified]));
    for (const write of acked) {
      if (write.kind !== snapshot.kind) continue;
      if (!(write.sentAt > snapshot.recreated.ackedAt && write.ackedAt < snapshot.sentAt)) continue;
      const ts = shown.get(write.id);
      if (ts === undefined || ts < write.ts) {
        violations.push(
          `${snapshot.where} (sent t=${snapshot.sentAt}) lacks ${write.kind} ${write.id} (last_modified ${write.ts}${write.deleted ? ", tombstone" : ""}), ` +
            `acknowledged to ${write.where} (sent t=${write.sentAt}, answered t=${write.ackedAt}) after ${snapshot.recreated.where} (answered t=${snapshot.recreated.ackedAt}); listed: ${ts ?? "absent"}`,
        );
      }
    }
  }
  return violations;
}
