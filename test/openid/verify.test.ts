/** `verifyToken` (contract §7.4, JWT variant) against a locally generated JWKS. */
import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { MAX_TOKEN_LENGTH, verifyToken, type TokenSources } from "../../src/plugins/openid/verify";
import { ProviderUnavailable } from "../../src/plugins/openid/remote";
import type { OpenIDProvider } from "../../src/plugins/openid/settings";
import { AUDIENCE, claims, CLIENT_ID, jwksOf, localSources, nowSeconds, provider, sign, signingKey, type SigningKey } from "./helpers";

let rsa: SigningKey;
let ec: SigningKey;
/** Not in the JWKS; `impostor` reuses rsa's kid. */
let other: SigningKey;
let impostor: SigningKey;

beforeAll(async () => {
  rsa = await signingKey("RS256", "rsa-1");
  ec = await signingKey("ES256", "ec-1");
  other = await signingKey("RS256", "other");
  impostor = { ...(await signingKey("RS256", "rsa-1")) };
});

const jwks = () => jwksOf(rsa, ec);

describe("valid tokens", () => {
  test.each(["RS256", "ES256"])("%s token → its sub and claims as profile", async (alg) => {
    const key = alg === "RS256" ? rsa : ec;
    const payload = claims({ sub: `sub-${alg}` });
    const result = await verifyToken(await sign(key, payload), provider(), localSources(jwks()).sources);
    expect(result).toMatchObject({ subject: `sub-${alg}`, profile: payload });
  });

  test("expiresAt is min(now + verification_ttl, exp)", async () => {
    const now = Date.now();
    const exp = nowSeconds() + 3600;
    const token = await sign(rsa, claims({ exp }));
    const long = await verifyToken(token, provider(), localSources(jwks()).sources, now);
    expect(long?.expiresAt).toBe(exp * 1000);
    const short = await verifyToken(token, provider({ verificationTtlSeconds: 60 }), localSources(jwks()).sources, now);
    expect(short?.expiresAt).toBe(now + 60_000);
  });

  test("an aud list containing the audience", async () => {
    const token = await sign(rsa, claims({ aud: ["other-api", AUDIENCE] }));
    expect(await verifyToken(token, provider(), localSources(jwks()).sources)).not.toBeNull();
  });

  test("without audience, aud must be the client_id", async () => {
    const noAudience = provider({ audience: null });
    const forClient = await sign(rsa, claims({ aud: CLIENT_ID }));
    const forApi = await sign(rsa, claims({ aud: AUDIENCE }));
    expect(await verifyToken(forClient, noAudience, localSources(jwks()).sources)).not.toBeNull();
    expect((await verifyToken(forApi, noAudience, localSources(jwks()).sources)).subject).toBeNull();
  });

  test("without audience nor client_id, aud is not checked", async () => {
    const token = await sign(rsa, claims({ aud: "anything" }));
    expect(await verifyToken(token, provider({ audience: null, clientId: null }), localSources(jwks()).sources)).not.toBeNull();
  });

  test("a token without kid is tried against every matching key", async () => {
    const second = await signingKey("RS256", "rsa-2");
    const token = await sign(second, claims(), { kid: null });
    const result = await verifyToken(token, provider(), localSources(jwksOf(rsa, second)).sources);
    expect(result?.subject).toBe("user-1");
  });

  test("userid_field picks another claim", async () => {
    const token = await sign(rsa, claims({ email: "alice@example.com" }));
    const result = await verifyToken(token, provider({ useridField: "email" }), localSources(jwks()).sources);
    expect(result?.subject).toBe("alice@example.com");
  });

  test("a clock skew within 30 s is tolerated", async () => {
    const token = await sign(rsa, claims({ exp: nowSeconds() - 5, nbf: nowSeconds() + 5 }));
    expect(await verifyToken(token, provider(), localSources(jwks()).sources)).not.toBeNull();
  });
});

interface Invalid {
  name: string;
  token: () => Promise<string>;
  provider?: Partial<OpenIDProvider>;
}

