// End to end: the OpenID Connect login cycle against `wrangler dev` and the local provider
// (support/openid-provider.ts): login → provider → token → callback, each redirect
// followed by hand; the opaque access token it yields; a replayed state; scoped clients.
import KintoClient from "kinto-http";
import { importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { describe, expect, inject, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

const provider = inject("openidProvider");

/** The `Location` of a redirect answered by `url` (fetched without following it). */
async function redirectOf(url: string, status = [302, 307]): Promise<string> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  expect(status).toContain(response.status);
  return response.headers.get("Location") ?? "";
}

async function get(path: string, bearer: string) {
  const response = await fetch(`${serverUrl()}${path}`, { headers: { Authorization: `Bearer ${bearer}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe.skipIf(provider === null)("OpenID Connect login against wrangler dev", () => {
  const origin = () => new URL(serverUrl()).origin;
  const callback = () => `${origin()}/v1/admin/#/auth/openid/localidp/`;

  /** Login as `user` up to the provider's redirect back to the token endpoint. */
  async function untilTokenEndpoint(user: string): Promise<string> {
    const login = `${serverUrl()}/openid/localidp/login?${new URLSearchParams({ callback: callback(), scope: "openid email" })}`;
    const authorize = new URL(await redirectOf(login, [307]));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${provider?.issuer}/authorize`);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${serverUrl()}/openid/localidp/token`);
    authorize.searchParams.set("login_hint", user);
    return redirectOf(authorize.toString(), [302]);
  }

  it("login → provider → token → callback with the tokens; the access token works", async () => {
    const tokenUrl = await untilTokenEndpoint("carol");
    const back = await redirectOf(tokenUrl, [307]);
    expect(back.startsWith(callback())).toBe(true);
    const tokens = JSON.parse(atob(decodeURIComponent(back.slice(callback().length)))) as { access_token: string; id_token: string };
    expect(tokens.access_token).toBe("opaque-carol");

    // The opaque access token, validated at userinfo.
    const hello = await get("/", tokens.access_token);
    expect(hello.body.user).toMatchObject({ id: "localidp:carol", profile: { sub: "carol", email: "carol@example.com" } });
    const client = new KintoClient(serverUrl(), { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    const bid = uniqueId("login");
    const { permissions } = await client.createBucket(bid);
    expect(permissions.write).toEqual(["localidp:carol"]);
  });

  it("a replayed state → 400 Invalid state, never a second redirect", async () => {
    const tokenUrl = await untilTokenEndpoint("dave");
    await redirectOf(tokenUrl, [307]);
    const replay = await fetch(tokenUrl, { redirect: "manual" });
    expect(replay.status).toBe(400);
    expect(replay.headers.get("Location")).toBeNull();
    expect(await replay.json()).toMatchObject({ code: 400, errno: 107, message: "Invalid state" });
  });

  it("an untrusted callback → 400, no redirect to it", async () => {
    const login = `${serverUrl()}/openid/localidp/login?${new URLSearchParams({ callback: "https://evil.test/#", scope: "openid" })}`;
    const response = await fetch(login, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("scoped clients: one person, two applications, two principals that cannot read each other", async () => {
    const key = await importJWK(provider?.privateJwk as JWK, "RS256");
    const now = Math.floor(Date.now() / 1000);
    const sign = (client: string, extra: JWTPayload = {}) =>
      new SignJWT({ iss: provider?.issuer, sub: "erin", aud: client, azp: client, scope: "openid kinto", iat: now, exp: now + 600, ...extra })
        .setProtectedHeader({ alg: "RS256", kid: (provider?.privateJwk as JWK).kid ?? "" })
        .sign(key);
    const [a, b] = provider?.scopedClients ?? [];
    const asA = await sign(a ?? "");
    const asB = await sign(b ?? "");
    const helloA = await get("/", asA);
    const helloB = await get("/", asB);
    expect((helloA.body.user as { id: string }).id).toBe(`${provider?.scopedName}:${a}:erin`);
    expect((helloB.body.user as { id: string }).id).toBe(`${provider?.scopedName}:${b}:erin`);

    const bid = uniqueId("scoped");
    const clientB = new KintoClient(serverUrl(), { headers: { Authorization: `Bearer ${asB}` } });
    await clientB.createBucket(bid);
    await clientB.bucket(bid).createCollection("notes");
    await clientB.bucket(bid).collection("notes").createRecord({ secret: "b" });
    expect((await get(`/buckets/${bid}/collections/notes/records`, asA)).status).toBe(403);
    expect((await get(`/buckets/${bid}/collections/notes/records`, asB)).body.data).toHaveLength(1);

    // Without the required scope, the token counts for no client.
    expect((await get("/", await sign(a ?? "", { scope: "openid" }))).body).not.toHaveProperty("user");
  });
});
