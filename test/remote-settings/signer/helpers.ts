/**
 * Helpers of the signer tests. The Writers read the signer's settings from the dev environment
 * (wrangler.toml [env.dev.vars]): `main-workspace -> main-preview -> main` with review by a
 * second person, `security-state-staging -> security-state` without preview or review, and
 * a development key. Verification is done here independently of the server's code: an own
 * canonical JSON and WebCrypto over the published `public_key`.
 */
import { expect } from "vitest";
import { send, type Res, type Who } from "../../resources/helpers";

export const WORKSPACE = "main-workspace";
export const PREVIEW = "main-preview";
export const MAIN = "main";
export const STAGING = "security-state-staging";
export const PUBLISHED = "security-state";

/** Canonical JSON written without the server's serializer: sorted keys, no spaces, non-ASCII as \uXXXX. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${canonical(key)}:${canonical(object[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export interface Verified {
  valid: boolean;
  records: { id: string; [field: string]: unknown }[];
  timestamp: number;
  metadata: Record<string, unknown>;
}

/** Downloads the changeset of `bid/cid` and verifies its signature as Firefox would (with the published key). */
export async function verifyChangeset(bid: string, cid: string, as: Who = "anonymous"): Promise<Verified> {
  const res = await send({ url: `/buckets/${bid}/collections/${cid}/changeset?_expected=${crypto.randomUUID()}`, as });
  expect(res.status, res.text).toBe(200);
  const { metadata, changes, timestamp } = res.body as { metadata: Record<string, unknown>; changes: { id: string }[]; timestamp: number };
  const signature = metadata.signature as { signature: string; public_key: string; mode: string };
  expect(metadata.signatures).toEqual([signature]);
  expect(signature.mode).toBe("p384ecdsa");
  const records = [...changes].sort((a, b) => (a.id < b.id ? -1 : 1));
  const message = new TextEncoder().encode(`Content-Signature:\x00${canonical({ data: records, last_modified: String(timestamp) })}`);
  const key = await crypto.subtle.importKey("spki", fromBase64(signature.public_key), { name: "ECDSA", namedCurve: "P-384" }, false, ["verify"]);
  const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, key, fromBase64(signature.signature), message);
  return { valid, records, timestamp, metadata };
}

export async function collection(bid: string, cid: string, as: Who = "alice"): Promise<Record<string, unknown>> {
  const res = await send({ url: `/buckets/${bid}/collections/${cid}`, as });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Record<string, unknown>;
}

export function setStatus(bid: string, cid: string, status: string, as: Who = "alice", extra: Record<string, unknown> = {}): Promise<Res> {
  return send({ method: "PATCH", url: `/buckets/${bid}/collections/${cid}`, as, body: { data: { status, ...extra } } });
}

/** Creates the bucket once per test file (storage is per file); alice owns it. */
export async function ensureBucket(bid: string): Promise<void> {
  const res = await send({ method: "PUT", url: `/buckets/${bid}`, headers: { "If-None-Match": "*" }, body: {} });
  expect([201, 412], res.text).toContain(res.status);
}
