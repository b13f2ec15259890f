/** The three PATCH flavours (contract §3.1.6, §3.7), applied to an existing object. */
import { applyPatch, getValueByPointer, type Operation } from "fast-json-patch";
import { invalidParameter } from "../errors";
import { checkPermissionName, isJsonObject, parsePermissions } from "../http/body";
import { cloneJson } from "../json/parse";
import { deepEqual } from "../protocol/query/memory-filter";
import { patchPermissions } from "../permissions/acl";
import type { JsonObject, JsonValue, Permissions } from "../wire";
import type { PatchBody } from "./protocol";

export interface Patched {
  data: JsonObject;
  permissions: Permissions;
  /** Top-level data keys the request named (for `Response-Behavior`). */
  sentKeys: string[];
  /** The values sent for those keys. */
  sent: JsonObject;
}

/** RFC 7396: objects merge recursively, null removes, anything else replaces. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** The ACL as JSON-Patch sees it: `{perm: {principal: principal}}`; `read` and `write` always exist. */
function aclAsDocument(permissions: Permissions): JsonObject {
  const document: JsonObject = { read: {}, write: {} };
  for (const [name, principals] of Object.entries(permissions)) {
    document[name] = Object.fromEntries(principals.map((p) => [p, p]));
  }
  return document;
}

function aclFromDocument(document: JsonValue, allowed: readonly string[]): Permissions {
  if (!isJsonObject(document)) throw invalidParameter("body", "permissions", "Permissions should be a mapping");
  const permissions: Permissions = {};
  for (const [name, value] of Object.entries(document)) {
    checkPermissionName(name, allowed);
    if (Array.isArray(value)) permissions[name] = parsePermissions({ [name]: value }, allowed, false)[name] ?? [];
    else if (isJsonObject(value)) permissions[name] = Object.keys(value);
    else throw invalidParameter("body", `permissions.${name}`, `${JSON.stringify(value)} is not a list of principals`);
  }
  return permissions;
}

function valueAt(document: JsonObject, pointer: string): JsonValue | undefined {
  try {
    return getValueByPointer(document, pointer) as JsonValue | undefined;
  } catch {
    return undefined;
  }
}

/**
 * fast-json-patch copies through JSON text (which would round raw numbers) and compares
 * with `hasOwnProperty` (which raw numbers lack): a `copy` becomes the `add` of a lossless
 * copy, a `test` is decided here, numbers by value as Python's `==`. Operations on a
 * missing path are left to the library, for its error.
 */
function keepingNumbers(document: JsonObject, operation: Operation): Operation {
  if (operation.op !== "copy" && operation.op !== "test") return operation;
  const current = valueAt(document, operation.op === "copy" ? operation.from : operation.path);
  if (current === undefined) return operation;
  if (operation.op === "copy") return { op: "add", path: operation.path, value: cloneJson(current) };
  if (!deepEqual(current, operation.value as JsonValue)) throw new Error("Test operation failed");
  return { op: "test", path: operation.path, value: current };
}

function applyJsonPatch(data: JsonObject, permissions: Permissions, operations: JsonValue[], allowed: readonly string[]): Patched {
  const document: JsonObject = { data: cloneJson(data), permissions: aclAsDocument(permissions) };
  const sentKeys = new Set<string>();
  for (const operation of operations) {
    if (!isJsonObject(operation) || typeof operation.op !== "string" || typeof operation.path !== "string") {
      throw invalidParameter("body", null, "JSON Patch operation failed: each operation needs `op` and `path`");
    }
    // `add`/`remove` of a principal may omit the value (kinto-http.js does).
    const isPrincipal = /^\/permissions\/[^/]+\/.+/.test(operation.path);
    if (isPrincipal && operation.value === undefined && (operation.op === "add" || operation.op === "test")) {
      operation.value = operation.path.split("/").slice(3).join("/").replace(/~1/g, "/").replace(/~0/g, "~");
    }
    const key = /^\/data\/([^/]+)/.exec(operation.path)?.[1];
    if (key !== undefined) sentKeys.add(key.replace(/~1/g, "/").replace(/~0/g, "~"));
  }
  try {
    for (const operation of operations as unknown as Operation[]) applyPatch(document, [keepingNumbers(document, operation)], true, true);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw invalidParameter("body", null, `JSON Patch operation failed: ${reason}`);
  }
  if (!isJsonObject(document.data)) throw invalidParameter("body", "data", "data should be a mapping");
  const patchedData = document.data;
  const sent: JsonObject = {};
  for (const key of sentKeys) if (key in patchedData) sent[key] = patchedData[key] as JsonValue;
  return {
    data: patchedData,
    permissions: aclFromDocument(document.permissions ?? {}, allowed),
    sentKeys: [...sentKeys],
    sent,
  };
}

/** Applies `patch` to the stored `data` / `permissions`. Throws 400 on an invalid patch. */
export function applyPatchBody(
  data: JsonObject,
  permissions: Permissions,
  patch: PatchBody,
  allowed: readonly string[],
): Patched {
  switch (patch.flavour) {
    case "json": {
      const sent = patch.data ?? {};
      return {
        data: { ...data, ...sent },
        permissions: patch.permissions ? patchPermissions(permissions, patch.permissions) : permissions,
        sentKeys: Object.keys(sent),
        sent,
      };
    }
    case "merge": {
      const sentValue = patch.data ?? {};
      if (!isJsonObject(sentValue)) throw invalidParameter("body", "data", "data should be a mapping");
      const merged = mergePatch(data, sentValue);
      let nextPermissions = permissions;
      if (patch.permissions !== null && patch.permissions !== undefined) {
        if (!isJsonObject(patch.permissions)) throw invalidParameter("body", "permissions", "permissions should be a mapping");
        const given: Record<string, string[] | null> = {};
        for (const [name, value] of Object.entries(patch.permissions)) {
          checkPermissionName(name, allowed);
          given[name] = value === null ? null : (parsePermissions({ [name]: value }, allowed, false)[name] ?? []);
        }
        nextPermissions = patchPermissions(permissions, given);
      }
      return { data: merged as JsonObject, permissions: nextPermissions, sentKeys: Object.keys(sentValue), sent: sentValue };
    }
    case "json-patch":
      return applyJsonPatch(data, permissions, patch.operations, allowed);
  }
}
