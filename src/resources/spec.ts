/**
 * What distinguishes one resource kind from another. The generic engine (routes, writer)
 * reads these specs; it never switches on a resource name.
 */
import type { Settings } from "../config";
import type { StoredObject } from "../storage/types";
import type { JsonObject, Permissions } from "../wire";

export type ResourceName = "bucket" | "collection" | "group" | "record" | "account";

/** The ids named by a URL: `/buckets/{bucket}/collections/{collection}/…`. */
export interface Location {
  bucket?: string;
  collection?: string;
}

/** Where an object lives in storage: `(resource_name, parent_id, id)`. */
export interface ObjectRef {
  resourceName: string;
  parentId: string;
  id: string;
}

/** What a spec's `validate` may consult; read in the writer's critical section. */
export interface ValidationContext {
  /** The parent object (the collection of a record, the bucket of a collection or group). */
  parent: StoredObject | null;
  /** The bucket above the object (null for buckets). */
  bucket: StoredObject | null;
  settings: Settings;
  /** Who writes (user id, or null when anonymous) and with which principals. */
  author: { userId: string | null; principals: readonly string[] };
}

export interface ResourceSpec {
  readonly name: ResourceName;
  /** Plural path segment, e.g. `collections`. */
  readonly plural: string;
  /** Permission names storable in this kind's ACL. */
  readonly permissions: readonly string[];
  readonly idPattern: RegExp;
  /** Absent for kinds whose id is mandatory (accounts). */
  generateId?(): string;
  /** `parent_id` of this kind's objects at `location` ("" for buckets). */
  parentId(location: Location): string;
  /** The object that must exist for this kind to be written, or null (buckets). */
  parentRef(location: Location): ObjectRef | null;
  /** The parent's kind when it is an object. */
  readonly parentName: ResourceName | null;
  /**
   * Checks and normalises `data` (with the object's `id`, without `last_modified`) before
   * storage. Throws a 400 KintoError on invalid data.
   */
  validate(data: JsonObject, context: ValidationContext): JsonObject;
  /**
   * The ACL of a new object instead of the creator rule (accounts own themselves), or absent
   * for the creator rule of contract §3.7.
   */
  ownerPermissions?(id: string): Permissions;
  /**
   * Principals the caller sees an object's permissions as, besides its own (Kinto's accounts
   * answer anonymous callers and administrators as the account itself).
   */
  viewedAs?(id: string, context: Pick<ValidationContext, "settings" | "author">): string[];
  /** Anonymous callers may not list this kind (accounts: 401 errno 999, contract Appendix D.3). */
  readonly listNeedsIdentity?: boolean;
  /** Rewrites posted data before it reaches the Writer (accounts hash passwords). */
  prepareData?(data: JsonObject): Promise<JsonObject>;
}

export function objectUri(parentId: string, plural: string, id: string): string {
  return `${parentId}/${plural}/${id}`;
}
