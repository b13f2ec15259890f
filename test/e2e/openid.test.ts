// End to end: OpenID Connect bearer tokens against `wrangler dev`. The provider is the
// harness's local HTTP server (global-setup.ts): the worker discovers it and fetches its
// JWKS over real HTTP. Tokens are signed here with the harness's private key.
import KintoClient from "kinto-http";
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

type Key = Awaited<ReturnType<typeof importJWK>>;

const provider = inject("openidProvider");
let signingKey: Key;
/** Signs under the real key's kid, but is not in the JWKS. */
let strangerKey: Key;

const now = (): number => Math.floor(Date.now() / 1000);

async function token(overrides: JWTPayload = {}, key: Key = signingKey): Promise<string> {
  const jwk = provider?.privateJwk as JWK;
  const payload: JWTPayload = { iss: provider?.issuer, aud: provider?.audience, sub: "alice", iat: now(), exp: now() + 600, ...overrides };
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: jwk.kid ?? "" }).sign(key);
}

async function request(path: string, bearer: string, init: RequestInit = {}) {
  const response = await fetch(`${serverUrl()}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(provider === null)("OpenID Connect against wrangler dev", () => {
  beforeAll(async () => {
    signingKey = await importJWK(provider?.privateJwk as JWK, "RS256");
    strangerKey = (await generateKeyPair("RS256")).privateKey;
  });

  it("advertises the provider in hello's capabilities", async () => {
    const hello = (await (await fetch(`${serverUrl()}/`)).json()) as { capabilities: { openid: { providers: unknown } } };
    expect(hello.capabilities.openid.providers).toEqual([
      {
        name: provider?.name,
        issuer: provider?.issuer,
        auth_path: `/openid/${provider?.name}/login`,
        client_id: "kinto-e2e-client",
        audience: provider?.audience,
        header_type: "Bearer",
        userinfo_endpoint: `${provider?.issuer}/userinfo`,
      },
      {
        name: provider?.scopedName,
        issuer: provider?.issuer,
        auth_path: `/openid/${provider?.scopedName}/login`,
        client_id: "",
        audience: "",
        header_type: "Bearer",
        userinfo_endpoint: `${provider?.issuer}/userinfo`,
      },
    ]);
  });

  it("a valid token: hello's user is `<p>:<sub>` with the claims as profile", async () => {
    const hello = await request("/", await token({ sub: "alice", email: "alice@example.com" }));
    expect(hello.body.user).toMatchObject({
      id: `${provider?.name}:alice`,
      principals: expect.arrayContaining([`${provider?.name}:alice`, "system.Authenticated"]),
      profile: { sub: "alice", email: "alice@example.com", iss: provider?.issuer },
    });
  });

  it("a valid token creates a bucket with kinto-http, owned by `<p>:<sub>`", async () => {
    const client = new KintoClient(serverUrl(), { headers: { Authorization: `Bearer ${await token({ sub: "bob" })}` } });
    const bid = uniqueId("oidc");
    const { permissions } = await client.createBucket(bid);
    expect(permissions.write).toEqual([`${provider?.name}:bob`]);
    await client.bucket(bid).createCollection("notes");
    const { data } = await client.bucket(bid).collection("notes").createRecord({ text: "hi" });
    expect(data.text).toBe("hi");
  });

  describe.each([
    { name: "expired", make: () => token({ exp: now() - 3600, iat: now() - 7200 }) },
    { name: "wrong audience", make: () => token({ aud: "someone-else" }) },
    { name: "wrong issuer", make: () => token({ iss: "http://127.0.0.1:1" }) },
    { name: "wrongly signed", make: () => token({}, strangerKey) },
    { name: "malformed", make: async () => "not.a.jwt" },
  ])("$name token", ({ make }) => {
    it("is anonymous: no user in hello, 401 with the Bearer challenge on a write", async () => {
      const owner = await token({ sub: "owner" });
      const bid = uniqueId("oidc");
      expect((await request(`/buckets/${bid}`, owner, { method: "PUT", body: "{}" })).status).toBe(201);

      const bad = await make();
      const hello = await request("/", bad);
      expect(hello.status).toBe(200);
      expect(hello.body).not.toHaveProperty("user");
      const write = await request(`/buckets/${bid}/collections/c`, bad, { method: "PUT", body: "{}" });
      expect(write.status).toBe(401);
      expect(write.body).toMatchObject({ code: 401, errno: 104 });
      expect(write.headers.get("WWW-Authenticate")).toContain('Bearer realm="Realm"');
    });
  });
});
