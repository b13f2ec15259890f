/**
 * Removing files (contract §11.3, §11.4): DELETE …/attachment, and deleting the record, its
 * collection or its bucket, delete the files from R2 after the commit (unless keep_old_files).
 */
import { describe, expect, it, vi } from "vitest";
import { withWriterSettings } from "../permissions/helpers";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, ledger, storedText, upload } from "./helpers";

async function withFile() {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  const rid = uid("r");
  const res = await upload(attachmentUrl(bid, cid, rid));
  expect(res.status).toBe(201);
  const key: string = res.body.location;
  expect(await storedText(key)).toBe("--fake--");
  return { bid, cid, rid, key, url: `/buckets/${bid}/collections/${cid}/records/${rid}` };
}

async function gone(key: string): Promise<void> {
  await vi.waitFor(async () => {
    expect(await storedText(key)).toBeNull();
    expect((await ledger()).some((row) => row.key === key)).toBe(false);
  });
}

describe("DELETE …/attachment", () => {
  it("answers 204, sets attachment to null and deletes the file", async () => {
    const { bid, cid, rid, key, url } = await withFile();
    const res = await send({ method: "DELETE", url: attachmentUrl(bid, cid, rid) });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const record = await send({ url });
    expect(record.body.data).toHaveProperty("attachment", null);
    await gone(key);
  });

  it("needs write on the record", async () => {
    const { bid, cid, rid, key } = await withFile();
    expect((await send({ method: "DELETE", url: attachmentUrl(bid, cid, rid), as: "bob" })).status).toBe(403);
    expect((await send({ method: "DELETE", url: attachmentUrl(bid, cid, rid), as: "anonymous" })).status).toBe(401);
    expect(await storedText(key)).toBe("--fake--");
  });
});

describe("deleting what holds the file", () => {
  it("the record", async () => {
    const { key, url } = await withFile();
    expect((await send({ method: "DELETE", url })).status).toBe(200);
    await gone(key);
  });

  it("every record of a plural DELETE", async () => {
    const { bid, cid, key } = await withFile();
    expect((await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}/records` })).status).toBe(200);
    await gone(key);
  });

  it("the collection", async () => {
    const { bid, cid, key } = await withFile();
    expect((await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}` })).status).toBe(200);
    await gone(key);
  });

  it("the bucket", async () => {
    const { bid, key } = await withFile();
    expect((await send({ method: "DELETE", url: `/buckets/${bid}` })).status).toBe(200);
    await gone(key);
  });

  it("not a record of another collection whose id starts the same", async () => {
    const first = await withFile();
    const sibling = uid("c");
    await send({ method: "PUT", url: `/buckets/${first.bid}/collections/${first.cid}x${sibling}` });
    expect((await send({ method: "DELETE", url: `/buckets/${first.bid}/collections/${first.cid}x${sibling}` })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await storedText(first.key)).toBe("--fake--");
  });
});

describe("keep_old_files", () => {
  it("keeps the files of a replaced attachment and of a deleted record, and forgets them", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const rid = uid("r");
    const vars = { KINTO_ATTACHMENT_KEEP_OLD_FILES: "true" };
    await withWriterSettings(vars, [`/buckets/${bid}/collections/${cid}`], async () => {
      const first = await upload(attachmentUrl(bid, cid, rid), { vars });
      const second = await upload(attachmentUrl(bid, cid, rid), { vars });
      expect((await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}/records/${rid}` })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const res of [first, second]) {
        expect(await storedText(res.body.location)).toBe("--fake--");
        expect((await ledger()).some((row) => row.key === res.body.location)).toBe(false);
      }
    });
  });

  it("per bucket: attachment.resources.<bid>.keep_old_files", async () => {
    const bid = uid("keep");
    await send({ method: "PUT", url: `/buckets/${bid}` });
    const cid = await createCollection(bid);
    const vars = { [`KINTO_ATTACHMENT_RESOURCES_${bid.replace(/-/g, "_").toUpperCase()}_KEEP_OLD_FILES`]: "true" };
    await withWriterSettings(vars, [`/buckets/${bid}/collections/${cid}`], async () => {
      const res = await upload(attachmentUrl(bid, cid, uid("r")), { vars });
      expect((await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}/records` })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await storedText(res.body.location)).toBe("--fake--");
    });
  });
});
