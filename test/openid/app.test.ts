/**
 * The OpenID plugin inside the app (`buildApp().fetch` with extra settings): the `openid`
 * capability, hello's `user`, writes and challenges, with the fake provider of app-helpers.ts.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { BASE, fakeProvider as fakeIdp, send } from "./app-helpers";
import { claims, nowSeconds, signingKey, type SigningKey } from "./helpers";

let key: SigningKey;
let stranger: SigningKey;

beforeAll(async () => {
  key = await signingKey("RS256", "k1");
  stranger = await signingKey("RS256", "k1");
});

/** A provider `<name>` at a fresh issuer, served by a stubbed global fetch. */
function fakeProvider(name = "idp", extra: Record<string, string> = {}, userinfo: Record<string, unknown> = {}) {
  return fakeIdp(key, { name, extra, userinfo });
}

describe("openid capability", () => {
  test("absent without a provider; a provider policy without the plugin is refused by name", async () => {
    const none = await send({ ...BASE, KINTO_MULTIAUTH_POLICIES: "basicauth" }, "/");
    expect(none.body.capabilities).not.toHaveProperty("openid");
    const { vars } = fakeProvider();
    const excluded = await send({ ...vars, KINTO_INCLUDES: "" }, "/");
    expect(excluded.status).toBe(500);
    expect(excluded.body.message).toMatch(/KINTO_MULTIAUTH_POLICIES: unknown authentication policy/);
  });

  test("lists the providers in policy order, with the contract's fields", async () => {
    const first = fakeProvider("auth0", { client_id: "cid", header_type: "OIDC", userinfo_endpoint: "https://auth0.test/me" });
    const second = fakeProvider("google", {});
    const vars = { ...first.vars, ...second.vars, KINTO_MULTIAUTH_POLICIES: "auth0 basicauth google" };
    const hello = await send(vars, "/");
    expect(hello.body.capabilities.openid).toEqual({
      description: "OpenID connect support.",
      url: "http://kinto.readthedocs.io/en/stable/api/1.x/authentication.html",
      providers: [
        { name: "auth0", issuer: first.issuer, auth_path: "/openid/auth0/login", client_id: "cid", audience: "api", header_type: "OIDC", userinfo_endpoint: "https://auth0.test/me" },
        // Not configured: discovered before hello renders.
        { name: "google", issuer: second.issuer, auth_path: "/openid/google/login", client_id: "", audience: "api", header_type: "Bearer", userinfo_endpoint: `${second.issuer}/userinfo` },
      ],
    });
    expect(hello.body.capabilities).toHaveProperty("basicauth");
  });

  test("a provider without issuer → 500 naming the variable", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await send({ ...BASE, KINTO_MULTIAUTH_POLICIES: "idp", KINTO_MULTIAUTH_POLICY_IDP_USE: "kinto.plugins.openid.OpenIDConnectPolicy" }, "/");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ errno: 999, message: expect.stringContaining("KINTO_MULTIAUTH_POLICY_IDP_ISSUER") });
  });
});

