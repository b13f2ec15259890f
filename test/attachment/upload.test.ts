/** POST …/attachment (contract §11.2): the stored file, the record's metadata, and the answer. */
import { describe, expect, it, vi } from "vitest";
import { createBucket, createCollection, send, uid, UUID4 } from "../resources/helpers";
import { attachmentUrl, ledger, sha256, storedText, upload } from "./helpers";

async function collection() {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return { bid, cid };
}

describe("uploading an attachment", () => {
  it("creates the record with the file's metadata in the same write, and stores the bytes", async () => {
    const { bid, cid } = await collection();
    const rid = uid("r");
    const res = await upload(attachmentUrl(bid, cid, rid), { fields: { data: JSON.stringify({ family: "sans" }) } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      filename: "image.jpg",
      location: expect.stringMatching(/^[0-9a-f-]{36}\.jpg$/),
      hash: await sha256("--fake--"),
      mimetype: "image/jpeg",
      size: 8,
    });
    expect(UUID4.test(res.body.location.replace(/\.jpg$/, ""))).toBe(true);
    expect(res.headers.get("Location")).toBe(`http://localhost/v1/buckets/${bid}/collections/${cid}/records/${rid}`);
    const record = await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` });
    expect(record.body.data).toMatchObject({ id: rid, family: "sans", attachment: res.body });
    expect(res.headers.get("ETag")).toBe(`"${record.body.data.last_modified}"`);
    expect(await storedText(res.body.location)).toBe("--fake--");
    expect((await ledger()).filter((row) => row.key === res.body.location)).toEqual([
      { key: res.body.location, record_uri: `/buckets/${bid}/collections/${cid}/records/${rid}`, state: "live" },
    ]);
  });

  it("updates an existing record (200), keeps its other fields and replaces the old file", async () => {
    const { bid, cid } = await collection();
    const rid = uid("r");
    await send({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/${rid}`, body: { data: { author: "frutiger" } } });
    const first = await upload(attachmentUrl(bid, cid, rid));
    expect(first.status).toBe(200);
    const second = await upload(attachmentUrl(bid, cid, rid), { files: [{ filename: "other.png", content: "png!", type: "image/png" }] });
    expect(second.status).toBe(200);
    const record = await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` });
    expect(record.body.data).toMatchObject({ author: "frutiger", attachment: { filename: "other.png", size: 4 } });
    await vi.waitFor(async () => expect(await storedText(first.body.location)).toBeNull());
    expect(await storedText(second.body.location)).toBe("png!");
  });
});
