/**
 * Found by the fuzz suite, each a 500 before:
 * - R2 refuses object keys beyond 1,024 bytes ("The specified object name is not valid"). A
 *   download of such a key is a 404 (no file can have it); an upload whose key would be one
 *   (or empty) is a 400 naming the limit, with no record and no file left behind.
 * - R2's conditional reads throw on an `If-Match` / `If-None-Match` that is not `*` or a list
 *   of quoted entity tags: a download with one is a 400 naming the header.
 * And not a 500, but not the error envelope either: a download's 412 and 416 had empty bodies.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { MAX_KEY_BYTES } from "../../src/plugins/attachment/keys";
import { attachmentUrl, ledger, upload } from "../attachment/helpers";
import { createBucket, createCollection, send, uid } from "../resources/helpers";

describe("validators of a download", () => {
  let url: string;
  let etag: string;
  beforeAll(async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const res = await upload(attachmentUrl(bid, cid, uid("r")), { files: [{ filename: "file.txt", content: "0123456789", type: "text/plain" }] });
    url = `/attachments/${res.body.location}`;
    etag = (await send({ url })).headers.get("ETag") ?? "";
  });

  test.each([["If-Match"], ["If-None-Match"]])("a malformed %s → 400 naming it", async (name) => {
    for (const value of ["abc", '"unterminated', '"a" "b"', ",", "W/"]) {
      const res = await send({ url, headers: { [name]: value, Range: "bytes=0-1" } });
      expect(res.status, `${name}: ${value} → ${res.text.slice(0, 200)}`).toBe(400);
      expect(res.body).toMatchObject({ code: 400, errno: 107, details: [{ location: "header", name }] });
    }
  });

  test("412 and 416 answer the error envelope", async () => {
    const failed = await send({ url, headers: { "If-Match": '"other"' } });
    expect(failed.status).toBe(412);
    expect(failed.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(failed.body).toMatchObject({ code: 412, errno: 114, error: "Precondition Failed" });
    expect(failed.headers.get("ETag")).toBe(etag);
    const beyond = await send({ url, headers: { Range: "bytes=100-200" } });
    expect(beyond.status).toBe(416);
    expect(beyond.body).toMatchObject({ code: 416, errno: 107, error: "Range Not Satisfiable", message: "Range not satisfiable: the file has 10 bytes." });
    expect(beyond.headers.get("Content-Range")).toBe("bytes */10");
  });

  test("well-formed ones still work", async () => {
    expect((await send({ url, headers: { "If-None-Match": etag } })).status).toBe(304);
    expect((await send({ url, headers: { "If-None-Match": `"other", ${etag}` } })).status).toBe(304);
    expect((await send({ url, headers: { "If-Match": "*" } })).status).toBe(200);
    expect((await send({ url, headers: { "If-Match": '"other"' } })).status).toBe(412);
    expect((await send({ url, headers: { "If-Match": `W/${etag}`, Range: "bytes=0-1" } })).status).toBe(412);
  });
});

describe("downloads", () => {
  test.each([
    ["ASCII", "k".repeat(MAX_KEY_BYTES + 1)],
    ["two-byte letters", "é".repeat(MAX_KEY_BYTES / 2 + 1)],
  ])("a key of more than 1,024 bytes (%s) → 404", async (_name, key) => {
    for (const method of ["GET", "HEAD"]) {
      const res = await send({ method, url: `/attachments/${encodeURIComponent(key)}`, headers: { Range: "bytes=0-1" } });
      expect(res.status, `${method} ${res.text.slice(0, 200)}`).toBe(404);
      if (method === "GET") expect(res.body).toMatchObject({ code: 404, errno: 110 });
    }
  });
});

describe("uploads", () => {
  test.each([
    ["a long file name, names not randomized", `${"f".repeat(1100)}.txt`, { KINTO_ATTACHMENT_RANDOMIZE: "false" }],
    ["a name sanitized to nothing, names not randomized", "%%%", { KINTO_ATTACHMENT_RANDOMIZE: "false", KINTO_ATTACHMENT_EXTENSIONS: "any" }],
    ["a folder of the bucket and collection ids", "file.txt", { KINTO_ATTACHMENT_FOLDER: `{bucket_id}/{collection_id}/${"d".repeat(1020)}` }],
  ])("%s → 400 naming the limit, nothing kept", async (_name, filename, vars) => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const rid = uid("r");
    const before = (await ledger()).length;
    const res = await upload(attachmentUrl(bid, cid, rid), { files: [{ filename, content: "0123456789", type: "text/plain" }], vars });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
    expect(res.body.message).toMatch(/1 to 1024 bytes/);
    expect((await ledger()).length).toBe(before);
    expect((await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` })).status).toBe(404);
  });
});
