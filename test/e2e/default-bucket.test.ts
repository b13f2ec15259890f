// G01 end to end: the default bucket driven by kinto-http.js against `wrangler dev`.
import KintoClient from "kinto-http";
import type { KintoObject } from "kinto-http";
import { describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

interface Task extends KintoObject {
  title: string;
}

/** A client authenticated as a fresh basicauth user (every username:password is a user). */
function clientFor(username: string, password = "secret"): KintoClient {
  return new KintoClient(serverUrl(), {
    headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
  });
}

describe("default bucket through kinto-http", () => {
  it("creates and lists records in bucket('default'), whose real id is hello's user.bucket", async () => {
    const client = clientFor(uniqueId("user"));
    const user = await client.fetchUser();
    expect(user?.id).toMatch(/^basicauth:[0-9a-f]{64}$/);
    expect(user?.bucket).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const capabilities = await client.fetchServerCapabilities();
    expect(capabilities).toHaveProperty("default_bucket");

    const tasks = client.bucket("default").collection("tasks");
    const { data: first } = await tasks.createRecord({ title: "write tests" });
    const { data: second } = await tasks.createRecord({ title: "run tests" });
    const listed = await tasks.listRecords<Task>();
    expect(listed.data.map((task) => task.title)).toEqual(["run tests", "write tests"]);
    expect(listed.data.map((task) => task.id)).toEqual([second.id, first.id]);
    expect(await tasks.getTotalRecords()).toBe(2);

    const bucket = await client.bucket("default").getData<KintoObject>();
    expect(bucket.id).toBe(user?.bucket);
    const real = client.bucket(bucket.id).collection("tasks");
    const direct = await real.listRecords<Task>();
    expect(direct.data).toEqual(listed.data);
    expect(direct.last_modified).toBe(listed.last_modified);
    const { data: fetched } = await real.getRecord<Task>(first.id);
    expect(fetched.title).toBe("write tests");

    const buckets = await client.listBuckets();
    expect(buckets.data.map((b) => b.id)).toContain(user?.bucket);
  });

  it("updates, deletes and syncs with since through the alias", async () => {
    const client = clientFor(uniqueId("user"));
    const tasks = client.bucket("default").collection("tasks");
    const { data: task } = await tasks.createRecord({ title: "draft" });
    const since = (await tasks.listRecords()).last_modified;
    if (since === null) throw new Error("no ETag on the list");
    await tasks.updateRecord({ ...task, title: "final" });
    const { data: gone } = await tasks.createRecord({ title: "temporary" });
    await tasks.deleteRecord(gone.id);
    const changes = await tasks.listRecords<KintoObject>({ since });
    const byId = new Map(changes.data.map((record) => [record.id, record]));
    expect(byId.get(task.id)).toMatchObject({ title: "final" });
    expect(byId.get(gone.id)).toMatchObject({ deleted: true });
  });

  it("batches on the default bucket", async () => {
    const client = clientFor(uniqueId("user"));
    const results = await client.bucket("default").collection("batched").batch((batch) => {
      batch.createRecord({ id: "one", title: "1" });
      batch.createRecord({ id: "two", title: "2" });
    });
    expect(Array.isArray(results)).toBe(true);
    const statuses = (results as { status: number }[]).map((result) => result.status);
    expect(statuses).toEqual([201, 201]);
    const listed = await client.bucket("default").collection("batched").listRecords<Task>();
    expect(listed.data.map((task) => task.id).sort()).toEqual(["one", "two"]);
  });

  it("each user has their own default bucket; anonymous clients are refused", async () => {
    const alice = clientFor(uniqueId("alice"));
    const bob = clientFor(uniqueId("bob"));
    await alice.bucket("default").collection("notes").createRecord({ title: "alice's" });
    const bobs = await bob.bucket("default").collection("notes").listRecords();
    expect(bobs.data).toEqual([]);
    const aliceBucket = (await alice.fetchUser())?.bucket;
    const bobBucket = (await bob.fetchUser())?.bucket;
    expect(aliceBucket).not.toBe(bobBucket);

    const anonymous = new KintoClient(serverUrl(), {});
    await expect(anonymous.bucket("default").collection("notes").listRecords()).rejects.toThrow(/401/);
  });
});