const INVALID: Invalid[] = [
  { name: "expired", token: () => sign(rsa, claims({ exp: nowSeconds() - 3600 })) },
  { name: "not yet valid (nbf)", token: () => sign(rsa, claims({ nbf: nowSeconds() + 3600 })) },
  { name: "without exp", token: () => sign(rsa, claims({ exp: undefined })) },
  { name: "wrong audience", token: () => sign(rsa, claims({ aud: "someone-else" })) },
  { name: "without aud while an audience is configured", token: () => sign(rsa, claims({ aud: undefined })) },
  { name: "wrong issuer", token: () => sign(rsa, claims({ iss: "https://evil.test" })) },
  { name: "issuer with a trailing slash", token: () => sign(rsa, claims({ iss: "https://idp.test/" })) },
  { name: "signed by a key outside the JWKS", token: () => sign(other, claims()) },
  { name: "signed by another key under a known kid", token: () => sign(impostor, claims()) },
  { name: "tampered payload", token: async () => {
    const [header, , signature] = (await sign(rsa, claims())).split(".");
    return `${header}.${base64url.encode(JSON.stringify(claims({ sub: "admin" })))}.${signature}`;
  } },
  { name: "HS256 with a shared secret", token: () =>
    new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid: "rsa-1" }).sign(new TextEncoder().encode("secret-secret-secret-secret-1234")) },
  { name: "alg none", token: async () => new UnsecuredJWT(claims()).encode() },
  { name: "malformed: not a JWT", token: async () => "not-a-jwt" },
  { name: "malformed: three garbage segments", token: async () => "abc.def.ghi" },
  { name: "malformed: JSON payload that is not an object", token: async () =>
    `${base64url.encode('{"alg":"RS256"}')}.${base64url.encode("[1]")}.sig` },
  { name: "malformed: empty", token: async () => "" },
  { name: "too long", token: async () => `${"a".repeat(MAX_TOKEN_LENGTH)}.b.c` },
  { name: "missing the userid claim, no userinfo", token: () => sign(rsa, claims({ sub: undefined })) },
  { name: "userid claim of the wrong type", token: () => sign(rsa, claims({ sub: { id: 1 } })) },
  { name: "missing the configured userid_field", token: () => sign(rsa, claims({ email: undefined })), provider: { useridField: "email" } },
];

describe("invalid tokens → null", () => {
  test.each(INVALID)("$name", async ({ token, provider: overrides }) => {
    const { sources } = localSources(jwks());
    expect((await verifyToken(await token(), provider(overrides), sources)).subject).toBeNull();
  });

  test("a token of another issuer never asks for the key set", async () => {
    const { sources, calls } = localSources(jwks());
    expect((await verifyToken(await sign(rsa, claims({ iss: "https://evil.test" })), provider(), sources)).subject).toBeNull();
    expect(calls.keySet).toBe(0);
  });

  test("an unknown key set (no jwks_uri) → null", async () => {
    const sources: TokenSources = { keySet: async () => null, userinfo: async () => null, introspect: async () => null };
    expect((await verifyToken(await sign(rsa), provider(), sources)).subject).toBeNull();
  });

  test("a key set that cannot be fetched → the provider is unavailable, logged without the token", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const token = await sign(rsa);
    const sources: TokenSources = {
      keySet: async () => async () => {
        throw new TypeError("fetch failed");
      },
      userinfo: async () => null,
      introspect: async () => null,
    };
    await expect(verifyToken(token, provider(), sources)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.join(" ")).not.toContain(token);
    warn.mockRestore();
  });
});

describe("userinfo supplies a missing userid field", () => {
  const EMAIL = provider({ useridField: "email" });
  const noEmail = () => sign(rsa, claims({ email: undefined }));

  test("its profile gives the id and becomes the profile", async () => {
    const userinfo = { sub: "user-1", email: "from-userinfo@example.com", name: "U" };
    const { sources, calls } = localSources(jwks(), userinfo);
    const result = await verifyToken(await noEmail(), EMAIL, sources);
    expect(result).toMatchObject({ subject: "from-userinfo@example.com", profile: userinfo });
    expect(calls.userinfo).toBe(1);
  });

  test("not called when the token carries the field", async () => {
    const { sources, calls } = localSources(jwks(), { sub: "user-1", email: "x@example.com" });
    expect((await verifyToken(await sign(rsa), EMAIL, sources))?.subject).toBe("u1@example.com");
    expect(calls.userinfo).toBe(0);
  });

  test.each([
    { name: "another sub", userinfo: { sub: "user-2", email: "x@example.com" } },
    { name: "no field either", userinfo: { sub: "user-1" } },
    { name: "an error or non-JSON reply", userinfo: null },
  ])("userinfo with $name → null", async ({ userinfo }) => {
    const { sources } = localSources(jwks(), userinfo);
    expect((await verifyToken(await noEmail(), EMAIL, sources)).subject).toBeNull();
  });

  test("never called for an invalid token", async () => {
    const { sources, calls } = localSources(jwks(), { sub: "user-1", email: "x@example.com" });
    expect((await verifyToken(await sign(other, claims({ email: undefined })), EMAIL, sources)).subject).toBeNull();
    expect(calls.userinfo).toBe(0);
  });
});
