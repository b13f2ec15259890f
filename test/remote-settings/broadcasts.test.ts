/** `GET /__broadcasts__` (contract §12.1): the monitor's newest timestamp, `-preview` collections aside, debounced. */
import { describe, expect, it } from "vitest";
import { debounced } from "../../src/plugins/remote-settings/broadcasts";
import { createCollection, send, uid } from "../resources/helpers";
import { get } from "./helpers";

describe("broadcasts", () => {
  it("publishes the newest non-preview monitor timestamp, quoted", async () => {
    const bid = uid("main");
    const preview = `${bid}-preview`;
    for (const id of [bid, preview]) await send({ method: "PUT", url: `/buckets/${id}` });
    const cid = await createCollection(bid);
    const created = await send({ method: "POST", url: `/buckets/${bid}/collections/${cid}/records`, body: { data: {} } });
    const pcid = await createCollection(preview);
    await send({ method: "POST", url: `/buckets/${preview}/collections/${pcid}/records`, body: { data: {} } });
    const vars = { KINTO_CHANGES_RESOURCES: `/buckets/${bid} /buckets/${preview}`, KINTO_PUSH_BROADCAST_MIN_DEBOUNCE_INTERVAL_SECONDS: "0" };
    const res = await get({ url: "/__broadcasts__", vars });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ broadcasts: { "remote-settings/monitor_changes": `"${created.body.data.last_modified}"` }, code: 200 });
  });
});

describe("debounce (Remote Settings' rules)", () => {
  const now = 1_000_000_000;
  const current = (value: number) => () => Promise.resolve(value);
  it("publishes the current value when nothing was published", async () => {
    expect(await debounced(null, current(5), 300, now)).toBe(5);
  });
  it("keeps a value published less than the interval ago", async () => {
    expect(await debounced(now - 100_000, current(now), 300, now)).toBe(now - 100_000);
  });
  it("publishes a change more than the interval after the last one", async () => {
    expect(await debounced(now - 400_000, current(now - 50_000), 300, now)).toBe(now - 50_000);
  });
  it("publishes a change close to the last one once it is itself older than the interval", async () => {
    expect(await debounced(now - 700_000, current(now - 600_000), 300, now)).toBe(now - 600_000);
  });
  it("holds a change too close to the last one and too recent", async () => {
    expect(await debounced(now - 310_000, current(now - 100_000), 300, now)).toBe(now - 310_000);
  });
});
