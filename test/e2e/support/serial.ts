// Replays acknowledged creations and plural DELETEs of one collection in timestamp order
// (the order the Writer serialized them in) and compares what each plural DELETE answered,
// and the final state, with that serial history.

export interface Creation {
  id: string;
  ts: number;
  where: string;
}

export interface PluralDelete {
  /** The tombstones the DELETE answered. */
  tombstones: { id: string; last_modified: number }[];
  where: string;
}

/**
 * Violations of: each plural DELETE removed exactly the records live at its point of the
 * serial order, no creation was serialized between two tombstones of one DELETE, and the
 * final live set is what the history (with the deletions as they were answered) leaves.
 */
export function serialHistoryViolations(creations: Creation[], deletes: PluralDelete[], finalLive: string[]): string[] {
  const violations: string[] = [];
  type Event = { ts: number; creation?: Creation; deletion?: PluralDelete };
  const events: Event[] = creations.map((creation) => ({ ts: creation.ts, creation }));
  for (const deletion of deletes) {
    if (deletion.tombstones.length === 0) continue;
    const stamps = deletion.tombstones.map((t) => t.last_modified);
    const low = Math.min(...stamps);
    const high = Math.max(...stamps);
    events.push({ ts: low, deletion });
    for (const creation of creations) {
      if (creation.ts > low && creation.ts < high) {
        violations.push(`${creation.where} (${creation.id}) got ${creation.ts}, between the tombstones ${low}..${high} of ${deletion.where}`);
      }
    }
  }
  events.sort((a, b) => a.ts - b.ts);
  const live = new Map<string, Creation>();
  for (const event of events) {
    if (event.creation) {
      live.set(event.creation.id, event.creation);
      continue;
    }
    const deletion = event.deletion as PluralDelete;
    const removed = new Set(deletion.tombstones.map((t) => t.id));
    for (const [id, creation] of live) {
      if (!removed.has(id)) {
        violations.push(`${deletion.where} (tombstones from ${event.ts}) did not delete ${id}, created before it by ${creation.where} at ${creation.ts}`);
      }
    }
    for (const id of removed) {
      if (!live.has(id)) violations.push(`${deletion.where} (tombstones from ${event.ts}) deleted ${id}, which was not live at that point`);
      live.delete(id);
    }
  }
  const expected = [...live.keys()].sort();
  const actual = [...finalLive].sort();
  const missing = expected.filter((id) => !actual.includes(id));
  const extra = actual.filter((id) => !expected.includes(id));
  for (const id of missing) violations.push(`${id} should be live at the end of the history but is not`);
  for (const id of extra) violations.push(`${id} is live at the end but the history deleted it`);
  return violations;
}
