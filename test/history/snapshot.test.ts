/**
 * `GET /buckets/{bid}/snapshot/collections/{cid}@{timestamp}` (contract §10.2, Kinto 26): the
 * records as they were at a timestamp; read or write on the bucket or collection; a bad
 * timestamp → 400.
 */
import { expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { expect401, expect403, expectError, newUser } from "../permissions/helpers";
import { hcall, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

test("records as they were: later updates reverted, later creations absent, later deletions restored", async () => {
  const owner = await newUser("owner");
  const reader = await newUser("reader");
  const stranger = await newUser("stranger");
  const bid = uid("b");
  await withHistory(bid, ["c"], async () => {
    await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });
    const records = `/buckets/${bid}/collections/c/records`;
    await hok({ method: "PUT", url: `${records}/kept`, auth: owner.auth, body: { data: { v: 1 } } });
    await hok({ method: "PUT", url: `${records}/updated`, auth: owner.auth, body: { data: { v: 1 } } });
    await hok({ method: "PUT", url: `${records}/deleted`, auth: owner.auth, body: { data: { v: 1 } } });
    await hok({ method: "PUT", url: `${records}/gone`, auth: owner.auth, body: { data: { v: 1 } } });
    const gone = await hok({ method: "DELETE", url: `${records}/gone`, auth: owner.auth });
    const at = gone.body.data.last_modified as number;
    await hok({ method: "PUT", url: `${records}/updated`, auth: owner.auth, body: { data: { v: 2 } } });
    await hok({ method: "DELETE", url: `${records}/deleted`, auth: owner.auth });
    await hok({ method: "PUT", url: `${records}/new`, auth: owner.auth, body: { data: { v: 1 } } });

    const url = `/buckets/${bid}/snapshot/collections/c@${at}`;
    const res = await hok({ url, auth: reader.auth });
    const data = res.body.data as { id: string; v: number; last_modified: number }[];
    expect(data.map((r) => `${r.id} ${r.v}`)).toEqual(["deleted 1", "updated 1", "kept 1"]);
    const stamps = data.map((r) => r.last_modified);
    expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);

    const now = await hok({ url: `/buckets/${bid}/snapshot/collections/c@${Date.now() + 1000}`, auth: owner.auth });
    expect(now.body.data.map((r: { id: string }) => r.id).sort()).toEqual(["kept", "new", "updated"]);
    expect403(await hcall({ url, auth: stranger.auth }));
    expect401(await hcall({ url }));
    for (const bad of ["abc", "-1", "1.5"]) {
      expectError(await hcall({ url: `/buckets/${bid}/snapshot/collections/c@${bad}`, auth: owner.auth }), 400, 107, bad);
    }
  });
});
