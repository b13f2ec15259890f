// Running the real `kinto-edge` CLI (cli/kinto-edge.mjs) as a child process, and a small
// fetch client to seed and read servers as a given user.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startWrangler, type OwnServer } from "./wrangler";

export const CLI = path.resolve(import.meta.dirname, "../../../cli/kinto-edge.mjs");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end; KINTO_AUTH is cleared so that only `--auth` counts. */
export function runCli(...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, KINTO_AUTH: "" } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts the CLI without waiting for it. */
export function startCli(...args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, KINTO_AUTH: "" } });
}

/** The lines a run wrote to stderr that are not progress lines. */
export function errorLines(run: CliRun): string[] {
  return run.stderr.split("\n").filter((line) => line !== "" && !/^records \d+\/\d+/.test(line));
}

/** A second `wrangler dev` and a scratch folder for one test file: made before its tests, removed after them. */
export function secondServer(folderPrefix: string): { readonly url: string; file(name: string): string } {
  let server: OwnServer | undefined;
  let folder = "";
  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), folderPrefix));
    server = await startWrangler();
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });
  return {
    get url() {
      if (server === undefined) throw new Error("the second server is not started yet");
      return server.url;
    },
    file: (name) => path.join(folder, name),
  };
}

/** JSON of a Kinto server as it answers; tests narrow it where they read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface KintoObject {
  data: Json;
  permissions: Record<string, string[]>;
}

/** One user of one server (`user` null: anonymous). */
export class Server {
  constructor(
    readonly base: string,
    readonly user: string | null = "alice:s3cret",
  ) {}

  as(user: string | null): Server {
    return new Server(this.base, user);
  }

  /** `path` under the base URL, or an absolute URL (`Next-Page`). */
  async send(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: Json }> {
    const headers: Record<string, string> = body === undefined ? {} : { "Content-Type": "application/json" };
    if (this.user !== null) headers.Authorization = `Basic ${Buffer.from(this.user).toString("base64")}`;
    const url = /^https?:/.test(path) ? path : `${this.base}${path}`;
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    // A kept-alive socket may be closed by the server as it is reused: an idempotent request is sent again once.
    const response = await fetch(url, init).catch((error: unknown) => (method === "GET" || method === "PUT" ? fetch(url, init) : Promise.reject(error)));
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === "" ? null : JSON.parse(text) };
  }

  /** A request that must succeed. */
  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const response = await this.send(method, path, body);
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async object(path: string): Promise<KintoObject> {
    return this.ok("GET", path);
  }

  /** Every object of a plural endpoint (`_limit` pages). */
  async list(path: string): Promise<Json[]> {
    const out: Json[] = [];
    let next: string | null = `${this.base}${path}${path.includes("?") ? "&" : "?"}_limit=1000`;
    while (next !== null) {
      const response = await this.send("GET", next);
      out.push(...response.body.data);
      next = response.headers.get("Next-Page");
    }
    return out;
  }

  /** PUTs `{data, permissions}` bodies through /v1/batch, 25 per batch. */
  async putAll(items: { path: string; data: Json; permissions?: Record<string, string[]> }[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      const requests = items.slice(start, start + 25).map(({ path, data, permissions }) => ({ method: "PUT", path: `/v1${path}`, body: { data, permissions: permissions ?? {} } }));
      const answer = await this.ok("POST", "/batch", { requests });
      for (const response of answer.responses as { status: number; body: Json }[]) {
        if (response.status >= 400) throw new Error(`batch: ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
  }

  /** Attaches a small file with the attachment route. */
  async attach(path: string, filename: string, content: string, data: Json): Promise<Json> {
    const form = new FormData();
    form.append("attachment", new Blob([content], { type: "text/plain" }), filename);
    form.append("data", JSON.stringify(data));
    const headers: Record<string, string> = this.user === null ? {} : { Authorization: `Basic ${Buffer.from(this.user).toString("base64")}` };
    const response = await fetch(`${this.base}${path}/attachment`, { method: "POST", headers, body: form });
    if (!response.ok) throw new Error(`attach ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}
