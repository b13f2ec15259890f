/** Helpers of the attachment tests: multipart uploads to the real app, and the R2 bucket behind it. */
import { env, exports } from "cloudflare:workers";
import { buildApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import { shardsOf } from "../../src/storage/shards";
import { toRes } from "../permissions/helpers";
import { AUTH, urlOf, type Res, type Who } from "../resources/helpers";

export interface FilePart {
  /** Form field name (default `attachment`). */
  field?: string;
  filename: string;
  content: string | Uint8Array;
  type?: string;
}

export interface Upload {
  files?: FilePart[];
  /** Plain form fields, e.g. `data`, `permissions`. */
  fields?: Record<string, string>;
  as?: Who;
  headers?: Record<string, string>;
  method?: string;
  /** Worker settings overrides (`KINTO_*`); the Writers need `withWriterSettings` too. */
  vars?: Record<string, string>;
}

const app = buildApp();

/** Sends to the worker itself, or to an app over `{...env, ...vars}`. */
export function fetchWith(request: Request, vars?: Record<string, string>): Promise<Response> {
  return vars === undefined ? exports.default.fetch(request) : Promise.resolve(app.fetch(request, { ...(env as object), ...vars }));
}

export const IMAGE: FilePart = { filename: "image.jpg", content: "--fake--", type: "image/jpeg" };

export function attachmentUrl(bid: string, cid: string, rid: string): string {
  return `/buckets/${bid}/collections/${cid}/records/${rid}/attachment`;
}

/** POSTs a multipart form (default: one `image.jpg` file) to `url` (below `/v1`). */
export async function upload(url: string, { files = [IMAGE], fields = {}, as = "alice", headers = {}, method = "POST", vars }: Upload = {}): Promise<Res> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) {
    const bytes = typeof file.content === "string" ? new TextEncoder().encode(file.content) : file.content;
    form.append(file.field ?? "attachment", new File([bytes], file.filename, { type: file.type ?? "application/octet-stream" }));
  }
  const request = new Request(urlOf({ url }), { method, body: form });
  const auth = AUTH[as];
  if (auth !== null) request.headers.set("Authorization", auth);
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return toRes(await fetchWith(request, vars));
}

/** Sends a raw body (bytes or text) with the given Content-Type. */
export async function postRaw(url: string, body: string | Uint8Array, contentType: string | null, as: Who = "alice"): Promise<Res> {
  const headers = new Headers(contentType === null ? {} : { "Content-Type": contentType });
  const auth = AUTH[as];
  if (auth !== null) headers.set("Authorization", auth);
  return toRes(await exports.default.fetch(new Request(urlOf({ url }), { method: "POST", body, headers })));
}

export function bucket(): R2Bucket {
  const files = (env as { ATTACHMENTS?: R2Bucket }).ATTACHMENTS;
  if (files === undefined) throw new Error("no ATTACHMENTS binding in the test environment");
  return files;
}

/** The R2 key of a relative `location`. */
export async function storedText(key: string): Promise<string | null> {
  const object = await bucket().get(key);
  return object === null ? null : object.text();
}

export async function sha256(content: string | Uint8Array): Promise<string> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Rows of the file ledger of every shard, by key. */
export async function ledger(): Promise<{ key: string; record_uri: string; state: string }[]> {
  const rows = [];
  for (const db of shardsOf(env as unknown as Bindings)) {
    const { results } = await db.prepare("SELECT key, record_uri, state FROM attachment_files ORDER BY key").all<{ key: string; record_uri: string; state: string }>();
    rows.push(...results);
  }
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
