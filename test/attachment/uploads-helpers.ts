/** Helpers of the multipart upload tests (`…/attachment/uploads`): create, send parts, complete. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { MIN_PART_BYTES } from "../../src/plugins/attachment/uploads/layout";
import { AUTH, createBucket, createCollection, send, uid, urlOf, type Res, type Who } from "../resources/helpers";
import { toRes } from "../permissions/helpers";
import { attachmentUrl } from "./helpers";

export const PART = MIN_PART_BYTES;

/** Deterministic bytes that are not all alike (a part stored in the wrong place changes the hash). */
export function bytes(size: number, seed = 17): Uint8Array {
  const out = new Uint8Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

export interface Target {
  bid: string;
  cid: string;
  rid: string;
  /** `…/records/{rid}/attachment/uploads`, below `/v1`. */
  uploads: string;
}

export async function target(): Promise<Target> {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  const rid = uid("r");
  return { bid, cid, rid, uploads: `${attachmentUrl(bid, cid, rid)}/uploads` };
}

export function recordUrl(t: Target): string {
  return `/buckets/${t.bid}/collections/${t.cid}/records/${t.rid}`;
}

export function create(t: Target, body: unknown, as: Who = "alice", headers: Record<string, string> = {}): Promise<Res> {
  return send({ method: "POST", url: t.uploads, body, as, headers });
}

/** PUTs raw bytes as part `n` (Content-Length set from them unless `headers` says otherwise). */
export async function putPart(t: Target, upload: string, n: number | string, content: Uint8Array, as: Who = "alice", headers: Record<string, string> = {}): Promise<Res> {
  const request = new Request(urlOf({ url: `${t.uploads}/${upload}/parts/${n}` }), { method: "PUT", body: content, headers: { "Content-Type": "application/octet-stream", ...headers } });
  const auth = AUTH[as];
  if (auth !== null) request.headers.set("Authorization", auth);
  return toRes(await exports.default.fetch(request));
}

export function complete(t: Target, upload: string, as: Who = "alice", headers: Record<string, string> = {}): Promise<Res> {
  return send({ method: "POST", url: `${t.uploads}/${upload}/complete`, as, headers });
}

export function abort(t: Target, upload: string, as: Who = "alice"): Promise<Res> {
  return send({ method: "DELETE", url: `${t.uploads}/${upload}`, as });
}

/** Creates an upload of `content` cut in `partSize` parts, sends every part (in `order`), and completes it. */
export async function uploadLarge(t: Target, content: Uint8Array, options: { filename?: string; partSize?: number; order?: number[]; extra?: object } = {}): Promise<Res> {
  const partSize = options.partSize ?? PART;
  const created = await create(t, { filename: options.filename ?? "model.bin.json", size: content.length, part_size: partSize, ...options.extra });
  expect(created.status, created.text).toBe(201);
  const count = created.body.parts as number;
  const order = options.order ?? Array.from({ length: count }, (_, i) => i + 1);
  for (const n of order) {
    const res = await putPart(t, created.body.upload_id, n, content.subarray((n - 1) * partSize, n * partSize));
    expect(res.status, res.text).toBe(200);
  }
  return complete(t, created.body.upload_id);
}
