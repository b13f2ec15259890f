/**
 * The Kinto HTTP API over fetch, as the admin uses it: JSON envelopes, Kinto's error envelope
 * turned into ApiError, lists one page at a time (`Next-Page` followed verbatim, never all
 * pages), `Total-Records` from a HEAD.
 */
import type { ErrorBody, KintoObject, Permissions } from "../../src/wire";
import type { ServerInfo } from "./server";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    super(body === null ? `HTTP ${status}` : `${body.error} (errno ${body.errno}): ${body.message ?? ""}`.trim());
  }
}

export interface ObjectAnswer<T extends KintoObject = KintoObject> {
  data: T;
  permissions: Permissions;
}

export interface Page<T> {
  data: T[];
  /** The next page's URL, or null on the last page. */
  next: string | null;
}

type Query = Record<string, string | number | undefined>;

interface Options {
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  query?: Query;
}

/** The quoted ETag Kinto expects in `If-Match` for an object. */
export function etagOf(object: KintoObject): string {
  return `"${object.last_modified}"`;
}

export class Api {
  constructor(
    /** e.g. https://host/v1 */
    readonly base: string,
    private readonly authorization: string | null,
  ) {}

  url(path: string, query: Query = {}): string {
    const url = new URL(path.startsWith("http") ? path : `${this.base}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.href;
  }

  async call(method: string, path: string, options: Options = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    if (this.authorization !== null) headers.Authorization = this.authorization;
    let body: BodyInit | undefined;
    if (options.form !== undefined) body = options.form;
    else if (options.body !== undefined) {
      headers["Content-Type"] ??= "application/json";
      body = JSON.stringify(options.body);
    }
    const response = await fetch(this.url(path, options.query), { method, headers, body });
    if (response.ok) return response;
    let error: ErrorBody | null = null;
    try {
      error = (await response.json()) as ErrorBody;
    } catch {
      error = null;
    }
    throw new ApiError(response.status, error);
  }

  async json<T>(method: string, path: string, options: Options = {}): Promise<T> {
    const response = await this.call(method, path, options);
    return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  }

  hello(): Promise<ServerInfo> {
    return this.json<ServerInfo>("GET", "/");
  }

  async get<T extends KintoObject = KintoObject>(path: string): Promise<ObjectAnswer<T>> {
    const answer = await this.json<{ data: T; permissions?: Permissions }>("GET", path);
    return { data: answer.data, permissions: answer.permissions ?? {} };
  }

  /** One page of a plural endpoint; `path` is the endpoint or a `Next-Page` URL. */
  async page<T>(path: string, query: Query = {}): Promise<Page<T>> {
    const response = await this.call("GET", path, { query });
    const answer = (await response.json()) as { data: T[] };
    return { data: answer.data, next: response.headers.get("Next-Page") };
  }

  /** Every page, for the lists that are small by nature (signer diffs); stops after `cap` items. */
  async upTo<T>(path: string, query: Query, cap: number): Promise<{ data: T[]; complete: boolean }> {
    const data: T[] = [];
    let page = await this.page<T>(path, query);
    data.push(...page.data);
    while (page.next !== null && data.length < cap) {
      page = await this.page<T>(page.next);
      data.push(...page.data);
    }
    return { data: data.slice(0, cap), complete: page.next === null && data.length <= cap };
  }

  async total(path: string, query: Query = {}): Promise<number | null> {
    const response = await this.call("HEAD", path, { query });
    const total = response.headers.get("Total-Records") ?? response.headers.get("Total-Objects");
    return total === null ? null : Number(total);
  }

  create<T extends KintoObject = KintoObject>(path: string, data: Record<string, unknown>, permissions?: Permissions): Promise<ObjectAnswer<T>> {
    return this.json("POST", path, { body: { data, ...(permissions ? { permissions } : {}) } });
  }

  put<T extends KintoObject = KintoObject>(path: string, body: { data?: Record<string, unknown>; permissions?: Permissions }, ifMatch: string | null): Promise<ObjectAnswer<T>> {
    return this.json("PUT", path, { body, headers: ifMatch === null ? { "If-None-Match": "*" } : { "If-Match": ifMatch } });
  }

  patch<T extends KintoObject = KintoObject>(path: string, body: { data?: Record<string, unknown>; permissions?: Permissions }, ifMatch?: string): Promise<ObjectAnswer<T>> {
    return this.json("PATCH", path, { body, headers: ifMatch === undefined ? {} : { "If-Match": ifMatch } });
  }

  async remove(path: string, ifMatch?: string): Promise<void> {
    await this.call("DELETE", path, { headers: ifMatch === undefined ? {} : { "If-Match": ifMatch } });
  }
}

/** The API base URL of the admin served at `<base>/admin/`. */
export function apiBase(location: Location): string {
  return new URL("../", `${location.origin}${location.pathname}`).href.replace(/\/$/, "");
}
