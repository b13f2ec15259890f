// End to end: kinto-http's `listHistory` and `listRecords({at})` (rebuilt from the history)
// against `wrangler dev` with the history plugin of wrangler.toml.
import type { KintoObject } from "kinto-http";
import { describe, expect, it } from "vitest";
import { makeClient, uniqueId } from "./client";

interface Note extends KintoObject {
  v: number;
}

describe("history with kinto-http", () => {
  it("lists the history and rebuilds a collection at a past timestamp", async () => {
    const client = makeClient();
    const { capabilities } = await client.fetchServerInfo();
    expect(capabilities.history).toMatchObject({ description: "Track changes on data." });
    const bid = uniqueId("hist");
    await client.createBucket(bid);
    const bucket = client.bucket(bid);
    await bucket.createCollection("notes");
    const notes = bucket.collection("notes");
    const { data: a } = await notes.createRecord({ id: "a", v: 1 });
    await notes.createRecord({ id: "b", v: 1 });
    const { data: b2 } = await notes.updateRecord({ id: "b", v: 2 });
    const at = b2.last_modified;
    await notes.updateRecord({ id: "a", v: 3 });
    await notes.deleteRecord("b");
    await notes.createRecord({ id: "c", v: 1 });

    const history = await bucket.listHistory({ filters: { resource_name: "record" } });
    expect(history.data.map((entry) => `${entry.action} ${String(entry.record_id)}`)).toEqual([
      "create c",
      "delete b",
      "update a",
      "update b",
      "create b",
      "create a",
    ]);

    const snapshot = await notes.listRecords<Note>({ at });
    expect(snapshot.data.map((record) => `${record.id} ${record.v}`)).toEqual(["b 2", "a 1"]);
    expect(snapshot.data.find((record) => record.id === "a")?.last_modified).toBe(a.last_modified);
  });
});
