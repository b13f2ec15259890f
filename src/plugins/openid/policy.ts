/**
 * The policy of an OpenID provider `<p>`: `Authorization: <header_type> <token>` → `<sub>`.
 * Verified tokens are remembered per isolate until min(verification_ttl, exp), keyed by
 * HMAC(userid_hmac_secret, `<p>:<issuer>:<client_id>:<audience>:<token>`), never the
 * raw token. The profile of the last verification of each user id is kept for hello.
 */
import { hmacHex } from "../../auth/basicauth";
import type { AuthPolicy } from "../../auth/policy";
import { fetchUserinfo, keySetOf, type Profile } from "./remote";
import type { OpenIDProvider } from "./settings";
import { verifyToken, type TokenSources, type VerifiedToken } from "./verify";

const MAX_ENTRIES = 1000;

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

/** HMAC of the token and what it was verified for → verification. */
const verifiedTokens = new ExpiringCache<VerifiedToken>();
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
  verifiedTokens.clear();
  profiles.clear();
}

function remoteSources(provider: OpenIDProvider): TokenSources {
  return { keySet: () => keySetOf(provider), userinfo: (token) => fetchUserinfo(provider, token) };
}

export function openIDPolicy(provider: OpenIDProvider, sources: TokenSources = remoteSources(provider)): AuthPolicy {
  return {
    prefix: provider.name,
    challenge: () => `${provider.headerType} realm="Realm"`,
    async authenticate(authorization, settings) {
      const token = bearerToken(authorization, provider.headerType);
      if (token === null) return null;
      const { name, issuer, clientId, audience } = provider;
      const key = await hmacHex(settings.userIdHmacSecret, `${name}:${issuer}:${clientId ?? ""}:${audience ?? ""}:${token}`);
      const now = Date.now();
      let verified = verifiedTokens.get(key, now);
      if (verified === null) {
        verified = await verifyToken(token, provider, sources, now);
        if (verified === null) return null;
        if (verified.expiresAt > now) verifiedTokens.set(key, verified);
      }
      profiles.set(`${name}:${verified.subject}`, { profile: verified.profile, expiresAt: Math.max(verified.expiresAt, now + 60_000) });
      return verified.subject;
    },
  };
}
