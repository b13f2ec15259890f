/** Which buckets' group memberships a commit changed (what storage/memberships.ts copies). */
import type { WriteChange } from "./listener";

export function membershipBuckets(changes: readonly WriteChange[]): Set<string> {
  const buckets = new Set<string>();
  for (const change of changes) {
    if (change.resourceName === "group" && change.location.bucket !== undefined) buckets.add(change.location.bucket);
    else if (change.resourceName === "bucket" && change.action === "delete") buckets.add(change.id);
  }
  return buckets;
}
