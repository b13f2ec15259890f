/** Discovery, key set and userinfo fetches (remote.ts), against a stubbed global `fetch`. */
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { discover, discoveredMetadata, discoveryUrl, fetchUserinfo, keySetOf, ProviderUnavailable } from "../../src/plugins/openid/remote";
import { verifyToken } from "../../src/plugins/openid/verify";
import { uid } from "../resources/helpers";
import { claims, fakeProviderFetch, jwksOf, provider, sign, signingKey, type SigningKey } from "./helpers";

let key: SigningKey;

beforeAll(async () => {
  key = await signingKey("ES256", "e1");
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const freshIssuer = () => `https://${uid("idp")}.test`;

function stub(handler: (url: string) => Response | Promise<Response>) {
  const requested: string[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requested.push(request.url);
    return handler(request.url);
  });
  return requested;
}

test("discoveryUrl drops the issuer's trailing slashes", () => {
  expect(discoveryUrl("https://tenant.auth0.com/")).toBe("https://tenant.auth0.com/.well-known/openid-configuration");
  expect(discoveryUrl("https://idp.test/realms/x")).toBe("https://idp.test/realms/x/.well-known/openid-configuration");
});

describe("discovery", () => {
  test("fetched once, then cached; only http(s) URLs are kept", async () => {
    const issuer = freshIssuer();
    const requested = stub(() => Response.json({ jwks_uri: `${issuer}/jwks`, userinfo_endpoint: "javascript:alert(1)", token_endpoint: 42 }));
    expect(discoveredMetadata(issuer)).toBeNull();
    expect(await discover(provider({ issuer }))).toEqual({ jwks_uri: `${issuer}/jwks` });
    expect(await discover(provider({ issuer }))).toEqual({ jwks_uri: `${issuer}/jwks` });
    expect(requested).toHaveLength(1);
    expect(discoveredMetadata(issuer)).toEqual({ jwks_uri: `${issuer}/jwks` });
  });

  test.each([
    { name: "a 404", reply: () => new Response("no", { status: 404 }) },
    { name: "a non-JSON reply", reply: () => new Response("<html>") },
    { name: "a JSON array", reply: () => Response.json([]) },
  ])("$name → null, not retried during the cooldown", async ({ reply }) => {
    const issuer = freshIssuer();
    const requested = stub(reply);
    expect(await discover(provider({ issuer }))).toBeNull();
    expect(await discover(provider({ issuer }))).toBeNull();
    expect(requested).toHaveLength(1);
  });

  test.each([
    { name: "a 5xx", reply: () => new Response("oops", { status: 503 }) },
    { name: "a network error", reply: (): Response => {
      throw new TypeError("fetch failed");
    } },
  ])("$name → the provider is unavailable, not retried during the cooldown", async ({ reply }) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const issuer = freshIssuer();
    const requested = stub(reply);
    await expect(discover(provider({ issuer }))).rejects.toBeInstanceOf(ProviderUnavailable);
    await expect(discover(provider({ issuer }))).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(requested).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test("no key set without jwks_uri: tokens are refused", async () => {
    const issuer = freshIssuer();
    stub(() => Response.json({}));
    const p = provider({ issuer });
    expect(await keySetOf(p)).toBeNull();
    const token = await sign(key, claims({ iss: issuer }));
    expect((await verifyToken(token, p, { keySet: () => keySetOf(p), userinfo: async () => null, introspect: async () => null })).subject).toBeNull();
  });
});

describe("key set", () => {
  test("a configured jwks_uri skips discovery; the JWKS is fetched once", async () => {
    const issuer = freshIssuer();
    const served = fakeProviderFetch(issuer, () => jwksOf(key));
    vi.stubGlobal("fetch", served.fetch);
    const p = provider({ issuer, jwksUri: `${issuer}/jwks` });
    const sources = { keySet: () => keySetOf(p), userinfo: async () => null, introspect: async () => null };
    for (const sub of ["a", "b"]) {
      expect((await verifyToken(await sign(key, claims({ iss: issuer, sub })), p, sources))?.subject).toBe(sub);
    }
    expect(served.requested).toEqual([`${issuer}/jwks`]);
  });

  test("an unreachable JWKS → the provider is unavailable", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const issuer = freshIssuer();
    stub(() => new Response("down", { status: 500 }));
    const p = provider({ issuer, jwksUri: `${issuer}/jwks` });
    const token = await sign(key, claims({ iss: issuer }));
    await expect(verifyToken(token, p, { keySet: () => keySetOf(p), userinfo: async () => null, introspect: async () => null })).rejects.toBeInstanceOf(
      ProviderUnavailable,
    );
  });
});

describe("userinfo", () => {
  test("GET with the bearer token; its JSON object is the profile", async () => {
    const issuer = freshIssuer();
    let authorization: string | null = null;
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      authorization = new Request(input, init).headers.get("Authorization");
      return Response.json({ sub: "s", email: "e@example.com" });
    });
    const p = provider({ issuer, userinfoEndpoint: `${issuer}/me` });
    expect(await fetchUserinfo(p, "tok")).toEqual({ sub: "s", email: "e@example.com" });
    expect(authorization).toBe("Bearer tok");
  });

  test.each([
    { name: "401", reply: () => Response.json({ error: "invalid_token" }, { status: 401 }) },
    { name: "not JSON", reply: () => new Response("hello") },
    { name: "a JSON string", reply: () => Response.json("x") },
  ])("$name → null", async ({ reply }) => {
    const issuer = freshIssuer();
    stub(reply);
    expect(await fetchUserinfo(provider({ issuer, userinfoEndpoint: `${issuer}/me` }), "tok")).toBeNull();
  });

  test("no endpoint known → null, without a userinfo request", async () => {
    const issuer = freshIssuer();
    const requested = stub(() => Response.json({ jwks_uri: `${issuer}/jwks` }));
    expect(await fetchUserinfo(provider({ issuer }), "tok")).toBeNull();
    expect(requested).toEqual([discoveryUrl(issuer)]);
  });
});
