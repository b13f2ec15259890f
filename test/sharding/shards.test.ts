/**
 * Two D1 shards (the workers-sharded project binds DB and DB_1; storage/shards.ts). Buckets are
 * placed on both; each endpoint that reads across buckets (the buckets list, `/permissions`, the
 * changes monitor, the heartbeat, flush) answers for both; group memberships reach the other
 * shard; the buckets list keeps one timestamp order; `DELETE /buckets` pages over the shards.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env";
import { settingsOf } from "../../src/config";
import { bucketShard, jumpHash, shardIndexOf, shardsOf } from "../../src/storage/shards";
import { basic, send, uid, type Res } from "../resources/helpers";

const bindings = env as unknown as Bindings;

/** A fresh bucket id that the deployment places on `shard`. */
function bucketOn(shard: number): string {
  for (;;) {
    const id = uid("b");
    if (bucketShard(bindings, id) === shard) return id;
  }
}

async function created(res: Res | Promise<Res>): Promise<Res> {
  const answer = await res;
  expect([200, 201], answer.text).toContain(answer.status);
  return answer;
}

async function bucketRows(db: D1Database, id: string): Promise<number> {
  const row = await db.prepare("SELECT count(*) AS n FROM objects WHERE parent_id = '' AND resource_name = 'bucket' AND id = ? AND deleted = 0").bind(id).first<{ n: number }>();
  return row?.n ?? 0;
}

async function membershipsOf(db: D1Database, principal: string): Promise<string[]> {
  const { results } = await db.prepare("SELECT user_id FROM user_principals WHERE principal = ? ORDER BY user_id").bind(principal).all<{ user_id: string }>();
  return results.map((row) => row.user_id);
}

/** Every page of a list, following Next-Page. */
async function allPages(url: string, as: "alice" | "bob" = "alice"): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | null = url;
  let pages = 0;
  while (next !== null) {
    const res = await send({ url: next, as });
    expect(res.status, res.text).toBe(200);
    ids.push(...(res.body.data as { id: string }[]).map((object) => object.id));
    next = res.headers.get("Next-Page");
    pages++;
  }
  return { ids, pages };
}

describe("placement", () => {
  it("is deterministic, spreads ids, and moves only keys that land on an added shard", () => {
    const settings = settingsOf(bindings);
    const ids = Array.from({ length: 2000 }, (_, i) => `bucket-${i}`);
    const onTwo = ids.map((id) => shardIndexOf(settings, id, 2));
    expect(ids.map((id) => shardIndexOf(settings, id, 2))).toEqual(onTwo);
    const second = onTwo.filter((shard) => shard === 1).length;
    expect(second).toBeGreaterThan(800);
    expect(second).toBeLessThan(1200);
    const onThree = ids.map((id) => shardIndexOf(settings, id, 3));
    const moved = ids.filter((_, i) => onThree[i] !== onTwo[i]);
    expect(moved.length).toBeGreaterThan(500);
    for (const id of moved) expect(shardIndexOf(settings, id, 3)).toBe(2);
    expect(shardIndexOf(settings, "anything", 1)).toBe(0);
    expect(jumpHash(123456789n, 1)).toBe(0);
  });

  it("puts the signer's source, preview and destination buckets on one shard", () => {
    const shards = ["main-workspace", "main-preview", "main"].map((id) => bucketShard(bindings, id));
    expect(new Set(shards).size).toBe(1);
    const staging = ["security-state-staging", "security-state"].map((id) => bucketShard(bindings, id));
    expect(new Set(staging).size).toBe(1);
  });

  it("binds two shards in this project, and refuses a gap in the bindings", () => {
    expect(shardsOf(bindings)).toHaveLength(2);
    const gap = { ...bindings, DB_1: undefined, DB_2: bindings.DB } as unknown as Bindings;
    expect(() => shardsOf(gap)).toThrow(/DB_2.*DB_1 is missing/);
  });
});

