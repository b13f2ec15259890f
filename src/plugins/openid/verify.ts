/**
 * Bearer token verification (contract §7.4, JWT variant): the token must be a JWT signed
 * by a key of the provider's key set, with `iss` = issuer, `aud` ∋ audience (else
 * client_id, when either is configured) and a current `exp` (and `nbf`). The user id is the
 * claim `userid_field`; when the token lacks it, the userinfo profile supplies it.
 * Every failure is a null result, never an exception; nothing here logs the token.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import type { Profile } from "./remote";
import type { OpenIDProvider } from "./settings";

/** Asymmetric JWS algorithms only: a provider's public key set can never verify an HMAC. */
export const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16_384;

/** Where verification gets what the provider serves; injectable for tests. */
export interface TokenSources {
  /** The provider's key set getter, or null when unknown. */
  keySet(): Promise<JWTVerifyGetKey | null>;
  /** The userinfo profile for the token, or null (no endpoint, HTTP error, not JSON). */
  userinfo(token: string): Promise<Profile | null>;
}

export interface VerifiedToken {
  /** The user id without the provider prefix. */
  subject: string;
  /** The verified claims, or the userinfo profile when it supplied the user id. */
  profile: Profile;
  /** Epoch ms after which the result must not be reused: min(now + verification_ttl, exp). */
  expiresAt: number;
}

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

/** A failure of the provider (key set fetch), as opposed to a bad token: worth a log line. */
function isProviderFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return ["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"].includes(error.code);
}

/** Verifies `token` for `provider`; null when it is not a valid token of this provider. */
export async function verifyToken(
  token: string,
  provider: OpenIDProvider,
  sources: TokenSources,
  now: number = Date.now(),
): Promise<VerifiedToken | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  try {
    // Unverified peek: a token of another issuer never costs a key set fetch.
    if (decodeJwt(token).iss !== provider.issuer) return null;
    const keySet = await sources.keySet();
    if (keySet === null) return null;
    const audience = provider.audience ?? provider.clientId;
    const claims = await verifiedClaims(token, keySet, {
      issuer: provider.issuer,
      ...(audience !== null ? { audience } : {}),
      algorithms: ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
    });
    let profile: Profile = claims;
    let subject = idOf(claims[provider.useridField]);
    if (subject === null) {
      const userinfo = await sources.userinfo(token);
      // OpenID Connect Core §5.3.2: the userinfo `sub` must be the token's.
      if (userinfo === null || (claims.sub !== undefined && userinfo.sub !== claims.sub)) return null;
      profile = userinfo;
      subject = idOf(userinfo[provider.useridField]);
      if (subject === null) return null;
    }
    const expiresAt = Math.min(now + provider.verificationTtlSeconds * 1000, (claims.exp as number) * 1000);
    return { subject, profile, expiresAt };
  } catch (error) {
    if (isProviderFailure(error)) {
      console.warn(`OpenID key set of ${provider.name} unavailable: ${error instanceof Error ? error.name : "error"}`);
    }
    return null;
  }
}
