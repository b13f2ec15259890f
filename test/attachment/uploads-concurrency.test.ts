/**
 * A multipart completion racing other uploads to the same record (a form upload, another
 * multipart completion): the collection's Writer serializes the commits, the record ends
 * pointing at exactly one live file whose bytes match its hash, and every other file is deleted.
 */
import { describe, expect, it, vi } from "vitest";
import { send } from "../resources/helpers";
import { attachmentUrl, bucket, ledger, sha256, upload } from "./helpers";
import { PART, bytes, complete, create, putPart, recordUrl, target, type Target } from "./uploads-helpers";

/** An upload of `content` with every part sent, not completed yet. */
async function ready(t: Target, content: Uint8Array): Promise<string> {
  const created = await create(t, { filename: "m.json", size: content.length, part_size: PART });
  const id = created.body.upload_id as string;
  for (let n = 1; n <= created.body.parts; n++) {
    expect((await putPart(t, id, n, content.subarray((n - 1) * PART, n * PART))).status).toBe(200);
  }
  return id;
}

describe("completion vs other uploads on one record", { timeout: 30_000 }, () => {
  it("ends with exactly one live file, the record's, whose hash matches", async () => {
    const t = await target();
    const large = [bytes(PART * 3 + 1, 1), bytes(PART * 2 + 2, 2)];
    const ids = [await ready(t, large[0] as Uint8Array), await ready(t, large[1] as Uint8Array)];
    const small = "a small file ".repeat(100);
    const answers = await Promise.all([
      complete(t, ids[0] as string),
      upload(attachmentUrl(t.bid, t.cid, t.rid), { files: [{ filename: "s.json", content: small }] }),
      complete(t, ids[1] as string),
    ]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 201]);
    const record = (await send({ url: recordUrl(t) })).body.data;
    const expected = [await sha256(large[0] as Uint8Array), await sha256(small), await sha256(large[1] as Uint8Array)];
    expect(expected).toContain(record.attachment.hash);
    await vi.waitFor(async () => {
      const rows = (await ledger()).filter((row) => row.record_uri === recordUrl(t));
      expect(rows).toEqual([{ key: record.attachment.location, record_uri: recordUrl(t), state: "live" }]);
      for (const res of answers) {
        expect(await bucket().head(res.body.location) === null, res.body.location).toBe(res.body.location !== record.attachment.location);
      }
    });
    const stored = await bucket().get(record.attachment.location);
    expect(await sha256(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer()))).toBe(record.attachment.hash);
  });

  it("two completions of one upload: one wins, the other is refused", async () => {
    const t = await target();
    const id = await ready(t, bytes(PART + 3));
    const answers = await Promise.all([complete(t, id), complete(t, id)]);
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses[0]).toBe(201);
    expect([404, 409]).toContain(statuses[1]);
    const refused = answers.find((res) => res.status !== 201);
    expect(refused?.body).toMatchObject({ code: refused?.status });
  });
});
