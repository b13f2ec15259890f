/**
 * The write-listener contract: what an engine commit tells the listeners (plugins) it is about
 * to write, and what they may add. A listener runs inside the Writer's critical section, after
 * every operation of the commit was decided and before the one D1 batch; the mutations it
 * returns are committed in that same batch (all or nothing with the changes they describe).
 * Listeners do no I/O: they decide from the changes and the state the commit already read.
 */
import type { Settings } from "../config";
import type { Location, ResourceName } from "../resources/spec";
import type { Mutation } from "../storage/types";
import type { KintoObject, Permissions } from "../wire";

export type WriteAction = "create" | "update" | "delete";

/** One object the commit creates, updates or deletes, in commit order. */
export interface WriteChange {
  action: WriteAction;
  resourceName: ResourceName;
  /** The object's URI, e.g. `/buckets/b/collections/c/records/r`. */
  uri: string;
  /** The bucket (and collection) of the object's location, and its own id. */
  location: Location;
  id: string;
  /** The object after the change: the full object, or its tombstone `{id, last_modified, deleted: true}`. */
  data: KintoObject;
  /** Its ACL after the change (`{}` after a delete). */
  permissions: Permissions;
  /** The live object before the change, or null for a creation. */
  old: KintoObject | null;
  /** Who wrote: user id (null when anonymous) and principals (groups included). */
  author: { userId: string | null; principals: readonly string[] };
  /** The object's new `last_modified`. */
  timestamp: number;
}

/** What a listener may consult besides the changes. */
export interface ListenerContext {
  settings: Settings;
  /** The ACL of `uri` as this commit leaves it, among the objects the commit read (else `{}`). */
  permissionsOf(uri: string): Permissions;
  /** Milliseconds, the commit's clock. */
  now: number;
}

export interface WriteListener {
  enabled(settings: Settings): boolean;
  /** Extra mutations for the same transaction (none: `[]`). Must not throw for valid changes. */
  onWrite(changes: readonly WriteChange[], context: ListenerContext): Mutation[];
}

/** The mutations of every enabled listener, in listener order. */
export function listenerMutations(
  listeners: readonly WriteListener[],
  changes: readonly WriteChange[],
  context: ListenerContext,
): Mutation[] {
  if (changes.length === 0) return [];
  return listeners.flatMap((listener) => (listener.enabled(context.settings) ? listener.onWrite(changes, context) : []));
}
