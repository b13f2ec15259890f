// End to end: live changes against `wrangler dev`. 200 WebSocket subscribers follow one
// collection while 10 writers post to it through kinto-http; every subscriber must receive
// every acknowledged change exactly once, in commit (timestamp) order. Then a subscriber that
// reconnects with `_since` gets what it missed, once.
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { makeClient, serverUrl, uniqueId } from "./client";
import { until } from "./support/until";

const AUTH = `Basic ${btoa("alice:s3cret")}`;
const SUBSCRIBERS = 200;
const WRITERS = 10;
const WRITES_EACH = 10;

interface Event {
  action: string;
  timestamp: number;
  etag: string;
}

interface Follower {
  socket: WebSocket;
  events: Event[];
}

function follow(path: string, query = ""): Promise<Follower> {
  const url = `${serverUrl().replace(/^http/, "ws")}${path}/changes/live${query}`;
  const socket = new WebSocket(url, { headers: { Authorization: AUTH } });
  const events: Event[] = [];
  socket.on("message", (data) => events.push(JSON.parse(String(data)) as Event));
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve({ socket, events }));
    socket.once("unexpected-response", (_request, response) => reject(new Error(`subscription refused: ${response.statusCode}`)));
    socket.once("error", reject);
  });
}

describe("live changes against wrangler dev", () => {
  it(`${SUBSCRIBERS} subscribers, ${WRITERS} writers: every acknowledged change once, in order`, async () => {
    const client = makeClient();
    const bid = uniqueId("live");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("notes");
    const path = `/buckets/${bid}/collections/notes`;
    const followers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => follow(path)));
    try {
      const notes = client.bucket(bid).collection("notes");
      const acknowledged = (
        await Promise.all(
          Array.from({ length: WRITERS }, async (_, writer) => {
            const timestamps: number[] = [];
            for (let n = 0; n < WRITES_EACH; n++) timestamps.push((await notes.createRecord({ writer, n })).data.last_modified);
            return timestamps;
          }),
        )
      )
        .flat()
        .sort((a, b) => a - b);
      await until(() => followers.every((follower) => follower.events.length >= acknowledged.length), "every subscriber");
      for (const follower of followers) expect(follower.events.map((event) => event.timestamp)).toEqual(acknowledged);
    } finally {
      for (const follower of followers) follower.socket.close();
    }
  }, 120_000);

  it("a reconnect with _since gets what it missed, once, then live changes", async () => {
    const client = makeClient();
    const bid = uniqueId("live");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("notes");
    const notes = client.bucket(bid).collection("notes");
    const path = `/buckets/${bid}/collections/notes`;
    const first = await follow(path);
    await notes.createRecord({ n: 0 });
    await until(() => first.events.length === 1, "the first event");
    first.socket.close();
    const missed = [(await notes.createRecord({ n: 1 })).data.last_modified, (await notes.createRecord({ n: 2 })).data.last_modified];
    const again = await follow(path, `?_since=${encodeURIComponent(first.events[0]?.etag ?? "")}`);
    const live = (await notes.createRecord({ n: 3 })).data.last_modified;
    await until(() => again.events.length >= 3, "the catch-up and the live change");
    expect(again.events.map((event) => event.timestamp)).toEqual([...missed, live]);
    again.socket.close();
  });
});
