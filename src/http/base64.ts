/** Base64 of bytes and of UTF-8 text, as tokens, redirects and signatures carry it. */

/** Standard base64 (RFC 4648 §4, padded) of `bytes`. */
export function base64OfBytes(bytes: Uint8Array | ArrayBuffer): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** URL-safe base64 (RFC 4648 §5, unpadded) of `bytes`. */
export function base64urlOfBytes(bytes: Uint8Array | ArrayBuffer): string {
  return base64OfBytes(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Standard base64 (RFC 4648 §4, padded) of the UTF-8 bytes of `text`. */
export function base64OfText(text: string): string {
  return base64OfBytes(new TextEncoder().encode(text));
}

/** URL-safe base64 (RFC 4648 §5, unpadded) of the UTF-8 bytes of `text`. */
export function base64urlOfText(text: string): string {
  return base64urlOfBytes(new TextEncoder().encode(text));
}

/**
 * The UTF-8 text of padded or unpadded base64 in either alphabet (`+` read as space is
 * repaired); null when it is not base64 of valid UTF-8.
 */
export function textOfBase64(raw: string): string | null {
  const normalized = raw.trim().replace(/ /g, "+").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(normalized) || normalized.length % 4 === 1) return null;
  const padded = normalized + "=".repeat((4 - (normalized.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}
