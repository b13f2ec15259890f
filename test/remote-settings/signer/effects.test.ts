/**
 * What the signer writes is seen like any other change (kinto-remote-settings notifies its
 * copies as resource events): history entries by `plugin:remote-settings`, live events to the
 * subscribers of the preview and destination, and the destination's new timestamp on the
 * changes monitor stream.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { send, uid, userIdOf } from "../../resources/helpers";
import { eventsOf, live, settle } from "../../push/helpers";
import { ensureBucket, MAIN, PREVIEW, setStatus, WORKSPACE } from "./helpers";

interface Entry {
  action: string;
  resource_name: string;
  uri: string;
  user_id: string | null;
  collection_id?: string;
  record_id?: string;
  target: { data: Record<string, unknown>; permissions: Record<string, string[]> };
}

let bob = "";

beforeAll(async () => {
  bob = await userIdOf("bob");
  await ensureBucket(WORKSPACE);
});

/** A source collection where bob reviews, with two records, in review. */
async function inReview(): Promise<{ cid: string; ids: string[] }> {
  const cid = uid("c");
  expect((await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } })).status).toBe(201);
  expect((await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } })).status).toBe(200);
  const ids: string[] = [];
  for (const n of [1, 2]) ids.push((await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { n } } })).body.data.id);
  expect((await setStatus(WORKSPACE, cid, "to-review")).status).toBe(200);
  return { cid, ids };
}

async function historyOf(bid: string, query: string): Promise<Entry[]> {
  const res = await send({ url: `/buckets/${bid}/history${query}` });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Entry[];
}

describe("the signer's writes", () => {
  it("are in the history of the destination and preview buckets, by plugin:remote-settings", async () => {
    const { cid, ids } = await inReview();
    const preview = await historyOf(PREVIEW, `?collection_id=${cid}&resource_name=record`);
    expect(preview.map((entry) => [entry.action, entry.record_id, entry.user_id]).sort()).toEqual(ids.map((id) => ["create", id, "plugin:remote-settings"]).sort());
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    const records = await historyOf(MAIN, `?collection_id=${cid}&resource_name=record`);
    expect(records.map((entry) => [entry.action, entry.record_id]).sort()).toEqual(ids.map((id) => ["create", id]).sort());
    for (const entry of records) {
      expect(entry.user_id).toBe("plugin:remote-settings");
      expect(entry.uri).toBe(`/buckets/${MAIN}/collections/${cid}/records/${entry.record_id}`);
      expect(entry.target.data).toMatchObject({ id: entry.record_id, n: expect.any(Number) });
    }
    // The destination collection: created empty and signed with the source, signed again on approval.
    const collection = await historyOf(MAIN, `?collection_id=${cid}&resource_name=collection`);
    expect(collection.map((entry) => entry.action)).toEqual(["update", "update", "create"]);
    expect(collection[0]?.target.data.signature).toMatchObject({ mode: "p384ecdsa" });
    // The source: the reviewer's request, then the plugin's `signed`, newest first.
    const source = await historyOf(WORKSPACE, `?collection_id=${cid}&resource_name=collection&_limit=2`);
    expect(source.map((entry) => [entry.user_id, entry.target.data.status])).toEqual([
      ["plugin:remote-settings", "signed"],
      [bob, "to-sign"],
    ]);
  });

  it("reach the live subscribers of the destination, and the changes monitor's", async () => {
    const { cid, ids } = await inReview();
    const destination = await live(`/buckets/${MAIN}/collections/${cid}`, "anonymous");
    const monitor = await live("/buckets/monitor/collections/changes", "anonymous");
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    const events = await eventsOf(destination, 2);
    expect(events.map((event) => (event.action === "create" ? event.data.id : null)).sort()).toEqual([...ids].sort());
    const changeset = await send({ url: `/buckets/${MAIN}/collections/${cid}/changeset?_expected=${uid("e")}` });
    const entry = async () => {
      for (let i = 0; i < 300; i++) {
        const found = monitor.events.find((event) => "data" in event && event.data.bucket === MAIN && event.data.collection === cid);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return undefined;
    };
    expect(await entry()).toMatchObject({ timestamp: changeset.body.timestamp, data: { bucket: MAIN, collection: cid, last_modified: changeset.body.timestamp } });
    await settle();
    expect(destination.events).toHaveLength(2);
    destination.socket.close(1000);
    monitor.socket.close(1000);
  });
});
