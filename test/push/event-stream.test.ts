/** Live changes as Server-Sent Events: same messages, `id` = timestamp, `Last-Event-ID` resumes, `close` event. */
import { describe, expect, test } from "vitest";
import { MAX_CATCH_UP } from "../../src/live/hub";
import { MAX_UNREAD } from "../../src/live/sinks";
import { CLOSE_RESYNC } from "../../src/live/subscription";
import { send } from "../resources/helpers";
import { collection, eventStream, seedRecords, streamEventsOf } from "./helpers";

const post = (path: string, data: Record<string, unknown>) => send({ method: "POST", url: `${path}/records`, body: { data } });

describe("Server-Sent Events", () => {
  test("each committed change is an event whose id is its timestamp", async () => {
    const path = await collection();
    const stream = await eventStream(path);
    const created = await post(path, { title: "a" });
    const deleted = await send({ method: "DELETE", url: `${path}/records/${created.body.data.id}` });
    const events = await streamEventsOf(stream, 2);
    expect(events).toEqual([
      { id: String(created.body.data.last_modified), action: "create", timestamp: created.body.data.last_modified, etag: `"${created.body.data.last_modified}"`, data: created.body.data },
      { id: String(deleted.body.data.last_modified), action: "delete", timestamp: deleted.body.data.last_modified, etag: `"${deleted.body.data.last_modified}"`, tombstone: deleted.body.data },
    ]);
    await stream.cancel();
    // The Writer forgets a stream its client cancelled; writes go on.
    expect((await post(path, { title: "b" })).status).toBe(201);
  });

  test("Last-Event-ID (what EventSource sends on reconnect) resumes after that change", async () => {
    const path = await collection();
    const first = await post(path, { n: 1 });
    const second = await post(path, { n: 2 });
    const stream = await eventStream(path, "alice", "", { "Last-Event-ID": String(first.body.data.last_modified) });
    const events = await streamEventsOf(stream, 1);
    expect(events[0]).toMatchObject({ action: "update", data: second.body.data });
    await stream.cancel();
  });

  test("permissions as for WebSockets: anonymous on a private collection → 401", async () => {
    const path = await collection();
    const res = await send({ url: `${path}/changes/live`, as: "anonymous", headers: { Accept: "text/event-stream" } });
    expect(res.status).toBe(401);
  });

  test("too many missed changes: a `close` event with the resync code, then the end", async () => {
    const path = await collection();
    await seedRecords(path, MAX_CATCH_UP + 1);
    const stream = await eventStream(path, "alice", "?_since=0");
    await stream.ended;
    expect(stream.closing).toMatchObject({ code: CLOSE_RESYNC });
    expect(stream.events).toEqual([]);
  });

  test("a client that does not read: past the unread cap, closed with the resync code while commits go on", async () => {
    const path = await collection();
    // In the past, so that the deletion's timestamps (from now on) meet none of them.
    await seedRecords(path, MAX_UNREAD + 1, Date.now() - 60_000);
    const stream = await eventStream(path, "alice", "", {}, false);
    // One commit of MAX_UNREAD + 1 tombstones, none of them read.
    const deleted = await send({ method: "DELETE", url: `${path}/records` });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toHaveLength(MAX_UNREAD + 1);
    expect((await post(path, { after: true })).status).toBe(201);
    await stream.read();
    expect(stream.closing).toMatchObject({ code: CLOSE_RESYNC });
    expect(stream.events.length).toBeLessThanOrEqual(MAX_UNREAD);
    expect(stream.events.every((event) => event.action === "delete")).toBe(true);
  });
});
