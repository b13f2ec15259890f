/**
 * Files larger than one R2 part (upload.ts PART_BYTES) go through an R2 multipart upload,
 * hashed while streaming; the default bucket alias streams uploads through unchanged.
 */
import { describe, expect, it } from "vitest";
import { PART_BYTES } from "../../src/plugins/attachment/upload";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, bucket, sha256, upload } from "./helpers";

/** Deterministic bytes that are not all alike (a hash of a wrong order would differ). */
function bytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let state = 17;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe("streamed uploads", () => {
  it("a file of 2.5 parts: stored whole, its hash and size right", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const content = bytes(Math.floor(PART_BYTES * 2.5));
    const res = await upload(attachmentUrl(bid, cid, uid("r")), { files: [{ filename: "model.bin.json", content, type: "application/octet-stream" }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ size: content.length, hash: await sha256(content) });
    const stored = await bucket().get(res.body.location);
    expect(stored?.size).toBe(content.length);
    expect(await sha256(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer()))).toBe(res.body.hash);
  });

  it("a file of exactly one part, and an empty file", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    for (const content of [bytes(PART_BYTES), new Uint8Array(0)]) {
      const res = await upload(attachmentUrl(bid, cid, uid("r")), { files: [{ filename: "a.bin.json", content }] });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ size: content.length, hash: await sha256(content) });
      expect((await bucket().head(res.body.location))?.size).toBe(content.length);
    }
  });

  it("through the default bucket alias, binary bytes intact", async () => {
    const content = bytes(70_000);
    const rid = uid("r");
    const res = await upload(attachmentUrl("default", "tasks", rid), { files: [{ filename: "blob.json", content }] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.hash).toBe(await sha256(content));
    const hello = await send({ url: "/" });
    const record = await send({ url: `/buckets/${hello.body.user.bucket}/collections/tasks/records/${rid}` });
    expect(record.body.data.attachment.hash).toBe(res.body.hash);
    expect(res.headers.get("Location")).toContain(`/buckets/${hello.body.user.bucket}/collections/tasks/records/${rid}`);
  });
});
