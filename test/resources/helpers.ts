/**
 * Shared helpers of the workerd integration tests: send a request to the real app,
 * build per-test fixtures (storage is isolated per test FILE, so every test creates its
 * own uniquely-named bucket) and run table-driven scenarios (style.md habit 7).
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "http://localhost";
export const API = `${ORIGIN}/v1`;

export function basic(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}

/** Authorization header values. `anonymous` sends no Authorization header. */
export const AUTH = {
  alice: basic("alice", "secret"),
  bob: basic("bob", "secret"),
  anonymous: null,
} as const;
export type Who = keyof typeof AUTH;

export const EVERYONE = "system.Everyone";
export const AUTHENTICATED = "system.Authenticated";

export const ETAG = /^"\d+"$/;
export const NAME_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7}$/;
export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A fresh id, valid for every kind, unique across tests. */
export function uid(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
}

export interface Req {
  method?: string;
  /** Path below `/v1` (e.g. `/buckets`), or an absolute URL, or a path starting with `/` outside v1 when `raw`. */
  url: string;
  /** When true, `url` is used as a path from the origin (no `/v1` prefix added). */
  raw?: boolean;
  /** Header values; `null` removes a default header. */
  headers?: Record<string, string | null>;
  /** Who sends it (default alice). */
  as?: Who;
  /** A string is sent verbatim; anything else is JSON-encoded. `undefined`: no body. */
  body?: unknown;
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for an empty body. Typed loosely: tests only read it in assertions. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON, navigated freely by assertions
  body: any;
}

