/** The virtual `monitor/changes` collection (contract §12.1): changeset, legacy records list, cache-friendly rules. */
import { describe, expect, it } from "vitest";
import { entryId } from "../../src/plugins/remote-settings/monitor";
import { createCollection, send, uid } from "../resources/helpers";
import { get, type Vars } from "./helpers";

const DAY = 24 * 60 * 60 * 1000;

/** Two fresh buckets with collections holding one record each; the monitor watches the first and one collection of the second. */
async function monitored() {
  const main = uid("main");
  const other = uid("other");
  for (const bid of [main, other]) await send({ method: "PUT", url: `/buckets/${bid}` });
  const cids = [await createCollection(main), await createCollection(main), await createCollection(other), await createCollection(other)];
  const buckets = [main, main, other, other];
  for (const [i, cid] of cids.entries()) {
    await send({ method: "POST", url: `/buckets/${buckets[i]}/collections/${cid}/records`, body: { data: { i } } });
  }
  const vars: Vars = {
    KINTO_CHANGES_RESOURCES: `/buckets/${main} /buckets/${other}/collections/${cids[2]}`,
    KINTO_CHANGES_EXCLUDED_COLLECTIONS: `/buckets/${main}/collections/${cids[1]}`,
    KINTO_HTTP_HOST: "settings.example.com",
  };
  return { main, other, cids, vars };
}

describe("entry ids", () => {
  it("are the UUID of MD5(host + collection URI), as Remote Settings'", async () => {
    expect(await entryId("firefox.settings.services.mozilla.com", "blocklists", "plugins")).toBe("19e79f22-62cf-92e1-c12c-a3b4b9cf51be");
  });
});

describe("monitor changeset", () => {
  it("one entry per monitored collection, newest first, public; timestamp is the newest", async () => {
    const { main, other, cids, vars } = await monitored();
    const res = await get({ url: "/buckets/monitor/collections/changes/changeset?_expected=0", vars });
    expect(res.status, res.text).toBe(200);
    expect(res.body.metadata).toEqual({ bucket: "monitor" });
    const mine = res.body.changes.filter((entry: { bucket: string }) => entry.bucket === main || entry.bucket === other);
    expect(mine.map((entry: { collection: string }) => entry.collection)).toEqual([cids[2], cids[0]]);
    expect(mine[1]).toEqual({
      id: await entryId("settings.example.com", main, cids[0] ?? ""),
      last_modified: expect.any(Number),
      bucket: main,
      collection: cids[0],
      host: "settings.example.com",
    });
    expect(res.body.timestamp).toBe(Math.max(...res.body.changes.map((entry: { last_modified: number }) => entry.last_modified)));
    expect(res.headers.get("Last-Modified")).toBe(new Date(Math.floor(res.body.timestamp / 1000) * 1000).toUTCString());
  });

  it("filters by _since, bucket and collection", async () => {
    const { main, cids, vars } = await monitored();
    const all = await get({ url: "/buckets/monitor/collections/changes/changeset?_expected=0", vars });
    const oldest = all.body.changes.at(-1).last_modified;
    const since = await get({ url: `/buckets/monitor/collections/changes/changeset?_expected=0&_since=${oldest}`, vars });
    expect(since.body.changes.every((entry: { last_modified: number }) => entry.last_modified > oldest)).toBe(true);
    const one = await get({ url: `/buckets/monitor/collections/changes/changeset?_expected=0&bucket=${main}&collection=${cids[0]}`, vars });
    expect(one.body.changes.map((entry: { collection: string }) => entry.collection)).toEqual([cids[0]]);
  });

  it("a quoted _expected redirects to the unquoted URL; a stale one answers 204; an old _since redirects without it", async () => {
    const { vars } = await monitored();
    const withTtl = { ...vars, KINTO_CHANGES_SINCE_MAX_AGE_REDIRECT_TTL_SECONDS: "600" };
    const quoted = await get({ url: '/buckets/monitor/collections/changes/changeset?_expected="123"&bucket=x', vars: withTtl });
    expect(quoted.status).toBe(307);
    expect(quoted.headers.get("Location")).toBe("https://settings.example.com/v1/buckets/monitor/collections/changes/changeset?_expected=123&bucket=x");
    const now = Date.now();
    const stale = await get({ url: `/buckets/monitor/collections/changes/changeset?_expected=${now - 10}&_since=${now}`, vars: withTtl });
    expect(stale.status).toBe(204);
    expect(stale.headers.get("Cache-Control")).toBe("max-age=600");
    const old = await get({ url: `/buckets/monitor/collections/changes/changeset?_expected=0&_since=${now - 30 * DAY}`, vars: withTtl });
    expect(old.status).toBe(307);
    expect(old.headers.get("Location")).toBe("https://settings.example.com/v1/buckets/monitor/collections/changes/changeset?_expected=0");
    expect(old.headers.get("Cache-Control")).toBe("max-age=600");
    const disabled = await get({ url: `/buckets/monitor/collections/changes/changeset?_expected=0&_since=${now - 30 * DAY}`, vars: { ...vars, KINTO_CHANGES_SINCE_MAX_AGE_DAYS: "-1" } });
    expect(disabled.status).toBe(200);
  });

  it("400 without _expected", async () => {
    const res = await get({ url: "/buckets/monitor/collections/changes/changeset" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: "_expected in querystring: Required" });
  });
});

