// End to end with the real kinto-http.js client against `wrangler dev`.
import type { KintoObject } from "kinto-http";
import { describe, expect, it } from "vitest";
import { makeClient, uniqueId } from "./client";

interface Article extends KintoObject {
  title: string;
}

describe("kinto-http against wrangler dev", () => {
  it("reports the Kinto HTTP API version", async () => {
    const info = await makeClient().fetchServerInfo();
    expect(info.http_api_version).toBe("1.23");
  });

  it("creates, lists, deletes records and syncs the tombstone with since", async () => {
    const client = makeClient();
    const bid = uniqueId("e2e");
    await client.createBucket(bid);
    const bucket = client.bucket(bid);
    await bucket.createCollection("articles");
    const articles = bucket.collection("articles");

    const created: Article[] = [];
    for (const title of ["one", "two", "three"]) {
      const { data } = await articles.createRecord({ title });
      created.push(data);
    }

    const listed = await articles.listRecords<Article>();
    expect(listed.data).toHaveLength(3);
    // Default sort is -last_modified: newest first.
    expect(listed.data.map((r) => r.id)).toEqual(created.map((r) => r.id).reverse());
    expect(listed.data.map((r) => r.title)).toEqual(["three", "two", "one"]);
    const stamps = listed.data.map((r) => r.last_modified);
    expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(3);

    // The collection's records timestamp (ETag) is the newest record's.
    const since = listed.last_modified;
    expect(since).not.toBeNull();
    if (since === null) throw new Error("listRecords returned no ETag");
    expect(Number(since)).toBe(stamps[0]);
    const etag = await articles.getRecordsTimestamp();
    expect(etag?.replace(/"/g, "")).toBe(since);

    const victim = created[1];
    if (victim === undefined) throw new Error("no record to delete");
    await articles.deleteRecord(victim.id);

    const changes = await articles.listRecords<KintoObject>({ since });
    expect(changes.data).toEqual([
      { id: victim.id, last_modified: expect.any(Number), deleted: true },
    ]);
    const tombstone = changes.data[0];
    expect(tombstone?.last_modified).toBeGreaterThan(Number(since));
    expect(changes.last_modified).toBe(String(tombstone?.last_modified));

    const remaining = await articles.listRecords<Article>();
    expect(remaining.data.map((r) => r.id).sort()).toEqual(
      [created[0]?.id, created[2]?.id].sort(),
    );
  });
});
