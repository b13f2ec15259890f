/**
 * A fake OpenID provider for the workerd tests: locally generated key pairs, a JWKS, tokens
 * signed with jose, and a `fetch` stand-in that serves discovery, the JWKS and userinfo.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from "jose";
import { loadSettings, type Settings } from "../../src/config";
import type { OpenIDProvider } from "../../src/plugins/openid/settings";
import type { TokenSources } from "../../src/plugins/openid/verify";

export const ISSUER = "https://idp.test";
export const AUDIENCE = "kinto-api";
export const CLIENT_ID = "kinto-client";

export interface SigningKey {
  alg: "RS256" | "ES256";
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function signingKey(alg: "RS256" | "ES256", kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export function jwksOf(...keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.jwk) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Claims of a valid token: issuer, audience, sub, iat, exp in an hour. Overrides win; `undefined` removes. */
export function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, sub: "user-1", email: "u1@example.com", iat: nowSeconds(), exp: nowSeconds() + 3600 };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

export async function sign(key: SigningKey, payload: JWTPayload = claims(), header: { kid?: string | null } = {}): Promise<string> {
  const kid = header.kid === undefined ? key.kid : header.kid;
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, typ: "JWT", ...(kid === null ? {} : { kid }) }).sign(key.privateKey);
}

export function provider(overrides: Partial<OpenIDProvider> = {}): OpenIDProvider {
  return {
    name: "idp",
    issuer: ISSUER,
    clientId: CLIENT_ID,
    clientSecret: null,
    audience: AUDIENCE,
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
    ...overrides,
  };
}

/** Sources serving `jwks` (and `userinfo`, `introspection`), counting the requests. */
export function localSources(jwks: JSONWebKeySet, userinfo: Record<string, unknown> | null = null, introspection: Record<string, unknown> | null = null) {
  const calls = { keySet: 0, userinfo: 0, introspect: 0 };
  const keySet = createLocalJWKSet(jwks);
  const sources: TokenSources = {
    keySet: async () => {
      calls.keySet += 1;
      return keySet;
    },
    userinfo: async () => {
      calls.userinfo += 1;
      return userinfo;
    },
    introspect: async () => {
      calls.introspect += 1;
      return introspection;
    },
  };
  return { sources, calls };
}

export function settingsWith(vars: Record<string, string>): Settings {
  return loadSettings(vars);
}

/** The `KINTO_MULTIAUTH_POLICY_<P>_*` variables of a provider at `issuer`. */
export function providerVars(name: string, issuer: string, extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `KINTO_MULTIAUTH_POLICY_${name.toUpperCase().replace(/[.-]/g, "_")}_`;
  const vars: Record<string, string> = {
    [`${prefix}USE`]: "kinto.plugins.openid.OpenIDConnectPolicy",
    [`${prefix}ISSUER`]: issuer,
  };
  for (const [key, value] of Object.entries(extra)) vars[`${prefix}${key.toUpperCase()}`] = value;
  return vars;
}

/** What the fake provider answers beyond discovery, the JWKS and userinfo. */
export interface FakeEndpoints {
  /** `POST /introspect` (form `token`): the answer for a token, `{active: false}` when null. */
  introspect?: (token: string) => Record<string, unknown> | null;
  /** `POST /token` (the form of the code exchange): the response. */
  token?: (form: URLSearchParams) => Response;
}

/**
 * A `fetch` for `globalThis` that answers for the provider at `issuer`: discovery, `/jwks`,
 * `/userinfo` (the profile of `userinfo`, 401 without a Bearer token), `/introspect` and
 * `/token` (see {@link FakeEndpoints}). Records the URLs, and the forms posted.
 */
export function fakeProviderFetch(issuer: string, jwks: () => JSONWebKeySet, userinfo: Record<string, unknown> = {}, endpoints: FakeEndpoints = {}) {
  const requested: string[] = [];
  const posted: { url: string; form: URLSearchParams; authorization: string | null }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requested.push(request.url);
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    const form = async () => {
      const parsed = new URLSearchParams(await request.text());
      posted.push({ url: request.url, form: parsed, authorization: request.headers.get("Authorization") });
      return parsed;
    };
    switch (request.url) {
      case `${issuer}/.well-known/openid-configuration`:
        return json({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          userinfo_endpoint: `${issuer}/userinfo`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
        });
      case `${issuer}/jwks`:
        return json(jwks());
      case `${issuer}/userinfo`:
        return /^Bearer \S+$/.test(request.headers.get("Authorization") ?? "") ? json(userinfo) : json({ error: "invalid_token" }, 401);
      case `${issuer}/introspect`: {
        const token = (await form()).get("token") ?? "";
        return json(endpoints.introspect?.(token) ?? { active: false });
      }
      case `${issuer}/token`:
        return endpoints.token ? endpoints.token(await form()) : json({ error: "invalid_grant" }, 400);
      default:
        return new Response("not found", { status: 404 });
    }
  };
  return { fetch, requested, posted };
}