describe("a bucket's objects", () => {
  it("live on the bucket's shard only, from bucket to records", async () => {
    for (const shard of [0, 1]) {
      const bid = bucketOn(shard);
      await created(send({ method: "PUT", url: `/buckets/${bid}` }));
      await created(send({ method: "PUT", url: `/buckets/${bid}/collections/c` }));
      const record = await created(send({ method: "POST", url: `/buckets/${bid}/collections/c/records`, body: { data: { n: shard } } }));
      const [home, other] = shard === 0 ? [bindings.DB, bindings.DB_1 as D1Database] : [bindings.DB_1 as D1Database, bindings.DB];
      expect(await bucketRows(home, bid)).toBe(1);
      expect(await bucketRows(other, bid)).toBe(0);
      const rows = await home.prepare("SELECT count(*) AS n FROM objects WHERE parent_id = ? AND resource_name = 'record'").bind(`/buckets/${bid}/collections/c`).first<{ n: number }>();
      expect(rows?.n).toBe(1);
      const read = await send({ url: `/buckets/${bid}/collections/c/records/${record.body.data.id}` });
      expect(read.status).toBe(200);
      expect(read.body.data.n).toBe(shard);
    }
  });

  it("created by POST without an id get one that places them", async () => {
    const res = await created(send({ method: "POST", url: "/buckets", body: { data: {} } }));
    const id = res.body.data.id as string;
    const db = shardsOf(bindings)[bucketShard(bindings, id)] as D1Database;
    expect(await bucketRows(db, id)).toBe(1);
    expect((await send({ url: `/buckets/${id}` })).status).toBe(200);
  });
});

describe("the buckets list", () => {
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 12; i++) {
      const id = bucketOn(i % 2);
      ids.push(id);
      await created(send({ method: "PUT", url: `/buckets/${id}`, as: "bob" }));
    }
  });

  it("gives every bucket a timestamp above all earlier ones, whatever their shard", async () => {
    const stamps: number[] = [];
    for (const id of ids) stamps.push((await send({ url: `/buckets/${id}`, as: "bob" })).body.data.last_modified as number);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
  });

  it("merges both shards in order, pages without loss or repeat, and counts both", async () => {
    const list = await send({ url: "/buckets", as: "bob" });
    const listed = (list.body.data as { id: string; last_modified: number }[]).map((bucket) => bucket.id);
    expect(new Set(listed)).toEqual(new Set(ids));
    expect(listed).toEqual([...ids].reverse());
    const newest = (list.body.data as { last_modified: number }[])[0]?.last_modified;
    expect(list.headers.get("ETag")).toBe(`"${newest}"`);
    const paged = await allPages("/buckets?_limit=5", "bob");
    expect(paged.ids).toEqual([...ids].reverse());
    expect(paged.pages).toBe(3);
    const ascending = await allPages("/buckets?_sort=id&_limit=4", "bob");
    expect(ascending.ids).toEqual([...ids].sort());
    const head = await send({ method: "HEAD", url: "/buckets", as: "bob" });
    expect(head.headers.get("Total-Records")).toBe(String(ids.length));
  });

  it("answers _since with the changes of both shards", async () => {
    const etag = (await send({ url: "/buckets", as: "bob" })).headers.get("ETag")?.replace(/"/g, "");
    const [zero, one] = [bucketOn(0), bucketOn(1)];
    await created(send({ method: "PUT", url: `/buckets/${zero}`, as: "bob" }));
    await created(send({ method: "PUT", url: `/buckets/${one}`, as: "bob" }));
    const since = await send({ url: `/buckets?_since=${etag}`, as: "bob" });
    expect((since.body.data as { id: string }[]).map((bucket) => bucket.id)).toEqual([one, zero]);
  });

  it("is emptied by DELETE /buckets page by page over both shards", async () => {
    const before = (await allPages("/buckets", "bob")).ids;
    expect(before.length).toBeGreaterThan(4);
    const deleted: string[] = [];
    let next: string | null = "/buckets?_limit=3";
    let pages = 0;
    while (next !== null) {
      const res = await send({ method: "DELETE", url: next, as: "bob" });
      expect(res.status, res.text).toBe(200);
      deleted.push(...(res.body.data as { id: string; deleted: boolean }[]).map((tombstone) => tombstone.id));
      next = res.headers.get("Next-Page");
      pages++;
      expect(pages).toBeLessThan(20);
    }
    expect(deleted.sort()).toEqual([...before].sort());
    expect((await send({ url: "/buckets", as: "bob" })).body.data).toEqual([]);
    const reused = await send({ method: "DELETE", url: "/buckets", as: "bob" });
    expect(reused.status).toBe(200);
  });

  it("keeps a forced bucket timestamp above every shard's", async () => {
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(0)}`, as: "bob" }));
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(1)}`, as: "bob" }));
    const etag = Number((await send({ url: "/buckets", as: "bob" })).headers.get("ETag")?.replace(/"/g, ""));
    const newest = (await send({ url: "/buckets?_limit=1", as: "bob" })).body.data[0];
    const other = bucketOn(bucketShard(bindings, newest.id as string) === 0 ? 1 : 0);
    const forced = await created(send({ method: "PUT", url: `/buckets/${other}`, as: "bob", body: { data: { last_modified: etag } } }));
    expect(forced.body.data.last_modified).toBe(etag + 1);
    const listed = (await allPages("/buckets?_sort=last_modified", "bob")).ids;
    expect(listed.at(-1)).toBe(other);
  });

  it("checks If-Match of DELETE /buckets against the list's timestamp", async () => {
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(0)}`, as: "bob" }));
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(1)}`, as: "bob" }));
    const etag = (await send({ url: "/buckets", as: "bob" })).headers.get("ETag") ?? "";
    const before = (await allPages("/buckets", "bob")).ids;
    expect((await send({ method: "DELETE", url: "/buckets", as: "bob", headers: { "If-Match": '"1"' } })).status).toBe(412);
    const res = await send({ method: "DELETE", url: "/buckets", as: "bob", headers: { "If-Match": etag } });
    expect(res.status, res.text).toBe(200);
    expect((res.body.data as { id: string }[]).map((bucket) => bucket.id).sort()).toEqual([...before].sort());
  });
});