describe("authentication", () => {
  test("a valid token: hello shows `<p>:<sub>` and the claims as profile", async () => {
    const { vars, token, issuer } = fakeProvider();
    const payload = claims({ iss: issuer, aud: "api", sub: "alice" });
    const hello = await send(vars, "/", { authorization: `Bearer ${await token({ sub: "alice", iat: payload.iat, exp: payload.exp })}` });
    expect(hello.body.user).toEqual({
      id: "idp:alice",
      principals: ["idp:alice", "system.Everyone", "system.Authenticated"],
      profile: payload,
    });
  });

  test("a valid token can create a bucket, owned by `<p>:<sub>`", async () => {
    const { vars, token } = fakeProvider();
    const bid = uid("b");
    const res = await send(vars, `/buckets/${bid}`, { method: "PUT", authorization: `bearer ${await token({ sub: "bob" })}`, body: {} });
    expect(res.status).toBe(201);
    expect(res.body.permissions.write).toEqual(["idp:bob"]);
  });

  test("discovery and the JWKS are fetched once per isolate; the token is sent to neither", async () => {
    const { vars, token, issuer, requested } = fakeProvider();
    const header = `Bearer ${await token()}`;
    for (let i = 0; i < 3; i += 1) expect((await send(vars, "/", { authorization: header })).body.user.id).toBe("idp:user-1");
    expect(requested).toEqual([`${issuer}/.well-known/openid-configuration`, `${issuer}/jwks`]);
  });

  test("userinfo supplies a userid_field the token lacks", async () => {
    const userinfo = { sub: "user-1", email: "carol@example.com" };
    const { vars, token, issuer, requested } = fakeProvider("idp", { userid_field: "email" }, userinfo);
    const hello = await send(vars, "/", { authorization: `Bearer ${await token({ email: undefined })}` });
    expect(hello.body.user).toMatchObject({ id: "idp:carol@example.com", profile: userinfo });
    expect(requested).toContain(`${issuer}/userinfo`);
  });

  test("Basic auth still works beside the provider", async () => {
    const { vars } = fakeProvider();
    const hello = await send(vars, "/", { authorization: `Basic ${btoa("alice:secret")}` });
    expect(hello.body.user.id).toMatch(/^basicauth:[0-9a-f]{64}$/);
    expect(hello.body.user).not.toHaveProperty("profile");
  });

  const INVALID = [
    { name: "expired", token: (t: Token) => t({ exp: nowSeconds() - 3600 }) },
    { name: "wrong audience", token: (t: Token) => t({ aud: "someone-else" }) },
    { name: "wrongly signed", token: (t: Token) => t({}, stranger) },
    { name: "malformed", token: async () => "garbage" },
  ];
  type Token = ReturnType<typeof fakeProvider>["token"];

  test.each(INVALID)("$name → anonymous: no user in hello, 401 with the Bearer challenge on a write", async ({ token }) => {
    const provider = fakeProvider();
    const logged = [vi.spyOn(console, "warn"), vi.spyOn(console, "error"), vi.spyOn(console, "log")];
    const bad = await token(provider.token);
    const hello = await send(provider.vars, "/", { authorization: `Bearer ${bad}` });
    expect(hello.status).toBe(200);
    expect(hello.body).not.toHaveProperty("user");
    const bid = uid("b");
    const created = await send(provider.vars, `/buckets/${bid}`, { method: "PUT", authorization: `Bearer ${await provider.token()}`, body: {} });
    expect(created.status).toBe(201);
    const write = await send(provider.vars, `/buckets/${bid}/collections/c`, { method: "PUT", authorization: `Bearer ${bad}`, body: {} });
    expect(write.status).toBe(401);
    expect(write.headers.get("WWW-Authenticate")).toContain('Bearer realm="Realm"');
    for (const spy of logged) for (const call of spy.mock.calls) expect(call.join(" ")).not.toContain(bad);
  });

  test("a custom header_type is the scheme and the challenge", async () => {
    const { vars, token } = fakeProvider("idp", { header_type: "OIDC" });
    const ok = await send(vars, "/", { authorization: `oidc ${await token()}` });
    expect(ok.body.user.id).toBe("idp:user-1");
    const bearer = await send(vars, "/", { authorization: `Bearer ${await token()}` });
    expect(bearer.body).not.toHaveProperty("user");
    const bid = uid("b");
    await send(vars, `/buckets/${bid}`, { method: "PUT", authorization: `OIDC ${await token()}`, body: {} });
    const write = await send(vars, `/buckets/${bid}/collections/c`, { method: "PUT", body: {} });
    expect(write.status).toBe(401);
    expect(write.headers.get("WWW-Authenticate")).toContain('OIDC realm="Realm"');
  });
});
