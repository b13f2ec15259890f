// `kinto-edge export`: JSON lines of a bucket, parents first, each list oldest first, with
// permissions, and numbers exactly as the server answers them; a directory gets one file per bucket.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { runCli, Server, type Json } from "./support/cli";

const folder = mkdtempSync(path.join(tmpdir(), "kinto-edge-cli-export-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("kinto-edge export", () => {
  it("writes one line per object with its kind, path, data and permissions", async () => {
    const api = new Server(serverUrl());
    const bid = uniqueId("exp");
    const bucket = await api.ok("PUT", `/buckets/${bid}`, { data: { title: "t" }, permissions: { read: ["system.Everyone"] } });
    const group = await api.ok("PUT", `/buckets/${bid}/groups/g`, { data: { members: ["basicauth:m"] } });
    const collection = await api.ok("PUT", `/buckets/${bid}/collections/c`, { data: {} });
    const r1 = await api.ok("PUT", `/buckets/${bid}/collections/c/records/r1`, { data: { n: 1 }, permissions: { read: ["basicauth:r"] } });
    const numbers = await fetch(`${serverUrl()}/buckets/${bid}/collections/c/records/r2`, {
      method: "PUT",
      headers: { Authorization: `Basic ${btoa("alice:s3cret")}`, "Content-Type": "application/json" },
      body: '{"data":{"big":9007199254740993,"f":1.0}}',
    });
    expect(numbers.status).toBe(201);
    await api.ok("DELETE", `/buckets/${bid}/collections/c/records/r1`);
    const r3 = await api.ok("PUT", `/buckets/${bid}/collections/c/records/r3`, { data: { n: 3 } });

    const file = path.join(folder, "out.jsonl");
    const run = runCli("export", "--from", serverUrl(), "--auth", "alice:s3cret", "--bucket", bid, "--out", file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`exported 1 bucket, 1 group, 1 collection, 2 records to ${file}\n`);
    const text = readFileSync(file, "utf8");
    const lines: Json[] = text.trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.kind, line.path])).toEqual([
      ["bucket", `/buckets/${bid}`],
      ["group", `/buckets/${bid}/groups/g`],
      ["collection", `/buckets/${bid}/collections/c`],
      ["record", `/buckets/${bid}/collections/c/records/r2`],
      ["record", `/buckets/${bid}/collections/c/records/r3`],
    ]);
    expect(lines[0]).toEqual({ kind: "bucket", path: `/buckets/${bid}`, ...bucket });
    expect(lines[1]).toEqual({ kind: "group", path: `/buckets/${bid}/groups/g`, ...group });
    expect(lines[2]).toEqual({ kind: "collection", path: `/buckets/${bid}/collections/c`, ...collection });
    expect(lines[4]).toEqual({ kind: "record", path: `/buckets/${bid}/collections/c/records/r3`, ...r3 });
    expect(r1.permissions.read).toEqual(["basicauth:r"]);
    expect(text).toContain('"data":{"big":9007199254740993,"f":1.0,"id":"r2"');

    const directory = path.join(folder, "dir");
    const again = runCli("export", "--from", serverUrl(), "--auth", "alice:s3cret", "--bucket", bid, "--out", directory);
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(directory)).toEqual([`${bid}.jsonl`]);
    expect(readFileSync(path.join(directory, `${bid}.jsonl`), "utf8")).toBe(text);
  });

  it("a bucket the caller cannot read: exit 1 and one line", async () => {
    const api = new Server(serverUrl());
    const bid = uniqueId("exp");
    await api.ok("PUT", `/buckets/${bid}`, { data: {} });
    const run = runCli("export", "--from", serverUrl(), "--auth", "mallory:x", "--bucket", bid, "--out", path.join(folder, "no.jsonl"));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^kinto-edge: GET .*/buckets/${bid}: permission denied \\(403 `));
  });
});