describe("a caller who may read the buckets of one shard only", () => {
  it("lists and deletes them: the other shard counts as empty", async () => {
    const open = bucketOn(0);
    await created(send({ method: "PUT", url: `/buckets/${open}`, as: "bob", body: { permissions: { read: ["system.Everyone"] } } }));
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(1)}`, as: "bob" }));
    const anonymous = await send({ url: "/buckets", as: "anonymous" });
    expect(anonymous.status, anonymous.text).toBe(200);
    expect((anonymous.body.data as { id: string }[]).map((bucket) => bucket.id)).toEqual([open]);
    const carol = basic("carol", "secret");
    const own = bucketOn(1);
    expect((await send({ method: "PUT", url: `/buckets/${own}`, headers: { Authorization: carol } })).status).toBe(201);
    const deleted = await send({ method: "DELETE", url: "/buckets", headers: { Authorization: carol } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((deleted.body.data as { id: string }[]).map((bucket) => bucket.id)).toEqual([own]);
    const nothing = await send({ method: "DELETE", url: "/buckets", headers: { Authorization: basic("dave", "secret") } });
    expect(nothing.status).toBe(200);
    expect(nothing.body.data).toEqual([]);
  });
});

describe("group memberships", () => {
  it("grant access on the other shard, and their changes reach it", async () => {
    const [groupsBucket, dataBucket] = [bucketOn(0), bucketOn(1)];
    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}` }));
    const principal = `/buckets/${groupsBucket}/groups/readers`;
    const bob = (await send({ url: "/", as: "bob" })).body.user.id as string;
    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}/groups/readers`, body: { data: { members: [bob] } } }));
    await created(send({ method: "PUT", url: `/buckets/${dataBucket}`, body: { permissions: { read: [principal] } } }));
    await created(send({ method: "PUT", url: `/buckets/${dataBucket}/collections/c` }));
    for (const db of shardsOf(bindings)) expect(await membershipsOf(db, principal)).toEqual([bob]);
    expect((await send({ url: `/buckets/${dataBucket}/collections/c/records`, as: "bob" })).status).toBe(200);
    expect((await send({ url: "/", as: "bob" })).body.user.principals).toContain(principal);

    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}/groups/readers`, body: { data: { members: [] } } }));
    for (const db of shardsOf(bindings)) expect(await membershipsOf(db, principal)).toEqual([]);
    expect((await send({ url: `/buckets/${dataBucket}/collections/c/records`, as: "bob" })).status).toBe(403);

    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}/groups/readers`, body: { data: { members: [bob] } } }));
    expect((await send({ method: "DELETE", url: `/buckets/${groupsBucket}` })).status).toBe(200);
    for (const db of shardsOf(bindings)) expect(await membershipsOf(db, principal)).toEqual([]);
    expect((await send({ url: `/buckets/${dataBucket}/collections/c/records`, as: "bob" })).status).toBe(403);
  });

  it("copies lost by a failure are restored by the upkeep", async () => {
    const groupsBucket = bucketOn(1);
    const principal = `/buckets/${groupsBucket}/groups/team`;
    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}` }));
    await created(send({ method: "PUT", url: `/buckets/${groupsBucket}/groups/team`, body: { data: { members: ["carol", "dave"] } } }));
    await bindings.DB.prepare("DELETE FROM user_principals WHERE principal = ?").bind(principal).run();
    await bindings.DB.prepare("INSERT INTO user_principals (user_id, principal) VALUES ('mallory', ?)").bind(`/buckets/${bucketOn(1)}/groups/gone`).run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/30 * * * *" }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    expect(await membershipsOf(bindings.DB, principal)).toEqual(["carol", "dave"]);
    const stale = await bindings.DB.prepare("SELECT count(*) AS n FROM user_principals WHERE user_id = 'mallory'").first<{ n: number }>();
    expect(stale?.n).toBe(0);
  });
});

