/**
 * The `Authorization: Hawk …` header of a request (Hawk 1.x, SHA-256, with the payload hash),
 * as Autograph verifies it: a MAC over the normalized request string, keyed by the shared secret.
 * Only the client side is here: the response's `Server-Authorization` is not checked (nor is it
 * by Remote Settings' `requests_hawk`).
 */
import { base64OfBytes } from "../../../http/base64";

const encoder = new TextEncoder();

export interface HawkCredentials {
  id: string;
  key: string;
}

export interface HawkRequest {
  method: string;
  url: URL;
  contentType: string;
  payload: string;
  /** Seconds since the epoch (default: now). */
  timestamp?: number;
  /** Default: random. */
  nonce?: string;
  ext?: string;
}

/** `hash`: SHA-256 of the payload with its media type (lower case, parameters dropped). */
export async function payloadHash(contentType: string, payload: string): Promise<string> {
  const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return base64OfBytes(await crypto.subtle.digest("SHA-256", encoder.encode(`hawk.1.payload\n${mediaType}\n${payload}\n`)));
}

function defaultPort(url: URL): string {
  if (url.port !== "") return url.port;
  return url.protocol === "https:" ? "443" : "80";
}

function quoted(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

export async function hawkHeader(credentials: HawkCredentials, request: HawkRequest): Promise<string> {
  const timestamp = request.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = request.nonce ?? crypto.randomUUID().replace(/-/g, "").slice(0, 12);
  const ext = request.ext ?? "";
  const hash = await payloadHash(request.contentType, request.payload);
  const { url } = request;
  const normalized = ["hawk.1.header", timestamp, nonce, request.method.toUpperCase(), `${url.pathname}${url.search}`, url.hostname.toLowerCase(), defaultPort(url), hash, ext, ""].join("\n");
  const key = await crypto.subtle.importKey("raw", encoder.encode(credentials.key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = base64OfBytes(await crypto.subtle.sign("HMAC", key, encoder.encode(normalized)));
  const fields = [`id="${quoted(credentials.id)}"`, `ts="${timestamp}"`, `nonce="${nonce}"`, `hash="${hash}"`, ...(ext === "" ? [] : [`ext="${quoted(ext)}"`]), `mac="${mac}"`];
  return `Hawk ${fields.join(", ")}`;
}
