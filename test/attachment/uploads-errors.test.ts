/**
 * Every bad input of the multipart upload routes answers Kinto's error envelope with its
 * status and errno, and stores nothing (no ledger row, no upload row, no R2 upload left).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { check, send, uid } from "../resources/helpers";
import { bucket, fetchWith, ledger } from "./helpers";
import { PART, abort, bytes, complete, create, putPart, target, type Target } from "./uploads-helpers";
import { toRes } from "../permissions/helpers";
import { AUTH, urlOf } from "../resources/helpers";

const GOOD = { filename: "model.json", size: PART * 2 + 10, part_size: PART };

async function counts(): Promise<{ ledger: number; uploads: number }> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM attachment_uploads").first<{ n: number }>();
  return { ledger: (await ledger()).length, uploads: row?.n ?? -1 };
}

describe("creating an upload: refused input", () => {
  const cases: { name: string; body: unknown; errno: number; status?: number; message?: RegExp; headers?: Record<string, string> }[] = [
    { name: "not a JSON object", body: "[1]", errno: 107, message: /JSON object/ },
    { name: "invalid JSON", body: "{", errno: 107, message: /Invalid JSON/ },
    { name: "wrong Content-Type", body: "{}", errno: 107, status: 415, headers: { "Content-Type": "text/plain" } },
    { name: "an unknown field", body: { ...GOOD, md5: "x" }, errno: 107, message: /Unrecognized keys in mapping: 'md5'/ },
    { name: "no filename", body: { size: 10 }, errno: 107, message: /^body: Filename is required\.$/ },
    { name: "a filename that is not a string", body: { filename: 3, size: 10 }, errno: 107, message: /filename should be a string/ },
    { name: "an extension not allowed", body: { filename: "virus.exe", size: 10 }, errno: 107, message: /^body: File extension is not allowed\.$/ },
    { name: "no size", body: { filename: "a.json" }, errno: 107, message: /size is required/ },
    { name: "a negative size", body: { filename: "a.json", size: -1 }, errno: 107, message: /size should be an integer/ },
    { name: "a fractional size", body: { filename: "a.json", size: 1.5 }, errno: 107, message: /size should be an integer/ },
    { name: "more parts than R2 takes", body: { filename: "a.json", size: PART * 10_000 + 1, part_size: PART }, errno: 107, message: /size should be an integer between 0 and 52428800000/ },
    { name: "a part size under R2's minimum", body: { ...GOOD, part_size: PART - 1 }, errno: 107, message: /part_size should be an integer between 5242880 and 67108864/ },
    { name: "a part size over the maximum", body: { ...GOOD, part_size: 64 * 1024 * 1024 + 1 }, errno: 107, message: /part_size/ },
    { name: "data not an object", body: { ...GOOD, data: [1] }, errno: 107, message: /is not a mapping type/ },
    { name: "an unknown permission", body: { ...GOOD, permissions: { destroy: ["x"] } }, errno: 107, message: /'destroy' is not one of/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const t = await target();
      const before = await counts();
      const res = await create(t, c.body, "alice", c.headers);
      check(res, { status: c.status ?? 400, errno: c.errno });
      if (c.message) expect(res.body.message).toMatch(c.message);
      expect(await counts()).toEqual(before);
    });
  }

  it("a file over max_size_bytes", async () => {
    const t = await target();
    const request = new Request(urlOf({ url: t.uploads }), { method: "POST", body: JSON.stringify(GOOD), headers: { "Content-Type": "application/json", Authorization: AUTH.alice } });
    const res = await toRes(await fetchWith(request, { KINTO_ATTACHMENT_MAX_SIZE_BYTES: String(PART) }));
    check(res, { status: 400, errno: 107 });
    expect(res.body.message).toBe(`body: File size (${GOOD.size} bytes) exceeds the limit (${PART} bytes).`);
  });

  it("a bad record id, a missing collection, an anonymous caller, a caller without permission", async () => {
    const t = await target();
    check(await send({ method: "POST", url: `/buckets/${t.bid}/collections/${t.cid}/records/a%20b/attachment/uploads`, body: GOOD }), { status: 400, errno: 107 });
    const missing = await send({ method: "POST", url: `/buckets/${t.bid}/collections/nope/records/r1/attachment/uploads`, body: GOOD });
    check(missing, { status: 404, errno: 111 });
    check(await create(t, GOOD, "anonymous"), { status: 401, errno: 104 });
    check(await create(t, GOOD, "bob"), { status: 403, errno: 121 });
  });
});

async function open(t: Target): Promise<string> {
  const res = await create(t, GOOD);
  expect(res.status, res.text).toBe(201);
  return res.body.upload_id as string;
}

describe("parts: refused", { timeout: 30_000 }, () => {
  it("an unknown upload, an upload of another record: 404 errno 110", async () => {
    const t = await target();
    const id = await open(t);
    check(await putPart(t, crypto.randomUUID(), 1, bytes(PART)), { status: 404, errno: 110, expectBody: { details: { resource_name: "upload" } } });
    const other = { ...t, uploads: t.uploads.replace(t.rid, uid("r")) };
    check(await putPart(other, id, 1, bytes(PART)), { status: 404, errno: 110 });
  });

  it("another user: 403; anonymous: 401", async () => {
    const t = await target();
    const id = await open(t);
    check(await putPart(t, id, 1, bytes(PART), "bob"), { status: 403, errno: 121 });
    check(await putPart(t, id, 1, bytes(PART), "anonymous"), { status: 401, errno: 104 });
    check(await send({ url: `${t.uploads}/${id}`, as: "bob" }), { status: 403, errno: 121 });
    check(await complete(t, id, "bob"), { status: 403, errno: 121 });
    check(await abort(t, id, "bob"), { status: 403, errno: 121 });
  });

  it("a part number out of range or not a number: 400", async () => {
    const t = await target();
    const id = await open(t);
    for (const n of [0, 4, "x", "1.0", 99999]) {
      const res = await putPart(t, id, n, bytes(PART));
      check(res, { status: 400, errno: 107 });
      expect(res.body.message).toBe("part should be an integer between 1 and 3");
    }
  });

  it("a part too small, too large, or a last part of the wrong size: 400 naming the exact size", async () => {
    const t = await target();
    const id = await open(t);
    for (const [n, size, expected] of [[1, PART - 1, PART], [2, PART + 1, PART], [3, 9, 10], [3, 11, 10]] as const) {
      const res = await putPart(t, id, n, bytes(size));
      check(res, { status: 400, errno: 107 });
      expect(res.body.message).toContain(`part ${n} of 3 should be exactly ${expected} bytes, not ${size}`);
    }
    expect((await send({ url: `${t.uploads}/${id}` })).body.received).toEqual([]);
  });

  it("no Content-Length (a chunked body): 411 errno 112", async () => {
    const t = await target();
    const id = await open(t);
    const content = bytes(10);
    const body = new ReadableStream<Uint8Array>({ start: (controller) => (controller.enqueue(content), controller.close()) });
    const request = new Request(urlOf({ url: `${t.uploads}/${id}/parts/3` }), { method: "PUT", body, headers: { Authorization: AUTH.alice, "Content-Type": "application/octet-stream" } });
    check(await toRes(await fetchWith(request)), { status: 411, errno: 112 });
  });

  it("an expired upload: 404 for parts, status and completion", async () => {
    const t = await target();
    const id = await open(t);
    await env.DB.prepare("UPDATE attachment_uploads SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, id).run();
    check(await putPart(t, id, 3, bytes(10)), { status: 404, errno: 110 });
    check(await send({ url: `${t.uploads}/${id}` }), { status: 404, errno: 110 });
    check(await complete(t, id), { status: 404, errno: 110 });
  });
});

describe("completion and abort: refused", { timeout: 30_000 }, () => {
  it("missing parts: 400 naming them; nothing completed", async () => {
    const t = await target();
    const id = await open(t);
    expect((await putPart(t, id, 1, bytes(PART))).status).toBe(200);
    const res = await complete(t, id);
    check(res, { status: 400, errno: 107 });
    expect(res.body.message).toBe("2 of 3 parts missing: 2, 3");
    expect((await send({ url: `${t.uploads}/${id}` })).status).toBe(200);
  });

  it("abort: 204; then the upload is gone (404), R2 dropped its parts, the key is released", async () => {
    const t = await target();
    const before = await counts();
    const id = await open(t);
    expect((await putPart(t, id, 1, bytes(PART))).status).toBe(200);
    const row = await env.DB.prepare("SELECT key, r2_upload_id FROM attachment_uploads WHERE id = ?").bind(id).first<{ key: string; r2_upload_id: string }>();
    const res = await abort(t, id);
    expect(res.status).toBe(204);
    expect(await counts()).toEqual(before);
    check(await putPart(t, id, 2, bytes(PART)), { status: 404, errno: 110 });
    check(await abort(t, id), { status: 404, errno: 110 });
    const r2 = bucket().resumeMultipartUpload(row?.key ?? "", row?.r2_upload_id ?? "");
    await expect(r2.uploadPart(2, bytes(10))).rejects.toThrow(/does not exist/);
  });

  it("other methods: 405", async () => {
    const t = await target();
    const id = await open(t);
    check(await send({ method: "GET", url: `${t.uploads}` }), { status: 405, errno: 115 });
    check(await send({ method: "PUT", url: `${t.uploads}/${id}`, body: {} }), { status: 405, errno: 115 });
    check(await send({ method: "GET", url: `${t.uploads}/${id}/complete` }), { status: 405, errno: 115 });
  });
});
