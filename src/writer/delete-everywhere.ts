/**
 * `DELETE /buckets` on a sharded deployment (contract §3.1.3; storage/shards.ts). The shards are
 * taken in order, each deleting up to what is left of the page's limit, so a page without a
 * limit deletes everything, as on one database. The Next-Page token names the shard it continues
 * on: `fresh`, from that shard's first object, else after `last_object` on it. The
 * preconditions apply to the buckets list's timestamp, the largest of the shards'. Each shard's
 * part commits on its own; the tombstones come shard by shard, each shard's in the query's order.
 */
import type { Settings } from "../config";
import { invalidParameter, KintoError } from "../errors";
import { NO_PRECONDITIONS, preconditionFailure } from "../http/preconditions";
import { parseListQuery } from "../protocol/query/parse";
import { decodeToken, encodeToken, newNonce } from "../protocol/query/token";
import type { Tombstone } from "../wire";
import { errorResult } from "./engine";
import type { WriteOp, WriteRequest, WriteResult } from "./protocol";
import type { TokenLedger } from "./token-ledger";

type DeleteListOp = Extract<WriteOp, { kind: "delete-list" }>;

export interface Shards {
  count: number;
  /** Runs `request` (one delete-list) on `shard`. */
  run(shard: number, request: WriteRequest): Promise<WriteResult[]>;
  /** The buckets list's timestamp on `shard`. */
  listTimestamp(shard: number): Promise<number | null>;
}

const expired = (): KintoError => invalidParameter("querystring", "_token", "_token was already used or has expired.");

export async function deleteEverywhere(request: WriteRequest, shards: Shards, tokens: TokenLedger, settings: Settings): Promise<WriteResult[]> {
  try {
    return [await deletePage(request, request.ops[0] as DeleteListOp, shards, tokens, settings)];
  } catch (error) {
    if (error instanceof KintoError) return [errorResult(error)];
    throw error;
  }
}

async function deletePage(request: WriteRequest, op: DeleteListOp, shards: Shards, tokens: TokenLedger, settings: Settings): Promise<WriteResult> {
  const params = new URLSearchParams(op.query);
  const raw = params.get("_token");
  const token = raw === null || raw === "" ? null : decodeToken(raw);
  const start = token?.shard?.index ?? 0;
  const fresh = token?.shard?.fresh === true;
  if (start >= shards.count) throw expired();
  const restart = new URLSearchParams(params);
  restart.delete("_token");
  const { limit } = parseListQuery(restart, { settings, now: Date.now() });
  const stamps = await Promise.all(Array.from({ length: shards.count }, (_, shard) => shards.listTimestamp(shard)));
  const known = stamps.filter((stamp): stamp is number => stamp !== null);
  const listTimestamp = known.length === 0 ? null : Math.max(...known);
  const failure = preconditionFailure(op.preconditions, { exists: true, timestamp: listTimestamp });
  if (failure) throw failure;
  if (token !== null && fresh) {
    if (!(await tokens.isValid(token.nonce))) throw expired();
    await tokens.consume(token.nonce);
  }
  const data: Tombstone[] = [];
  let timestamp = listTimestamp ?? Date.now();
  let refusal: WriteResult | null = null;
  let allowed = false;
  const continueOn = async (shard: number): Promise<WriteResult> => {
    const nonce = newNonce();
    await tokens.issue(nonce, settings.paginationTokenValiditySeconds);
    const next = { lastObject: {}, offset: (token?.offset ?? 0) + data.length, nonce, shard: { index: shard, fresh: true } };
    return { ok: true, status: 200, timestamp, body: { data }, nextToken: encodeToken(next), limit };
  };
  for (let shard = start; shard < shards.count; shard++) {
    const remaining = limit - data.length;
    const query = shard === start && token !== null && !fresh ? new URLSearchParams(params) : new URLSearchParams(restart);
    query.set("_limit", String(remaining));
    const [result] = await shards.run(shard, { ...request, ops: [{ ...op, query: query.toString(), preconditions: NO_PRECONDITIONS }] });
    if (result === undefined) throw new Error("the shard answered no result");
    if (!result.ok) {
      // A shard where the caller may delete nothing counts as empty, unless every shard says so.
      if (result.error.code === 401 || result.error.code === 403) {
        refusal ??= result;
        continue;
      }
      // What earlier shards deleted is committed: answer it, and continue on this shard.
      return data.length === 0 ? result : continueOn(shard);
    }
    allowed = true;
    data.push(...(result.body.data as Tombstone[]));
    timestamp = Math.max(timestamp, result.timestamp);
    if (result.nextToken !== undefined) {
      const next = { ...decodeToken(result.nextToken), offset: (token?.offset ?? 0) + data.length, shard: { index: shard, fresh: false } };
      return { ...result, timestamp, body: { data }, nextToken: encodeToken(next), limit };
    }
    if (data.length >= limit && shard + 1 < shards.count) return continueOn(shard + 1);
  }
  if (!allowed && refusal !== null && token === null) return refusal;
  return { ok: true, status: 200, timestamp, body: { data } };
}