describe("cross-bucket endpoints", () => {
  it("/permissions lists the objects of both shards", async () => {
    const [zero, one] = [bucketOn(0), bucketOn(1)];
    for (const bid of [zero, one]) {
      await created(send({ method: "PUT", url: `/buckets/${bid}` }));
      await created(send({ method: "PUT", url: `/buckets/${bid}/collections/c` }));
    }
    const res = await send({ url: "/permissions?resource_name=collection" });
    expect(res.status).toBe(200);
    const uris = (res.body.data as { uri: string }[]).map((entry) => entry.uri);
    expect(uris).toContain(`/buckets/${zero}/collections/c`);
    expect(uris).toContain(`/buckets/${one}/collections/c`);
  });

  it("the heartbeat checks every shard", async () => {
    const res = await send({ url: "/__heartbeat__" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.storage).toBe(true);
    expect(res.body.permission).toBe(true);
  });

  it("the default bucket is created on its own shard", async () => {
    const res = await created(send({ method: "POST", url: "/buckets/default/collections/tasks/records", body: { data: { done: false } } }));
    const bucket = (await send({ url: "/buckets/default" })).body.data.id as string;
    const db = shardsOf(bindings)[bucketShard(bindings, bucket)] as D1Database;
    expect(await bucketRows(db, bucket)).toBe(1);
    expect((await send({ url: `/buckets/${bucket}/collections/tasks/records/${res.body.data.id}` })).status).toBe(200);
  });

  it("a batch writes buckets and records on both shards", async () => {
    const [zero, one] = [bucketOn(0), bucketOn(1)];
    const res = await send({
      method: "POST",
      url: "/batch",
      body: {
        requests: [
          { method: "PUT", path: `/buckets/${zero}` },
          { method: "PUT", path: `/buckets/${one}` },
          { method: "PUT", path: `/buckets/${zero}/collections/c` },
          { method: "PUT", path: `/buckets/${one}/collections/c` },
          { method: "POST", path: `/buckets/${zero}/collections/c/records`, body: { data: { at: 0 } } },
          { method: "POST", path: `/buckets/${one}/collections/c/records`, body: { data: { at: 1 } } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect((res.body.responses as { status: number }[]).map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    for (const bid of [zero, one]) expect((await send({ url: `/buckets/${bid}/collections/c/records` })).body.data).toHaveLength(1);
  });

  it("flush empties every shard", async () => {
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(0)}` }));
    await created(send({ method: "PUT", url: `/buckets/${bucketOn(1)}` }));
    expect((await send({ method: "POST", url: "/__flush__" })).status).toBe(202);
    for (const db of shardsOf(bindings)) {
      const row = await db.prepare("SELECT count(*) AS n FROM objects").first<{ n: number }>();
      expect(row?.n).toBe(0);
    }
  });
});
