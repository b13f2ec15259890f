// A small Kinto HTTP client over fetch: basic auth, the error envelope turned into one-line
// CliErrors, paged lists (Next-Page), and /v1/batch split by the server's batch_max_requests.
import { Buffer } from "node:buffer";
import http from "node:http";
import https from "node:https";
import { URL } from "node:url";
import { CliError, EXIT } from "./errors.mjs";
import { parseJson, stringifyJson } from "./json.mjs";

/** Attempts of a request answered 502/503/504 (waiting its Retry-After, at most 5 s). */
const ATTEMPTS = 3;

/** `http://host:8888` → `http://host:8888/v1`; a trailing `/v1` (any version) is kept. */
export function apiUrl(server) {
  const url = server.replace(/\/+$/, "");
  return /\/v\d+$/.test(url) ? url : `${url}/v1`;
}

/** The message of a Kinto error envelope, else the start of the body. */
export function envelopeMessage(status, body) {
  if (body !== null && typeof body === "object") {
    const details = body.details === undefined ? "" : ` ${JSON.stringify(body.details).slice(0, 300)}`;
    return `${status} ${body.error ?? ""}: ${body.message ?? ""}${body.message ? "" : details}`.trim();
  }
  return `${status} ${String(body ?? "").slice(0, 200)}`.trim();
}

async function readBody(response) {
  const text = await response.text();
  if (text === "") return null;
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof CliError) throw error;
    return text;
  }
}

/** What a refusal means for the operator, as one line. */
function refusal(method, url, status, body) {
  const what = envelopeMessage(status, body);
  if (status === 401) return new CliError(`${method} ${url}: authentication refused (${what}); check the credentials`);
  if (status === 403) return new CliError(`${method} ${url}: permission denied (${what}); check the credentials and permissions`);
  return new CliError(`${method} ${url}: ${what}`);
}

export class Client {
  /**
   * @param {string} server base URL, /v1 added when missing
   * @param {string | undefined} auth `user:password`, or nothing for anonymous requests
   * @param {{parallel?: number}} options `parallel`: batches of one `batch()` call in flight at once
   */
  constructor(server, auth, { parallel = 1 } = {}) {
    this.parallel = parallel;
    this.base = apiUrl(server);
    try {
      this.transport = new URL(this.base).protocol === "https:" ? https : http;
    } catch {
      throw new CliError(`not a URL: ${JSON.stringify(server)}`, EXIT.usage);
    }
    /** @type {Record<string, string>} */
    this.headers = auth ? { Authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {};
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 1 });
    /** @type {Promise<any> | null} */
    this.helloPromise = null;
  }

  /** An absolute URL for `path` (already absolute URLs are kept). */
  url(path) {
    return /^https?:\/\//.test(path) ? path : `${this.base}${path}`;
  }

  /**
   * One request; network failures exit 3, 502/503/504 are retried.
   * @returns {Promise<{status: number, headers: Headers, body: any}>}
   */
  async request(method, path, { body, headers = {} } = {}) {
    const url = this.url(path);
    const init = {
      method,
      headers: { ...this.headers, ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : stringifyJson(body),
    };
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch(url, init);
      } catch (error) {
        const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message;
        throw new CliError(`cannot reach ${new URL(url).origin}: ${cause}`, EXIT.unreachable);
      }
      const parsed = { status: response.status, headers: response.headers, body: await readBody(response) };
      if (![502, 503, 504].includes(response.status) || attempt === ATTEMPTS) return parsed;
      const wait = Math.min(Number(response.headers.get("Retry-After") ?? 1) || 1, 5);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }

  /** A request that must succeed: its JSON body (null for 204). */
  async json(method, path, body) {
    const response = await this.request(method, path, { body });
    if (response.status >= 400) throw refusal(method, this.url(path), response.status, response.body);
    return response.body;
  }

  /** `GET /v1/` (once): settings, capabilities and the caller's user. */
  hello() {
    this.helloPromise ??= this.json("GET", "/");
    return this.helloPromise;
  }

  /** Checks the credentials: a given `--auth` that the server does not accept is refused. */
  async authenticated() {
    const hello = await this.hello();
    if (this.headers.Authorization && !hello.user) {
      throw new CliError(`${this.base}: authentication refused (the server ignored the credentials)`);
    }
    return hello;
  }

  /** Sub-requests per batch: the server's `batch_max_requests` (null/0: unlimited, capped here at 1000). */
  async batchSize() {
    const limit = (await this.hello()).settings?.batch_max_requests;
    return typeof limit === "number" && limit > 0 ? limit : 1000;
  }

  /**
   * Every page of a plural endpoint, following Next-Page.
   * @param {string} path with its querystring
   * @returns {AsyncGenerator<any[]>}
   */
  async *pages(path) {
    let next = this.url(path);
    while (next) {
      const response = await this.request("GET", next);
      if (response.status >= 400) throw refusal("GET", next, response.status, response.body);
      yield response.body.data;
      next = response.headers.get("Next-Page");
    }
  }

  /** Every object of a plural endpoint. */
  async all(path) {
    const objects = [];
    for await (const page of this.pages(path)) objects.push(...page);
    return objects;
  }

  /** `Total-Records` of a plural endpoint (HEAD). */
  async count(path) {
    const response = await this.request("HEAD", path);
    if (response.status >= 400) throw refusal("HEAD", this.url(path), response.status, null);
    return Number(response.headers.get("Total-Records") ?? 0);
  }

  /**
   * Runs sub-requests `{method, path, body?, headers?}` (paths without /v1) through /v1/batch,
   * in as many batches as the server's limit asks, `this.parallel` of them in flight; resolves
   * one `{status, body}` per request, in order. Batches may commit in any order: callers send
   * together only requests that do not depend on each other.
   */
  async batch(requests) {
    const size = await this.batchSize();
    const prefix = new URL(this.base).pathname;
    const chunks = [];
    for (let start = 0; start < requests.length; start += size) {
      chunks.push(requests.slice(start, start + size).map((r) => ({ ...r, path: `${prefix}${r.path}` })));
    }
    const answers = new Array(chunks.length);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const index = next++;
        const answer = await this.json("POST", "/batch", { requests: chunks[index] });
        answers[index] = answer.responses.map((r) => ({ status: r.status, body: r.body }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, chunks.length) }, worker));
    return answers.flat();
  }

  /** Raw download of a file (attachments). */
  async download(url) {
    try {
      const response = await fetch(url, { headers: this.headers });
      if (!response.ok) throw refusal("GET", url, response.status, await readBody(response));
      return response;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot reach ${new URL(url).origin}: ${error?.cause?.code ?? error?.message}`, EXIT.unreachable);
    }
  }

  close() {
    this.agent.destroy();
  }
}

export { refusal };
