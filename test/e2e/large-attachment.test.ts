// The `kinto-edge attach` CLI (cli/kinto-edge.mjs) against a real `wrangler dev` of this
// file's own (support/wrangler.ts: the shared one carries the other files' load; with
// KINTO_E2E_URL, that server, and no memory checks): files
// larger than a part go through the multipart upload routes, streamed from disk. A 1 GiB
// file generated on the fly uploads with every process of the server's tree and the CLI
// under 300 MB; once warm, a 50 MB upload raises workerd's memory by less than the file. The record's `hash` and `size` are the local file's; ranges of the served file
// are its bytes (a full download is not checked: the local R2 simulator buffers whole
// multipart objects it serves, which real R2 does not).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, openSync, readSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import KintoClient from "kinto-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { describeReport, processTree, sampleMemory, type MemoryReport } from "./support/memory";
import { startWrangler, type OwnServer } from "./support/wrangler";

const MiB = 1024 * 1024;
const LIMIT = 300 * 1000 * 1000;
const CLI = path.resolve(import.meta.dirname, "../../cli/kinto-edge.mjs");
const AUTH = "alice:s3cret";
const folder = mkdtempSync(path.join(tmpdir(), "kinto-edge-large-"));

let own: OwnServer | null = null;
let url = "";

beforeAll(async () => {
  own = process.env.KINTO_E2E_URL ? null : await startWrangler();
  url = own?.url ?? serverUrl();
}, 90_000);

afterAll(async () => {
  await own?.stop();
  rmSync(folder, { recursive: true, force: true });
});

function makeClient(): KintoClient {
  return new KintoClient(url, { headers: { Authorization: `Basic ${btoa(AUTH)}` } });
}

