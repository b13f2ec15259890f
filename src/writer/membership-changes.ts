/** Which buckets' group memberships a commit may have changed (what storage/memberships.ts copies). */
import type { WriteChange } from "./listener";

export interface MembershipChanges {
  /** Buckets with a group written or deleted: their copies must be refreshed. */
  groups: Set<string>;
  /** Deleted buckets: their copies, if they had any, must go. */
  deleted: Set<string>;
}

export function membershipChanges(changes: readonly WriteChange[], into: MembershipChanges): void {
  for (const change of changes) {
    if (change.resourceName === "group" && change.location.bucket !== undefined) into.groups.add(change.location.bucket);
    else if (change.resourceName === "bucket" && change.action === "delete") into.deleted.add(change.id);
  }
}
