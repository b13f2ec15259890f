/** Conversions between stored rows and wire objects. */
import type { StoredObject } from "../storage/types";
import type { JsonObject, KintoObject, Tombstone } from "../wire";

export function toWire(stored: StoredObject): KintoObject | Tombstone {
  if (stored.deleted) return { id: stored.id, last_modified: stored.lastModified, deleted: true };
  return { ...stored.data, id: stored.id, last_modified: stored.lastModified };
}

export function toLiveWire(stored: StoredObject): KintoObject {
  return { ...stored.data, id: stored.id, last_modified: stored.lastModified };
}

/** Posted data without the fields the server owns. */
export function storableData(data: JsonObject): JsonObject {
  const rest = { ...data };
  delete rest.id;
  delete rest.last_modified;
  return rest;
}