export function urlOf(req: Pick<Req, "url" | "raw">): string {
  if (/^https?:\/\//.test(req.url)) return req.url;
  return req.raw ? `${ORIGIN}${req.url}` : `${API}${req.url}`;
}

/** Sends one request to the worker (in-process `exports.default.fetch`). */
export async function send(req: Req): Promise<Res> {
  const method = req.method ?? "GET";
  const headers = new Headers();
  const who = req.as ?? "alice";
  const auth = AUTH[who];
  if (auth !== null) headers.set("Authorization", auth);
  let body: Uint8Array | undefined;
  if (req.body !== undefined) {
    // Bytes, not a string: a string body would make fetch add `text/plain`.
    body = new TextEncoder().encode(typeof req.body === "string" ? req.body : JSON.stringify(req.body));
    headers.set("Content-Type", "application/json");
  }
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const response = await exports.default.fetch(
    new Request(urlOf(req), { method, headers, ...(body !== undefined ? { body } : {}), redirect: "manual" }),
  );
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Expected header: exact string, a RegExp, or `null` for "must be absent". */
export type HeaderExpectation = string | RegExp | null;

export interface Scenario extends Req {
  name: string;
  status: number;
  errno?: number;
  /** Expected headers (names are case-insensitive). */
  expectHeaders?: Record<string, HeaderExpectation>;
  /** A subset the JSON body must match (vitest `toMatchObject`). */
  expectBody?: unknown;
  /** Top-level body keys that must be absent. */
  absent?: string[];
  /** The body must be empty (HEAD, 304, 307). */
  emptyBody?: boolean;
}

export function expectHeader(res: Res, name: string, expected: HeaderExpectation): void {
  const actual = res.headers.get(name);
  if (expected === null) expect(actual, `header ${name} should be absent`).toBeNull();
  else if (typeof expected === "string") expect(actual, `header ${name}`).toBe(expected);
  else expect(actual, `header ${name}`).toMatch(expected);
}

/** Asserts a response against a scenario's expectations. */
export function check(res: Res, s: Omit<Scenario, "url" | "name">): void {
  const context = `${s.method ?? "GET"} → ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, context).toBe(s.status);
  if (s.errno !== undefined) {
    expect(res.body, context).toMatchObject({ code: s.status, errno: s.errno });
    expect(typeof res.body.error, context).toBe("string");
    expect(res.headers.get("Content-Type"), context).toMatch(/^application\/json/);
  }
  for (const [name, expected] of Object.entries(s.expectHeaders ?? {})) expectHeader(res, name, expected);
  if (s.expectBody !== undefined) expect(res.body, context).toMatchObject(s.expectBody as object);
  for (const key of s.absent ?? []) expect(res.body, context).not.toHaveProperty(key);
  if (s.emptyBody) expect(res.text, context).toBe("");
}

/** Sends a scenario's request and asserts its expectations; returns the response. */
export async function scenario(s: Scenario): Promise<Res> {
  const res = await send(s);
  check(res, s);
  return res;
}

/** Replaces `{name}` placeholders in strings, recursively through arrays and objects. */
export function fill<T>(value: T, vars: Record<string, string | number>): T {
  if (typeof value === "string") {
    return value.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole)) as T;
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, vars)) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)])) as T;
  }
  return value;
}

/** Plain objects only: matchers (`expect.any(…)`), RegExps and the like are kept as they are. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Runs a scenario whose strings carry `{placeholders}`. */
export function scenarioWith(s: Scenario, vars: Record<string, string | number>): Promise<Res> {
  return scenario(fill(s, vars));
}

// ---------------------------------------------------------------- fixtures

/** Asserts a 2xx status and returns the response. */
export async function ok(req: Req): Promise<Res> {
  const res = await send(req);
  expect(res.status, `${req.method ?? "GET"} ${req.url} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(300);
  return res;
}

export async function createBucket(as: Who = "alice", body: unknown = {}): Promise<string> {
  const id = uid("b");
  await ok({ method: "PUT", url: `/buckets/${id}`, as, body });
  return id;
}

export async function createCollection(bid: string, as: Who = "alice", body: unknown = {}): Promise<string> {
  const id = uid("c");
  await ok({ method: "PUT", url: `/buckets/${bid}/collections/${id}`, as, body });
  return id;
}

export async function createGroup(bid: string, members: string[] = [], as: Who = "alice"): Promise<string> {
  const id = uid("g");
  await ok({ method: "PUT", url: `/buckets/${bid}/groups/${id}`, as, body: { data: { members } } });
  return id;
}

export async function createRecord(
  bid: string,
  cid: string,
  data: Record<string, unknown> = {},
  as: Who = "alice",
  permissions?: Record<string, string[]>,
): Promise<{ id: string; last_modified: number; [key: string]: unknown }> {
  const res = await ok({
    method: "POST",
    url: `/buckets/${bid}/collections/${cid}/records`,
    as,
    body: { data, ...(permissions ? { permissions } : {}) },
  });
  return res.body.data;
}

/** A bucket, a collection and one record `{title: "hello"}`, all by alice. */
export async function recordFixture(): Promise<{
  bid: string;
  cid: string;
  rid: string;
  rts: number;
  records: string;
  record: string;
}> {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  const rid = uid("r");
  const res = await ok({
    method: "PUT",
    url: `/buckets/${bid}/collections/${cid}/records/${rid}`,
    body: { data: { title: "hello" } },
  });
  const records = `/buckets/${bid}/collections/${cid}/records`;
  return { bid, cid, rid, rts: res.body.data.last_modified, records, record: `${records}/${rid}` };
}

/** The ETag of a response as a number. */
export function etagOf(res: Res): number {
  const etag = res.headers.get("ETag");
  expect(etag).toMatch(ETAG);
  return Number(etag?.slice(1, -1));
}

/** `Last-Modified` as Kinto writes it: the ETag instant floored to the second (§5.6). */
export function httpDate(timestamp: number): string {
  return new Date(Math.floor(timestamp / 1000) * 1000).toUTCString();
}

/** Asserts `ETag` = `"ts"` and `Last-Modified` = the same instant as an HTTP-date. */
export function expectTimestampHeaders(res: Res, ts: number): void {
  expect(res.headers.get("ETag")).toBe(`"${ts}"`);
  expect(res.headers.get("Last-Modified")).toBe(httpDate(ts));
}

/** The user id `GET /` reports for a caller. */
export async function userIdOf(as: Who): Promise<string> {
  const res = await ok({ url: "/", as });
  return res.body.user.id;
}
