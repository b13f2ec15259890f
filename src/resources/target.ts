/** Where an object or a list of a given kind sits: its URI, parent, list key and lineage. */
import type { Need } from "../permissions/authorize";
import type { Lineage } from "../permissions/inheritance";
import { missingResource } from "../errors";
import type { ListKey, ObjectState } from "../storage/types";
import { SPECS } from "./specs";
import { objectUri, type Location, type ObjectRef, type ResourceName, type ResourceSpec } from "./spec";

export interface ListTarget {
  spec: ResourceSpec;
  location: Location;
  parentId: string;
  list: ListKey;
  /** The parent object that must exist (null for buckets). */
  parent: { ref: ObjectRef; uri: string } | null;
  /** Lineage of the parent: what `create` is checked against. */
  lineage: Lineage;
}

export interface ObjectTarget extends ListTarget {
  id: string;
  ref: ObjectRef;
  uri: string;
}

/** Kinds whose parent is the root: buckets and accounts. */
function isTopLevel(resource: ResourceName): boolean {
  return resource === "bucket" || resource === "account";
}

/** 404 errno 111 naming the parent (e.g. the collection of records) when it is not a live object. */
export function requireParent(list: ListTarget, objectAt: (uri: string) => ObjectState): void {
  if (list.parent && objectAt(list.parent.uri).object === null) {
    throw missingResource({ id: list.parent.ref.id, resource_name: list.parent.ref.resourceName });
  }
}

export function listTarget(resource: ResourceName, location: Location): ListTarget {
  const spec = SPECS[resource];
  const parentId = spec.parentId(location);
  const parentRef = spec.parentRef(location);
  const bucket = `/buckets/${location.bucket ?? ""}`;
  const lineage: Lineage = isTopLevel(resource) ? { bucket: "" } : resource === "record" ? { bucket, collection: parentId } : { bucket };
  return {
    spec,
    location,
    parentId,
    list: { parentId, resourceName: spec.name },
    parent: parentRef ? { ref: parentRef, uri: parentId } : null,
    lineage,
  };
}

export function objectTarget(resource: ResourceName, location: Location, id: string): ObjectTarget {
  const base = listTarget(resource, location);
  const uri = objectUri(base.parentId, base.spec.plural, id);
  const lineage: Lineage = resource === "bucket" ? { bucket: uri, object: uri } : { ...base.lineage, object: uri };
  return { ...base, id, uri, ref: { resourceName: base.spec.name, parentId: base.parentId, id }, lineage };
}

export function readNeed(target: ObjectTarget): Need {
  return { resource: target.spec.name, operation: "read", lineage: target.lineage };
}

export function writeNeed(target: ObjectTarget): Need {
  return { resource: target.spec.name, operation: "write", lineage: target.lineage };
}

export function createNeed(target: ListTarget): Need {
  return { resource: target.spec.name, operation: "create", lineage: target.lineage };
}

/** Reading the parent's metadata (decides 404 vs 403 for a missing object); null for buckets. */
export function parentReadNeed(target: ListTarget): Need | null {
  if (target.parent === null || target.spec.parentName === null) return null;
  const parentLineage: Lineage =
    target.spec.parentName === "bucket"
      ? { bucket: target.lineage.bucket, object: target.lineage.bucket }
      : { bucket: target.lineage.bucket, object: target.parentId };
  return { resource: target.spec.parentName, operation: "read", lineage: parentLineage };
}
