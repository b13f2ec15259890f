/**
 * Runs the sub-requests of a batch in order. Consecutive writes to one parent by one author
 * go to that parent's Writer in one call, committed in one D1 transaction; consecutive reads
 * (GET, HEAD) are dispatched together, up to READS_IN_FLIGHT at once; everything else is
 * dispatched in-process through the app, one at a time. Each sub-request keeps its own status.
 */
import type { Hono } from "hono";
import { presetIdentity, type Authenticator, type Identity } from "../auth/identity";
import type { Settings } from "../config";
import type { AppEnv } from "../context";
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import { KintoError } from "../errors";
import { renderError } from "../http/error-handler";
import { MAX_BODY_BYTES, tooLarge } from "../http/body";
import { secured } from "../http/cors";
import { writeOpOf, type WriteMethod } from "../resources/write-op";
import { renderResult } from "../resources/write";
import { matchResourcePath } from "../routes/match";
import { D1Storage } from "../storage/d1";
import { sendToWriter, writerName } from "../writer/client";
import type { WriteOp } from "../writer/protocol";
import { rewriteBodyId, type Rewrite, type RewriteInput } from "../plugins/plugin";
import type { SubRequest } from "./request";
import { catalogOf } from "../storage/shards";

export interface BatchEntry {
  status: number;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const WRITE_METHODS = new Set<string>(["POST", "PUT", "PATCH", "DELETE"]);
const READ_METHODS = new Set<string>(["GET", "HEAD"]);
/** Consecutive reads dispatched at once, at most. */
const READS_IN_FLIGHT = 10;
const MAX_REDIRECTS = 2;

interface Pending {
  writer: string;
  authorization: string;
  identity: Identity;
  entries: { index: number; op: WriteOp; url: URL; sentPath: string }[];
}

/** What a batch run needs from the request around it. */
export interface BatchContext {
  app: Hono<AppEnv>;
  env: Bindings;
  settings: Settings;
  authenticator: Authenticator;
  origin: string;
  /** The batch request's own headers; sub-request headers overlay them. */
  headers: Headers;
  /** The batch request's identity: sub-requests with the same `Authorization` reuse it. */
  identity: Identity;
  executionCtx: ExecutionContext | undefined;
  /** Plugin path rewrites (default bucket), applied before a write is grouped. */
  rewrite(input: RewriteInput): Promise<Rewrite | null>;
}

const SPECIAL_CASE: Record<string, string> = { etag: "ETag", "www-authenticate": "WWW-Authenticate" };

/** `content-type` → `Content-Type`, as Kinto spells response headers. */
function headerName(name: string): string {
  return SPECIAL_CASE[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

async function toEntry(response: Response, path: string, method: string): Promise<BatchEntry> {
  const text = method === "HEAD" ? "" : await response.text();
  let body: unknown = text;
  if (text !== "") {
    try {
      body = parseExactJson(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, path, headers: Object.fromEntries([...response.headers].map(([name, value]) => [headerName(name), value])), body };
}

function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

export async function runBatch(context: BatchContext, requests: SubRequest[]): Promise<BatchEntry[]> {
  const entries: BatchEntry[] = new Array<BatchEntry>(requests.length);
  const identities = new Map<string, Identity>([[context.headers.get("Authorization") ?? "", context.identity]]);
  let pending: Pending | null = null;

  const identityFor = async (authorization: string): Promise<Identity> => {
    let identity = identities.get(authorization);
    if (identity === undefined) {
      const storage = new D1Storage(catalogOf(context.env));
      identity = await context.authenticator.identify(authorization || null, context.settings, storage);
      identities.set(authorization, identity);
    }
    return identity;
  };

  // Consecutive reads run at once: no write of this batch lies between them.
  let reads: { index: number; dispatched: Dispatched }[] = [];
  const runReads = async (): Promise<void> => {
    const run = reads;
    reads = [];
    await Promise.all(run.map(async ({ index, dispatched }) => (entries[index] = await dispatch(context, dispatched))));
  };

  const flush = async (): Promise<void> => {
    await runReads();
    if (pending === null) return;
    const group = pending;
    pending = null;
    const { userId, principals } = group.identity;
    const results = await sendToWriter(context.env, { author: { userId, principals }, ops: group.entries.map((e) => e.op), origin: context.origin });
    await Promise.all(
      group.entries.map(async ({ index, url, sentPath }, i) => {
        const result = results[i];
        if (result === undefined) throw new Error("the writer answered fewer results than operations");
        entries[index] = await toEntry(secured(renderResult(result, url)), sentPath, "POST");
      }),
    );
  };

  for (const [index, request] of requests.entries()) {
    let url = new URL(request.path, context.origin);
    // Each response echoes the path as sent (`/v1/buckets/default/…`), as Kinto's does.
    const sentPath = decodedPath(url);
    const headers = new Headers(context.headers);
    headers.delete("Content-Length");
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
    let body = request.body === null ? "" : JSON.stringify(request.body);
    if (request.body !== null) headers.set("Content-Type", "application/json; charset=utf-8");
    if (WRITE_METHODS.has(request.method)) {
      try {
        const identity = await identityFor(headers.get("Authorization") ?? "");
        const rewritten = await context.rewrite({
          method: request.method,
          path: url.pathname,
          identity,
          settings: context.settings,
          env: context.env,
        });
        if (rewritten !== null) {
          url = new URL(`${rewritten.path}${url.search}`, url);
          body = rewriteBodyId(body, rewritten);
        }
      } catch (error) {
        if (!(error instanceof KintoError)) throw error;
        await flush();
        entries[index] = await toEntry(secured(renderError(error)), sentPath, request.method);
        continue;
      }
    }

    const match = WRITE_METHODS.has(request.method) ? matchResourcePath(url.pathname.replace(/^\/v1/, "")) : null;
    if (match !== null && url.pathname.startsWith("/v1/")) {
      try {
        if (body.length > MAX_BODY_BYTES) throw tooLarge();
        const op = await writeOpOf({
          method: request.method as WriteMethod,
          resource: match.resource,
          location: match.location,
          id: match.id,
          headers,
          body,
          search: url.search,
        });
        const authorization = headers.get("Authorization") ?? "";
        const writer = writerName(op);
        if (pending !== null && (pending.writer !== writer || pending.authorization !== authorization)) await flush();
        pending ??= { writer, authorization, identity: await identityFor(authorization), entries: [] };
        pending.entries.push({ index, op, url, sentPath });
      } catch (error) {
        if (!(error instanceof KintoError)) throw error;
        await flush();
        entries[index] = await toEntry(secured(renderError(error)), sentPath, request.method);
      }
      continue;
    }
    const read = READ_METHODS.has(request.method);
    // Queued reads come before a pending write in the batch: flush runs them first.
    if (!read || pending !== null) await flush();
    const identity = await identityFor(headers.get("Authorization") ?? "");
    const dispatched: Dispatched = { method: request.method, url, headers, body, identity, sentPath };
    if (read) {
      reads.push({ index, dispatched });
      if (reads.length >= READS_IN_FLIGHT) await runReads();
      continue;
    }
    entries[index] = await dispatch(context, dispatched);
  }
  await flush();
  return entries;
}

interface Dispatched {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  identity: Identity;
  /** The path the response reports unless a redirect is followed. */
  sentPath: string;
}

/** Sends a sub-request through the app itself, following its redirects. */
async function dispatch(context: BatchContext, { method, url: start, headers, body, identity, sentPath }: Dispatched): Promise<BatchEntry> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const init = { method, headers, ...(body !== "" && method !== "GET" && method !== "HEAD" ? { body } : {}) };
    const request = presetIdentity(new Request(url, init), identity);
    const response = await context.app.fetch(request, context.env, context.executionCtx);
    const location = response.headers.get("Location");
    if (response.status === 307 && location !== null && hop < MAX_REDIRECTS) {
      url = new URL(location, url);
      continue;
    }
    // A followed redirect reports where it led, as Kinto's `follow_subrequest` does.
    return toEntry(response, hop === 0 ? sentPath : decodedPath(url), method);
  }
}
