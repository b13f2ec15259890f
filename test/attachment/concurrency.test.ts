/**
 * Concurrent uploads to one record (issue 10): every upload is serialized by the collection's
 * Writer; the record ends pointing at exactly one stored file, whose bytes match its hash,
 * and every other file is deleted.
 */
import { describe, expect, it, vi } from "vitest";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, bucket, ledger, sha256, upload } from "./helpers";

describe("10 uploads to one record at once", () => {
  it("leave one live file, the record's, with the right hash; the others are removed", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const rid = uid("r");
    const contents = Array.from({ length: 10 }, (_, i) => `file number ${i} `.repeat(1000 + i));
    const answers = await Promise.all(
      contents.map((content, i) => upload(attachmentUrl(bid, cid, rid), { files: [{ filename: `f${i}.txt`, content }] })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const record = (await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` })).body.data;
    const index = Number(/^f(\d)\.txt$/.exec(record.attachment.filename)?.[1]);
    expect(record.attachment.hash).toBe(await sha256(contents[index] ?? ""));
    const uri = `/buckets/${bid}/collections/${cid}/records/${rid}`;
    await vi.waitFor(async () => {
      const rows = (await ledger()).filter((row) => row.record_uri === uri);
      expect(rows).toEqual([{ key: record.attachment.location, record_uri: uri, state: "live" }]);
      for (const res of answers) {
        const stored = await bucket().head(res.body.location);
        expect(stored === null, res.body.location).toBe(res.body.location !== record.attachment.location);
      }
    });
    const stored = await bucket().get(record.attachment.location);
    expect(await sha256(await (stored as R2ObjectBody).text())).toBe(record.attachment.hash);
  });
});
