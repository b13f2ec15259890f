// End to end: changes that kinto.js (npm `kinto`) synchronises from a local database are each
// recorded in the bucket's history, with the same timestamps the sync acknowledged.
import "fake-indexeddb/auto";
import Kinto from "kinto";
import KintoHttpClient from "kinto-http";
import { describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

const AUTH = { Authorization: `Basic ${Buffer.from("history-user:s3cret").toString("base64")}` };

interface Note {
  id: string;
  last_modified?: number;
  title: string;
}

describe("history of a kinto.js sync", () => {
  it("one entry per pushed change: creates, an update and a deletion", async () => {
    const http = new KintoHttpClient(serverUrl(), { headers: AUTH });
    const bid = uniqueId("hsync");
    await http.createBucket(bid);
    await http.bucket(bid).createCollection("notes");

    const device = new Kinto({ remote: serverUrl(), bucket: bid, headers: AUTH, adapterOptions: { dbName: uniqueId("device") } });
    const notes = device.collection<Note>("notes");
    await notes.create({ id: "n1", title: "one" }, { useRecordId: true });
    await notes.create({ id: "n2", title: "two" }, { useRecordId: true });
    const first = await notes.sync();
    expect(first.ok).toBe(true);
    await notes.update({ id: "n1", title: "one, edited" });
    await notes.delete("n2");
    const second = await notes.sync();
    expect(second.ok).toBe(true);

    const history = await http.bucket(bid).listHistory({ filters: { resource_name: "record", collection_id: "notes" } });
    const entries = history.data.map((entry) => `${entry.action} ${String(entry.record_id)}`);
    expect(entries.sort()).toEqual(["create n1", "create n2", "delete n2", "update n1"]);
    // The newest entry of n1 carries the record as the server stored it after the sync.
    const server = await http.bucket(bid).collection("notes").getRecord<Note & { last_modified: number }>("n1");
    const latest = history.data.find((entry) => entry.record_id === "n1" && entry.action === "update");
    expect(latest?.target).toMatchObject({ data: { id: "n1", title: "one, edited", last_modified: server.data.last_modified } });
  });
});
