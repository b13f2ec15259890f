/** Provider settings, the `Authorization` header and the verified-token cache of the OpenID policy. */
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SettingsError } from "../../src/config";
import { bearerToken, clearVerifications, openIDPolicy, profileOf } from "../../src/plugins/openid/policy";
import { parseProvider, providersOf } from "../../src/plugins/openid/settings";
import { claims, ISSUER, jwksOf, localSources, nowSeconds, provider, providerVars, settingsWith, sign, signingKey, type SigningKey } from "./helpers";

describe("provider settings", () => {
  test("defaults", () => {
    const settings = settingsWith(providerVars("google", "https://accounts.google.com"));
    expect(parseProvider(settings, "google")).toEqual({
      name: "google",
      issuer: "https://accounts.google.com",
      clientId: null,
      clientSecret: null,
      audience: null,
      useridField: "sub",
      headerType: "Bearer",
      verificationTtlSeconds: 86400,
      jwksUri: null,
      userinfoEndpoint: null,
      introspectionEndpoint: null,
      stateTtlSeconds: 3600,
      stateLength: 32,
      trustedCallbackUrls: [],
      clients: new Map(),
    });
  });

  test("every setting", () => {
    const settings = settingsWith(
      providerVars("my-idp", "https://idp.test", {
        client_id: "cid",
        client_secret: "shh",
        audience: "api",
        userid_field: "email",
        header_type: "OIDC",
        verification_ttl_seconds: "60",
        jwks_uri: "https://idp.test/keys",
        userinfo_endpoint: "https://idp.test/me",
        introspection_endpoint: "https://idp.test/introspect",
        state_ttl_seconds: "600",
        state_length: "16",
        trusted_callback_urls: "https://admin.test/* http://localhost:3000/#/auth/*",
        clients: '{"addon-a": {"prefix": "a", "scopes": ["kinto"]}, "addon-b": {"prefix": "b"}}',
      }),
    );
    expect(parseProvider(settings, "my-idp")).toEqual({
      name: "my-idp",
      issuer: "https://idp.test",
      clientId: "cid",
      clientSecret: "shh",
      audience: "api",
      useridField: "email",
      headerType: "OIDC",
      verificationTtlSeconds: 60,
      jwksUri: "https://idp.test/keys",
      userinfoEndpoint: "https://idp.test/me",
      introspectionEndpoint: "https://idp.test/introspect",
      stateTtlSeconds: 600,
      stateLength: 16,
      trustedCallbackUrls: ["https://admin.test/*", "http://localhost:3000/#/auth/*"],
      clients: new Map([
        ["addon-a", { prefix: "a", scopes: ["kinto"] }],
        ["addon-b", { prefix: "b", scopes: [] }],
      ]),
    });
  });

  test("another `use`, or none, is not an OpenID provider", () => {
    expect(parseProvider(settingsWith({}), "google")).toBeNull();
    expect(parseProvider(settingsWith({ KINTO_MULTIAUTH_POLICY_GOOGLE_USE: "kinto.plugins.accounts.AccountsPolicy" }), "google")).toBeNull();
  });

  test.each([
    { vars: { KINTO_MULTIAUTH_POLICY_P_USE: "kinto.plugins.openid.OpenIDConnectPolicy" }, variable: "KINTO_MULTIAUTH_POLICY_P_ISSUER" },
    { vars: providerVars("p", "accounts.google.com"), variable: "KINTO_MULTIAUTH_POLICY_P_ISSUER" },
    { vars: providerVars("p", "ftp://idp.test"), variable: "KINTO_MULTIAUTH_POLICY_P_ISSUER" },
    { vars: providerVars("p", ISSUER, { header_type: "Bear er" }), variable: "KINTO_MULTIAUTH_POLICY_P_HEADER_TYPE" },
    { vars: providerVars("p", ISSUER, { verification_ttl_seconds: "-1" }), variable: "KINTO_MULTIAUTH_POLICY_P_VERIFICATION_TTL_SECONDS" },
    { vars: providerVars("p", ISSUER, { jwks_uri: "/jwks" }), variable: "KINTO_MULTIAUTH_POLICY_P_JWKS_URI" },
    { vars: providerVars("p", ISSUER, { introspection_endpoint: "x" }), variable: "KINTO_MULTIAUTH_POLICY_P_INTROSPECTION_ENDPOINT" },
    { vars: providerVars("p", ISSUER, { state_ttl_seconds: "0" }), variable: "KINTO_MULTIAUTH_POLICY_P_STATE_TTL_SECONDS" },
    { vars: providerVars("p", ISSUER, { state_length: "8" }), variable: "KINTO_MULTIAUTH_POLICY_P_STATE_LENGTH" },
    { vars: providerVars("p", ISSUER, { clients: "[1]" }), variable: "KINTO_MULTIAUTH_POLICY_P_CLIENTS" },
    { vars: providerVars("p", ISSUER, { clients: "{oops" }), variable: "KINTO_MULTIAUTH_POLICY_P_CLIENTS" },
    { vars: providerVars("p", ISSUER, { clients: '{"c": {"prefix": "a:b"}}' }), variable: "KINTO_MULTIAUTH_POLICY_P_CLIENTS" },
    { vars: providerVars("p", ISSUER, { clients: '{"c": {"prefix": "a"}, "d": {"prefix": "a"}}' }), variable: "KINTO_MULTIAUTH_POLICY_P_CLIENTS" },
    { vars: providerVars("p", ISSUER, { clients: '{"c": {"prefix": "a", "scopes": "kinto"}}' }), variable: "KINTO_MULTIAUTH_POLICY_P_CLIENTS" },
  ])("$variable invalid → SettingsError naming it", ({ vars, variable }) => {
    expect(() => parseProvider(settingsWith(vars), "p")).toThrow(SettingsError);
    expect(() => parseProvider(settingsWith(vars), "p")).toThrow(variable);
  });

  test("providers are the OpenID ones of multiauth.policies, in order", () => {
    const settings = settingsWith({
      KINTO_MULTIAUTH_POLICIES: "b basicauth a unlisted-use",
      ...providerVars("a", "https://a.test"),
      ...providerVars("b", "https://b.test"),
      ...providerVars("c", "https://c.test"),
    });
    expect(providersOf(settings).map((p) => p.name)).toEqual(["b", "a"]);
  });
});

