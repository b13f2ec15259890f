/**
 * Live events of changes committed by another parent's Writer (a plugin's effects, e.g. the
 * signer publishing a destination): sent to the Writer of their parent, whose hub holds the
 * subscribers. A Writer forwards one commit after the other (see `Forwarder`), so a parent
 * written by one Writer's effects receives them in commit order.
 */
import type { Bindings } from "../env";
import type { WriteChange } from "../writer/listener";

/** The URI of the parent a change was written under (the Writer's name; "/" for the root). */
export function parentOf(change: WriteChange): string {
  const own = change.uri.lastIndexOf("/");
  return change.uri.slice(0, change.uri.lastIndexOf("/", own - 1)) || "/";
}

/** The changes of one commit by parent, in commit order within each. */
export function byParent(changes: readonly WriteChange[]): Map<string, WriteChange[]> {
  const parents = new Map<string, WriteChange[]>();
  for (const change of changes) {
    const parent = parentOf(change);
    const list = parents.get(parent);
    if (list === undefined) parents.set(parent, [change]);
    else list.push(change);
  }
  return parents;
}

/** Sends other parents' changes to their Writers, one commit at a time; a failure is logged (the subscribers resync with `_since`). */
export class Forwarder {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly envOf: () => Bindings) {}

  /** Queues the changes of one commit (grouped by parent); the returned promise settles when they are sent. */
  forward(parents: ReadonlyMap<string, readonly WriteChange[]>): Promise<void> {
    if (parents.size === 0) return this.last;
    this.last = this.last.then(async () => {
      const namespace = this.envOf().WRITER;
      try {
        await Promise.all([...parents].map(([parent, changes]) => namespace.get(namespace.idFromName(parent)).liveBroadcast(JSON.stringify(changes))));
      } catch (error) {
        console.error("live forwarding failed:", error instanceof Error ? error.name : "error");
      }
    });
    return this.last;
  }
}
