// `kinto-edge import` from the shared server into a second `wrangler dev` of this file's own
// (support/wrangler.ts): ids, data, permissions and `last_modified` of buckets, groups,
// collections and records are kept, files of attachments are copied, reruns and checkpoints
// never write an object twice, and every bad input ends with one line on stderr and its exit
// status (1 refused, 2 bad input, 3 unreachable).
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { errorLines, type Json, type KintoObject, runCli, secondServer, Server, startCli } from "./support/cli";

const ALICE = "alice:s3cret";
const target = secondServer("kinto-edge-cli-import-");
const BOB = "bob:s3cret";
const source = (): Server => new Server(serverUrl(), ALICE);
const copy = (): Server => new Server(target.url, BOB);


/** `alice` creates a bucket with a group, collection `c` with `records` records (every third readable by bob) and collection `files` with one attachment. */
async function seed(records: number): Promise<string> {
  const api = source();
  const bid = uniqueId("imp");
  await api.ok("PUT", `/buckets/${bid}`, { data: { title: "source" }, permissions: { read: ["system.Authenticated"] } });
  await api.ok("PUT", `/buckets/${bid}/groups/editors`, { data: { members: ["basicauth:someone"] } });
  await api.ok("PUT", `/buckets/${bid}/collections/c`, { data: { label: "records" }, permissions: { "record:create": ["system.Authenticated"] } });
  await api.ok("PUT", `/buckets/${bid}/collections/files`, { data: {} });
  await api.putAll(
    Array.from({ length: records }, (_, i) => ({
      path: `/buckets/${bid}/collections/c/records/r${String(i).padStart(5, "0")}`,
      data: { n: i },
      permissions: i % 3 === 0 ? { read: ["basicauth:reader"] } : undefined,
    })),
  );
  return bid;
}

async function userId(server: Server): Promise<string> {
  return (await server.ok("GET", "/")).user.id;
}

function sorted(permissions: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.keys(permissions).sort().map((perm) => [perm, [...(permissions[perm] ?? [])].sort()]));
}

/** What the target should hold for a source object: the same, with the importer among the writers. */
function expectCopied(copied: KintoObject, original: KintoObject, importer: string): void {
  const { attachment: _a, ...data } = original.data;
  const { attachment: _b, ...copiedData } = copied.data;
  expect(copiedData).toEqual(data);
  const wanted = { ...original.permissions, write: [...(original.permissions.write ?? []), importer] };
  expect(sorted(copied.permissions)).toEqual(sorted(wanted));
}

async function recordsOf(server: Server, bid: string, cid = "c"): Promise<Json[]> {
  return (await server.list(`/buckets/${bid}/collections/${cid}/records?_sort=last_modified`)).map((r: Json) => ({ id: r.id, last_modified: r.last_modified, n: r.n }));
}

function importArgs(bid: string, ...extra: string[]): string[] {
  return ["import", "--from", serverUrl(), "--from-auth", ALICE, "--to", target.url, "--auth", BOB, "--bucket", bid, ...extra];
}

