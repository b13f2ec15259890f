/**
 * The policy of an OpenID provider `<p>`: `Authorization: <header_type> <token>` → `<sub>`
 * (or `<prefix>:<sub>` with scoped clients). Verified tokens are remembered per isolate until
 * min(verification_ttl, exp), a provider's refusal of an opaque token for a minute, keyed by
 * HMAC(userid_hmac_secret, the provider's configuration and the token), never the raw
 * token; concurrent requests with one token share one verification, so a token costs at most
 * one call to the provider per isolate while remembered. A provider that cannot be reached
 * answers 503 with `Retry-After`. The profile of the last verification of each user id is kept
 * for hello.
 */
import { hmacHex } from "../../auth/basicauth";
import type { AuthPolicy } from "../../auth/policy";
import { backendUnavailable } from "../../errors";
import { fetchUserinfo, introspectToken, keySetOf, ProviderUnavailable, type Profile } from "./remote";
import type { OpenIDProvider } from "./settings";
import { verifyToken, type TokenSources, type Verification } from "./verify";

const MAX_ENTRIES = 1000;
/** `Retry-After` of the 503 when the provider cannot be reached. */
const PROVIDER_RETRY_AFTER_SECONDS = 30;

/** A bounded map whose entries expire; the oldest entry goes first when full. */
class ExpiringCache<T extends { expiresAt: number }> {
  private readonly entries = new Map<string, T>();

  get(key: string, now = Date.now()): T | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt > now) return entry;
    this.entries.delete(key);
    return null;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** HMAC of the token and what it was verified for → verification (or remembered refusal). */
const verifications = new ExpiringCache<Verification>();
/** HMAC → the verification under way, shared by concurrent requests with that token. */
const inFlight = new Map<string, Promise<Verification>>();
/** `<p>:<sub>` → the profile of its latest verified token. */
const profiles = new ExpiringCache<{ profile: Profile; expiresAt: number }>();

/** The token of `Authorization: <scheme> <token>` when the scheme matches, else null. */
export function bearerToken(authorization: string | null, scheme: string): string | null {
  if (!authorization) return null;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization);
  if (!match?.[1] || !match[2] || match[1].toLowerCase() !== scheme.toLowerCase()) return null;
  return match[2];
}

/** The profile behind user id `<p>:<sub>` when a token of it was verified in this isolate. */
export function profileOf(userId: string): Profile | null {
  return profiles.get(userId)?.profile ?? null;
}

/** Forgets every verified token and profile (tests). */
export function clearVerifications(): void {
  verifications.clear();
  profiles.clear();
}

function remoteSources(provider: OpenIDProvider): TokenSources {
  return {
    keySet: () => keySetOf(provider),
    userinfo: (token) => fetchUserinfo(provider, token),
    introspect: (token) => introspectToken(provider, token),
  };
}

/** One verification per key at a time; the result is remembered while it says so. */
async function verifyOnce(key: string, run: () => Promise<Verification>, now: number): Promise<Verification> {
  const remembered = verifications.get(key, now);
  if (remembered !== null) return remembered;
  let pending = inFlight.get(key);
  if (pending === undefined) {
    pending = run().then(
      (verification) => {
        inFlight.delete(key);
        if (verification.expiresAt > Date.now()) verifications.set(key, verification);
        return verification;
      },
      (error: unknown) => {
        inFlight.delete(key);
        throw error;
      },
    );
    inFlight.set(key, pending);
  }
  return pending;
}

export function openIDPolicy(provider: OpenIDProvider, sources: TokenSources = remoteSources(provider)): AuthPolicy {
  const { name, issuer, clientId, audience, introspectionEndpoint, clients } = provider;
  /** What a verification depends on besides the token: another configuration verifies again. */
  const configuration = JSON.stringify([name, issuer, clientId, audience, introspectionEndpoint, [...clients]]);
  return {
    prefix: provider.name,
    challenge: () => `${provider.headerType} realm="Realm"`,
    async authenticate(authorization, settings) {
      const token = bearerToken(authorization, provider.headerType);
      if (token === null) return null;
      const key = await hmacHex(settings.userIdHmacSecret, `${configuration}:${token}`);
      const now = Date.now();
      let verified: Verification;
      try {
        verified = await verifyOnce(key, () => verifyToken(token, provider, sources, now), now);
      } catch (error) {
        if (error instanceof ProviderUnavailable) throw backendUnavailable(PROVIDER_RETRY_AFTER_SECONDS);
        throw error;
      }
      if (verified.subject === null) return null;
      profiles.set(`${name}:${verified.subject}`, { profile: verified.profile, expiresAt: Math.max(verified.expiresAt, now + 60_000) });
      return verified.subject;
    },
  };
}
