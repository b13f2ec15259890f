/**
 * The shard an operation commits on (storage/shards.ts). Every Writer but the root's writes under
 * one bucket, so on one shard; the root's Writer writes buckets (each on its own shard) and
 * accounts (on the catalog), and its plural DELETE of buckets runs on every shard.
 */
import type { Bindings } from "../env";
import { bucketSpec } from "../resources/specs";
import { bucketShard, isSharded } from "../storage/shards";
import type { WriteOp, WriteRequest } from "./protocol";

/** A shard index, or every shard in turn. */
export type Placement = number | "every";

function bucketIdOf(op: WriteOp): string | null {
  if (op.resource !== "bucket") return op.location.bucket ?? null;
  if (op.kind === "delete-list") return null;
  if (op.kind !== "create") return op.id;
  const id = op.data?.id;
  return typeof id === "string" ? id : null;
}

export function placementOf(env: Bindings, op: WriteOp): Placement {
  if (op.resource === "bucket" && op.kind === "delete-list") return isSharded(env) ? "every" : 0;
  const bucket = bucketIdOf(op);
  return bucket === null ? 0 : bucketShard(env, bucket);
}

/**
 * The request with an id chosen for each bucket it creates without one, so that its shard is
 * known before the engine runs (the engine takes a posted `data.id` as the new id). A posted
 * id that is not a string stays, for the engine to refuse.
 */
export function withBucketIds(env: Bindings, request: WriteRequest): WriteRequest {
  const needsId = (op: WriteOp): boolean => op.resource === "bucket" && op.kind === "create" && op.data?.id === undefined;
  if (!isSharded(env) || !request.ops.some(needsId)) return request;
  const ops = request.ops.map((op): WriteOp => {
    if (!needsId(op) || op.kind !== "create") return op;
    return { ...op, data: { ...(op.data ?? {}), id: (bucketSpec.generateId as () => string)() } };
  });
  return { ...request, ops };
}

/** One placement for the whole request, or null when its operations fall on several. */
export function placementOfRequest(env: Bindings, request: WriteRequest): Placement | null {
  const placements = new Set(request.ops.map((op) => placementOf(env, op)));
  if (placements.size !== 1) return null;
  return [...placements][0] as Placement;
}
