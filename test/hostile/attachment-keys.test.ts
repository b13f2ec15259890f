/**
 * Found by the fuzz suite: R2 refuses object keys beyond 1,024 bytes ("The specified object
 * name is not valid"), and both attachment routes answered 500 for one. A download of such a
 * key is a 404 (no file can have it); an upload whose key would be one is a 400 naming the
 * limit, with no record and no file left behind.
 */
import { describe, expect, test } from "vitest";
import { MAX_KEY_BYTES } from "../../src/plugins/attachment/keys";
import { attachmentUrl, ledger, upload } from "../attachment/helpers";
import { createBucket, createCollection, send, uid } from "../resources/helpers";

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
