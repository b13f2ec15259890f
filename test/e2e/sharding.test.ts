// A `wrangler dev` of this file's own with two D1 shards (support/wrangler.ts adds DB_1 to the
// dev configuration; scripts/migrate-shards.mjs migrates both), driven by kinto-http.js: buckets
// land in both local databases, and the cross-bucket reads (the buckets list with its paging,
// `/permissions`, a group of one shard granting access on the other, `DELETE /buckets`) answer
// as on one database. Skipped with KINTO_E2E_URL: that server's configuration is not ours to set.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import KintoClient from "kinto-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import { startWrangler, type OwnServer } from "./support/wrangler";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

let own: (OwnServer & { config: string; persist: string }) | null = null;

beforeAll(async () => {
  if (!process.env.KINTO_E2E_URL) own = await startWrangler({ shards: 2 });
}, 120_000);

afterAll(async () => {
  await own?.stop();
});

function client(user: string): KintoClient {
  return new KintoClient(own?.url ?? "", { headers: { Authorization: `Basic ${btoa(`${user}:s3cret`)}` } });
}

/**
 * Bucket ids stored in one local shard, read with `wrangler d1 execute`. Asynchronous: a blocked
 * event loop would miss the server closing an idle kept-alive socket, and the client's next
 * request would go out on it and fail.
 */
async function bucketsIn(binding: string): Promise<string[]> {
  if (own === null) return [];
  const { stdout } = await promisify(execFile)(
    WRANGLER,
    ["d1", "execute", binding, "--config", own.config, "--env", "dev", "--local", "--persist-to", own.persist, "--json", "--command",
      "SELECT id FROM objects WHERE parent_id = '' AND resource_name = 'bucket' AND deleted = 0"],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
  );
  const [result] = JSON.parse(stdout) as { results: { id: string }[] }[];
  return (result?.results ?? []).map((row) => row.id);
}

describe.skipIf(process.env.KINTO_E2E_URL !== undefined)("two D1 shards under wrangler dev", () => {
  const ids = Array.from({ length: 16 }, () => uniqueId("shard"));

  it("places buckets in both databases and lists them as one", async () => {
    const alice = client("alice");
    for (const id of ids) {
      await alice.createBucket(id);
      await alice.bucket(id).createCollection("items");
      await alice.bucket(id).collection("items").createRecord({ bucket: id });
    }
    const [first, second] = [await bucketsIn("DB"), await bucketsIn("DB_1")];
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(new Set([...first, ...second])).toEqual(new Set(ids));
    expect(first.filter((id) => second.includes(id))).toEqual([]);

    const listed = await alice.listBuckets({ limit: 5, pages: Infinity });
    expect(listed.data.map((bucket) => bucket.id)).toEqual([...ids].reverse());
    const stamps = listed.data.map((bucket) => bucket.last_modified);
    expect(listed.last_modified).toBe(String(stamps[0]));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i - 1]).toBeGreaterThan(stamps[i] as number);
    for (const id of ids) {
      const records = await alice.bucket(id).collection("items").listRecords();
      expect(records.data.map((record) => record.bucket)).toEqual([id]);
    }
  });

  it("answers /permissions, and lets a group of one shard grant access on the other", async () => {
    const alice = client("alice");
    const bob = client("bob");
    const bobId = (await bob.fetchUser())?.id ?? "";
    const [first, second] = [(await bucketsIn("DB"))[0] ?? "", (await bucketsIn("DB_1"))[0] ?? ""];
    await alice.bucket(first).createGroup("readers", [bobId]);
    await alice.bucket(second).setPermissions({ read: [`/buckets/${first}/groups/readers`] });
    expect((await bob.bucket(second).collection("items").listRecords()).data).toHaveLength(1);
    await alice.bucket(first).deleteGroup("readers");
    await expect(bob.bucket(second).collection("items").listRecords()).rejects.toThrow(/403|Forbidden/);

    const permissions = await alice.listPermissions({ pages: Infinity });
    const uris = new Set(permissions.data.map((entry) => entry.uri));
    for (const id of ids) expect(uris.has(`/buckets/${id}/collections/items`)).toBe(true);
  });

  it("deletes every bucket of both shards with DELETE /buckets", async () => {
    const alice = client("alice");
    const deleted = await alice.deleteBuckets({ pages: Infinity });
    expect(new Set(deleted.data.map((bucket) => bucket.id))).toEqual(new Set(ids));
    expect((await alice.listBuckets()).data).toEqual([]);
    expect([...(await bucketsIn("DB")), ...(await bucketsIn("DB_1"))]).toEqual([]);
  });
});
