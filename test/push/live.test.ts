/**
 * Live changes of a collection (`kinto_edge.push`): subscribe with the same policies and
 * permissions as `GET …/records`, one message per committed change in commit order, never one
 * for a refused write, resume with `_since` without loss or duplicate, tokens for browsers.
 */
import { describe, expect, test } from "vitest";
import { MAX_CATCH_UP } from "../../src/live/hub";
import { CLOSE_FORBIDDEN, CLOSE_RESYNC } from "../../src/live/subscription";
import { call, withWriterSettings } from "../permissions/helpers";
import { AUTH, send } from "../resources/helpers";
import { collection, eventsOf, live, seedRecords, settle, subscribe } from "./helpers";

const post = (path: string, data: Record<string, unknown>) => send({ method: "POST", url: `${path}/records`, body: { data } });

describe("subscribing", () => {
  test("the push capability says where", async () => {
    const hello = await send({ url: "/" });
    expect(hello.body.capabilities.push).toMatchObject({ collection: "/buckets/{bucket_id}/collections/{collection_id}/changes/live" });
  });

  test("without a WebSocket upgrade → 426, the envelope", async () => {
    const path = await collection();
    const res = await send({ url: `${path}/changes/live` });
    expect(res.status).toBe(426);
    expect(res.body).toMatchObject({ code: 426, errno: 107, message: "Expected a WebSocket upgrade (Upgrade: websocket) or Accept: text/event-stream" });
  });

  test("who may not list the records may not subscribe: 401, 403; a missing collection 404", async () => {
    const path = await collection();
    expect(((await subscribe(path, "anonymous")) as Response).status).toBe(401);
    expect(((await subscribe(path, "bob")) as Response).status).toBe(403);
    const missing = (await subscribe(path.replace("/collections/c", "/collections/nope"))) as Response;
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errno: 111, details: { id: "nope", resource_name: "collection" } });
  });

  test("a bad _since → 400", async () => {
    const path = await collection();
    const res = (await subscribe(path, "alice", "?_since=abc")) as Response;
    expect(res.status).toBe(400);
  });
});

describe("events", () => {
  test("create, update, delete: in commit order, with the collection's ETag after each", async () => {
    const path = await collection();
    const subscriber = await live(path);
    const created = await post(path, { title: "a" });
    const id = created.body.data.id as string;
    const updated = await send({ method: "PATCH", url: `${path}/records/${id}`, body: { data: { title: "b" } } });
    const deleted = await send({ method: "DELETE", url: `${path}/records/${id}` });
    const events = await eventsOf(subscriber, 3);
    expect(events).toEqual([
      { action: "create", timestamp: created.body.data.last_modified, etag: `"${created.body.data.last_modified}"`, data: created.body.data },
      { action: "update", timestamp: updated.body.data.last_modified, etag: `"${updated.body.data.last_modified}"`, data: updated.body.data },
      { action: "delete", timestamp: deleted.body.data.last_modified, etag: `"${deleted.body.data.last_modified}"`, tombstone: deleted.body.data },
    ]);
    const list = await send({ url: `${path}/records` });
    expect(list.headers.get("ETag")).toBe(events[2]?.etag);
  });

  test("a refused write sends nothing; a batch sends each change", async () => {
    const path = await collection();
    const subscriber = await live(path);
    const refused = await send({ method: "PUT", url: `${path}/records/r1`, headers: { "If-Match": '"1"' }, body: { data: {} } });
    expect(refused.status).toBe(412);
    const batch = await send({
      method: "POST",
      url: "/batch",
      body: { requests: ["x", "y", "z"].map((id) => ({ method: "PUT", path: `/v1${path}/records/${id}`, body: { data: { n: id } } })) },
    });
    expect(batch.status).toBe(200);
    const events = await eventsOf(subscriber, 3);
    expect(events.map((event) => event.action === "create" && event.data.id)).toEqual(["x", "y", "z"]);
    await settle();
    expect(subscriber.events).toHaveLength(3);
  });

  test("one who reads some records only sees those, and no tombstones", async () => {
    const path = await collection();
    expect((await send({ method: "PUT", url: `${path}/records/shared`, body: { data: {}, permissions: { read: ["basicauth:" + (await bobId())] } } })).status).toBe(201);
    const bob = await live(path, "bob");
    await send({ method: "PUT", url: `${path}/records/private`, body: { data: { v: 1 } } });
    const update = await send({ method: "PATCH", url: `${path}/records/shared`, body: { data: { v: 2 } } });
    await send({ method: "DELETE", url: `${path}/records/shared` });
    await settle();
    expect(bob.events).toEqual([{ action: "update", timestamp: update.body.data.last_modified, etag: `"${update.body.data.last_modified}"`, data: update.body.data }]);
  });
});

async function bobId(): Promise<string> {
  const hello = await send({ url: "/", as: "bob" });
  return (hello.body.user.id as string).slice("basicauth:".length);
}