describe("legacy monitor records", () => {
  it("a plural GET over the entries: filters, _sort, _limit with Next-Page, ETag", async () => {
    const { main, other, cids, vars } = await monitored();
    const sorted = [cids[0] ?? "", cids[2] ?? ""].sort();
    const seen: string[] = [];
    let url: string | null = `/buckets/monitor/collections/changes/records?bucket=${main},${other}&_sort=collection&_limit=1`.replace("bucket=", "in_bucket=");
    while (url !== null) {
      const page = await get({ url, vars });
      expect(page.status, page.text).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(1);
      expect(page.headers.get("ETag")).toMatch(/^"\d+"$/);
      seen.push(...page.body.data.map((entry: { collection: string }) => entry.collection));
      url = page.headers.get("Next-Page");
    }
    expect(seen).toEqual(sorted);
    const filtered = await get({ url: `/buckets/monitor/collections/changes/records?collection=${cids[2]}`, vars });
    expect(filtered.body.data.map((entry: { bucket: string }) => entry.bucket)).toEqual([other]);
  });

  it("If-None-Match of the current ETag answers 200 with no data (CDNs do not cache 304)", async () => {
    const { vars } = await monitored();
    const first = await get({ url: "/buckets/monitor/collections/changes/records", vars });
    const etag = first.headers.get("ETag") ?? "";
    const again = await get({ url: "/buckets/monitor/collections/changes/records", vars, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: [] });
  });

  it("an unknown filter field: 400; other methods: 405", async () => {
    const { vars } = await monitored();
    expect((await get({ url: "/buckets/monitor/collections/changes/records?color=red", vars })).status).toBe(400);
    expect((await get({ url: "/buckets/monitor/collections/changes/records", method: "POST", as: "alice", vars })).status).toBe(405);
  });

  it("without the plugin the path is an ordinary records list again", async () => {
    const res = await get({ url: "/buckets/monitor/collections/changes/records", vars: { KINTO_INCLUDES: "kinto.plugins.accounts" } });
    expect([401, 403, 404]).toContain(res.status);
    expect(res.body.errno).not.toBe(107);
  });
});

describe("hello", () => {
  it("advertises changes with the monitored resources; kinto_changes alone brings no signer", async () => {
    const res = await get({ url: "/", vars: { KINTO_CHANGES_RESOURCES: "/buckets/main /buckets/blocklists" } });
    expect(res.body.capabilities.changes).toMatchObject({ collections: ["/buckets/main", "/buckets/blocklists"], version: expect.any(String) });
    expect(res.body.capabilities).toHaveProperty("signer");
    const changesOnly = await get({ url: "/", vars: { KINTO_INCLUDES: "kinto.plugins.accounts kinto_changes" } });
    expect(changesOnly.body.capabilities).toHaveProperty("changes");
    expect(changesOnly.body.capabilities).not.toHaveProperty("signer");
  });
});
