/** POST, PUT, PATCH and DELETE: parse the request, send one op to the parent's Writer, shape the answer. */
import type { AppContext } from "../context";
import { KintoError, invalidParameter } from "../errors";
import {
  JSON_TYPES,
  PATCH_TYPES,
  checkContentType,
  isJsonObject,
  parseBody,
  parseEnvelope,
  parsePermissions,
  readBodyText,
} from "../http/body";
import { parsePreconditions, timestampHeaders } from "../http/preconditions";
import { json } from "../http/respond";
import { nextPageUrl } from "../protocol/query/next-page";
import { sendToWriter } from "../writer/client";
import type { PatchBody, ResponseBehavior, WriteOp, WriteResult } from "../writer/protocol";
import { locationOf } from "./location";
import type { ResourceName } from "./spec";
import { SPECS } from "./specs";

/** Runs one op through the Writer and renders its result. */
async function runOp(c: AppContext, op: WriteOp): Promise<Response> {
  const { userId, principals } = c.get("identity");
  const [result] = await sendToWriter(c.env, { author: { userId, principals }, ops: [op] });
  if (result === undefined) throw new Error("the writer answered no result");
  return renderResult(c, result);
}

export function renderResult(c: AppContext, result: WriteResult): Response {
  if (!result.ok) throw KintoError.fromBody(result.error, result.headers);
  const headers = timestampHeaders(result.timestamp);
  if (result.nextToken !== undefined && result.limit !== undefined) {
    headers["Next-Page"] = nextPageUrl(new URL(c.req.url), result.limit, result.nextToken);
  }
  return json(c, result.status, result.body, headers);
}

async function envelopeOf(c: AppContext, resource: ResourceName) {
  checkContentType(c.req.header("Content-Type"), JSON_TYPES);
  return parseEnvelope(parseBody(await readBodyText(c.req.raw)), SPECS[resource].permissions);
}

export function createObject(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const envelope = await envelopeOf(c, resource);
    return runOp(c, {
      kind: "create",
      resource,
      location: locationOf(c),
      preconditions: parsePreconditions(c.req.raw.headers),
      data: envelope.data ?? null,
      permissions: envelope.permissions ?? null,
    });
  };
}

export function putObject(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const envelope = await envelopeOf(c, resource);
    return runOp(c, {
      kind: "put",
      resource,
      location: locationOf(c),
      id: c.req.param("id") ?? "",
      preconditions: parsePreconditions(c.req.raw.headers),
      data: envelope.data ?? null,
      permissions: envelope.permissions ?? null,
    });
  };
}

const BEHAVIORS: readonly ResponseBehavior[] = ["full", "light", "diff"];

export function responseBehavior(value: string | undefined): ResponseBehavior {
  if (value === undefined) return "full";
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
  if (body.data === undefined && body.permissions === undefined) {
    throw invalidParameter("body", "data", "Provide at least one of data or permissions");
  }
  if (contentType === "application/merge-patch+json") {
    const unknown = Object.keys(body).filter((key) => key !== "data" && key !== "permissions");
    if (unknown.length > 0) throw invalidParameter("body", null, `Unrecognized keys in mapping: ${unknown.map((k) => `'${k}'`).join(", ")}`);
    return { flavour: "merge", data: body.data ?? null, permissions: body.permissions ?? null };
  }
  const envelope = parseEnvelope({ ...(body.data !== undefined ? { data: body.data } : {}) }, allowed);
  const permissions = body.permissions === undefined ? null : parsePermissions(body.permissions, allowed, true);
  return { flavour: "json", data: envelope.data ?? null, permissions };
}

export function patchObject(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const contentType = checkContentType(c.req.header("Content-Type"), PATCH_TYPES);
    const behavior = responseBehavior(c.req.header("Response-Behavior"));
    const body = parseBody(await readBodyText(c.req.raw));
    if (isJsonObject(body)) {
      const unknown = Object.keys(body).filter((key) => key !== "data" && key !== "permissions");
      if (unknown.length > 0 && contentType === "application/json") {
        throw invalidParameter("body", null, `Unrecognized keys in mapping: ${unknown.map((k) => `'${k}'`).join(", ")}`);
      }
    }
    return runOp(c, {
      kind: "patch",
      resource,
      location: locationOf(c),
      id: c.req.param("id") ?? "",
      preconditions: parsePreconditions(c.req.raw.headers),
      patch: patchBodyOf(contentType, body, SPECS[resource].permissions),
      behavior,
    });
  };
}

export function deleteObject(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> => {
    const raw = c.req.query("last_modified");
    const forced = raw !== undefined && /^"?\d+"?$/.test(raw) ? Number(raw.replace(/"/g, "")) : null;
    return runOp(c, {
      kind: "delete",
      resource,
      location: locationOf(c),
      id: c.req.param("id") ?? "",
      preconditions: parsePreconditions(c.req.raw.headers),
      forcedTimestamp: forced !== null && Number.isSafeInteger(forced) ? forced : null,
    });
  };
}

export function deletePlural(resource: ResourceName) {
  return async (c: AppContext): Promise<Response> =>
    runOp(c, {
      kind: "delete-list",
      resource,
      location: locationOf(c),
      preconditions: parsePreconditions(c.req.raw.headers),
      query: new URL(c.req.url).search,
    });
}
