// End to end with the offline-first client kinto.js (npm `kinto`) against `wrangler dev`:
// two local databases (fake-indexeddb) synchronising through the server (contract Appendix C,
// "kinto.js offline sync").
import "fake-indexeddb/auto";
import Kinto, { KintoClient } from "kinto";
import type { Collection, RecordStatus } from "kinto";
import KintoHttpClient, { type KintoObject } from "kinto-http";
import { beforeEach, describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

/** One user for both clients: basicauth accepts any credentials (contract §7.2). */
const AUTH = { Authorization: `Basic ${Buffer.from("sync-user:s3cret").toString("base64")}` };

/** A record as kinto.js keeps it locally. */
interface Note {
  id: string;
  last_modified?: number;
  _status?: RecordStatus;
  title: string;
  n?: number;
}

/** The same record as the server returns it. */
interface ServerNote extends KintoObject {
  title: string;
  n?: number;
}

/** kinto-http client of the same user, to prepare and inspect server state. */
function http(): KintoHttpClient {
  return new KintoHttpClient(serverUrl(), { headers: AUTH });
}

/** A kinto.js client with its own IndexedDB database. */
function device(bucket: string, options: { fetchFunc?: typeof fetch } = {}): Kinto {
  const dbName = uniqueId("device");
  const { fetchFunc } = options;
  if (fetchFunc === undefined) {
    return new Kinto({ remote: serverUrl(), bucket, headers: AUTH, adapterOptions: { dbName } });
  }
  // Kinto builds its HTTP client from `ApiClass`; inject the fetch function there.
  class Device extends Kinto {
    override get ApiClass(): typeof KintoClient {
      return class extends KintoClient {
        constructor(remote: string, opts: ConstructorParameters<typeof KintoClient>[1] = {}) {
          super(remote, { ...opts, fetchFunc });
        }
      };
    }
  }
  return new Device({ remote: serverUrl(), bucket, headers: AUTH, adapterOptions: { dbName } });
}

async function titles(collection: Collection<Note>): Promise<Record<string, string>> {
  const { data } = await collection.list();
  return Object.fromEntries(data.map((r) => [r.id, r.title]));
}

async function syncOk(collection: Collection<Note>, strategy?: string) {
  const result = await collection.sync(strategy ? { strategy } : undefined);
  expect(result.errors, JSON.stringify(result.errors)).toEqual([]);
  expect(result.conflicts).toEqual([]);
  expect(result.ok).toBe(true);
  return result;
}

let bid: string;
const CID = "notes";

beforeEach(async () => {
  bid = uniqueId("sync");
  const client = http();
  await client.createBucket(bid);
  await client.bucket(bid).createCollection(CID);
});

describe("kinto.js sync between two devices", () => {
  it("A creates and syncs, B pulls; B updates and deletes, A pulls both changes", async () => {
    const a = device(bid).collection<Note>(CID);
    const b = device(bid).collection<Note>(CID);

    const created: Note[] = [];
    for (const title of ["one", "two", "three"]) created.push((await a.create({ title })).data);
    const [one, two, three] = created as [Note, Note, Note];

    const pushed = await syncOk(a);
    expect(pushed.published.map((r: Note) => r.id).sort()).toEqual(created.map((r) => r.id).sort());
    // The server holds them, with server timestamps.
    const server = await http().bucket(bid).collection(CID).listRecords<ServerNote>();
    expect(server.data.map((r) => r.title).sort()).toEqual(["one", "three", "two"]);
    // Every local record is synced and carries the server timestamp.
    for (const r of (await a.list()).data) {
      expect(r._status).toBe("synced");
      expect(server.data.find((s) => s.id === r.id)?.last_modified).toBe(r.last_modified);
    }

    const pulled = await syncOk(b);
    expect(pulled.created.map((r: Note) => r.id).sort()).toEqual(created.map((r) => r.id).sort());
    expect(await titles(b)).toEqual({ [one.id]: "one", [two.id]: "two", [three.id]: "three" });

    const current = (await b.get(one.id)).data;
    await b.update({ ...current, title: "one, edited on B" });
    await b.delete(two.id);
    const bPush = await syncOk(b);
    expect(bPush.published).toHaveLength(2);
    const afterB = await http().bucket(bid).collection(CID).listRecords<ServerNote>();
    expect(afterB.data.map((r) => r.id).sort()).toEqual([one.id, three.id].sort());

    const aPull = await syncOk(a);
    expect(aPull.updated.map((u: { new: Note }) => u.new.id)).toEqual([one.id]);
    expect(aPull.deleted.map((r: Note) => r.id)).toEqual([two.id]);
    expect(await titles(a)).toEqual({ [one.id]: "one, edited on B", [three.id]: "three" });
    // Deleted locally, not merely flagged.
    expect((await a.getAny(two.id)).data).toBeUndefined();
    expect((await a.list({}, { includeDeleted: true })).data.map((r) => r.id)).not.toContain(two.id);

    // Both devices now agree, and a further sync is a no-op.
    const idle = await syncOk(a);
    expect([idle.created, idle.updated, idle.deleted, idle.published].every((l) => l.length === 0)).toBe(true);
    expect(await titles(b)).toEqual(await titles(a));
  });

  it("a conflict resolved with SERVER_WINS: B ends with A's version", async () => {
    const a = device(bid).collection<Note>(CID);
    const b = device(bid).collection<Note>(CID);
    const { data: note } = await a.create({ title: "original" });
    await syncOk(a);
    await syncOk(b);

    await a.update({ ...(await a.get(note.id)).data, title: "from A" });
    await b.update({ ...(await b.get(note.id)).data, title: "from B" });
    await syncOk(a);

    const result = await b.sync({ strategy: Kinto.syncStrategy.SERVER_WINS });
    expect(result.ok).toBe(true);
    expect(result.conflicts).toEqual([]);
    expect(result.resolved.length).toBeGreaterThanOrEqual(1);
    const local = (await b.get(note.id)).data;
    expect(local.title).toBe("from A");
    expect(local._status).toBe("synced");
    const remote = await http().bucket(bid).collection(CID).getRecord<ServerNote>(note.id);
    expect(remote.data.title).toBe("from A");
    expect(local.last_modified).toBe(remote.data.last_modified);
  });

  it("a conflict resolved with CLIENT_WINS: the server ends with B's version, and A pulls it", async () => {
    const a = device(bid).collection<Note>(CID);
    const b = device(bid).collection<Note>(CID);
    const { data: note } = await a.create({ title: "original" });
    await syncOk(a);
    await syncOk(b);

    await a.update({ ...(await a.get(note.id)).data, title: "from A" });
    await b.update({ ...(await b.get(note.id)).data, title: "from B" });
    await syncOk(a);

    const result = await b.sync({ strategy: Kinto.syncStrategy.CLIENT_WINS });
    expect(result.ok).toBe(true);
    expect(result.conflicts).toEqual([]);
    const remote = await http().bucket(bid).collection(CID).getRecord<ServerNote>(note.id);
    expect(remote.data.title).toBe("from B");
    const local = (await b.get(note.id)).data;
    expect(local.title).toBe("from B");
    expect(local._status).toBe("synced");
    expect(local.last_modified).toBe(remote.data.last_modified);

    await syncOk(a);
    expect((await a.get(note.id)).data.title).toBe("from B");
  });

  it("a MANUAL sync reports the conflict with the server's version", async () => {
    const a = device(bid).collection<Note>(CID);
    const b = device(bid).collection<Note>(CID);
    const { data: note } = await a.create({ title: "original" });
    await syncOk(a);
    await syncOk(b);
    await a.update({ ...(await a.get(note.id)).data, title: "from A" });
    await b.update({ ...(await b.get(note.id)).data, title: "from B" });
    await syncOk(a);

    const result = await b.sync();
    expect(result.ok).toBe(false);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({ local: { id: note.id, title: "from B" }, remote: { id: note.id, title: "from A" } });
    // Nothing was overwritten on the server.
    const remote = await http().bucket(bid).collection(CID).getRecord<ServerNote>(note.id);
    expect(remote.data.title).toBe("from A");
  });

  it("a local creation pushed with If-None-Match: * does not overwrite a server record of the same id", async () => {
    const a = device(bid).collection<Note>(CID);
    const id = "4a7f6b9e-8d2c-4c1e-9f3a-2b5d6e7f8a9b";
    await http().bucket(bid).collection(CID).createRecord({ id, title: "server" });
    // The local device has not pulled yet: it creates the same id locally.
    await a.create({ id, title: "local" }, { useRecordId: true });
    const result = await a.sync({ strategy: Kinto.syncStrategy.SERVER_WINS });
    expect(result.ok).toBe(true);
    expect((await a.get(id)).data.title).toBe("server");
    expect((await http().bucket(bid).collection(CID).getRecord<ServerNote>(id)).data.title).toBe("server");
  });
});

describe("kinto.js pull of 1 000 records across pages", () => {
  it("a fresh device ends with exactly the 1 000 records created server-side", async () => {
    const collection = http().bucket(bid).collection(CID);
    const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const results = (await collection.batch(
      (batch) => {
        for (const [i, id] of ids.entries()) batch.createRecord({ id, title: `note ${i}`, n: i });
      },
      { aggregate: true },
    )) as { published: unknown[]; errors: unknown[]; conflicts: unknown[]; skipped: unknown[] };
    expect(results.errors).toEqual([]);
    expect(results.conflicts).toEqual([]);
    expect(results.published).toHaveLength(1000);
    expect(await collection.getTotalRecords()).toBe(1000);

    // The server's paginate_by is unset and 1 000 < storage_max_fetch_size, so force the page
    // size from the client: add `_limit=100` to the first records-list request. kinto.js then
    // has to follow Next-Page (which keeps `_limit`) until it disappears.
    const listRequests: string[] = [];
    const pagingFetch: typeof fetch = (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const method = (init?.method ?? "GET").toUpperCase();
      if (method === "GET" && url.pathname.endsWith(`/buckets/${bid}/collections/${CID}/records`)) {
        if (!url.searchParams.has("_limit")) url.searchParams.set("_limit", "100");
        listRequests.push(url.href);
      }
      return fetch(url.href, init);
    };
    const fresh = device(bid, { fetchFunc: pagingFetch }).collection<Note>(CID);
    const result = await syncOk(fresh);
    expect(result.created).toHaveLength(1000);

    const { data } = await fresh.list({}, { includeDeleted: true });
    expect(data).toHaveLength(1000);
    expect(new Set(data.map((r) => r.id))).toEqual(new Set(ids));
    expect(data.every((r) => r._status === "synced")).toBe(true);
    const byId = new Map(data.map((r) => [r.id, r]));
    expect(byId.get(ids[999] as string)).toMatchObject({ title: "note 999", n: 999 });
    // It really paginated: 10 pages of 100, each after the first via Next-Page with a token.
    expect(listRequests).toHaveLength(10);
    expect(listRequests.slice(1).every((u) => new URL(u).searchParams.has("_token"))).toBe(true);
    expect(listRequests.every((u) => new URL(u).searchParams.get("_limit") === "100")).toBe(true);

    // An incremental sync afterwards only brings the new change.
    await collection.createRecord({ title: "late" });
    const incremental = await syncOk(fresh);
    expect(incremental.created.map((r: Note) => r.title)).toEqual(["late"]);
    expect((await fresh.list()).data).toHaveLength(1001);
  });
});
