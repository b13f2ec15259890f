/**
 * Request bodies (contract §2.1): content negotiation, size, JSON parsing that keeps
 * numbers exactly, and the `{data, permissions}` envelope.
 */
import { ERRNO, KintoError, invalidParameter, invalidParameters } from "../errors";
import { MAX_JSON_DEPTH } from "../limits";
import { isRawNumber } from "../json/numbers";
import { parseExactJson } from "../json/parse";
import type { JsonObject, JsonValue, Permissions } from "../wire";
import { textDepth, tooDeep } from "./json-depth";

/** D1 stores a row of at most 2,000,000 bytes; a body beyond this cannot be stored. */
export const MAX_BODY_BYTES = 2_000_000;

export const JSON_TYPES = ["application/json"] as const;
export const PATCH_TYPES = ["application/json", "application/merge-patch+json", "application/json-patch+json"] as const;

/** The media type without parameters, lower-cased; null when absent. */
export function mediaType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const type = contentType.split(";")[0]?.trim().toLowerCase();
  return type ? type : null;
}

/** 415 unless the Content-Type is absent or one of `accepted`. */
export function checkContentType(contentType: string | null | undefined, accepted: readonly string[]): string {
  const type = mediaType(contentType);
  if (type === null) return "application/json";
  if (accepted.includes(type)) return type;
  const list = accepted.map((t) => `'${t}'`).join(", ");
  throw invalidParameters(
    [{ location: "header", name: "Content-Type", description: `Content-Type header should be one of [${list}]` }],
    415,
  );
}

/** 406 unless `application/json` is acceptable. */
export function checkAccept(accept: string | null | undefined): void {
  if (!accept) return;
  const acceptable = accept.split(",").some((entry) => {
    const [range = "", ...params] = entry.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    if (q !== undefined && Number(q.slice(2)) === 0) return false;
    return range === "*/*" || range === "application/*" || range === "application/json" || range === "";
  });
  if (!acceptable) {
    throw invalidParameters(
      [{ location: "header", name: "Accept", description: "Accept header should be one of ['application/json']" }],
      406,
    );
  }
}

export function tooLarge(): KintoError {
  return new KintoError({
    status: 413,
    errno: ERRNO.REQUEST_TOO_LARGE,
    message: `Request body is too large (at most ${MAX_BODY_BYTES} bytes).`,
  });
}

/**
 * JSON.parse that keeps numbers exactly (src/json/parse.ts) and refuses what no double
 * holds (e.g. `1e400`). 400 `Invalid JSON: …` on any failure, and a 400 naming the limit
 * for text nested deeper than `maxDepth` (checked before parsing).
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonValue {
  if (textDepth(text) > maxDepth) throw tooDeep("");
  try {
    return parseExactJson(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // As Kinto's: the parse error (its message, the name being empty), then the body it
    // could not find.
    throw invalidParameters([
      { location: "body", name: "", description: `Invalid JSON: ${reason}` },
      { location: "body", name: "", description: "Required" },
    ]);
  }
}

/** Reads the body as text within the size limit. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw tooLarge();
  const text = await request.text();
  if (new TextEncoder().encode(text).length > limit) throw tooLarge();
  return text;
}

/** A JSON object: not an array, not a raw number. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawNumber(value);
}

/** A parsed `{data?, permissions?}` body. */
export interface Envelope {
  data?: JsonObject;
  permissions?: Permissions;
}

/** Parses a JSON body (empty = `{}`) into an object or (for JSON-Patch) an array. */
export function parseBody(text: string): JsonObject | JsonValue[] {
  if (text.trim() === "") return {};
  const value = parseJson(text);
  if (isJsonObject(value) || Array.isArray(value)) return value;
  throw invalidParameter("body", null, "Should be a JSON object or an array");
}

/** 400 `Unrecognized keys in mapping` when `body` has keys other than `known`. */
export function rejectUnknownKeys(body: JsonObject, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw invalidParameter("body", null, `Unrecognized keys in mapping: ${unknown.map((k) => `'${k}'`).join(", ")}`);
  }
}

/** 400 unless `name` is one of the kind's permission names. */
export function checkPermissionName(name: string, allowed: readonly string[]): void {
  if (!allowed.includes(name)) {
    throw invalidParameter("body", `permissions.${name}`, `'${name}' is not one of ${allowed.join(", ")}`);
  }
}

/** Validates the envelope shape; permission names are checked against `allowed`. */
export function parseEnvelope(body: JsonObject | JsonValue[], allowed: readonly string[]): Envelope {
  if (Array.isArray(body)) throw invalidParameter("body", null, "Should be a JSON object");
  rejectUnknownKeys(body, ["data", "permissions"]);
  const envelope: Envelope = {};
  if ("data" in body) {
    if (!isJsonObject(body.data)) throw invalidParameter("body", "data", `${JSON.stringify(body.data)} is not a mapping type`);
    envelope.data = body.data;
  }
  if ("permissions" in body) envelope.permissions = parsePermissions(body.permissions, allowed, false);
  return envelope;
}

/**
 * `{name: [principal, …]}` with known names only. With `allowNull`, a null list
 * (PATCH: "leave this permission alone") is dropped instead of rejected.
 */
export function parsePermissions(value: JsonValue | undefined, allowed: readonly string[], allowNull: boolean): Permissions {
  if (!isJsonObject(value)) {
    throw invalidParameter("body", "permissions", `${JSON.stringify(value)} is not a mapping type`);
  }
  const permissions: Permissions = {};
  for (const [name, principals] of Object.entries(value)) {
    checkPermissionName(name, allowed);
    if (principals === null && allowNull) continue;
    if (!Array.isArray(principals) || !principals.every((p) => typeof p === "string")) {
      throw invalidParameter("body", `permissions.${name}`, `${JSON.stringify(principals)} is not a list of strings`);
    }
    permissions[name] = [...new Set(principals.map((p) => p.trim()))];
  }
  return permissions;
}