describe("resuming with _since", () => {
  test("what was missed comes first, exactly once, then live changes", async () => {
    const path = await collection();
    const first = await live(path);
    await post(path, { n: 1 });
    const [seen] = await eventsOf(first, 1);
    first.socket.close(1000, "bye");
    const a = await post(path, { n: 2 });
    const b = await post(path, { n: 3 });
    await send({ method: "DELETE", url: `${path}/records/${a.body.data.id}` });

    const again = await live(path, "alice", `?_since=${encodeURIComponent(seen?.etag ?? "")}`);
    const c = await post(path, { n: 4 });
    const events = await eventsOf(again, 3);
    expect(events.map((event) => (event.action === "delete" ? ["delete", event.tombstone.id] : [event.action, event.data.id]))).toEqual([
      ["update", b.body.data.id],
      ["delete", a.body.data.id],
      ["create", c.body.data.id],
    ]);
  });

  test("writes racing the catch-up: every change once, in order", async () => {
    const path = await collection();
    const before = await Promise.all(Array.from({ length: 10 }, (_, n) => post(path, { n })));
    const since = Math.min(...before.map((res) => res.body.data.last_modified as number)) - 1;
    const [subscriber, ...during] = await Promise.all([
      live(path, "alice", `?_since=${since}`),
      ...Array.from({ length: 10 }, (_, n) => post(path, { n: 10 + n })),
    ]);
    const after = await post(path, { n: 20 });
    const expected = [...before, ...during, after].map((res) => res.body.data.last_modified as number).sort((x, y) => x - y);
    // Changes written before the socket opened but after `_since` come from storage; later ones live.
    const events = await eventsOf(subscriber as Awaited<ReturnType<typeof live>>, expected.length);
    expect(events.map((event) => event.timestamp)).toEqual(expected);
  });

  test("more missed changes than a catch-up sends → closed with the resync code", async () => {
    const path = await collection();
    await seedRecords(path, MAX_CATCH_UP + 1);
    const subscriber = await live(path, "alice", "?_since=0");
    expect((await subscriber.closed).code).toBe(CLOSE_RESYNC);
    expect(subscriber.events).toEqual([]);
  });
});

describe("tokens, for browsers", () => {
  test("an authenticated POST gets a token that subscribes as its user", async () => {
    const path = await collection();
    const issued = await send({ method: "POST", url: `${path}/changes/live` });
    expect(issued.status).toBe(200);
    expect(issued.body).toEqual({ token: expect.stringMatching(/^[\w-]+\.[0-9a-f]{64}$/), expires: expect.any(Number) });
    const subscriber = await live(path, "anonymous", `?token=${issued.body.token}`);
    const created = await post(path, { n: 1 });
    expect((await eventsOf(subscriber, 1))[0]).toMatchObject({ data: created.body.data });
  });

  test("anonymous, a forged token, or one for another collection → 401", async () => {
    const path = await collection();
    expect((await send({ method: "POST", url: `${path}/changes/live`, as: "anonymous" })).status).toBe(401);
    const { token } = (await send({ method: "POST", url: `${path}/changes/live` })).body as { token: string };
    const other = path.replace("/collections/c", "/collections/d");
    await send({ method: "PUT", url: other, body: {} });
    expect(((await subscribe(other, "anonymous", `?token=${token}`)) as Response).status).toBe(401);
    const forged = `${token.split(".")[0]}.${"0".repeat(64)}`;
    expect(((await subscribe(path, "anonymous", `?token=${forged}`)) as Response).status).toBe(401);
  });
});

describe("losing access", () => {
  test("a revoked reader is disconnected at the next change after the re-check delay", async () => {
    const path = await collection();
    const bucket = path.split("/collections/")[0] ?? "";
    const bob = `basicauth:${await bobId()}`;
    await send({ method: "PATCH", url: bucket, body: { permissions: { read: [bob] } } });
    // Re-check at every change (the delay is 30 s by default).
    await withWriterSettings({ KINTO_PUSH_REAUTHORIZE_SECONDS: "0" }, [path], async () => {
      const subscriber = await live(path, "bob");
      await post(path, { n: 1 });
      await eventsOf(subscriber, 1);
      await send({ method: "PATCH", url: bucket, headers: { "Content-Type": "application/json-patch+json" }, body: [{ op: "remove", path: `/permissions/read/${bob}` }] });
      await post(path, { n: 2 });
      expect((await subscriber.closed).code).toBe(CLOSE_FORBIDDEN);
      expect(subscriber.events).toHaveLength(1);
    });
  });

  test("a malformed KINTO_PUSH_REAUTHORIZE_SECONDS → 500 naming it", async () => {
    const path = await collection();
    const bad = await call({ url: `${path}/changes/live`, auth: AUTH.alice, headers: { Upgrade: "websocket" }, vars: { KINTO_PUSH_REAUTHORIZE_SECONDS: "soon" } });
    expect(bad.status).toBe(500);
    expect(bad.body.message).toContain("KINTO_PUSH_REAUTHORIZE_SECONDS");
  });
});
