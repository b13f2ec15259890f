/**
 * Timestamp assignment (contract §5.2). The writer calls this inside its critical section,
 * with `previous` the list timestamp it read (null when never initialised).
 */

import type { ListKey } from "../storage/types";

/** Where a Writer takes time from. */
export interface Clock {
  now(): number;
  /**
   * The timestamp a list's next one must exceed besides its own stored one, or null: the
   * buckets list of a sharded deployment, whose shards each store only their own part.
   */
  floor(list: ListKey): number | null;
}

export const SYSTEM_CLOCK: Clock = { now: Date.now, floor: () => null };

export interface Assignment {
  /** The object's new `last_modified`. */
  timestamp: number;
  /** The list timestamp afterwards. */
  list: number;
}

/** Without a forced value: max(now, previous + 1). A forced value follows §5.2 exactly. */
export function assignTimestamp(previous: number | null, now: number, forced: number | null = null): Assignment {
  const prev = previous ?? 0;
  if (forced !== null) {
    if (forced === prev) return { timestamp: prev + 1, list: prev + 1 };
    if (forced > prev) return { timestamp: forced, list: forced };
    return { timestamp: forced, list: prev };
  }
  const timestamp = Math.max(Math.floor(now), prev + 1);
  return { timestamp, list: timestamp };
}

/** An integer `last_modified` in posted data is a forced value; anything else is ignored. */
export function forcedTimestamp(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