describe("kinto-edge import", () => {
  it("copies a bucket with its ids, data, permissions, timestamps and attachment files; a rerun writes nothing", async () => {
    const bid = await seed(60);
    const api = source();
    // Numbers that a double would change, sent as text.
    const numbers = '{"big":9007199254740993,"f":1.0,"g":15000000000.0,"neg":-123456789012345678901234567890}';
    const sent = await fetch(`${serverUrl()}/buckets/${bid}/collections/c/records/numbers`, { method: "PUT", headers: { Authorization: `Basic ${btoa(ALICE)}`, "Content-Type": "application/json" }, body: `{"data":${numbers}}` });
    expect(sent.status).toBe(201);
    const file = await api.attach(`/buckets/${bid}/collections/files/records/doc`, "notes.txt", "the file's bytes", { kind: "doc" });

    const run = runCli(...importArgs(bid));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^imported 1 bucket, 1 group, 2 collections, 62 records, 1 attachment; 0 already there;/);
    expect(errorLines(run)).toEqual([]);

    const bob = await userId(copy());
    const objects = [`/buckets/${bid}`, `/buckets/${bid}/groups/editors`, `/buckets/${bid}/collections/c`, `/buckets/${bid}/collections/files`, `/buckets/${bid}/collections/c/records/r00003`, `/buckets/${bid}/collections/c/records/r00059`, `/buckets/${bid}/collections/files/records/doc`];
    for (const objectPath of objects) expectCopied(await copy().object(objectPath), await api.object(objectPath), bob);
    expect((await copy().object(`/buckets/${bid}/collections/c/records/r00003`)).permissions.read).toEqual(["basicauth:reader"]);
    // Numbers are kept exactly, through both servers.
    const raw = await fetch(`${target.url}/buckets/${bid}/collections/c/records/numbers`, { headers: { Authorization: `Basic ${btoa(BOB)}` } }).then((r) => r.text());
    expect(raw).toContain(`{"data":${numbers.slice(0, -1)},"id":"numbers"`);

    expect(await recordsOf(copy(), bid)).toEqual(await recordsOf(api, bid));
    const etag = async (server: Server) => (await server.send("GET", `/buckets/${bid}/collections/c/records`)).headers.get("ETag");
    expect(await etag(copy())).toBe(await etag(api));

    const copied = (await copy().object(`/buckets/${bid}/collections/files/records/doc`)).data.attachment;
    expect(copied).toMatchObject({ filename: "notes.txt", hash: file.hash, size: file.size, mimetype: "text/plain" });
    const baseUrl = (await copy().ok("GET", "/")).capabilities.attachments.base_url;
    expect(await fetch(`${baseUrl}${copied.location}`).then((r) => r.text())).toBe("the file's bytes");

    const again = runCli(...importArgs(bid));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^imported 0 buckets, 0 groups, 0 collections, 0 records, 0 attachments; 66 already there;/);
    expect(await etag(copy())).toBe(await etag(api));
  });

  it("resumes after being killed mid-way: every record once, with its timestamp", async () => {
    const bid = await seed(3000);
    const checkpoint = target.file(`${bid}.json`);
    const child = startCli(...importArgs(bid, "--checkpoint", checkpoint, "--no-record-permissions"));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 60_000;
    let progress: Json = null;
    while (Date.now() < deadline) {
      progress = existsSync(checkpoint) ? JSON.parse(readFileSync(checkpoint, "utf8")) : null;
      if (progress?.collections?.[`/buckets/${bid}/collections/c`]?.after) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await exited;
    const partial = progress.collections[`/buckets/${bid}/collections/c`];
    expect(partial.finished).toBe(false);
    const before = (await recordsOf(copy(), bid)).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(3000);

    const rerun = runCli(...importArgs(bid, "--checkpoint", checkpoint, "--no-record-permissions"));
    expect(rerun.status, rerun.stderr).toBe(0);
    const imported = Number(/, (\d+) records,/.exec(rerun.stdout)?.[1]);
    const already = Number(/; (\d+) already there/.exec(rerun.stdout)?.[1]);
    // Only what the checkpoint did not cover is read again: the checkpoint follows pages of 500,
    // and the --parallel (4) batches of 25 in flight at the kill may land after `before` was read.
    expect(imported + already).toBeLessThanOrEqual(3000 - before + 4 + 500);
    expect(imported).toBeGreaterThanOrEqual(3000 - before - 4 * 25);
    expect(await recordsOf(copy(), bid)).toEqual(await recordsOf(source(), bid));
    expect(JSON.parse(readFileSync(checkpoint, "utf8")).collections[`/buckets/${bid}/collections/c`].finished).toBe(true);
  }, 180_000);

  it("follows a checkpoint written by hand: records up to its timestamp are not read", async () => {
    const bid = await seed(30);
    const records = await recordsOf(source(), bid);
    const checkpoint = target.file(`${bid}-hand.json`);
    const from = serverUrl();
    writeFileSync(checkpoint, JSON.stringify({ version: 1, from, to: target.url, bucket: bid, collections: { [`/buckets/${bid}/collections/c`]: { after: records[9].last_modified, finished: false }, [`/buckets/${bid}/collections/files`]: { after: null, finished: true } } }));
    const run = runCli(...importArgs(bid, "--checkpoint", checkpoint));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^imported 1 bucket, 1 group, 2 collections, 20 records, 0 attachments; 0 already there; 1 collection finished before/);
    expect(await recordsOf(copy(), bid)).toEqual(records.slice(10));
  });

  it("a conflicting object (412) or timestamp (409) stops the import with one line and exit 1; a rerun finishes", async () => {
    const bid = await seed(10);
    expect(runCli(...importArgs(bid)).status).toBe(0);
    const api = source();
    await api.ok("PUT", `/buckets/${bid}/collections/c/records/new1`, { data: { n: 100 } });
    await copy().ok("PUT", `/buckets/${bid}/collections/c/records/new1`, { data: { n: -1 } });

    const refused = runCli(...importArgs(bid));
    expect(refused.status).toBe(1);
    expect(errorLines(refused)).toEqual([expect.stringMatching(/^kinto-edge: .*\/records\/new1 already exists on the target with other content \(412 .*\); remove it there, then rerun$/)]);
    await copy().ok("DELETE", `/buckets/${bid}/collections/c/records/new1`);
    const fixed = runCli(...importArgs(bid));
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/, 1 record, /);

    const added = (await api.ok("PUT", `/buckets/${bid}/collections/c/records/new2`, { data: { n: 101 } })).data;
    await copy().ok("PUT", `/buckets/${bid}/collections/c/records/squatter`, { data: { last_modified: added.last_modified } });
    // A later write keeps the list timestamp above the squatter's: the forced value collides (below it, it would be bumped).
    await copy().ok("PUT", `/buckets/${bid}/collections/c/records/later`, { data: {} });
    const collided = runCli(...importArgs(bid));
    expect(collided.status).toBe(1);
    expect(errorLines(collided)).toEqual([expect.stringMatching(/^kinto-edge: .*\/records\/new2: conflict \(409 .*\); another object of the target has last_modified \d+/)]);
    await copy().ok("DELETE", `/buckets/${bid}/collections/c/records/squatter`);
    const finished = runCli(...importArgs(bid));
    expect(finished.status, finished.stderr).toBe(0);
    expect(finished.stdout).toMatch(/, 1 record, /);
    const live = (await recordsOf(copy(), bid)).filter((r: Json) => r.id !== "later");
    expect(live).toEqual(await recordsOf(api, bid));
  });

  it("bad input: unreachable server (3), refused credentials (1), a broken checkpoint or --parallel (2)", async () => {
    const parallel = runCli("import", "--from", serverUrl(), "--to", target.url, "--parallel", "0");
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain("option '--parallel <n>' argument '0' is invalid. not an integer ≥ 1");

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    const unreachable = runCli("import", "--from", `http://127.0.0.1:${port}`, "--to", target.url, "--auth", BOB);
    expect(unreachable.status).toBe(3);
    expect(errorLines(unreachable)).toEqual([`kinto-edge: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`]);

    const bid = await seed(1);
    await source().ok("PATCH", `/buckets/${bid}`, { permissions: { read: [] } });
    const forbidden = runCli("import", "--from", serverUrl(), "--from-auth", "mallory:x", "--to", target.url, "--auth", BOB, "--bucket", bid);
    expect(forbidden.status).toBe(1);
    expect(errorLines(forbidden)).toEqual([expect.stringMatching(new RegExp(`^kinto-edge: GET .*/buckets/${bid}: permission denied \\(403 .*\\); check the credentials and permissions$`))]);

    const anonymous = runCli("import", "--from", serverUrl(), "--from-auth", ALICE, "--to", target.url, "--bucket", bid);
    expect(anonymous.status).toBe(1);
    expect(errorLines(anonymous)).toEqual([expect.stringMatching(new RegExp(`^kinto-edge: PUT .*/buckets/${bid}: authentication refused \\(401 .*\\); check the credentials$`))]);

    const broken = target.file("broken.json");
    writeFileSync(broken, "{not json");
    const bad = runCli(...importArgs(bid, "--checkpoint", broken));
    expect(bad.status).toBe(2);
    expect(errorLines(bad)).toEqual([expect.stringMatching(/^kinto-edge: checkpoint .*broken.json is not JSON/)]);

    const other = target.file("other.json");
    writeFileSync(other, JSON.stringify({ version: 1, from: "http://elsewhere/v1", to: target.url, bucket: bid, collections: {} }));
    const mismatch = runCli(...importArgs(bid, "--checkpoint", other));
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toContain("is for another import");

    const usage = runCli("import", "--to", target.url);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("required option '--from <url>' not specified");
  });
});
