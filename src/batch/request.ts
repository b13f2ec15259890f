/** The `/batch` request body (contract §8): validation and the `defaults` merge. */
import { invalidParameter, invalidParameters } from "../errors";
import { isJsonObject, rejectUnknownKeys } from "../http/body";
import type { JsonObject, JsonValue, ValidationDetail } from "../wire";

export const BATCH_METHODS = ["GET", "HEAD", "DELETE", "TRACE", "POST", "PUT", "PATCH"] as const;
export type BatchMethod = (typeof BATCH_METHODS)[number];

export interface SubRequest {
  method: BatchMethod;
  /** Always starts with `/v1`; may carry a query string. */
  path: string;
  headers: Record<string, string>;
  body: JsonObject | null;
}

/** Request values win; objects (`headers`, `body` and what they hold) merge key by key. */
export function mergeDefaults(request: JsonObject, defaults: JsonObject): JsonObject {
  const merged: JsonObject = { ...defaults };
  for (const [key, value] of Object.entries(request)) {
    const fallback = merged[key];
    merged[key] = isJsonObject(value) && isJsonObject(fallback) ? mergeDefaults(value, fallback) : value;
  }
  return merged;
}

function checkFields(value: JsonObject, name: string, requirePath: boolean): ValidationDetail[] {
  const details: ValidationDetail[] = [];
  const fail = (field: string, description: string): void => {
    details.push({ location: "body", name: `${name}.${field}`, description });
  };
  for (const key of Object.keys(value)) {
    if (!["method", "path", "headers", "body"].includes(key)) fail(key, `Unrecognized key '${key}'`);
  }
  if (value.method !== undefined && !BATCH_METHODS.includes(value.method as BatchMethod)) {
    fail("method", `${JSON.stringify(value.method)} is not one of ${BATCH_METHODS.join(", ")}`);
  }
  if (value.path === undefined) {
    if (requirePath) fail("path", "Required");
  } else if (typeof value.path !== "string" || !value.path.startsWith("/")) {
    fail("path", `${JSON.stringify(value.path)} does not start with /`);
  } else if (/\/batch(\/|\?|$)/.test(value.path.split("?")[0] ?? "")) {
    fail("path", "Recursive call on /batch endpoint is forbidden.");
  }
  if (value.headers !== undefined) {
    if (!isJsonObject(value.headers) || !Object.values(value.headers).every((v) => typeof v === "string")) {
      fail("headers", "Headers should be a mapping of strings");
    }
  }
  if (value.body !== undefined && !isJsonObject(value.body)) fail("body", "Should be a JSON object");
  return details;
}

function withPrefix(path: string): string {
  if (/^\/v\d+(\/|\?|$)/.test(path)) return path;
  return `/v1${path}`;
}

/** Parses the batch body; 400 with every problem listed. `limit` null means unlimited. */
export function parseBatch(body: JsonValue, limit: number | null): SubRequest[] {
  if (!isJsonObject(body)) throw invalidParameter("body", null, "Should be a JSON object");
  rejectUnknownKeys(body, ["defaults", "requests"]);
  const defaults = body.defaults ?? {};
  if (!isJsonObject(defaults)) throw invalidParameter("body", "defaults", "Should be a JSON object");
  const requests = body.requests;
  if (!Array.isArray(requests)) throw invalidParameter("body", "requests", "Required and should be a list");
  if (limit !== null && requests.length > limit) {
    throw invalidParameter("body", "requests", `Number of requests is limited to ${limit}`);
  }
  const details = checkFields(defaults, "defaults", false);
  const merged = requests.map((request, index) => {
    if (!isJsonObject(request)) {
      details.push({ location: "body", name: `requests.${index}`, description: "Should be a JSON object" });
      return {};
    }
    details.push(...checkFields(request, `requests.${index}`, false));
    const result = mergeDefaults(request, defaults);
    if (result.path === undefined) details.push({ location: "body", name: `requests.${index}.path`, description: "Required" });
    return result;
  });
  if (details.length > 0) throw invalidParameters(details);
  return merged.map((request) => ({
    method: (request.method ?? "GET") as BatchMethod,
    path: withPrefix(request.path as string),
    headers: (request.headers ?? {}) as Record<string, string>,
    body: isJsonObject(request.body) ? request.body : null,
  }));
}
