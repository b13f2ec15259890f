/**
 * A plan of writes outside the committing Writer's parent (the signer's publications), built on
 * what it read from storage. Every object and list it read is guarded at commit (the same values
 * must still hold), so a concurrent commit anywhere it looked makes the whole commit retry; the
 * timestamps it assigns follow §5.2 on top of what it read or what the commit itself assigned.
 */
import { sql } from "drizzle-orm";
import { toLiveWire } from "../../../resources/objects";
import type { Location, ObjectRef, ResourceName } from "../../../resources/spec";
import { rowToObject, type ObjectRow } from "../../../storage/d1";
import type { Effect, EffectContext, WriteAction, WriteChange } from "../../../writer/listener";
import type { ListKey, Mutation, ObjectState } from "../../../storage/types";
import type { JsonObject, KintoObject, Permissions } from "../../../wire";

export interface Collection {
  bucket: string;
  collection: string;
}

export const bucketUri = (bid: string): string => `/buckets/${bid}`;
export const collectionUri = (place: Collection): string => `/buckets/${place.bucket}/collections/${place.collection}`;
const keyOf = (key: ListKey): string => `${key.resourceName} ${key.parentId}`;

export const bucketRef = (bid: string): ObjectRef => ({ resourceName: "bucket", parentId: "", id: bid });
export const collectionRef = (place: Collection): ObjectRef => ({ resourceName: "collection", parentId: bucketUri(place.bucket), id: place.collection });
export const groupRef = (bid: string, id: string): ObjectRef => ({ resourceName: "group", parentId: bucketUri(bid), id });
export const recordsList = (place: Collection): ListKey => ({ parentId: collectionUri(place), resourceName: "record" });

function uriOf(ref: ObjectRef): string {
  const plural = { bucket: "buckets", collection: "collections", group: "groups", record: "records" }[ref.resourceName] ?? ref.resourceName;
  return `${ref.parentId}/${plural}/${ref.id}`;
}

function listOf(ref: ObjectRef): ListKey {
  return { parentId: ref.parentId, resourceName: ref.resourceName };
}

/** The bucket (and collection) of the object `ref` names (its parent's, as `WriteChange.location`). */
function locationOf(ref: ObjectRef): Location {
  const [, , bucket, , collection] = ref.parentId.split("/");
  if (bucket === undefined) return {};
  return collection === undefined ? { bucket } : { bucket, collection };
}

function tombstone(id: string, lastModified: number): KintoObject {
  return { id, last_modified: lastModified, deleted: true };
}

/** Who the plan's changes are by: the plugin (`WriteChange.author`, `by`). */
export interface PlanAuthor {
  userId: string;
  by: string;
}

export class Plan {
  readonly mutations: Mutation[] = [];
  private readonly guard: Effect["guard"] = { objects: [], lists: [] };
  private readonly objects = new Map<string, ObjectState>();
  private readonly lists = new Map<string, number | null>();
  private readonly records = new Map<string, Map<string, KintoObject>>();
  private readonly changes: WriteChange[] = [];

  constructor(
    private readonly context: EffectContext,
    private readonly author: PlanAuthor,
  ) {}

  get now(): number {
    return this.context.now;
  }

  effect(): Effect {
    const permissions = new Map([...this.objects].map(([uri, state]) => [uri, state.permissions]));
    return { mutations: this.mutations, guard: this.guard, changes: this.changes, permissions };
  }

  /** The live object at `uri` as planned (a record from its collection's records), or null. */
  private current(ref: ObjectRef, uri: string): KintoObject | null {
    if (ref.resourceName === "record") return this.records.get(ref.parentId)?.get(ref.id) ?? null;
    const object = this.objects.get(uri)?.object;
    return object ? toLiveWire(object) : null;
  }

  private changed(action: WriteAction, ref: ObjectRef, data: KintoObject, permissions: Permissions, old: KintoObject | null): void {
    this.changes.push({
      action,
      resourceName: ref.resourceName as ResourceName,
      uri: uriOf(ref),
      location: locationOf(ref),
      id: ref.id,
      data,
      permissions,
      old,
      author: { userId: this.author.userId, principals: [this.author.userId] },
      timestamp: data.last_modified,
      by: this.author.by,
    });
  }