/** Writes `size` random bytes to a new file; returns its path and sha256. */
async function randomFile(name: string, size: number): Promise<{ file: string; hash: string }> {
  const file = path.join(folder, name);
  const out = createWriteStream(file);
  const hash = createHash("sha256");
  for (let written = 0; written < size; written += MiB) {
    const chunk = randomBytes(Math.min(MiB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { file, hash: hash.digest("hex") };
}

function bytesAt(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer;
  } finally {
    closeSync(fd);
  }
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The CLI's own peak memory (sampled VmRSS / VmHWM, bytes). */
  cliPeak: number;
  server: MemoryReport | null;
  seconds: number;
}

/** Runs `kinto-edge attach` while sampling the memory of the CLI and of the server's process tree. */
async function attach(target: string, file: string, extra: string[] = []): Promise<Run> {
  const root = own?.pid;
  const server = root === undefined ? null : sampleMemory(() => processTree(root));
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, "attach", url, target, file, "--auth", AUTH, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  const cli = sampleMemory(() => (child.pid === undefined ? [] : [child.pid]));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const measured = [...cli.stop().processes.values()][0];
  return {
    status,
    stdout,
    stderr,
    cliPeak: Math.max(measured?.peak ?? 0, measured?.hwm ?? 0),
    server: server?.stop() ?? null,
    seconds: (Date.now() - started) / 1000,
  };
}

async function collection(): Promise<string> {
  const client = makeClient();
  const bid = uniqueId("large");
  await client.createBucket(bid);
  await client.bucket(bid).createCollection("models");
  return `${bid}/models`;
}

async function recordOf(target: string): Promise<{ attachment: { location: string; hash: string; size: number } }> {
  const [bid, cid, rid] = target.split("/");
  const { data } = await makeClient().bucket(bid as string).collection(cid as string).getRecord(rid as string);
  return data as unknown as { attachment: { location: string; hash: string; size: number } };
}

/** The served bytes [offset, offset + length) of `location`. */
async function servedRange(location: string, offset: number, length: number): Promise<Buffer> {
  const response = await fetch(`${url}/attachments/${location}`, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
  expect(response.status).toBe(206);
  return Buffer.from(await response.arrayBuffer());
}

/** The worker processes of the tree: workerd (wrangler's own node process is not in the data path). */
function workerd(report: MemoryReport) {
  return [...report.processes.values()].filter((p) => /workerd/.test(p.command));
}

/** How much the workerd processes grew during a run (sum of peak − first sample). */
function workerdRise(report: MemoryReport): number {
  return workerd(report).reduce((sum, p) => sum + p.peak - p.first, 0);
}

/** The sum of the workerd processes' sampled peaks. */
function workerdPeak(report: MemoryReport): number {
  return workerd(report).reduce((sum, p) => sum + p.peak, 0);
}

describe("kinto-edge attach against wrangler dev", () => {
  it("a file under one part goes through POST …/attachment", async () => {
    const target = `${await collection()}/small`;
    const { file, hash } = await randomFile("small.txt", 100_000);
    const run = await attach(target, file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("in one request");
    expect(JSON.parse(run.stdout)).toMatchObject({ filename: "small.txt", hash, size: 100_000 });
  });

  it("50 MB in 5 MiB parts: once warm, the worker's memory rises by less than the file", async () => {
    const base = await collection();
    const parts = ["--part-size", String(5 * MiB)];
    // The first uploads of a fresh server grow workerd (measured: 57 to 103 MiB, the same
    // for 50 MB as for 1 GiB, and for the form upload route); a first 50 MB upload takes it
    // to its steady state, where the rise above the warm peak measured 9 to 19 MiB: noise of
    // workerd and the local R2 it hosts, above one part (5 MiB) but far from the file's size.
    const warm = await randomFile("warm.txt", 50 * 1000 * 1000);
    const first = await attach(`${base}/warm`, warm.file, parts);
    expect(first.status, first.stderr).toBe(0);
    const { file, hash } = await randomFile("fifty.txt", 50 * 1000 * 1000);
    const run = await attach(`${base}/fifty`, file, parts);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("in 10 parts of 5.0 MiB");
    expect(JSON.parse(run.stdout)).toMatchObject({ hash, size: 50 * 1000 * 1000 });
    expect((await recordOf(`${base}/fifty`)).attachment).toMatchObject({ hash, size: 50 * 1000 * 1000 });
    if (run.server !== null && first.server !== null) {
      const cold = workerdRise(first.server);
      const rise = workerdPeak(run.server) - workerdPeak(first.server);
      console.log(
        `50 MB upload in ${run.seconds.toFixed(1)} s; workerd: cold rise ${(cold / MiB).toFixed(1)} MiB, ` +
          `then ${(rise / MiB).toFixed(1)} MiB above the warm peak (part: 5 MiB)\n${describeReport(run.server)}`,
      );
      expect(rise).toBeLessThan(50 * 1000 * 1000);
    }
  }, 120_000);

  it("1 GiB generated on the fly: hash and size match, every process stays under 300 MB", async () => {
    const target = `${await collection()}/huge`;
    const size = 1024 * MiB;
    const { file, hash } = await randomFile("huge.txt", size);
    const run = await attach(target, file);
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ filename: "huge.txt", hash, size });
    const { attachment } = await recordOf(target);
    expect(attachment).toEqual(printed);
    for (const offset of [0, 512 * MiB + 12345, size - MiB]) {
      expect((await servedRange(attachment.location, offset, MiB)).equals(bytesAt(file, offset, MiB)), `bytes at ${offset}`).toBe(true);
    }
    console.log(`1 GiB upload in ${run.seconds.toFixed(1)} s; CLI peak ${(run.cliPeak / MiB).toFixed(0)} MiB`);
    expect(run.cliPeak).toBeLessThan(LIMIT);
    if (run.server !== null) {
      console.log(describeReport(run.server));
      for (const [pid, p] of run.server.processes) expect(p.peak, `${pid} ${p.command}`).toBeLessThan(LIMIT);
      expect(run.server.treePeak - run.server.treeFirst).toBeLessThan(LIMIT);
    }
  }, 600_000);
});
