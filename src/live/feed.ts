/**
 * A live feed: a stream of objects that a plugin publishes into one Durable Object (named
 * `feed:<name>`, see subscription.ts) from wherever they change, e.g. the changes monitor fed
 * by every collection's Writer after its commits. The plugin provides its catch-up; the hub
 * sends published objects to every subscriber, newest state per object id only.
 */
import type { Bindings } from "../env";
import type { LiveEvent } from "../wire";

export interface LiveFeed {
  /**
   * The feed's objects changed after `since` (or at most a documented window before it, when
   * its publishers' clocks cannot order their changes), oldest first; at most `limit` + 1.
   */
  catchUp(env: Bindings, since: number, limit: number): Promise<LiveEvent[]>;
}
