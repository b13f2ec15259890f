/**
 * The write-listener contract: what an engine commit tells the listeners (plugins) it is about
 * to write, and what they may add. A listener runs inside the Writer's critical section, after
 * every operation of the commit was decided and before the one D1 batch; the mutations it
 * returns are committed in that same batch (all or nothing with the changes they describe).
 * Listeners do no I/O: they decide from the changes and the state the commit already read.
 */
import type { Settings } from "../config";
import type { Bindings } from "../env";
import type { Location, ResourceName } from "../resources/spec";
import type { D1Storage } from "../storage/d1";
import type { Guard, ListKey, Mutation } from "../storage/types";
import type { KintoError } from "../errors";
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
  /** The plugin that wrote on the author's behalf (`WriteOp.by`), or null. */
  by: string | null;
}

/** What a listener may consult besides the changes. */
export interface ListenerContext {
  settings: Settings;
  /** The ACL of `uri` as this commit leaves it, among the objects the commit read (else `{}`). */
  permissionsOf(uri: string): Permissions;
  /** Milliseconds, the commit's clock. */
  now: number;
}

/** What an effect may consult: it reads storage itself, inside the Writer's critical section. */
export interface EffectContext {
  settings: Settings;
  storage: D1Storage;
  /** Milliseconds, the commit's clock. */
  now: number;
  /** A list's timestamp as this commit leaves it, when the commit touches it (else undefined). */
  touched(key: ListKey): number | undefined;
  /** The public origin of the server the triggering request came to (null: unknown). */
  origin: string | null;
}

/**
 * Writes a commit implies beyond its own parent (e.g. publishing a signed collection): decided
 * from what the effect read, committed in the same transaction as the changes, and guarded by
 * what it read, so a concurrent commit elsewhere makes the whole commit retry.
 * `changes` describe the objects it writes (authored by the plugin), in order: the listeners'
 * `onWrite` and `afterCommit` see them as the commit's own (history entries, the monitor's
 * publication, live events), its `effects` and `check` do not (an effect does not trigger
 * effects). `permissions` holds the ACLs the effect read or set, by URI, for those listeners.
 */
export interface Effect {
  mutations: Mutation[];
  guard: Pick<Guard, "objects" | "lists">;
  changes: WriteChange[];
  permissions: ReadonlyMap<string, Permissions>;
}

/** An effect's refusal of the commit (nothing is written; the requests answer `error`). */
export class EffectRefused extends Error {
  constructor(readonly error: KintoError) {
    super(error.message);
    this.name = "EffectRefused";
  }
}

export interface WriteListener {
  enabled(settings: Settings): boolean;
  /** Extra mutations for the same transaction (none: `[]`). Must not throw for valid changes. */
  onWrite?(changes: readonly WriteChange[], context: ListenerContext): Mutation[];
  /**
   * Async work inside the critical section, after the changes are decided: reads, signatures,
   * and the writes they imply (see Effect). Throws EffectRefused to refuse the whole commit.
   */
  effects?(changes: readonly WriteChange[], context: EffectContext): Promise<Effect | null>;
  /** Refuses one change before it is made, by throwing a KintoError (that operation answers it). */
  check?(change: WriteChange, settings: Settings): void;
  /**
   * After the commit, outside the critical section: I/O the commit implies (e.g. deleting
   * files it released). Failures are logged; what must happen is retried from the database.
   */
  afterCommit?(changes: readonly WriteChange[], env: Bindings): Promise<void>;
}

/** The mutations of every enabled listener, in listener order. */
export function listenerMutations(
  listeners: readonly WriteListener[],
  changes: readonly WriteChange[],
  context: ListenerContext,
): Mutation[] {
  if (changes.length === 0) return [];
  return listeners.flatMap((listener) => (listener.enabled(context.settings) ? (listener.onWrite?.(changes, context) ?? []) : []));
}

/** The effects of every enabled listener, in listener order, as one. */
export async function listenerEffects(listeners: readonly WriteListener[], changes: readonly WriteChange[], context: EffectContext): Promise<Effect> {
  const permissions = new Map<string, Permissions>();
  const merged: Effect = { mutations: [], guard: { objects: [], lists: [] }, changes: [], permissions };
  if (changes.length === 0) return merged;
  for (const listener of listeners) {
    if (!listener.enabled(context.settings) || listener.effects === undefined) continue;
    const effect = await listener.effects(changes, context);
    if (effect === null) continue;
    merged.mutations.push(...effect.mutations);
    merged.guard.objects.push(...effect.guard.objects);
    merged.guard.lists.push(...effect.guard.lists);
    merged.changes.push(...effect.changes);
    for (const [uri, acl] of effect.permissions) permissions.set(uri, acl);
  }
  return merged;
}

/** Throws the first refusal of an enabled listener for `change`. */
export function checkChange(listeners: readonly WriteListener[], change: WriteChange, settings: Settings): void {
  for (const listener of listeners) if (listener.enabled(settings)) listener.check?.(change, settings);
}

/** Runs the enabled listeners' after-commit work; never throws. */
export async function afterCommit(listeners: readonly WriteListener[], changes: readonly WriteChange[], env: Bindings, settings: Settings): Promise<void> {
  if (changes.length === 0) return;
  await Promise.all(
    listeners.map(async (listener) => {
      if (!listener.enabled(settings) || listener.afterCommit === undefined) return;
      try {
        await listener.afterCommit(changes, env);
      } catch (error) {
        console.error("after-commit work failed:", error instanceof Error ? error.name : "unknown error");
      }
    }),
  );
}
