/** The four core resource kinds (contract §3.3–3.6). */
import { invalidParameter } from "../errors";
import { isJsonObject } from "../http/body";
import { isNumeric, toDouble } from "../json/numbers";
import { checkSchema, validateWithSchema } from "../schema/validate";
import { checkDeclaredIndexes } from "../storage/declared-indexes";
import type { JsonObject } from "../wire";
import { accountSpec } from "./account-spec";
import { OBJECT_ID_PATTERN, generateName, generateUuid } from "./ids";
import type { Location, ResourceName, ResourceSpec, ValidationContext } from "./spec";

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
  validate: validateBucket,
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
  validate: validateRecord,
};

export const SPECS: Record<ResourceName, ResourceSpec> = {
  bucket: bucketSpec,
  collection: collectionSpec,
  group: groupSpec,
  record: recordSpec,
  account: accountSpec,
};

/** With validation on, `data` must match the bucket's `<resource>:schema` when it has one. */
function checkBucketSchema(data: JsonObject, resource: ResourceName, context: ValidationContext): void {
  if (!context.settings.experimentalCollectionSchemaValidation) return;
  const schema = context.bucket?.data[`${resource}:schema`];
  // A record's `schema` stamp is server data, as its timestamp is.
  const ignored = resource === "record" ? ["last_modified", "schema"] : ["last_modified"];
  if (isJsonObject(schema)) validateWithSchema(data, schema, ignored);
}

/** `collection:schema`, `group:schema` and `record:schema` must be JSON Schemas whenever present. */
function validateBucket(data: JsonObject): JsonObject {
  for (const field of ["collection:schema", "group:schema", "record:schema"]) {
    const schema = data[field];
    if (schema === undefined) continue;
    if (!isJsonObject(schema)) throw invalidParameter("body", `data.${field}`, "Schema should be a JSON object.");
    checkSchema(schema, `data.${field}`);
  }
  return data;
}

/**
 * With validation on: the collection's non-empty `schema`, then the bucket's `record:schema`
 * (contract §3.6). A record valid against its collection's schema is stamped with its version.
 */
function validateRecord(data: JsonObject, context: ValidationContext): JsonObject {
  if (!context.settings.experimentalCollectionSchemaValidation) return data;
  const collection = context.parent;
  const schema = collection?.data.schema;
  let result = data;
  if (collection && isJsonObject(schema) && Object.keys(schema).length > 0) {
    validateWithSchema(data, schema, ["last_modified", "schema"]);
    result = { ...data, schema: collection.lastModified };
  }
  checkBucketSchema(data, "record", context);
  return result;
}

/**
 * `schema` must be a JSON Schema; `indexes` declared indexes (storage/declared-indexes.ts);
 * `cache_expires` an integer (a float is truncated, null removes it).
 */
function validateCollection(data: JsonObject, context: ValidationContext): JsonObject {
  const result = { ...data };
  if ("schema" in result) {
    const schema = result.schema;
    if (!isJsonObject(schema)) throw invalidParameter("body", "data.schema", "Schema should be a JSON object.");
    checkSchema(schema, "data.schema");
  }
  if ("indexes" in result) checkDeclaredIndexes(result.indexes);
  if ("cache_expires" in result) {
    const value = result.cache_expires;
    if (value === null) {
      delete result.cache_expires;
    } else if (isNumeric(value)) {
      result.cache_expires = Math.trunc(toDouble(value));
    } else {
      throw invalidParameter("body", "data.cache_expires", `${JSON.stringify(value)} is not an integer`);
    }
  }
  checkBucketSchema(result, "collection", context);
  return result;
}

/** `members` defaults to []; each member is a principal, never a group or `system.Everyone`. */
function validateGroup(data: JsonObject, context: ValidationContext): JsonObject {
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
  const result = { ...data, members };
  checkBucketSchema(result, "group", context);
  return result;
}

/** The member list of a stored group. */
export function groupMembers(data: JsonObject): string[] {
  const members = data.members;
  return Array.isArray(members) ? members.filter((m): m is string => typeof m === "string") : [];
}
