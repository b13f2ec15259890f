/**
 * Callers of the identity & permission suites (test/permissions, test/accounts, test/plugins):
 * any number of basicauth users, requests with arbitrary credentials, and settings overrides
 * that reach both the worker and the Writers that authorize writes.
 *
 * Settings note: writes are authorized inside the Writer Durable Object of their parent, which
 * reads settings from its own env. `buildApp().fetch(request, {...env, KINTO_X})` only changes
 * the worker's settings, so `withWriterSettings` also swaps the env of the Writers named by
 * their parent id (`/` for buckets and accounts, `/buckets/b`, `/buckets/b/collections/c`).
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { buildApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import { type Res, uid, urlOf } from "../resources/helpers";

export type Vars = Record<string, string>;

/** The secret of wrangler.toml [vars], used by basicauth user ids in these tests. */
export const SECRET = String((env as unknown as Record<string, unknown>).KINTO_USERID_HMAC_SECRET ?? "");

export interface Call {
  method?: string;
  /** Below `/v1` (e.g. `/buckets`), or an absolute URL. */
  url: string;
  /** The Authorization header value; absent or null: anonymous. */
  auth?: string | null;
  headers?: Record<string, string>;
  /** JSON-encoded when given; a string is sent verbatim. */
  body?: unknown;
  /** Worker settings overrides (`KINTO_*`); see `withWriterSettings` for writes. */
  vars?: Vars;
}

const app = buildApp();

export function basicAuth(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}

export async function toRes(response: Response): Promise<Res> {
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, body };
}

export function requestOf(c: Call): Request {
  const headers = new Headers();
  if (c.auth) headers.set("Authorization", c.auth);
  let body: Uint8Array | undefined;
  if (c.body !== undefined) {
    body = new TextEncoder().encode(typeof c.body === "string" ? c.body : JSON.stringify(c.body));
    headers.set("Content-Type", "application/json");
  }
  for (const [name, value] of Object.entries(c.headers ?? {})) headers.set(name, value);
  return new Request(urlOf({ url: c.url }), {
    method: c.method ?? "GET",
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: "manual",
  });
}

/** Sends one request: to the worker itself, or to an app built over `{...env, ...vars}`. */
export async function call(c: Call): Promise<Res> {
  const request = requestOf(c);
  const response =
    c.vars === undefined ? await exports.default.fetch(request) : await app.fetch(request, { ...(env as object), ...c.vars });
  return toRes(response);
}

/** Sends and asserts a 2xx status. */
export async function okCall(c: Call): Promise<Res> {
  const res = await call(c);
  expect(res.status, `${c.method ?? "GET"} ${c.url} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(300);
  return res;
}

/** Lowercase hex HMAC-SHA256, computed here independently of src/ (contract §7.2 step 4). */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  // WebCrypto rejects an empty HMAC key; HMAC zero-pads keys, so one zero byte is the same key.
  const raw = secret === "" ? new Uint8Array(1) : encoder.encode(secret);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...signature].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function basicauthUserId(username: string, password: string, secret = SECRET): Promise<string> {
  return `basicauth:${await hmacSha256Hex(secret, `${username}:${password}`)}`;
}

export interface User {
  name: string;
  /** Authorization header value. */
  auth: string;
  /** `basicauth:<hmac>`. */
  id: string;
}

/** A fresh basicauth user (`<prefix>-<random>:secret`), unknown to every other test. */
export async function newUser(prefix = "u"): Promise<User> {
  const name = uid(prefix);
  return { name, auth: basicAuth(name, "secret"), id: await basicauthUserId(name, "secret") };
}

function writerStub(parent: string) {
  const namespace = (env as unknown as Bindings).WRITER;
  return namespace.get(namespace.idFromName(parent || "/"));
}

/**
 * Runs `fn` while the Writers of `parents` read their settings from `{...env, ...vars}`.
 * Pass the same `vars` to `call` inside `fn` for the worker side.
 */
export async function withWriterSettings<T>(vars: Vars, parents: string[], fn: () => Promise<T>): Promise<T> {
  const saved: { parent: string; env: object }[] = [];
  for (const parent of new Set(parents)) {
    await runInDurableObject(writerStub(parent), (instance) => {
      const writer = instance as unknown as { env: object };
      saved.push({ parent, env: writer.env });
      writer.env = { ...writer.env, ...vars };
    });
  }
  try {
    return await fn();
  } finally {
    for (const { parent, env: original } of saved) {
      await runInDurableObject(writerStub(parent), (instance) => {
        (instance as unknown as { env: object }).env = original;
      });
    }
  }
}

/** Asserts a Kinto error envelope with its status and errno. */
export function expectError(res: Res, status: number, errno: number, context = ""): void {
  expect(res.status, `${context} ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.body, context).toMatchObject({ code: status, errno });
  expect(typeof res.body?.error, context).toBe("string");
}

/** 401 errno 104 with the Basic challenge (contract §2.3, §6.4, A06). */
export function expect401(res: Res, context = ""): void {
  expectError(res, 401, 104, context);
  expect(res.headers.get("WWW-Authenticate"), context).toBe('Basic realm="Realm"');
}

/** 403 errno 121 (contract §2.6). */
export function expect403(res: Res, context = ""): void {
  expectError(res, 403, 121, context);
  expect(res.headers.get("WWW-Authenticate"), context).toBeNull();
}

/** The ids of a `{data: [...]}` list, sorted. */
export function idsOf(res: Res): string[] {
  return (res.body?.data as { id: string }[]).map((object) => object.id).sort();
}

/** POST /batch with `requests`, as `auth`. */
export async function batch(auth: string | null, requests: unknown[], defaults?: unknown): Promise<Res> {
  return okCall({ method: "POST", url: "/batch", auth, body: { ...(defaults ? { defaults } : {}), requests } });
}
