/**
 * The inheritance tree (contract §6.3): which (object, permission) pairs grant an operation.
 * Pure; the ACL rows and settings are consulted by `authorize` (authorize.ts).
 */
import type { ResourceName } from "../resources/spec";

export type Operation = "read" | "write" | "create";

/** URIs of the objects on the way to a target, root excluded. */
export interface Lineage {
  bucket: string;
  collection?: string;
  /** The target object itself (absent for `create`). */
  object?: string;
}

export type Pair = readonly [uri: string, permission: string];

/** Pairs that grant `operation` on a `resource` at `lineage`. For `create`, `lineage` ends at the parent. */
export function grantingPairs(resource: ResourceName, operation: Operation, lineage: Lineage): Pair[] {
  const { bucket, collection, object } = lineage;
  const own = (permissions: string[]): Pair[] => (object ? permissions.map((p) => [object, p] as const) : []);
  const onBucket = (permissions: string[]): Pair[] => permissions.map((p) => [bucket, p] as const);
  const onCollection = (permissions: string[]): Pair[] =>
    collection ? permissions.map((p) => [collection, p] as const) : [];

  switch (resource) {
    case "bucket":
      if (operation === "read") return own(["write", "read", "collection:create", "group:create"]);
      if (operation === "write") return own(["write"]);
      return [];
    case "collection":
    case "group":
      if (operation === "read") {
        const ownRead = resource === "collection" ? ["write", "read", "record:create"] : ["write", "read"];
        return [...onBucket(["write", "read"]), ...own(ownRead)];
      }
      if (operation === "write") return [...onBucket(["write"]), ...own(["write"])];
      return onBucket(["write", `${resource}:create`]);
    case "record":
      if (operation === "read") {
        return [...onBucket(["write", "read"]), ...onCollection(["write", "read"]), ...own(["write", "read"])];
      }
      if (operation === "write") return [...onBucket(["write"]), ...onCollection(["write"]), ...own(["write"])];
      return [...onBucket(["write"]), ...onCollection(["write", "record:create"])];
  }
}

/**
 * Settings that grant the same operation server-wide (§6.5): `<resource>_<p>_principals` for every
 * plain permission name p among the pairs, and `<resource>_create_principals` for `<resource>:create`.
 */
export function grantingSettings(resource: ResourceName, operation: Operation, pairs: Pair[]): string[] {
  const names = new Set<string>();
  for (const [, permission] of pairs) {
    if (!permission.includes(":")) names.add(`${resource}_${permission}_principals`);
    else if (permission === `${resource}:create`) names.add(`${resource}_create_principals`);
  }
  if (operation === "create") names.add(`${resource}_create_principals`);
  return [...names];
}
