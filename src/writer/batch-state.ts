/**
 * The writer's view during one commit: what was read from storage, overlaid with what
 * the earlier operations of the same commit wrote, plus the mutations to commit.
 */
import type { Holds } from "../permissions/authorize";
import type { ListKey, Mutation, ObjectState, State } from "../storage/types";
import type { Permissions } from "../wire";
import type { WriteChange } from "./listener";

interface ListEntry {
  key: ListKey;
  read: number | null;
  current: number | null;
  touched: boolean;
}

const keyOf = (key: ListKey): string => `${key.resourceName} ${key.parentId}`;

export class BatchState {
  readonly mutations: Mutation[] = [];
  /** The object changes behind `mutations`, in order, for the write listeners. */
  readonly changes: WriteChange[] = [];
  /** Effects that must happen only once the commit succeeded (token bookkeeping). */
  readonly afterCommit: (() => Promise<void>)[] = [];
  private readonly objects = new Map<string, ObjectState>();
  /** Objects written by this commit, per list (`keyOf`): id → URI. */
  private readonly writtenByList = new Map<string, Map<string, string>>();
  private readonly lists = new Map<string, ListEntry>();

  constructor(private readonly state: State) {}

  object(uri: string): ObjectState {
    return this.objects.get(uri) ?? this.state.object(uri);
  }

  setObject(uri: string, value: ObjectState, list: ListKey, id: string): void {
    this.objects.set(uri, value);
    const key = keyOf(list);
    const written = this.writtenByList.get(key) ?? new Map<string, string>();
    written.set(id, uri);
    this.writtenByList.set(key, written);
  }

  /** The objects of `list` this commit wrote, as they now are (null: deleted). */
  writtenIn(list: ListKey): { id: string; state: ObjectState }[] {
    const written = this.writtenByList.get(keyOf(list)) ?? new Map<string, string>();
    return [...written].map(([id, uri]) => ({ id, state: this.object(uri) }));
  }

  /** The list timestamp as of the previous operation of this commit (null: never initialised). */
  listTimestamp(key: ListKey): number | null {
    return this.list(key).current;
  }

  setListTimestamp(key: ListKey, value: number): void {
    const entry = this.list(key);
    entry.current = Math.max(entry.current ?? 0, value);
    entry.touched = true;
  }

  /** Objects and list timestamps as this commit leaves them. */
  outcome(): { objects: [string, ObjectState][]; lists: [ListKey, number | null][] } {
    return {
      objects: [...this.objects],
      lists: [...this.lists.values()].filter((entry) => entry.touched).map((entry) => [entry.key, entry.current]),
    };
  }

  /** Every list this commit touched, with the value read before it (for the commit guard). */
  touchedLists(): (ListKey & { lastModified: number | null })[] {
    return [...this.lists.values()]
      .filter((entry) => entry.touched)
      .map((entry) => ({ ...entry.key, lastModified: entry.read }));
  }

  /** Stored ACL grants of `principals`, with this commit's own ACL changes taking precedence. */
  holdsFor(principals: readonly string[]): Holds {
    return (uri, permission) => {
      const written = this.objects.get(uri);
      if (written !== undefined) return holdsIn(written.permissions, permission, principals);
      return this.state.holds(uri, permission, principals);
    };
  }

  /** The touch mutations merged per list (the greatest timestamp), the others in order. */
  coalescedMutations(): Mutation[] {
    const touches = new Map<string, Extract<Mutation, { kind: "touch" }>>();
    const others: Mutation[] = [];
    for (const mutation of this.mutations) {
      if (mutation.kind !== "touch") {
        others.push(mutation);
        continue;
      }
      const key = keyOf(mutation.list);
      const previous = touches.get(key);
      if (previous === undefined || previous.lastModified < mutation.lastModified) touches.set(key, mutation);
    }
    return [...others, ...touches.values()];
  }

  private list(key: ListKey): ListEntry {
    let entry = this.lists.get(keyOf(key));
    if (entry === undefined) {
      const read = this.state.listTimestamp(key);
      entry = { key, read, current: read, touched: false };
      this.lists.set(keyOf(key), entry);
    }
    return entry;
  }
}

function holdsIn(permissions: Permissions, permission: string, principals: readonly string[]): boolean {
  return (permissions[permission] ?? []).some((principal) => principals.includes(principal));
}
