/** Kinto's `basicauth` policy (contract §7.2): any `user:password` is a user, id = HMAC of both. */

const encoder = new TextEncoder();

/**
 * Lowercase hex HMAC-SHA256 of `message` under `secret`. WebCrypto refuses an empty key;
 * HMAC pads keys with zero bytes, so one zero byte is the same key as none.
 */
export async function hmacHex(secret: string, message: string): Promise<string> {
  const raw = secret === "" ? new Uint8Array(1) : encoder.encode(secret);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(message));
  return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `username:password` from a Basic header; null when absent, undecodable, without `:` or with an empty username. */
export function basicCredentials(authorization: string | null | undefined): { username: string; password: string } | null {
  if (!authorization) return null;
  const match = /^basic\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return null;
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(match[1]), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = new TextDecoder("latin1").decode(bytes);
  }
  const colon = text.indexOf(":");
  if (colon <= 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The `basicauth:<hmac>` user id of a request, or null. */
export async function basicauthUserId(authorization: string | null | undefined, secret: string): Promise<string | null> {
  const credentials = basicCredentials(authorization);
  if (credentials === null) return null;
  return `basicauth:${await hmacHex(secret, `${credentials.username}:${credentials.password}`)}`;
}
