/**
 * A bucket's stream (`/buckets/{bid}/changes/live`): its collections and groups, each event
 * naming its list, a cursor per list for `_since`, filtered as the listings are.
 */
import { describe, expect, test } from "vitest";
import { send, uid } from "../resources/helpers";
import { eventStream, eventsOf, live, settle, streamEventsOf, subscribe } from "./helpers";

async function bucket(): Promise<string> {
  const path = `/buckets/${uid("live")}`;
  expect((await send({ method: "PUT", url: path, body: {} })).status).toBe(201);
  return path;
}

async function bobId(): Promise<string> {
  return (await send({ url: "/", as: "bob" })).body.user.id as string;
}

describe("a bucket's stream", () => {
  test("collections and groups, in commit order, each with its list's ETag", async () => {
    const path = await bucket();
    const subscriber = await live(path);
    const created = await send({ method: "PUT", url: `${path}/collections/c1`, body: { data: { v: 1 } } });
    const group = await send({ method: "PUT", url: `${path}/groups/g1`, body: { data: { members: [] } } });
    const deleted = await send({ method: "DELETE", url: `${path}/collections/c1` });
    const events = await eventsOf(subscriber, 3);
    expect(events).toEqual([
      { action: "create", resource_name: "collection", timestamp: created.body.data.last_modified, etag: `"${created.body.data.last_modified}"`, data: created.body.data },
      { action: "create", resource_name: "group", timestamp: group.body.data.last_modified, etag: `"${group.body.data.last_modified}"`, data: group.body.data },
      { action: "delete", resource_name: "collection", timestamp: deleted.body.data.last_modified, etag: `"${deleted.body.data.last_modified}"`, tombstone: deleted.body.data },
    ]);
    expect((await send({ url: `${path}/collections` })).headers.get("ETag")).toBe(events[2]?.etag);
    expect((await send({ url: `${path}/groups` })).headers.get("ETag")).toBe(events[1]?.etag);
  });

  test("who reads one collection only sees that one; nobody else may subscribe", async () => {
    const path = await bucket();
    const bob = await bobId();
    await send({ method: "PUT", url: `${path}/collections/shared`, body: { permissions: { read: [bob] } } });
    const subscriber = await live(path, "bob");
    await send({ method: "PUT", url: `${path}/collections/private`, body: {} });
    const update = await send({ method: "PATCH", url: `${path}/collections/shared`, body: { data: { v: 2 } } });
    await send({ method: "PUT", url: `${path}/groups/g`, body: { data: { members: [] } } });
    await settle();
    expect(subscriber.events).toEqual([{ action: "update", resource_name: "collection", timestamp: update.body.data.last_modified, etag: `"${update.body.data.last_modified}"`, data: update.body.data }]);
    expect(((await subscribe(path, "anonymous")) as Response).status).toBe(401);
    const missing = (await subscribe("/buckets/nope-nope")) as Response;
    expect([403, 404]).toContain(missing.status);
  });

  test("_since: one timestamp for both lists, or one per list (collections,groups)", async () => {
    const path = await bucket();
    const c1 = await send({ method: "PUT", url: `${path}/collections/c1`, body: {} });
    const g1 = await send({ method: "PUT", url: `${path}/groups/g1`, body: { data: { members: [] } } });
    const c2 = await send({ method: "PUT", url: `${path}/collections/c2`, body: {} });
    const both = await live(path, "alice", `?_since=${c1.body.data.last_modified}`);
    expect((await eventsOf(both, 2)).map((event) => event.timestamp)).toEqual([g1.body.data.last_modified, c2.body.data.last_modified]);
    // The groups list resumes after g1: only c2 is missed.
    const cursor = `${c1.body.data.last_modified},${g1.body.data.last_modified}`;
    const resumed = await live(path, "alice", `?_since=${cursor}`);
    expect((await eventsOf(resumed, 1))[0]).toMatchObject({ resource_name: "collection", data: { id: "c2" } });
    expect(((await subscribe(path, "alice", "?_since=1,2,3")) as Response).status).toBe(400);
  });

  test("as Server-Sent Events, each id is the cursor after it", async () => {
    const path = await bucket();
    const stream = await eventStream(path);
    const c1 = await send({ method: "PUT", url: `${path}/collections/c1`, body: {} });
    const g1 = await send({ method: "PUT", url: `${path}/groups/g1`, body: { data: { members: [] } } });
    const events = await streamEventsOf(stream, 2);
    expect(events.map((event) => event.id)).toEqual([`${c1.body.data.last_modified},0`, `${c1.body.data.last_modified},${g1.body.data.last_modified}`]);
    await stream.cancel();
  });
});
