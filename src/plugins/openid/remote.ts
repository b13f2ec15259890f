/**
 * What a provider serves over HTTP: its discovery document, its key set (JWKS), its
 * userinfo, introspection (RFC 7662) and token endpoints. Discovery documents and key sets
 * are cached per isolate. A provider that cannot be reached (network error, timeout, 5xx)
 * raises {@link ProviderUnavailable}, remembered for {@link FAILURE_COOLDOWN_MS}; a 4xx or
 * a malformed answer is a refusal (null). Nothing here logs a token or a secret.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { OpenIDProvider } from "./settings";

/** The provider could not answer: the request is worth retrying later (503). */
export class ProviderUnavailable extends Error {
  constructor(readonly provider: string) {
    super(`OpenID provider ${provider} unavailable`);
  }
}

/** The fields of an OpenID Provider Metadata document this plugin reads. */
export interface ProviderMetadata {
  jwks_uri?: string;
  userinfo_endpoint?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
}

const METADATA_FIELDS = ["jwks_uri", "userinfo_endpoint", "authorization_endpoint", "token_endpoint"] as const;

export type Profile = Record<string, unknown>;

const FETCH_TIMEOUT_MS = 5_000;
const DISCOVERY_TTL_MS = 3_600_000;
const FAILURE_COOLDOWN_MS = 30_000;
/** jose re-fetches a key set after this age, or on an unknown `kid` once this cooldown passed. */
const JWKS_MAX_AGE_MS = 600_000;
const JWKS_COOLDOWN_MS = 30_000;

interface Cached<T> {
  value: T;
  expires: number;
}

/** issuer → metadata (null: no usable document; "down": unreachable). */
const discovered = new Map<string, Cached<ProviderMetadata | null | "down">>();
/** jwks_uri → jose's remote key set, which holds its own cache. */
const keySets = new Map<string, JWTVerifyGetKey>();

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}

/**
 * The JSON object at `url`: null on a 4xx or a body that is not a JSON object; throws
 * {@link ProviderUnavailable} when the provider cannot answer.
 */
async function fetchJsonObject(provider: string, url: string, init: RequestInit = {}): Promise<Profile | null> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { Accept: "application/json", ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    console.warn(`OpenID provider ${provider}: ${new URL(url).pathname} failed: ${errorName(error)}`);
    throw new ProviderUnavailable(provider);
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status >= 500) {
      console.warn(`OpenID provider ${provider}: ${new URL(url).pathname} answered ${response.status}`);
      throw new ProviderUnavailable(provider);
    }
    return null;
  }
  const body: unknown = await response.json().catch(() => null);
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Profile) : null;
}

/** The provider's metadata from discovery (cached), or null when it serves no usable document. */
export async function discover(provider: OpenIDProvider): Promise<ProviderMetadata | null> {
  const { issuer, name } = provider;
  const cached = discovered.get(issuer);
  if (cached !== undefined && cached.expires > Date.now()) {
    if (cached.value === "down") throw new ProviderUnavailable(name);
    return cached.value;
  }
  let metadata: ProviderMetadata | null = null;
  try {
    const document = await fetchJsonObject(name, discoveryUrl(issuer));
    if (document !== null) {
      metadata = {};
      for (const key of METADATA_FIELDS) if (isHttpUrl(document[key])) metadata[key] = document[key];
    }
  } catch (error) {
    discovered.set(issuer, { value: "down", expires: Date.now() + FAILURE_COOLDOWN_MS });
    throw error;
  }
  discovered.set(issuer, { value: metadata, expires: Date.now() + (metadata ? DISCOVERY_TTL_MS : FAILURE_COOLDOWN_MS) });
  return metadata;
}

/** `discover`, for a caller that only warms the cache: never throws. */
export async function warmDiscovery(provider: OpenIDProvider): Promise<void> {
  await discover(provider).catch(() => null);
}

/** The metadata already discovered in this isolate, without fetching. */
export function discoveredMetadata(issuer: string): ProviderMetadata | null {
  const value = discovered.get(issuer)?.value;
  return value === undefined || value === "down" ? null : value;
}

/** The provider's key set getter (configured `jwks_uri`, else discovered), or null. */
export async function keySetOf(provider: OpenIDProvider): Promise<JWTVerifyGetKey | null> {
  const uri = provider.jwksUri ?? (await discover(provider))?.jwks_uri;
  if (uri === undefined) return null;
  let keySet = keySets.get(uri);
  if (keySet === undefined) {
    keySet = createRemoteJWKSet(new URL(uri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
    });
    keySets.set(uri, keySet);
  }
  return keySet;
}

/** The userinfo endpoint (configured, else discovered), or null. */
export async function userinfoEndpointOf(provider: OpenIDProvider): Promise<string | null> {
  return provider.userinfoEndpoint ?? (await discover(provider))?.userinfo_endpoint ?? null;
}

/** The userinfo profile for `token`; null when the provider refuses it or has no endpoint. */
export async function fetchUserinfo(provider: OpenIDProvider, token: string): Promise<Profile | null> {
  const endpoint = await userinfoEndpointOf(provider);
  if (endpoint === null) return null;
  return fetchJsonObject(provider.name, endpoint, { headers: { Authorization: `Bearer ${token}` } });
}

/** `client_id:client_secret` as RFC 6749 §2.3.1 HTTP Basic client authentication. */
function clientAuthorization(provider: OpenIDProvider): Record<string, string> {
  if (provider.clientId === null) return {};
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return { Authorization: `Basic ${btoa(`${encode(provider.clientId)}:${encode(provider.clientSecret ?? "")}`)}` };
}

/**
 * RFC 7662 introspection of `token` at the configured endpoint, authenticated as the
 * configured client: the response when `active` is true, else null.
 */
export async function introspectToken(provider: OpenIDProvider, token: string): Promise<Profile | null> {
  if (provider.introspectionEndpoint === null) return null;
  const answer = await fetchJsonObject(provider.name, provider.introspectionEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...clientAuthorization(provider) },
    body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
  });
  return answer?.active === true ? answer : null;
}

/** The token endpoint's answer to an authorization code (RFC 6749 §4.1.3), as text. */
export async function exchangeCode(provider: OpenIDProvider, code: string, redirectUri: string): Promise<{ status: number; body: string }> {
  const endpoint = (await discover(provider))?.token_endpoint;
  if (endpoint === undefined) throw new ProviderUnavailable(provider.name);
  const form = new URLSearchParams({ code, grant_type: "authorization_code", redirect_uri: redirectUri, client_id: provider.clientId ?? "" });
  if (provider.clientSecret !== null) form.set("client_secret", provider.clientSecret);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    console.warn(`OpenID provider ${provider.name}: token endpoint failed: ${errorName(error)}`);
    throw new ProviderUnavailable(provider.name);
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new ProviderUnavailable(provider.name);
  }
  return { status: response.status, body: await response.text() };
}
