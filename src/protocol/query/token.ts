/**
 * Pagination tokens, in the reference's format: standard base64 of the UTF-8 JSON
 * `{"last_object": {<sort field>: <value>, …}, "offset": n, "nonce": "pagination-token-<uuid4>"}`.
 * A sort field missing from the last object is absent from `last_object`.
 */
import type { JsonValue } from "../../wire";
import { invalidToken } from "./query-errors";
import type { PageToken } from "./types";
import { isJsonObject, type MaybeJson } from "./values";

export function newNonce(): string {
  return `pagination-token-${crypto.randomUUID()}`;
}

export function encodeToken(token: PageToken): string {
  const json = JSON.stringify({ last_object: token.lastObject, offset: token.offset, nonce: token.nonce });
  let binary = "";
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Accepts padded or unpadded base64, and the URL-safe alphabet; `+` read as space is repaired. */
function decodeBase64(raw: string): string | null {
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

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** 400 `_token has invalid content` unless `raw` decodes to the structure above. */
export function decodeToken(raw: string): PageToken {
  const text = decodeBase64(raw);
  const info = text === null ? undefined : parseJson(text);
  if (!isJsonObject(info)) throw invalidToken();
  const { last_object: lastObject, offset, nonce } = info;
  if (!isJsonObject(lastObject)) throw invalidToken();
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) throw invalidToken();
  if (typeof nonce !== "string") throw invalidToken();
  return { lastObject, offset, nonce };
}

/** The last object's value for a sort field; `undefined` when missing (own keys only). */
export function tokenValue(lastObject: PageToken["lastObject"], field: string): MaybeJson {
  return Object.hasOwn(lastObject, field) ? lastObject[field] : undefined;
}
