/**
 * Multipart uploads (`…/attachment/uploads`): a file of several R2 parts, sent in any order,
 * becomes the record's attachment exactly as `POST …/attachment` makes it (same metadata,
 * sha256 of the whole file, ledger row live in the record's commit).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { AUTH, send } from "../resources/helpers";
import { bucket, fetchWith, ledger, sha256, upload } from "./helpers";
import { PART, bytes, complete, create, putPart, recordUrl, target, uploadLarge } from "./uploads-helpers";

async function uploadRows(): Promise<number> {
  const row = await env.DB.prepare("SELECT (SELECT count(*) FROM attachment_uploads) + (SELECT count(*) FROM attachment_upload_parts) AS n").first<{ n: number }>();
  return row?.n ?? -1;
}

describe("a multipart upload", { timeout: 30_000 }, () => {
  it("of 3.5 parts: the record's attachment, hash of the whole file, stored and served", async () => {
    const t = await target();
    const content = bytes(Math.floor(PART * 3.5));
    const res = await uploadLarge(t, content, { extra: { data: { family: "sans" }, mimetype: "application/x-model" } });
    expect(res.status, res.text).toBe(201);
    const hash = await sha256(content);
    expect(res.body).toEqual({ filename: "model.bin.json", location: expect.stringMatching(/^[0-9a-f-]{36}\.json$/), hash, mimetype: "application/x-model", size: content.length });
    expect(res.headers.get("Location")).toBe(`http://localhost/v1${recordUrl(t)}`);
    const record = await send({ url: recordUrl(t) });
    expect(record.body.data).toMatchObject({ family: "sans", attachment: res.body });
    const stored = await bucket().get(res.body.location);
    expect(stored?.size).toBe(content.length);
    expect(stored?.httpMetadata?.contentType).toBe("application/x-model");
    expect(await sha256(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer()))).toBe(hash);
    const served = await send({ url: `/attachments/${res.body.location}` });
    expect(served.status).toBe(200);
    expect(served.headers.get("Cache-Control")).toContain("immutable");
    expect((await ledger()).filter((row) => row.key === res.body.location)).toEqual([
      { key: res.body.location, record_uri: recordUrl(t), state: "live" },
    ]);
    expect(await uploadRows()).toBe(0);
  });

  it("replaces an existing attachment (200); the old file is deleted after the commit", async () => {
    const t = await target();
    const first = await upload(`${t.uploads.replace(/\/uploads$/, "")}`);
    expect(first.status).toBe(201);
    const res = await uploadLarge(t, bytes(PART + 10, 3));
    expect(res.status, res.text).toBe(200);
    await vi.waitFor(async () => expect(await bucket().head(first.body.location)).toBeNull());
    expect((await send({ url: recordUrl(t) })).body.data.attachment.location).toBe(res.body.location);
  });

  it("of one small part, and of an empty file", async () => {
    for (const content of [bytes(1234), new Uint8Array(0)]) {
      const t = await target();
      const res = await uploadLarge(t, content, { filename: "a.txt" });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ size: content.length, hash: await sha256(content), mimetype: "application/octet-stream" });
      expect((await bucket().head(res.body.location))?.size).toBe(content.length);
    }
  });

  it("tells which parts it holds; takes them in order only, each once; with a chosen part size", async () => {
    const t = await target();
    const partSize = PART + 1024;
    const content = bytes(partSize * 2 + 7);
    const created = await create(t, { filename: "x.csv", size: content.length, part_size: partSize });
    expect(created.body).toMatchObject({ filename: "x.csv", mimetype: "application/octet-stream", size: content.length, part_size: partSize, parts: 3, next_part: 1 });
    expect(created.body.expires).toBeGreaterThan(Date.now());
    const id = created.body.upload_id;
    const early = await putPart(t, id, 2, content.subarray(partSize, partSize * 2));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ errno: 122, message: "Parts are taken in order: send part 1 first.", details: { next_part: 1 } });
    const sent = await putPart(t, id, 1, content.subarray(0, partSize));
    expect(sent.body).toEqual({ part: 1, etag: expect.any(String), size: partSize });
    const again = await putPart(t, id, 1, content.subarray(0, partSize));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ message: "Part 1 was received already.", details: { next_part: 2 } });
    const status = await send({ url: `${t.uploads}/${id}` });
    expect(status.body).toMatchObject({ next_part: 2, received: [{ part: 1, etag: sent.body.etag, size: partSize }] });
    expect((await putPart(t, id, 2, content.subarray(partSize, partSize * 2))).status).toBe(200);
    expect((await putPart(t, id, 3, content.subarray(partSize * 2))).status).toBe(200);
    const res = await complete(t, id);
    expect(res.status, res.text).toBe(201);
    expect(res.body.hash).toBe(await sha256(content));
  });

  it("a part cut short or too long on the wire: 400, and the upload still expects it", async () => {
    const t = await target();
    const content = bytes(PART + 10);
    const created = await create(t, { filename: "y.json", size: content.length, part_size: PART });
    const id = created.body.upload_id;
    const longer = new ReadableStream<Uint8Array>({ start: (controller) => (controller.enqueue(bytes(11)), controller.close()) });
    const request = new Request(`http://localhost/v1${t.uploads}/${id}/parts/2`, { method: "PUT", body: longer, headers: { Authorization: AUTH.alice } });
    request.headers.set("Content-Type", "application/octet-stream");
    // A chunked body has no Content-Length: 411 before any byte is read.
    expect((await fetchWith(request)).status).toBe(411);
    expect((await putPart(t, id, 1, content.subarray(0, PART))).status).toBe(200);
    expect((await send({ url: `${t.uploads}/${id}` })).body.next_part).toBe(2);
    expect((await putPart(t, id, 2, content.subarray(PART))).status).toBe(200);
    expect((await complete(t, id)).body.hash).toBe(await sha256(content));
  });

  it("a failed record write at completion (If-Match) removes the file and forgets the upload", async () => {
    const t = await target();
    const content = bytes(PART + 1);
    const created = await create(t, { filename: "f.json", size: content.length, part_size: PART });
    const id = created.body.upload_id;
    await putPart(t, id, 1, content.subarray(0, PART));
    await putPart(t, id, 2, content.subarray(PART));
    const before = (await ledger()).length;
    const res = await complete(t, id, "alice", { "If-Match": '"1"' });
    expect(res.status, res.text).toBe(412);
    expect(res.body).toMatchObject({ errno: 114 });
    await vi.waitFor(async () => expect((await ledger()).length).toBe(before - 1));
    expect((await send({ url: `${t.uploads}/${id}` })).status).toBe(404);
    expect((await send({ url: recordUrl(t) })).status).toBe(404);
  });

  it("through the default bucket alias", async () => {
    const content = bytes(PART + 5, 5);
    const t = { bid: "default", cid: "tasks", rid: "large-default", uploads: "/buckets/default/collections/tasks/records/large-default/attachment/uploads" };
    const res = await uploadLarge(t, content);
    expect(res.status, res.text).toBe(201);
    expect(res.body.hash).toBe(await sha256(content));
  });
});
