/**
 * Subscription tokens, for browsers (which cannot set headers on a WebSocket): an
 * authenticated `POST …/changes/live` gets one, good for one stream (collection or bucket) and
 * {@link TOKEN_TTL_MS}; `GET …/changes/live?token=…` then subscribes as its user.
 * A token is `<payload>.<HMAC(userid_hmac_secret, payload)>`; it names no secret.
 */
import { hmacHex } from "../../auth/basicauth";
import { base64urlOfText, textOfBase64 } from "../../http/base64";
import type { LiveTokenEnvelope } from "../../wire";

export const TOKEN_TTL_MS = 60_000;

interface Payload {
  /** User id. */
  u: string;
  /** The stream's Durable Object name (a collection or bucket URI). */
  c: string;
  /** Expiry, epoch ms. */
  e: number;
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export async function issueToken(secret: string, userId: string, streamUri: string, now = Date.now()): Promise<LiveTokenEnvelope> {
  const expires = now + TOKEN_TTL_MS;
  const payload = base64urlOfText(JSON.stringify({ u: userId, c: streamUri, e: expires } satisfies Payload));
  return { token: `${payload}.${await hmacHex(secret, `live:${payload}`)}`, expires };
}

/** The user of a valid, current token for `streamUri`; null otherwise. */
export async function tokenUser(secret: string, token: string, streamUri: string, now = Date.now()): Promise<string | null> {
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0 || payload.length > 4096) return null;
  if (!sameText(signature, await hmacHex(secret, `live:${payload}`))) return null;
  try {
    const { u, c, e } = JSON.parse(textOfBase64(payload) ?? "null") as Payload;
    return typeof u === "string" && c === streamUri && typeof e === "number" && e > now ? u : null;
  } catch {
    return null;
  }
}
