/**
 * What a provider serves over HTTP: its discovery document, its key set (JWKS) and its
 * userinfo endpoint. Discovery documents and key sets are cached per isolate; a failed
 * discovery is retried after {@link FAILURE_COOLDOWN_MS}. Nothing here logs a token.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { OpenIDProvider } from "./settings";

/** The fields of an OpenID Provider Metadata document this plugin reads. */
export interface ProviderMetadata {
  jwks_uri?: string;
  userinfo_endpoint?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
}

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

/** issuer → metadata (null: the last attempt failed). */
const discovered = new Map<string, Cached<ProviderMetadata | null>>();
/** jwks_uri → jose's remote key set, which holds its own cache. */
const keySets = new Map<string, JWTVerifyGetKey>();

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

async function fetchJsonObject(url: string, headers: Record<string, string>): Promise<Profile | null> {
  const response = await fetch(url, { headers: { Accept: "application/json", ...headers }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    return null;
  }
  const body: unknown = await response.json().catch(() => null);
  return body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Profile) : null;
}

/** The provider's metadata from discovery (cached), or null when it cannot be fetched. */
export async function discover(issuer: string): Promise<ProviderMetadata | null> {
  const cached = discovered.get(issuer);
  if (cached !== undefined && cached.expires > Date.now()) return cached.value;
  let metadata: ProviderMetadata | null = null;
  try {
    const document = await fetchJsonObject(discoveryUrl(issuer), {});
    if (document !== null) {
      metadata = {};
      for (const key of ["jwks_uri", "userinfo_endpoint", "authorization_endpoint", "token_endpoint"] as const) {
        if (isHttpUrl(document[key])) metadata[key] = document[key];
      }
    }
  } catch (error) {
    console.warn(`OpenID discovery of ${issuer} failed: ${error instanceof Error ? error.name : "error"}`);
  }
  discovered.set(issuer, { value: metadata, expires: Date.now() + (metadata ? DISCOVERY_TTL_MS : FAILURE_COOLDOWN_MS) });
  return metadata;
}

/** The metadata already discovered in this isolate, without fetching. */
export function discoveredMetadata(issuer: string): ProviderMetadata | null {
  return discovered.get(issuer)?.value ?? null;
}

/** The provider's key set getter (configured `jwks_uri`, else discovered), or null. */
export async function keySetOf(provider: OpenIDProvider): Promise<JWTVerifyGetKey | null> {
  const uri = provider.jwksUri ?? (await discover(provider.issuer))?.jwks_uri;
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
  return provider.userinfoEndpoint ?? (await discover(provider.issuer))?.userinfo_endpoint ?? null;
}

/** The userinfo profile for `token`; null on an HTTP error, a non-JSON reply or no endpoint. */
export async function fetchUserinfo(provider: OpenIDProvider, token: string): Promise<Profile | null> {
  const endpoint = await userinfoEndpointOf(provider);
  if (endpoint === null) return null;
  try {
    return await fetchJsonObject(endpoint, { Authorization: `Bearer ${token}` });
  } catch (error) {
    console.warn(`OpenID userinfo of ${provider.name} failed: ${error instanceof Error ? error.name : "error"}`);
    return null;
  }
}