describe("Authorization header", () => {
  test.each([
    { header: "Bearer abc.def.ghi", scheme: "Bearer", token: "abc.def.ghi" },
    { header: "bearer abc", scheme: "Bearer", token: "abc" },
    { header: "BEARER   abc  ", scheme: "Bearer", token: "abc" },
    { header: "oidc abc", scheme: "OIDC", token: "abc" },
    { header: "Bearer abc", scheme: "OIDC", token: null },
    { header: "Basic YTpi", scheme: "Bearer", token: null },
    { header: "Bearer", scheme: "Bearer", token: null },
    { header: "Bearer a b", scheme: "Bearer", token: null },
    { header: "", scheme: "Bearer", token: null },
  ])("$header with scheme $scheme → $token", ({ header, scheme, token }) => {
    expect(bearerToken(header, scheme)).toBe(token);
  });
});

describe("policy", () => {
  let key: SigningKey;
  const settings = settingsWith({ KINTO_USERID_HMAC_SECRET: "s3cret" });

  beforeAll(async () => {
    key = await signingKey("RS256", "k1");
  });
  beforeEach(() => clearVerifications());

  test("prefix and challenge follow the provider", () => {
    const policy = openIDPolicy(provider({ name: "auth0", headerType: "OIDC" }), localSources(jwksOf()).sources);
    expect(policy.prefix).toBe("auth0");
    expect(policy.challenge(settings)).toBe('OIDC realm="Realm"');
  });

  test("a valid token → its sub; the profile is kept for hello", async () => {
    const { sources } = localSources(jwksOf(key));
    const policy = openIDPolicy(provider(), sources);
    const payload = claims({ sub: "alice-sub" });
    expect(await policy.authenticate(`Bearer ${await sign(key, payload)}`, settings, null as never)).toBe("alice-sub");
    expect(profileOf("idp:alice-sub")).toEqual(payload);
    expect(profileOf("idp:someone-else")).toBeNull();
  });

  test("other schemes and bad tokens → null", async () => {
    const policy = openIDPolicy(provider(), localSources(jwksOf(key)).sources);
    expect(await policy.authenticate(null, settings, null as never)).toBeNull();
    expect(await policy.authenticate("Basic YTpi", settings, null as never)).toBeNull();
    expect(await policy.authenticate("Bearer nope", settings, null as never)).toBeNull();
    const expired = await sign(key, claims({ exp: nowSeconds() - 3600 }));
    expect(await policy.authenticate(`Bearer ${expired}`, settings, null as never)).toBeNull();
  });

  test("a verified token is remembered: the key set is asked once", async () => {
    const { sources, calls } = localSources(jwksOf(key));
    const policy = openIDPolicy(provider(), sources);
    const header = `Bearer ${await sign(key)}`;
    expect(await policy.authenticate(header, settings, null as never)).toBe("user-1");
    expect(await policy.authenticate(header, settings, null as never)).toBe("user-1");
    expect(calls.keySet).toBe(1);
  });

  test("verification_ttl_seconds = 0 → never remembered", async () => {
    const { sources, calls } = localSources(jwksOf(key));
    const policy = openIDPolicy(provider({ verificationTtlSeconds: 0 }), sources);
    const header = `Bearer ${await sign(key)}`;
    await policy.authenticate(header, settings, null as never);
    expect(await policy.authenticate(header, settings, null as never)).toBe("user-1");
    expect(calls.keySet).toBe(2);
  });

  test("the cache is per provider configuration: another audience re-verifies (and refuses)", async () => {
    const header = `Bearer ${await sign(key)}`;
    expect(await openIDPolicy(provider(), localSources(jwksOf(key)).sources).authenticate(header, settings, null as never)).toBe("user-1");
    const other = localSources(jwksOf(key));
    expect(await openIDPolicy(provider({ audience: "another-api" }), other.sources).authenticate(header, settings, null as never)).toBeNull();
    expect(other.calls.keySet).toBe(1);
  });

  test("failures are not remembered", async () => {
    const { sources, calls } = localSources(jwksOf(key));
    const policy = openIDPolicy(provider(), sources);
    const header = `Bearer ${await sign(key, claims({ aud: "wrong" }))}`;
    await policy.authenticate(header, settings, null as never);
    await policy.authenticate(header, settings, null as never);
    expect(calls.keySet).toBe(2);
  });
});
