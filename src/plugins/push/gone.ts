/**
 * After a commit that deletes a collection or a bucket: its Writer's subscribers are closed
 * with 4004 (a bucket's Writer also closes the collections that registered subscribers with
 * it). Their records' tombstones go with the collection (a `_since` listing answers 404), so a
 * sync client is told the collection is gone rather than sent tombstones.
 */
import type { Bindings } from "../../env";
import type { WriteChange } from "../../writer/listener";

export async function closeDeleted(changes: readonly WriteChange[], env: Bindings): Promise<void> {
  const deleted = changes.filter((change) => change.action === "delete" && (change.resourceName === "collection" || change.resourceName === "bucket"));
  await Promise.all(deleted.map((change) => env.WRITER.get(env.WRITER.idFromName(change.uri)).liveGone()));
}
