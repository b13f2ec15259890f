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
    case "account":
      if (operation === "read") return own(["write", "read"]);
      if (operation === "write") return own(["write"]);
      return [];
    case "record":
      if (operation === "read") {
        return [...onBucket(["write", "read"]), ...onCollection(["write", "read"]), ...own(["write", "read"])];
      }
      if (operation === "write") return [...onBucket(["write"]), ...onCollection(["write"]), ...own(["write"])];
      return [...onBucket(["write"]), ...onCollection(["write", "record:create"])];
  }
}

/**
 * Settings that grant the same operation server-wide (§6.5), named after the resource kind:
 * reading is granted by `<resource>_read_principals` and `<resource>_write_principals`, writing by
 * `<resource>_write_principals`, creating by `<resource>_create_principals` and, below a parent
 * whose `write` grants creation, `<resource>_write_principals`. They apply to every object of
 * that kind, and so to whole lists.
 */
export function grantingSettings(resource: ResourceName, operation: Operation): string[] {
  if (operation === "read") return [`${resource}_read_principals`, `${resource}_write_principals`];
  if (operation === "write") return [`${resource}_write_principals`];
  const topLevel = resource === "bucket" || resource === "account";
  return topLevel ? [`${resource}_create_principals`] : [`${resource}_create_principals`, `${resource}_write_principals`];
}
