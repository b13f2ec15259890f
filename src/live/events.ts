/** Live messages as the hub sends them: each change serialized once, with what decides who sees it. */
import type { ResourceName } from "../resources/spec";
import type { KintoObject, LiveEvent, Permissions, Tombstone } from "../wire";
import type { LiveList } from "./subscription";

export interface Outgoing {
  list: LiveList;
  event: LiveEvent;
  json: string;
  /** The object's ACL (null: a tombstone, or decided already by a catch-up query). */
  permissions: Permissions | null;
}

export function outgoing(list: LiveList, event: LiveEvent, permissions: Permissions | null): Outgoing {
  return { list, event, json: JSON.stringify(event), permissions };
}

/** The list a resource's changes belong to, on the stream of its parent (null: none follows it). */
export function liveListOf(resource: ResourceName): LiveList | null {
  return resource === "record" || resource === "collection" || resource === "group" ? resource : null;
}

/** The message of a change to `object` (a tombstone: `delete`); a bucket's lists name themselves. */
export function eventOf(list: LiveList, object: KintoObject | Tombstone, action: "create" | "update" | "delete"): LiveEvent {
  const etag = `"${object.last_modified}"`;
  const named = list === "collection" || list === "group" ? { resource_name: list } : {};
  if ("deleted" in object && object.deleted === true) return { action: "delete", timestamp: object.last_modified, etag, tombstone: object as Tombstone, ...named };
  return { action: action === "delete" ? "update" : action, timestamp: object.last_modified, etag, data: object as KintoObject, ...named };
}
