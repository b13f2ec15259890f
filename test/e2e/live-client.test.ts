// End to end: the live-changes client module (client/live-changes.mjs) on kinto-http against
// `wrangler dev`, with the `ws` package as WebSocket: it delivers every change, survives a
// dropped connection without loss or repeat, resyncs by listing when too much was missed, and
// stops when the collection is deleted.
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { followCollection, type LiveChange, type WebSocketLike } from "../../client/live-changes.mjs";
import { makeClient, uniqueId } from "./client";
import { until } from "./support/until";

async function setup() {
  const client = makeClient();
  const bid = uniqueId("follow");
  await client.createBucket(bid);
  await client.bucket(bid).createCollection("notes");
  return { client, bid, notes: client.bucket(bid).collection("notes") };
}

const AsWebSocket = WebSocket as unknown as new (url: string) => WebSocketLike;

describe("the live-changes client module", () => {
  it("delivers every change once, across a dropped connection", async () => {
    const { client, bid, notes } = await setup();
    const changes: LiveChange[] = [];
    const follower = followCollection(client, bid, "notes", { onChange: (change) => changes.push(change), WebSocket: AsWebSocket, retryDelayMs: 100 });
    try {
      await until(() => follower.socket !== null && (follower.socket as unknown as WebSocket).readyState === WebSocket.OPEN, "the connection");
      const first = (await notes.createRecord({ n: 1 })).data;
      await until(() => changes.length === 1, "the first change");
      // A network failure: no close handshake.
      (follower.socket as unknown as WebSocket).terminate();
      const missed = [(await notes.createRecord({ n: 2 })).data, (await notes.createRecord({ n: 3 })).data];
      await until(() => changes.length === 3, "the missed changes");
      const live = (await notes.createRecord({ n: 4 })).data;
      await until(() => changes.length === 4, "the live change");
      expect(changes.map((change) => change.timestamp)).toEqual([first, ...missed, live].map((record) => record.last_modified));
      expect(follower.etag).toBe(`"${live.last_modified}"`);
    } finally {
      follower.close();
    }
  });

  it("too much missed: the server asks for a resync, the module lists, then follows", async () => {
    const { client, bid, notes } = await setup();
    await notes.batch((batch) => {
      for (let n = 0; n < 1001; n++) batch.createRecord({ n });
    });
    const changes: LiveChange[] = [];
    const follower = followCollection(client, bid, "notes", { since: "0", onChange: (change) => changes.push(change), WebSocket: AsWebSocket, retryDelayMs: 100 });
    try {
      await until(() => changes.length === 1001, "the listed records");
      await until(() => follower.socket !== null && (follower.socket as unknown as WebSocket).readyState === WebSocket.OPEN, "the new connection");
      const live = (await notes.createRecord({ n: 1001 })).data;
      await until(() => changes.length === 1002, "the live change");
      const timestamps = changes.map((change) => change.timestamp);
      expect(new Set(timestamps).size).toBe(1002);
      expect([...timestamps].sort((a, b) => a - b)).toEqual(timestamps);
      expect(changes.at(-1)).toMatchObject({ action: "create", data: live });
    } finally {
      follower.close();
    }
  }, 120_000);

  it("a deleted collection ends the follower through onGone", async () => {
    const { client, bid, notes } = await setup();
    let gone = false;
    const changes: LiveChange[] = [];
    const follower = followCollection(client, bid, "notes", { onChange: (change) => changes.push(change), onGone: () => (gone = true), WebSocket: AsWebSocket, retryDelayMs: 100 });
    try {
      await until(() => follower.socket !== null && (follower.socket as unknown as WebSocket).readyState === WebSocket.OPEN, "the connection");
      await notes.createRecord({ n: 1 });
      await until(() => changes.length === 1, "the change");
      await client.bucket(bid).deleteCollection("notes");
      await until(() => gone, "onGone");
      expect(follower.socket).toBeNull();
    } finally {
      follower.close();
    }
  });
});
