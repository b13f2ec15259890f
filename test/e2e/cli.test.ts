// `kinto-edge attach` failures: bad usage exits 2; a file the server refuses exits 1 with
// Kinto's message, and a refused multipart upload leaves no upload behind.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeClient, serverUrl, uniqueId } from "./client";

const CLI = path.resolve(import.meta.dirname, "../../cli/kinto-edge.mjs");
const folder = mkdtempSync(path.join(tmpdir(), "kinto-edge-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, KINTO_AUTH: "" } });
}

describe("kinto-edge attach: failures", () => {
  it("bad usage: exit 2 and the usage", () => {
    expect(run("attach", serverUrl()).status).toBe(2);
    const wrong = run("attach", serverUrl(), "only/two", path.join(folder, "none.txt"));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("expected <bucket>/<collection>/<record>");
    expect(run("frobnicate").status).toBe(2);
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: kinto-edge");
    expect(help.stdout).toContain("attach [options] <server-url> <record-path> <file>");
  });

  it("a refused extension, in one request and as a multipart upload: exit 1 with the server's message", async () => {
    const client = makeClient();
    const bid = uniqueId("cli");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("c");
    const small = path.join(folder, "small.exe");
    writeFileSync(small, Buffer.alloc(1000, 1));
    const large = path.join(folder, "large.exe");
    writeFileSync(large, Buffer.alloc(6 * 1024 * 1024, 1));
    for (const [file, parts] of [[small, []], [large, ["--part-size", String(5 * 1024 * 1024)]]] as const) {
      const refused = run("attach", serverUrl(), `${bid}/c/r1`, file, "--auth", "alice:s3cret", ...parts);
      expect(refused.status, refused.stderr).toBe(1);
      expect(refused.stderr).toContain("File extension is not allowed.");
    }
    const missing = run("attach", serverUrl(), `${bid}/c/r1`, path.join(folder, "missing.txt"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no such file");
  });

  it("anonymous callers: 401 from the server, exit 1", async () => {
    const client = makeClient();
    const bid = uniqueId("cli");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("c");
    const file = path.join(folder, "a.txt");
    writeFileSync(file, "hello");
    const refused = run("attach", serverUrl(), `${bid}/c/r1`, file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("401");
  });
});
