/**
 * G05: `POST /__flush__` (contract §10.3): absent unless the plugin is included (Kinto ≥ 7:
 * no second flag; the dev environment includes it); then 202 `{}` without authentication and
 * every stored object, ACL, membership and account is gone. Flushing wipes this file's whole
 * storage.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { basicAuth, call, expectError, newUser, okCall } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const ENABLED = { KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.default_bucket kinto.plugins.flush" };
const CAPABILITY = {
  description: "The __flush__ endpoint can be used to remove all data from all backends.",
  url: "https://kinto.readthedocs.io/en/latest/api/1.x/flush.html",
};

describe("disabled", () => {
  test("the plugin not included: 404, no capability, whatever flush_endpoint_enabled says", async () => {
    const vars = { KINTO_FLUSH_ENDPOINT_ENABLED: "true", KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.default_bucket" };
    expectError(await call({ method: "POST", url: "/__flush__", vars }), 404, 111);
    expect((await call({ url: "/", vars })).body.capabilities.flush_endpoint).toBeUndefined();
  });
});

describe("enabled", () => {
  test("the capability is advertised; only POST is allowed", async () => {
    expect((await call({ url: "/", vars: ENABLED })).body.capabilities.flush_endpoint).toEqual(CAPABILITY);
    const get = await call({ url: "/__flush__", vars: ENABLED });
    expectError(get, 405, 115);
    expect(get.headers.get("Allow")).toContain("POST");
  });

  test("anonymous POST → 202 {}; objects, ACLs, memberships and accounts are gone", async () => {
    const owner = await newUser("owner");
    const member = await newUser("member");
    const bid = uid("b");
    const group = `/buckets/${bid}/groups/g`;
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth, body: { data: { n: 1 } } });
    await okCall({ method: "PUT", url: group, auth: owner.auth, body: { data: { members: [member.id] } } });
    const account = uid("acc");
    await okCall({ method: "PUT", url: `/accounts/${account}`, body: { data: { password: "pw" } } });
    expect((await okCall({ url: "/", auth: basicAuth(account, "pw") })).body.user.id).toBe(`account:${account}`);
    expect((await okCall({ url: "/", auth: member.auth })).body.user.principals).toContain(group);

    const res = await call({ method: "POST", url: "/__flush__", vars: ENABLED });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});

    expect((await call({ url: `/buckets/${bid}`, auth: owner.auth })).status).toBe(403);
    expect((await call({ url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth })).status).toBe(403);
    expect((await okCall({ url: "/", auth: member.auth })).body.user.principals).not.toContain(group);
    expect((await okCall({ url: "/", auth: basicAuth(account, "pw") })).body.user.id).toMatch(/^basicauth:/);
    const permissions = await okCall({ url: "/permissions", auth: owner.auth });
    expect(permissions.body.data.filter((entry: { uri: string }) => entry.uri !== "/")).toEqual([]);
    // The id is free again: recreating it is a creation.
    expect((await call({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: {} })).status).toBe(201);
    expect((await okCall({ url: `/buckets/${bid}/collections`, auth: owner.auth })).body.data).toEqual([]);
  });
});
