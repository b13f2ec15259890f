/** The four core resource kinds (contract §3.3–3.6). */
import { invalidParameter } from "../errors";
import type { JsonObject } from "../wire";
import { OBJECT_ID_PATTERN, generateName, generateUuid } from "./ids";
import type { Location, ResourceName, ResourceSpec } from "./spec";

function bucketUri(location: Location): string {
  return `/buckets/${location.bucket ?? ""}`;
}

function collectionUri(location: Location): string {
  return `${bucketUri(location)}/collections/${location.collection ?? ""}`;
}

export const bucketSpec: ResourceSpec = {
  name: "bucket",
  plural: "buckets",
  permissions: ["read", "write", "collection:create", "group:create"],
  idPattern: OBJECT_ID_PATTERN,
  generateId: generateName,
  parentId: () => "",
  parentRef: () => null,
  parentName: null,
  validate: (data) => data,
};

export const collectionSpec: ResourceSpec = {
  name: "collection",
  plural: "collections",
  permissions: ["read", "write", "record:create"],
  idPattern: OBJECT_ID_PATTERN,
  generateId: generateName,
  parentId: bucketUri,
  parentRef: (location) => ({ resourceName: "bucket", parentId: "", id: location.bucket ?? "" }),
  parentName: "bucket",
  validate: validateCollection,
};

export const groupSpec: ResourceSpec = {
  name: "group",
  plural: "groups",
  permissions: ["read", "write"],
  idPattern: OBJECT_ID_PATTERN,
  generateId: generateName,
  parentId: bucketUri,
  parentRef: (location) => ({ resourceName: "bucket", parentId: "", id: location.bucket ?? "" }),
  parentName: "bucket",
  validate: validateGroup,
};

export const recordSpec: ResourceSpec = {
  name: "record",
  plural: "records",
  permissions: ["read", "write"],
  idPattern: OBJECT_ID_PATTERN,
  generateId: generateUuid,
  parentId: collectionUri,
  parentRef: (location) => ({
    resourceName: "collection",
    parentId: bucketUri(location),
    id: location.collection ?? "",
  }),
  parentName: "collection",
  validate: (data) => data,
};

export const SPECS: Record<ResourceName, ResourceSpec> = {
  bucket: bucketSpec,
  collection: collectionSpec,
  group: groupSpec,
  record: recordSpec,
};

/** `schema` must be an object; `cache_expires` an integer (a float is truncated, null removes it). */
function validateCollection(data: JsonObject): JsonObject {
  const result = { ...data };
  if ("schema" in result) {
    const schema = result.schema;
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw invalidParameter("body", "data.schema", "Schema should be a JSON object.");
    }
  }
  if ("cache_expires" in result) {
    const value = result.cache_expires;
    if (value === null) {
      delete result.cache_expires;
    } else if (typeof value === "number" && Number.isFinite(value)) {
      result.cache_expires = Math.trunc(value);
    } else {
      throw invalidParameter("body", "data.cache_expires", `${JSON.stringify(value)} is not an integer`);
    }
  }
  return result;
}

/** `members` defaults to []; each member is a principal, never a group or `system.Everyone`. */
function validateGroup(data: JsonObject): JsonObject {
  const members = data.members ?? [];
  if (!Array.isArray(members)) {
    throw invalidParameter("body", "data.members", `${JSON.stringify(members)} is not a list`);
  }
  for (const member of members) {
    if (typeof member !== "string") {
      throw invalidParameter("body", "data.members", `${JSON.stringify(member)} is not a string`);
    }
    if (member.startsWith("/buckets/") || member === "system.Everyone") {
      throw invalidParameter("body", "data.members", `'${member}' is not a valid user ID.`);
    }
  }
  return { ...data, members };
}

/** The member list of a stored group. */
export function groupMembers(data: JsonObject): string[] {
  const members = data.members;
  return Array.isArray(members) ? members.filter((m): m is string => typeof m === "string") : [];
}
