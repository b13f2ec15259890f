// A thin `fetch` client for the concurrency tests: one user per instance (basic auth, or
// anonymous), every response parsed once, stamped on a logical clock and counted by status.
//
// The logical clock orders client-side events: `sentAt` is taken before the request leaves,
// `ackedAt` after its whole response was read. So `a.ackedAt < b.sentAt` proves that the
// server answered `a` before it received `b` (real-time order), which is what the
// invariants compare against timestamps and listings.
import { serverUrl } from "../client";

let lastTick = 0;
/** The next value of the logical clock shared by every client of this test file. */
export function tick(): number {
  return ++lastTick;
}

/** JSON as the server returns it; tests narrow it where they read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: Json;
  /** The ETag header as a number, or null. */
  etag: number | null;
  nextPage: string | null;
  sentAt: number;
  ackedAt: number;
}

export interface SubRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Json;
}

export interface SubResponse {
  status: number;
  path: string;
  headers: Record<string, string>;
  body: Json;
}

export interface BatchResponse extends ApiResponse {
  /** `body.responses`, or [] when the batch itself failed. */
  responses: SubResponse[];
}

/** One unexpected answer, kept with enough context to name it in a report. */
export interface Evidence {
  method: string;
  path: string;
  status: number;
  body: string;
}

/** Counts every status seen (batch sub-responses included) and keeps the 5xx and 409 answers. */
export class Recorder {
  readonly byStatus = new Map<number, number>();
  readonly serverErrors: Evidence[] = [];
  readonly conflicts: Evidence[] = [];

  note(method: string, path: string, status: number, body: unknown): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status >= 500 || status === 409) {
      const evidence = { method, path, status, body: JSON.stringify(body)?.slice(0, 400) ?? "" };
      (status === 409 ? this.conflicts : this.serverErrors).push(evidence);
    }
  }

  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  histogram(): Record<string, number> {
    return Object.fromEntries([...this.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
  }
}

export function parseEtag(value: string | null): number | null {
  if (value === null) return null;
  const match = /^"?(\d+)"?$/.exec(value.trim());
  return match ? Number(match[1]) : null;
}

export function basicAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:s3cret`).toString("base64")}`;
}

export class Api {
  readonly base: string;

  /** `user` null: anonymous requests. */
  constructor(
    readonly user: string | null,
    readonly recorder: Recorder = new Recorder(),
    base: string = serverUrl(),
  ) {
    this.base = base.replace(/\/+$/, "");
  }

  /** Same server and recorder, another user. */
  as(user: string | null): Api {
    return new Api(user, this.recorder, this.base);
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.base}${path}`;
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    if (this.user !== null) headers.Authorization = basicAuth(this.user);
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers["Content-Type"] ??= "application/json";
    }
    const url = this.url(path);
    const sentAt = tick();
    const response = await fetch(url, { method, headers, body: payload });
    const text = await response.text();
    const ackedAt = tick();
    let body: Json = text;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    this.recorder.note(method, new URL(url).pathname, response.status, body);
    return {
      method,
      url,
      status: response.status,
      headers: response.headers,
      body,
      etag: parseEtag(response.headers.get("ETag")),
      nextPage: response.headers.get("Next-Page"),
      sentAt,
      ackedAt,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("GET", path, { headers });
  }

  put(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("PUT", path, { body, headers });
  }

  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("PATCH", path, { body, headers });
  }

  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("POST", path, { body, headers });
  }

  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.request("DELETE", path, { headers });
  }

  async batch(requests: SubRequest[], defaults?: SubRequest): Promise<BatchResponse> {
    const response = await this.request("POST", "/batch", {
      body: defaults === undefined ? { requests } : { defaults, requests },
    });
    const responses: SubResponse[] =
      response.status === 200 && Array.isArray(response.body?.responses) ? response.body.responses : [];
    for (const sub of responses) this.recorder.note("BATCH", sub.path, sub.status, sub.body);
    return { ...response, responses };
  }

  /** The authenticated user's id (`basicauth:…`) as hello reports it. */
  async userId(): Promise<string> {
    const hello = await this.get("/");
    const id = hello.body?.user?.id;
    if (typeof id !== "string") throw new Error(`hello has no user for ${this.user}: ${JSON.stringify(hello.body)}`);
    return id;
  }
}

/** Throws with the response in the message unless its status is one of `expected`. */
export function expectStatus(response: ApiResponse, ...expected: number[]): ApiResponse {
  if (!expected.includes(response.status)) {
    throw new Error(
      `${response.method} ${response.url}: expected ${expected.join("/")}, got ${response.status} ` +
        JSON.stringify(response.body).slice(0, 600),
    );
  }
  return response;
}