  /** Reads (once each, in one round trip) objects, and the live records of collections with their list. */
  async read(refs: readonly ObjectRef[], collections: readonly Collection[] = []): Promise<void> {
    const wanted = refs.filter((ref) => !this.objects.has(uriOf(ref)));
    const places = collections.filter((place) => !this.records.has(collectionUri(place)));
    const lists = [...wanted.map(listOf), ...places.map(recordsList)].filter((key) => !this.lists.has(keyOf(key)));
    const unique = [...new Map(lists.map((key) => [keyOf(key), key])).values()];
    if (wanted.length === 0 && unique.length === 0 && places.length === 0) return;
    const state = await this.context.storage.readState(
      { objects: wanted.map((ref) => ({ ref, uri: uriOf(ref) })), lists: unique, grants: null },
      places.map((place) => sql`SELECT id, last_modified, data, deleted FROM objects
        WHERE parent_id = ${collectionUri(place)} AND resource_name = 'record' AND deleted = 0`),
    );
    for (const ref of wanted) {
      const uri = uriOf(ref);
      const read = state.object(uri);
      this.objects.set(uri, read);
      if (read.object) this.guard.objects.push({ ...ref, lastModified: read.object.lastModified });
    }
    for (const key of unique) {
      const value = state.listTimestamp(key);
      const touched = this.context.touched(key);
      this.lists.set(keyOf(key), touched ?? value);
      if (touched === undefined) this.guard.lists.push({ ...key, lastModified: value });
    }
    places.forEach((place, index) => {
      const rows = (state.extra[index] ?? []) as ObjectRow[];
      this.records.set(collectionUri(place), new Map(rows.map((row) => [row.id, toLiveWire(rowToObject(row))])));
    });
  }

  object(ref: ObjectRef): ObjectState {
    const state = this.objects.get(uriOf(ref));
    if (state === undefined) throw new Error(`${uriOf(ref)} was not read`);
    return state;
  }

  /** The live records of a read collection (as planned), by id. */
  recordsOf(place: Collection): Map<string, KintoObject> {
    const records = this.records.get(collectionUri(place));
    if (records === undefined) throw new Error(`${collectionUri(place)} records were not read`);
    return records;
  }

  /** A read list's timestamp as planned. */
  listTimestamp(key: ListKey): number | null {
    const value = this.lists.get(keyOf(key));
    if (value === undefined) throw new Error(`${keyOf(key)} was not read`);
    return value;
  }

  /** The next timestamp of `key` (§5.2, no forced value), recorded as its list timestamp. */
  private assign(key: ListKey): number {
    const timestamp = Math.max(Math.floor(this.now), (this.listTimestamp(key) ?? 0) + 1);
    this.lists.set(keyOf(key), timestamp);
    this.mutations.push({ kind: "touch", list: key, lastModified: timestamp });
    return timestamp;
  }

  /** Stores the live object `ref` with `data`; its ACL too when given. Returns it as on the wire. */
  put(ref: ObjectRef, data: JsonObject, permissions?: Permissions): KintoObject {
    const { id: _id, last_modified: _lastModified, ...fields } = data;
    const lastModified = this.assign(listOf(ref));
    this.mutations.push({ kind: "put", ref, lastModified, data: fields });
    const uri = uriOf(ref);
    if (permissions !== undefined) this.mutations.push({ kind: "acl", uri, permissions });
    const previous = this.objects.get(uri);
    const old = this.current(ref, uri);
    const acl = permissions ?? previous?.permissions ?? {};
    this.objects.set(uri, { object: { id: ref.id, lastModified, data: fields, deleted: false }, permissions: acl });
    if (ref.resourceName === "group") {
      const members = Array.isArray(fields.members) ? fields.members.filter((m): m is string => typeof m === "string") : [];
      this.mutations.push({ kind: "members", groupUri: uri, members });
    }
    const record = { ...fields, id: ref.id, last_modified: lastModified } as KintoObject;
    if (ref.resourceName === "record") this.records.get(ref.parentId)?.set(ref.id, record);
    this.changed(old === null ? "create" : "update", ref, record, acl, old);
    return record;
  }

  /** Makes `ref` a tombstone, its ACL (and a group's memberships) gone. */
  remove(ref: ObjectRef): void {
    const lastModified = this.assign(listOf(ref));
    const uri = uriOf(ref);
    const old = this.current(ref, uri);
    this.mutations.push({ kind: "tombstone", ref, lastModified }, { kind: "acl", uri, permissions: {} });
    if (ref.resourceName === "group") this.mutations.push({ kind: "members", groupUri: uri, members: [] });
    this.objects.set(uri, { object: null, permissions: {} });
    if (ref.resourceName === "record") this.records.get(ref.parentId)?.delete(ref.id);
    this.changed("delete", ref, tombstone(ref.id, lastModified), {}, old);
  }

  /** Removes `uri` and everything below it for good (no tombstone). */
  purge(ref: ObjectRef): void {
    const uri = uriOf(ref);
    const lastModified = this.assign(listOf(ref));
    const old = this.current(ref, uri);
    this.mutations.push({ kind: "tombstone", ref, lastModified }, { kind: "acl", uri, permissions: {} }, { kind: "purge", uri });
    this.objects.set(uri, { object: null, permissions: {} });
    this.changed("delete", ref, tombstone(ref.id, lastModified), {}, old);
  }

  /**
   * The records list timestamp of `place` as it will be signed: a never-initialised list gets
   * its first value now (stored by the commit), as a first read would.
   */
  signedTimestamp(place: Collection): number {
    const key = recordsList(place);
    const current = this.listTimestamp(key);
    if (current !== null) return current;
    const timestamp = Math.floor(this.now);
    this.lists.set(keyOf(key), timestamp);
    this.mutations.push({ kind: "touch", list: key, lastModified: timestamp });
    return timestamp;
  }
}
