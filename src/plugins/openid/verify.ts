/**
 * Bearer token verification (contract §7.4). A JWT must be signed by a key of the
 * provider's key set, with `iss` = issuer, an expected `aud` (see `expectedAudiences`) and
 * a current `exp` (and `nbf`); its user id is the claim `userid_field`, else the userinfo
 * profile's. A token that is not a JWT is opaque: the provider's introspection endpoint
 * (RFC 7662) decides when configured, else its userinfo endpoint. With `clients`, the user id
 * is scoped to the token's client (clients.ts). A refusal is a `subject: null` result;
 * only {@link ProviderUnavailable} is thrown. Nothing here logs the token.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import { expectedAudiences, scopedSubject } from "./clients";
import { ProviderUnavailable, type Profile } from "./remote";
import type { OpenIDProvider } from "./settings";

/** Asymmetric JWS algorithms only: a provider's public key set can never verify an HMAC. */
export const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16_384;
/** How long the provider's refusal of an opaque token is remembered. */
export const REFUSAL_TTL_MS = 60_000;

/** Where verification gets what the provider serves; injectable for tests. May throw `ProviderUnavailable`. */
export interface TokenSources {
  /** The provider's key set getter, or null when unknown. */
  keySet(): Promise<JWTVerifyGetKey | null>;
  /** The userinfo profile for the token, or null (refused, no endpoint). */
  userinfo(token: string): Promise<Profile | null>;
  /** The RFC 7662 answer for an active token, or null (inactive, not configured). */
  introspect(token: string): Promise<Profile | null>;
}

export interface VerifiedToken {
  /** The user id without the provider prefix. */
  subject: string;
  /** The verified claims, the introspection answer or the userinfo profile. */
  profile: Profile;
  /** Epoch ms after which the result must not be reused: min(now + verification_ttl, exp). */
  expiresAt: number;
}

/** A refused token; remembered until `expiresAt` (0: not remembered). */
export interface RefusedToken {
  subject: null;
  expiresAt: number;
}

export type Verification = VerifiedToken | RefusedToken;

const NOT_REMEMBERED: RefusedToken = { subject: null, expiresAt: 0 };

function idOf(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/** The claims of a JWT whose signature verifies against one of the candidate keys. */
async function verifiedClaims(token: string, keySet: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, keySet, options)).payload;
  } catch (error) {
    // Several keys match a header without `kid`: try each of them (jose's documented pattern).
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    const candidates = error as errors.JWKSMultipleMatchingKeys & AsyncIterable<CryptoKey>;
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** A failure to get the provider's key set, as opposed to a bad token. */
function isKeySetFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return ["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"].includes(error.code);
}

function accepted(provider: OpenIDProvider, profile: Profile, subject: string | null, expiresAt: number): Verification {
  const scoped = subject === null ? null : scopedSubject(provider, profile, subject);
  return scoped === null ? NOT_REMEMBERED : { subject: scoped, profile, expiresAt };
}

async function verifyJwt(token: string, provider: OpenIDProvider, sources: TokenSources, now: number): Promise<Verification> {
  const keySet = await sources.keySet();
  if (keySet === null) return NOT_REMEMBERED;
  const audiences = expectedAudiences(provider);
  let claims: JWTPayload;
  try {
    claims = await verifiedClaims(token, keySet, {
      issuer: provider.issuer,
      ...(audiences.length > 0 ? { audience: audiences } : {}),
      algorithms: ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
    });
  } catch (error) {
    if (isKeySetFailure(error)) {
      console.warn(`OpenID key set of ${provider.name} unavailable: ${error instanceof Error ? error.name : "error"}`);
      throw new ProviderUnavailable(provider.name);
    }
    return NOT_REMEMBERED;
  }
  const expiresAt = Math.min(now + provider.verificationTtlSeconds * 1000, (claims.exp as number) * 1000);
  const subject = idOf(claims[provider.useridField]);
  if (subject !== null) return accepted(provider, claims, subject, expiresAt);
  const userinfo = await sources.userinfo(token);
  // OpenID Connect Core §5.3.2: the userinfo `sub` must be the token's.
  if (userinfo === null || (claims.sub !== undefined && userinfo.sub !== claims.sub)) return NOT_REMEMBERED;
  // The client and scopes are the token's, the user id the profile's.
  const scoped = accepted(provider, claims, idOf(userinfo[provider.useridField]), expiresAt);
  return scoped.subject === null ? scoped : { ...scoped, profile: userinfo };
}

/** An opaque token: introspection when configured, else userinfo (which names no client). */
async function verifyOpaque(token: string, provider: OpenIDProvider, sources: TokenSources, now: number): Promise<Verification> {
  const refused: RefusedToken = { subject: null, expiresAt: now + REFUSAL_TTL_MS };
  const ttlEnd = now + provider.verificationTtlSeconds * 1000;
  if (provider.introspectionEndpoint === null) {
    // Userinfo cannot say which client a token is for: scoped identities need introspection.
    if (provider.clients.size > 0) return NOT_REMEMBERED;
    const profile = await sources.userinfo(token);
    if (profile === null) return refused;
    const subject = idOf(profile[provider.useridField]);
    return subject === null ? refused : { subject, profile, expiresAt: ttlEnd };
  }
  const answer = await sources.introspect(token);
  if (answer === null) return refused;
  if (answer.iss !== undefined && answer.iss !== provider.issuer) return refused;
  const exp = typeof answer.exp === "number" ? answer.exp * 1000 : Infinity;
  if (exp <= now) return refused;
  const audiences = expectedAudiences(provider);
  const named = typeof answer.aud === "string" ? [answer.aud] : Array.isArray(answer.aud) ? answer.aud : null;
  if (named !== null && audiences.length > 0 && !named.some((aud) => audiences.includes(aud as string))) return refused;
  const verification = accepted(provider, answer, idOf(answer[provider.useridField]), Math.min(ttlEnd, exp));
  return verification.subject === null ? refused : verification;
}

/** Verifies `token` for `provider`. Throws only `ProviderUnavailable`. */
export async function verifyToken(token: string, provider: OpenIDProvider, sources: TokenSources, now: number = Date.now()): Promise<Verification> {
  if (token.length > MAX_TOKEN_LENGTH) return NOT_REMEMBERED;
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return verifyOpaque(token, provider, sources, now);
  }
  // Unverified peek: a token of another issuer never costs a key set fetch.
  return issuer === provider.issuer ? verifyJwt(token, provider, sources, now) : NOT_REMEMBERED;
}
