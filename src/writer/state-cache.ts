/**
 * What a Writer remembers between its commits: the objects it read (with their ACLs), list
 * timestamps and group memberships. A commit that decided from memory is still safe: its
 * guard (storage/types.ts Guard) re-checks in the transaction that the parent, the bucket,
 * the list timestamps and the memberships are as remembered, and a failed guard clears the
 * cache before the retry. Objects below this Writer's parent are written only by it.
 */
import type { ListKey, ObjectState, State, StateRequest } from "../storage/types";

/** Beyond this many remembered objects, the cache starts again from empty. */
const MAX_OBJECTS = 5000;
const AUTHENTICATED = "system.Authenticated";

const listKeyOf = (key: ListKey): string => `${key.resourceName} ${key.parentId}`;

export class StateCache {
  private readonly objects = new Map<string, ObjectState>();
  private readonly lists = new Map<string, number | null>();
  private readonly groups = new Map<string, string[]>();

  clear(): void {
    this.objects.clear();
    this.lists.clear();
    this.groups.clear();
  }

  /** The state of `request` from memory, or null when anything it needs is not remembered. */
  stateFor(request: StateRequest): State | null {
    const users = request.grants?.users ?? [];
    const complete =
      request.objects.every(({ uri }) => this.objects.has(uri)) &&
      request.lists.every((key) => this.lists.has(listKeyOf(key))) &&
      (request.grants?.uris ?? []).every((uri) => this.objects.has(uri)) &&
      (users.length === 0 || [...users, AUTHENTICATED].every((user) => this.groups.has(user)));
    if (!complete) return null;
    const objects = new Map(this.objects);
    const lists = new Map(this.lists);
    const groups = new Map(this.groups);
    const groupsOf = (userId: string): string[] => groups.get(userId) ?? [];
    return {
      object: (uri) => objects.get(uri) ?? { object: null, permissions: {} },
      listTimestamp: (key) => lists.get(listKeyOf(key)) ?? null,
      groupsOf,
      principalsOf: (caller) => {
        if (caller.userId === null) return [...caller.principals];
        return [...new Set([...caller.principals, ...groupsOf(caller.userId), ...groupsOf(AUTHENTICATED)])];
      },
      holds: (uri, permission, principals) =>
        (objects.get(uri)?.permissions[permission] ?? []).some((principal) => principals.includes(principal)),
    };
  }

  /**
   * Remembers what `state` read for `request`. A read that disagrees with anything remembered
   * means another Writer changed things (a parent deleted and re-created, a cascade): then
   * nothing remembered can be trusted, and only this read is kept.
   */
  remember(request: StateRequest, state: State): void {
    if (this.objects.size > MAX_OBJECTS || this.disagrees(request, state)) this.clear();
    for (const { uri } of request.objects) this.objects.set(uri, state.object(uri));
    for (const key of request.lists) this.lists.set(listKeyOf(key), state.listTimestamp(key));
    const users = request.grants?.users ?? [];
    if (users.length > 0) for (const user of [...users, AUTHENTICATED]) this.groups.set(user, state.groupsOf(user));
  }

  private disagrees(request: StateRequest, state: State): boolean {
    const sameObject = (a: ObjectState, b: ObjectState): boolean =>
      (a.object?.lastModified ?? null) === (b.object?.lastModified ?? null) &&
      JSON.stringify(a.permissions) === JSON.stringify(b.permissions);
    for (const { uri } of request.objects) {
      const known = this.objects.get(uri);
      if (known !== undefined && !sameObject(known, state.object(uri))) return true;
    }
    for (const key of request.lists) {
      const known = this.lists.get(listKeyOf(key));
      if (known !== undefined && known !== state.listTimestamp(key)) return true;
    }
    return false;
  }

  /** Records what a committed group wrote. */
  written(objects: Iterable<[string, ObjectState]>, lists: Iterable<[ListKey, number | null]>): void {
    for (const [uri, value] of objects) this.objects.set(uri, value);
    for (const [key, value] of lists) this.lists.set(listKeyOf(key), value);
  }
}
