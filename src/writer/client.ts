/** The worker's side of the Writer RPC: one call per parent, ops applied in order. */
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import { listTarget } from "../resources/target";
import type { WriteOp, WriteRequest, WriteResponse, WriteResult } from "./protocol";

/** The Durable Object name of the parent `op` writes under ("/" for the root). */
export function writerName(op: WriteOp): string {
  return listTarget(op.resource, op.location).parentId || "/";
}

/** Sends ops that share one parent to its Writer. */
export async function sendToWriter(env: Bindings, request: WriteRequest): Promise<WriteResult[]> {
  const first = request.ops[0];
  if (first === undefined) return [];
  const stub = env.WRITER.get(env.WRITER.idFromName(writerName(first)));
  const response = parseExactJson(await stub.apply(JSON.stringify(request))) as unknown as WriteResponse;
  return response.results;
}
