/**
 * C16, complementing test/protocol/service-state.test.ts (bucket writes, hello, 503): in
 * read-only mode every other write path answers 405 errno 115 — records, groups, accounts,
 * batch, flush, the default bucket — while reads, HEAD, /permissions and preflights work.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { type User, call, expectError, newUser, okCall } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const READONLY = { KINTO_READONLY: "true" };

let owner: User;
let records: string;

beforeAll(async () => {
  owner = await newUser("owner");
  const bid = uid("b");
  await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
  await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
  records = `/buckets/${bid}/collections/c/records`;
  await okCall({ method: "PUT", url: `${records}/r1`, auth: owner.auth, body: { data: { n: 1 } } });
  await okCall({ method: "PUT", url: `/buckets/${bid}/groups/g`, auth: owner.auth, body: { data: { members: [] } } });
});

describe("read-only mode", () => {
  test.each([
    { method: "POST", url: () => records, body: { data: {} } },
    { method: "PUT", url: () => `${records}/r1`, body: { data: { n: 2 } } },
    { method: "PATCH", url: () => `${records}/r1`, body: { data: { n: 2 } } },
    { method: "DELETE", url: () => `${records}/r1` },
    { method: "DELETE", url: () => records },
    { method: "PUT", url: () => records.replace("/collections/c/records", "/groups/g"), body: { data: { members: [] } } },
    { method: "PUT", url: () => `/accounts/${uid("acc")}`, body: { data: { password: "pw" } } },
    { method: "POST", url: () => "/batch", body: { requests: [{ method: "GET", path: "/" }] } },
    { method: "POST", url: () => "/__flush__" },
    { method: "GET", url: () => "/buckets/default" },
    { method: "GET", url: () => "/buckets/default/collections/tasks/records" },
    { method: "POST", url: () => "/buckets/default/collections/tasks/records", body: { data: {} } },
  ])("$method → 405 errno 115", async ({ method, url, body }) => {
    const res = await call({ method, url: url(), auth: owner.auth, body, vars: READONLY });
    expectError(res, 405, 115, `${method} ${url()}`);
  });

  test("reads still work: object GET, list, HEAD, /permissions, hello", async () => {
    expect((await call({ url: `${records}/r1`, auth: owner.auth, vars: READONLY })).body.data.n).toBe(1);
    expect((await call({ url: records, auth: owner.auth, vars: READONLY })).body.data).toHaveLength(1);
    const head = await call({ method: "HEAD", url: records, auth: owner.auth, vars: READONLY });
    expect(head.status).toBe(200);
    expect(head.headers.get("Total-Records")).toBe("1");
    expect((await call({ url: "/permissions", auth: owner.auth, vars: READONLY })).status).toBe(200);
    expect((await call({ url: "/", auth: owner.auth, vars: READONLY })).body.settings.readonly).toBe(true);
  });

  test("preflights are answered", async () => {
    const res = await call({
      method: "OPTIONS",
      url: records,
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" },
      vars: READONLY,
    });
    expect(res.status).toBe(200);
  });

  test("permission checks still apply to reads", async () => {
    const stranger = await newUser("stranger");
    expect((await call({ url: `${records}/r1`, auth: stranger.auth, vars: READONLY })).status).toBe(403);
    expect((await call({ url: `${records}/r1`, vars: READONLY })).status).toBe(401);
  });
});
