/**
 * The changes monitor live (`/buckets/monitor/collections/changes/changes/live`, with
 * kinto_remote_settings): each monitored collection's new records timestamp, as the monitor
 * lists it, published by the collection's Writer after its commit; `_since` catch-up from D1.
 */
import { describe, expect, test } from "vitest";
import { feedWriterName } from "../../src/live/subscription";
import { MONITOR_FEED } from "../../src/plugins/push/monitor-feed";
import { call, withWriterSettings } from "../permissions/helpers";
import { send, uid } from "../resources/helpers";
import { eventsOf, live, settle, subscribe } from "./helpers";

const MONITOR = "/buckets/monitor/collections/changes";

async function setup() {
  const bid = uid("mon");
  expect((await send({ method: "PUT", url: `/buckets/${bid}`, body: {} })).status).toBe(201);
  for (const cid of ["a", "b", "hidden"]) expect((await send({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, body: {} })).status).toBe(201);
  const vars = {
    KINTO_INCLUDES: "kinto.plugins.accounts kinto_edge.push kinto_remote_settings",
    KINTO_CHANGES_RESOURCES: `/buckets/${bid}`,
    KINTO_CHANGES_EXCLUDED_COLLECTIONS: `/buckets/${bid}/collections/hidden`,
  };
  const writers = ["a", "b", "hidden"].map((cid) => `/buckets/${bid}/collections/${cid}`);
  return { bid, vars, writers: [...writers, feedWriterName(MONITOR_FEED)] };
}

const post = (bid: string, cid: string) => send({ method: "POST", url: `/buckets/${bid}/collections/${cid}/records`, body: { data: {} } });

describe("the changes monitor, live", () => {
  test("anonymous; one entry per commit of a monitored collection, as the monitor lists it", async () => {
    const { bid, vars, writers } = await setup();
    await withWriterSettings(vars, writers, async () => {
      const subscriber = await live(MONITOR, "anonymous", "", vars);
      const a = await post(bid, "a");
      await post(bid, "hidden");
      const b = await post(bid, "b");
      const events = await eventsOf(subscriber, 2);
      await settle();
      expect(subscriber.events).toHaveLength(2);
      const listed = await call({ url: `${MONITOR}/changeset?_expected=0`, vars });
      for (const [event, record] of [[events.find((e) => e.action === "update" && e.data.collection === "a"), a], [events.find((e) => e.action === "update" && e.data.collection === "b"), b]] as const) {
        expect(event).toMatchObject({ action: "update", timestamp: record.body.data.last_modified, etag: `"${record.body.data.last_modified}"` });
        expect(listed.body.changes).toContainEqual(event && "data" in event ? event.data : null);
      }
    });
  });

  test("_since: the entries changed since, from D1, then live ones", async () => {
    const { bid, vars, writers } = await setup();
    await withWriterSettings(vars, writers, async () => {
      const a = await post(bid, "a");
      const subscriber = await live(MONITOR, "anonymous", `?_since=${a.body.data.last_modified - 1}`, vars);
      const [missed] = await eventsOf(subscriber, 1);
      expect(missed).toMatchObject({ action: "update", timestamp: a.body.data.last_modified, data: { bucket: bid, collection: "a" } });
      const b = await post(bid, "b");
      expect((await eventsOf(subscriber, 2))[1]).toMatchObject({ timestamp: b.body.data.last_modified, data: { collection: "b" } });
    });
  });

  test("without kinto_remote_settings the path is a collection's stream (404: no such bucket)", async () => {
    const without = { KINTO_INCLUDES: "kinto.plugins.accounts kinto_edge.push" };
    const res = (await subscribe(MONITOR, "alice", "", without)) as Response;
    expect(res.status).toBeGreaterThanOrEqual(400);
    const hello = await call({ url: "/", vars: without });
    expect(hello.body.capabilities.push.monitor).toBeUndefined();
    const { vars } = await setup();
    expect((await call({ url: "/", vars })).body.capabilities.push).toMatchObject({ monitor: "/buckets/monitor/collections/changes/changes/live", bucket: "/buckets/{bucket_id}/changes/live" });
  });
});
