/**
 * Opaque (non-JWT) access tokens: userinfo decides, or RFC 7662 introspection when
 * configured; a token costs one provider call per isolate while its result is remembered,
 * concurrent requests included; a provider that cannot answer is a 503, never a refusal.
 */
import { beforeEach, describe, expect, test } from "vitest";
import { KintoError } from "../../src/errors";
import { clearVerifications, openIDPolicy } from "../../src/plugins/openid/policy";
import { ProviderUnavailable } from "../../src/plugins/openid/remote";
import { verifyToken, type TokenSources } from "../../src/plugins/openid/verify";
import { ISSUER, jwksOf, localSources, nowSeconds, provider, settingsWith } from "./helpers";

const settings = settingsWith({ KINTO_USERID_HMAC_SECRET: "s3cret" });
const INTROSPECTED = provider({ introspectionEndpoint: "https://idp.test/introspect" });
const active = (overrides: Record<string, unknown> = {}) => ({ active: true, sub: "op-1", iss: ISSUER, exp: nowSeconds() + 600, ...overrides });

beforeEach(() => clearVerifications());

describe("through userinfo", () => {
  test("the profile's userid field is the user id, for verification_ttl", async () => {
    const { sources, calls } = localSources(jwksOf(), { sub: "op-1", email: "o@example.com" });
    const now = Date.now();
    expect(await verifyToken("opaque-abc", provider({ verificationTtlSeconds: 120 }), sources, now)).toEqual({
      subject: "op-1",
      profile: { sub: "op-1", email: "o@example.com" },
      expiresAt: now + 120_000,
    });
    expect(calls).toEqual({ keySet: 0, userinfo: 1, introspect: 0 });
  });

  test("refused (401 or no id) → a refusal remembered for a minute", async () => {
    const now = Date.now();
    expect(await verifyToken("opaque-abc", provider(), localSources(jwksOf(), null).sources, now)).toEqual({ subject: null, expiresAt: now + 60_000 });
    expect((await verifyToken("opaque-abc", provider(), localSources(jwksOf(), { name: "no sub" }).sources, now)).subject).toBeNull();
  });

  test("with scoped clients, userinfo cannot tell the client: refused without a call", async () => {
    const { sources, calls } = localSources(jwksOf(), { sub: "op-1" });
    const scoped = provider({ clients: new Map([["addon-a", { prefix: "a", scopes: [] }]]) });
    expect((await verifyToken("opaque-abc", scoped, sources)).subject).toBeNull();
    expect(calls.userinfo).toBe(0);
  });
});

describe("through introspection", () => {
  test("an active answer gives the user id, until min(exp, verification_ttl)", async () => {
    const answer = active({ exp: nowSeconds() + 30 });
    const { sources, calls } = localSources(jwksOf(), { sub: "never asked" }, answer);
    const verification = await verifyToken("opaque-abc", INTROSPECTED, sources);
    expect(verification).toMatchObject({ subject: "op-1", profile: answer, expiresAt: (answer.exp as number) * 1000 });
    expect(calls).toEqual({ keySet: 0, userinfo: 0, introspect: 1 });
  });

  test.each([
    { name: "inactive", answer: null },
    { name: "expired", answer: active({ exp: nowSeconds() - 1 }) },
    { name: "another issuer", answer: active({ iss: "https://evil.test" }) },
    { name: "another audience", answer: active({ aud: ["someone-else"] }) },
    { name: "no user id", answer: active({ sub: undefined }) },
  ])("$name → refused", async ({ answer }) => {
    const { sources } = localSources(jwksOf(), null, answer);
    expect((await verifyToken("opaque-abc", INTROSPECTED, sources)).subject).toBeNull();
  });

  test("the audience, when the answer names one, must be expected", async () => {
    const { sources } = localSources(jwksOf(), null, active({ aud: ["other", "kinto-api"] }));
    expect((await verifyToken("opaque-abc", INTROSPECTED, sources)).subject).toBe("op-1");
  });
});

describe("the policy", () => {
  test("one provider call per token, concurrent requests included; refusals too", async () => {
    const { sources, calls } = localSources(jwksOf(), null, active());
    const policy = openIDPolicy(INTROSPECTED, sources);
    const ids = await Promise.all(Array.from({ length: 10 }, () => policy.authenticate("Bearer opaque-1", settings, null as never)));
    expect(ids).toEqual(Array(10).fill("op-1"));
    expect(await policy.authenticate("Bearer opaque-1", settings, null as never)).toBe("op-1");
    expect(calls.introspect).toBe(1);

    const refusing = localSources(jwksOf(), null, null);
    const strict = openIDPolicy(INTROSPECTED, refusing.sources);
    for (let i = 0; i < 3; i++) expect(await strict.authenticate("Bearer revoked", settings, null as never)).toBeNull();
    expect(refusing.calls.introspect).toBe(1);
  });

  test("a provider that cannot answer → 503 with Retry-After; not remembered", async () => {
    let calls = 0;
    const down: TokenSources = {
      keySet: async () => null,
      userinfo: async () => {
        calls += 1;
        throw new ProviderUnavailable("idp");
      },
      introspect: async () => null,
    };
    const policy = openIDPolicy(provider(), down);
    for (let i = 0; i < 2; i++) {
      const error = await policy.authenticate("Bearer opaque-1", settings, null as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KintoError);
      expect((error as KintoError).status).toBe(503);
      expect((error as KintoError).body()).toMatchObject({ code: 503, errno: 201 });
      expect((error as KintoError).headers).toMatchObject({ "Retry-After": "30" });
    }
    expect(calls).toBe(2);
  });
});
