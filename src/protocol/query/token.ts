/**
 * Pagination tokens, in the reference's format: standard base64 of the UTF-8 JSON
 * `{"last_object": {<sort field>: <value>, …}, "offset": n, "nonce": "pagination-token-<uuid4>"}`.
 * A sort field missing from the last object is absent from `last_object`.
 */
import { base64OfText, textOfBase64 } from "../../http/base64";
import { parseExactJson } from "../../json/parse";
import type { JsonValue } from "../../wire";
import { invalidToken } from "./query-errors";
import type { PageToken } from "./types";
import { isJsonObject, type MaybeJson } from "./values";

export function newNonce(): string {
  return `pagination-token-${crypto.randomUUID()}`;
}

export function encodeToken(token: PageToken): string {
  const shard = token.shard === undefined ? {} : { shard: token.shard.index, fresh: token.shard.fresh };
  return base64OfText(JSON.stringify({ last_object: token.lastObject, offset: token.offset, nonce: token.nonce, ...shard }));
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return parseExactJson(text);
  } catch {
    return undefined;
  }
}

/** 400 `_token has invalid content` unless `raw` decodes to the structure above. */
export function decodeToken(raw: string): PageToken {
  const text = textOfBase64(raw);
  const info = text === null ? undefined : parseJson(text);
  if (!isJsonObject(info)) throw invalidToken();
  const { last_object: lastObject, offset, nonce } = info;
  if (!isJsonObject(lastObject)) throw invalidToken();
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) throw invalidToken();
  if (typeof nonce !== "string") throw invalidToken();
  const { shard, fresh } = info;
  if (shard === undefined) return { lastObject, offset, nonce };
  if (typeof shard !== "number" || !Number.isSafeInteger(shard) || shard < 0 || typeof fresh !== "boolean") throw invalidToken();
  return { lastObject, offset, nonce, shard: { index: shard, fresh } };
}

/** The last object's value for a sort field; `undefined` when missing (own keys only). */
export function tokenValue(lastObject: PageToken["lastObject"], field: string): MaybeJson {
  return Object.hasOwn(lastObject, field) ? lastObject[field] : undefined;
}
