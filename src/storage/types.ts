/**
 * The storage contract. Every call names the parent it works on, so a backend can route
 * by bucket or keep a collection in its Durable Object's own SQLite.
 */
import type { JsonObject, Permissions } from "../wire";
import type { ObjectRef } from "../resources/spec";

/** A `(parent_id, resource_name)` list. */
export interface ListKey {
  parentId: string;
  resourceName: string;
}

export interface StoredObject {
  id: string;
  lastModified: number;
  /** Without `id` and `last_modified`; `{}` for tombstones. */
  data: JsonObject;
  deleted: boolean;
}

export interface ObjectState {
  /** The live object, or null when missing or a tombstone. */
  object: StoredObject | null;
  permissions: Permissions;
}

/** Everything one request needs to decide, read in one round trip. */
export interface StateRequest {
  objects: { ref: ObjectRef; uri: string }[];
  lists: ListKey[];
  /**
   * Which (uri, permission) pairs any of `principals` (or the groups of `users`) holds on
   * `uris`; the groups of `users` are read in the same round trip.
   */
  grants: { uris: string[]; principals: string[]; users: string[] } | null;
}

export interface State {
  object(uri: string): ObjectState;
  /** The stored list timestamp, or null when never initialised (or purged). */
  listTimestamp(key: ListKey): number | null;
  /** The group principals of `userId` as read (`system.Authenticated` for every authenticated user's). */
  groupsOf(userId: string): string[];
  /** `caller`'s principals plus the groups of its user (and of every authenticated user), as read. */
  principalsOf(caller: { userId: string | null; principals: readonly string[] }): string[];
  /** Whether one of `principals` holds `permission` on `uri` through a stored ACL (among those read). */
  holds(uri: string, permission: string, principals: readonly string[]): boolean;
}

/** Commit-time checks: when one fails, nothing of the commit is written. */
export interface Guard {
  /**
   * Live objects that must still be as read (same `last_modified`): the parent and the bucket
   * above it. Their ACLs only change with their timestamps, so this also pins the grants.
   */
  objects: (ObjectRef & { lastModified: number })[];
  /** List timestamps that must still hold the value read (null = absent). */
  lists: (ListKey & { lastModified: number | null })[];
  /** The group memberships of these users must be exactly these `[user, principal]` pairs. */
  groups: { users: string[]; memberships: [string, string][] } | null;
}

/** An object of an `append` mutation. */
export interface AppendedObject {
  id: string;
  data: JsonObject;
  acl: { uri: string; permissions: Permissions } | null;
}

export type Mutation =
  | { kind: "put"; ref: ObjectRef; lastModified: number; data: JsonObject }
  | { kind: "tombstone"; ref: ObjectRef; lastModified: number }
  | { kind: "acl"; uri: string; permissions: Permissions }
  /** The list timestamp becomes max(current, lastModified). */
  | { kind: "touch"; list: ListKey; lastModified: number }
  /** Hard-deletes everything below `uri` (children lists, their timestamps, ACLs, group principals). */
  | { kind: "purge"; uri: string }
  | { kind: "members"; groupUri: string; members: string[] }
  /**
   * Adds live objects, in order, to a list written by several Writers (e.g. a bucket's
   * history): their timestamps are assigned inside the statements, from max(floor, list
   * timestamp + 1, newest + 1) up, which the database serializes, so they are unique and
   * increasing without a lock; the list timestamp follows them. `acl` is an object's ACL (its
   * URI has none yet).
   */
  | { kind: "append"; list: ListKey; floor: number; objects: AppendedObject[] }
  /**
   * Tombstones for the live objects `ids` of such a list, each timestamp assigned as in
   * `append`; the ACLs of their URIs (`uriPrefix/<id>`) go.
   */
  | { kind: "retire"; list: ListKey; uriPrefix: string; ids: string[]; floor: number }
  /**
   * Hard-deletes the live objects of `list` whose data fields equal `match` (null: JSON null or
   * missing), except the `keep` newest, with the ACLs of their URIs (`uriPrefix/<id>`).
   */
  | { kind: "trim"; list: ListKey; uriPrefix: string; match: Record<string, string | null>; keep: number }
  /** An attachment file (table `attachment_files`): the pending `key` uploaded for `recordUri` becomes its live file. */
  | { kind: "file-live"; key: string; recordUri: string }
  /**
   * The live attachment files of the record `uri` (with `under`: of every record below `uri`)
   * but `except`: garbage to delete from R2, or, with `keep`, forgotten (the files stay).
   */
  | { kind: "file-release"; uri: string; under: boolean; except: string | null; keep: boolean }
  /** A collection's declared index (storage/declared-indexes.ts), created unless it exists. */
  | { kind: "index-create"; collectionUri: string; fields: readonly string[] }
  /** A declared index, by name, dropped if it exists. */
  | { kind: "index-drop"; name: string }
  /**
   * Full-text documents (tables `search_docs`/`search_fts`) of records of the collection
   * `collectionUri`: replaced by those of `data` (the record as written, null when deleted) for
   * the text fields the stored collection declares (`search.text`, read in the statement).
   */
  | { kind: "search-records"; collectionUri: string; records: { id: string; data: JsonObject | null }[] }
  /** The collection's documents are to be rebuilt from its records (search/rebuild.ts). */
  | { kind: "search-rebuild"; collectionUri: string }
  /** Drops the documents (and any rebuild) of the collection `uri`, or (`under`) of every collection below it. */
  | { kind: "search-drop"; uri: string; under: boolean };

/** Thrown by `commit` when a guard no longer holds; the caller re-reads and retries. */
export class GuardFailed extends Error {
  constructor() {
    super("A write guard failed: the parent or a list timestamp changed.");
    this.name = "GuardFailed";
  }
}

/** Thrown by `commit` when a forced timestamp collides with an existing one. */
export class TimestampConflict extends Error {
  constructor() {
    super("Another object of the list already has this timestamp.");
    this.name = "TimestampConflict";
  }
}

export interface ListPage {
  objects: StoredObject[];
  hasMore: boolean;
}
