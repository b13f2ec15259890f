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

/**
 * A commit's changes as its Writer sends them: its own (all under its parent) with those of its
 * effects under the same parent, for its own subscribers; the effects' others by parent, in
 * commit order within each, to forward.
 */
export function splitByParent(own: readonly WriteChange[], effects: readonly WriteChange[]): { here: WriteChange[]; elsewhere: Map<string, WriteChange[]> } {
  const here = [...own];
  const elsewhere = new Map<string, WriteChange[]>();
  if (effects.length === 0) return { here, elsewhere };
  const parent = own[0] === undefined ? null : parentOf(own[0]);
  for (const change of effects) {
    const target = parentOf(change);
    if (target === parent) {
      here.push(change);
      continue;
    }
    const list = elsewhere.get(target);
    if (list === undefined) elsewhere.set(target, [change]);
    else list.push(change);
  }
  return { here, elsewhere };
}

/** Sends other parents' changes to their Writers, one commit at a time; a failure is logged (the subscribers resync with `_since`). */
export class Forwarder {
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly envOf: () => Bindings) {}

  /** Queues the changes of one commit (grouped by parent); the returned promise settles when they are sent. */
  forward(parents: ReadonlyMap<string, readonly WriteChange[]>): Promise<void> {
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
