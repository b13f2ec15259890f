/**
 * A01, A02, A06: the authentication chain seen through HTTP (contract §7.1, §7.2, §6.4):
 * basicauth HMAC vectors in hello, ordered policies with fallback, bad credentials treated
 * as anonymous, and the `WWW-Authenticate` challenge of 401 responses.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { basicAuth, basicauthUserId, call, expect401, hmacSha256Hex, newUser, okCall } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MAT = "8a931a10fc88ab2f6d1cc02a07d3a81b5d4768f6f13e85c5d8d4180419acb1b4";

describe("basicauth test vectors through hello (§7.2)", () => {
  test.each([
    { secret: "", header: "Basic bWF0OnNlY3JldA==", id: `basicauth:${MAT}` },
    { secret: "", header: basicAuth("alice", "secret"), id: "basicauth:d5b0026601f1b251974e09548d44155e16812e3c64ff7ae053fe3542e2ca1570" },
    { secret: "", header: basicAuth("bob", "secret"), id: "basicauth:c031ced27503f788b102ca54269a062ec73794bb075154c74a0d4311e74ca8b6" },
    { secret: "some-secret-string", header: "Basic bWF0OnNlY3JldA==", id: "basicauth:c6c27f0c7297ba7d4abd2a70c8a2cb88a06a3bb793817ef2c85fe8a709b08022" },
  ])("secret '$secret', $header → $id", async ({ secret, header, id }) => {
    const res = await call({ url: "/", auth: header, vars: { KINTO_USERID_HMAC_SECRET: secret } });
    expect(res.body.user.id).toBe(id);
    expect(res.body.user.principals.sort()).toEqual([id, "system.Authenticated", "system.Everyone"].sort());
  });

  test("the helper's independent HMAC agrees with the vectors", async () => {
    expect(await hmacSha256Hex("", "mat:secret")).toBe(MAT);
    expect(await basicauthUserId("mat", "secret", "")).toBe(`basicauth:${MAT}`);
  });

  test("the configured secret (wrangler.toml) is used by default", async () => {
    const user = await newUser("u");
    expect((await okCall({ url: "/", auth: user.auth })).body.user.id).toBe(user.id);
    expect(user.id).not.toBe(await basicauthUserId(user.name, "secret", ""));
  });
});

describe("bad credentials are anonymous (§7.1, §6.4)", () => {
  const BAD = [
    { name: "undecodable", header: "Basic %%%" },
    { name: "no colon", header: `Basic ${btoa("mat")}` },
    { name: "empty username", header: `Basic ${btoa(":secret")}` },
    { name: "another scheme", header: "Bearer abc" },
  ];

  test.each(BAD)("$name: no user in hello; private data → 401; public data → 200", async ({ header }) => {
    expect((await okCall({ url: "/", auth: header })).body.user).toBeUndefined();
    const owner = await newUser("owner");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/public`, auth: owner.auth, body: { permissions: { read: ["system.Everyone"] } } });
    expect401(await call({ url: `/buckets/${bid}`, auth: header }));
    expect((await call({ url: `/buckets/${bid}/collections/public`, auth: header })).status).toBe(200);
  });
});

describe("policy chain (§7.1, §7.3)", () => {
  test("account first, basicauth as fallback; with `account` alone a wrong password is anonymous", async () => {
    const id = uid("acc");
    expect((await call({ method: "PUT", url: `/accounts/${id}`, body: { data: { password: "right" } } })).status).toBe(201);
    expect((await okCall({ url: "/", auth: basicAuth(id, "right") })).body.user.id).toBe(`account:${id}`);
    expect((await okCall({ url: "/", auth: basicAuth(id, "wrong") })).body.user.id).toBe(await basicauthUserId(id, "wrong"));

    const accountOnly = { KINTO_MULTIAUTH_POLICIES: "account" };
    expect((await call({ url: "/", auth: basicAuth(id, "right"), vars: accountOnly })).body.user.id).toBe(`account:${id}`);
    expect((await call({ url: "/", auth: basicAuth(id, "wrong"), vars: accountOnly })).body.user).toBeUndefined();
    const denied = await call({ url: `/buckets/${uid("b")}`, auth: basicAuth(id, "wrong"), vars: accountOnly });
    expect401(denied);
    const hello = await call({ url: "/", vars: accountOnly });
    expect(hello.body.capabilities.basicauth).toBeUndefined();
    expect(hello.body.capabilities.accounts).toBeDefined();

    const basicOnly = { KINTO_MULTIAUTH_POLICIES: "basicauth" };
    expect((await call({ url: "/", auth: basicAuth(id, "right"), vars: basicOnly })).body.user.id).toBe(await basicauthUserId(id, "right"));
  });

  test("no policy at all: everybody is anonymous", async () => {
    const vars = { KINTO_MULTIAUTH_POLICIES: "" };
    const user = await newUser("u");
    expect((await call({ url: "/", auth: user.auth, vars })).body.user).toBeUndefined();
  });
});

describe("401 challenge (A06)", () => {
  test("one `Basic realm=\"Realm\"` challenge with policies `account basicauth`, errno 104", async () => {
    const res = await call({ url: `/buckets/${uid("b")}` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      code: 401,
      errno: 104,
      error: "Unauthorized",
      message: "Please authenticate yourself to use this endpoint.",
    });
    expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="Realm"');
  });

  test("403 responses carry no challenge", async () => {
    const user = await newUser("u");
    const res = await call({ url: `/buckets/${uid("b")}`, auth: user.auth });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ code: 403, errno: 121, error: "Forbidden", message: "This user cannot access this resource." });
    expect(res.headers.get("WWW-Authenticate")).toBeNull();
  });
});
