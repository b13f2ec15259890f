/**
 * A write request → the WriteOp sent to the parent's Writer. Shared by the HTTP handlers and
 * `/batch`, so one sub-request and one request are parsed the same way. Throws 4xx KintoErrors.
 */
import { invalidParameter } from "../errors";
import {
  JSON_TYPES,
  PATCH_TYPES,
  checkContentType,
  isJsonObject,
  parseBody,
  parseEnvelope,
  parsePermissions,
  rejectUnknownKeys,
} from "../http/body";
import { parsePreconditions } from "../http/preconditions";
import type { PatchBody, ResponseBehavior, WriteOp } from "../writer/protocol";
import type { Location, ResourceName } from "./spec";
import { SPECS } from "./specs";

export type WriteMethod = "POST" | "PUT" | "PATCH" | "DELETE";

export interface WriteInput {
  method: WriteMethod;
  resource: ResourceName;
  location: Location;
  /** The object id from the path; null on plural endpoints. */
  id: string | null;
  headers: Headers;
  /** The raw body (size already checked). */
  body: string;
  /** The query string, with its leading `?` or empty. */
  search: string;
}

const BEHAVIORS: readonly ResponseBehavior[] = ["full", "light", "diff"];

export function responseBehavior(value: string | null): ResponseBehavior {
  if (value === null) return "full";
  const behavior = BEHAVIORS.find((b) => b === value);
  if (behavior === undefined) {
    throw invalidParameter("header", "Response-Behavior", `'${value}' is not one of full, light, diff`);
  }
  return behavior;
}

/** The PATCH body by Content-Type (contract §3.1.6). */
export function patchBodyOf(contentType: string, body: ReturnType<typeof parseBody>, allowed: readonly string[]): PatchBody {
  if (contentType === "application/json-patch+json") {
    if (!Array.isArray(body)) throw invalidParameter("body", null, "JSON Patch body should be an array of operations");
    return { flavour: "json-patch", operations: body };
  }
  if (!isJsonObject(body)) throw invalidParameter("body", null, "Should be a JSON object");
  rejectUnknownKeys(body, ["data", "permissions"]);
  if (body.data === undefined && body.permissions === undefined) {
    throw invalidParameter("body", "data", "Provide at least one of data or permissions");
  }
  if (contentType === "application/merge-patch+json") {
    return { flavour: "merge", data: body.data ?? null, permissions: body.permissions ?? null };
  }
  const envelope = parseEnvelope(body.data !== undefined ? { data: body.data } : {}, allowed);
  const permissions = body.permissions === undefined ? null : parsePermissions(body.permissions, allowed, true);
  return { flavour: "json", data: envelope.data ?? null, permissions };
}

/** `?last_modified=<int>` of an object DELETE, quoted or bare; anything else is ignored. */
function forcedDeleteTimestamp(search: string): number | null {
  const raw = new URLSearchParams(search).get("last_modified");
  if (raw === null || !/^"?\d+"?$/.test(raw)) return null;
  const value = Number(raw.replace(/"/g, ""));
  return Number.isSafeInteger(value) ? value : null;
}

/** Applies the kind's `prepareData` (password hashing) to every data a write carries. */
async function prepared(op: WriteOp): Promise<WriteOp> {
  const prepare = SPECS[op.resource].prepareData;
  if (prepare === undefined) return op;
  if ((op.kind === "create" || op.kind === "put") && op.data !== null) return { ...op, data: await prepare(op.data) };
  if (op.kind !== "patch") return op;
  const patch = op.patch;
  if (patch.flavour === "json-patch") {
    const operations = await Promise.all(
      patch.operations.map(async (operation) => {
        if (!isJsonObject(operation) || typeof operation.path !== "string" || operation.value === undefined) return operation;
        const field = /^\/data\/([^/]+)$/.exec(operation.path)?.[1];
        if (field === undefined) return operation;
        const data = await prepare({ [field]: operation.value });
        return { ...operation, value: data[field] ?? operation.value };
      }),
    );
    return { ...op, patch: { ...patch, operations } };
  }
  if (!isJsonObject(patch.data)) return op;
  return { ...op, patch: { ...patch, data: await prepare(patch.data) } } as WriteOp;
}

export function writeOpOf(input: WriteInput): Promise<WriteOp> {
  return prepared(parseWriteOp(input));
}

function parseWriteOp(input: WriteInput): WriteOp {
  const { method, resource, location, id, headers } = input;
  const spec = SPECS[resource];
  const preconditions = parsePreconditions(headers);
  const base = { resource, location, preconditions };
  if (method === "DELETE") {
    if (id === null) return { ...base, kind: "delete-list", query: input.search };
    return { ...base, kind: "delete", id, forcedTimestamp: forcedDeleteTimestamp(input.search) };
  }
  if (method === "PATCH") {
    const contentType = checkContentType(headers.get("Content-Type"), PATCH_TYPES);
    const behavior = responseBehavior(headers.get("Response-Behavior"));
    const patch = patchBodyOf(contentType, parseBody(input.body), spec.permissions);
    return { ...base, kind: "patch", id: id ?? "", patch, behavior };
  }
  checkContentType(headers.get("Content-Type"), JSON_TYPES);
  const envelope = parseEnvelope(parseBody(input.body), spec.permissions);
  const data = envelope.data ?? null;
  const permissions = envelope.permissions ?? null;
  if (method === "POST") return { ...base, kind: "create", data, permissions };
  return { ...base, kind: "put", id: id ?? "", data, permissions };
}
