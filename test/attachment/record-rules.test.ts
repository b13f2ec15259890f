/** The record endpoints and the `attachment` field (contract §11.4). */
import { describe, expect, it } from "vitest";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, storedText, upload } from "./helpers";

async function withAttachment() {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  const rid = uid("r");
  const res = await upload(attachmentUrl(bid, cid, rid), { fields: { data: '{"family": "sans"}' } });
  expect(res.status).toBe(201);
  return { url: `/buckets/${bid}/collections/${cid}/records/${rid}`, metadata: res.body };
}

const MODIFIED = { code: 400, errno: 999, message: "Attachment metadata cannot be modified." };

describe("attachment metadata through the record endpoints", () => {
  it("may not be replaced by PATCH, PUT or JSON-Patch: 400 errno 999", async () => {
    const { url, metadata } = await withAttachment();
    const attempts = [
      { method: "PATCH", url, body: { data: { attachment: { manual: "true" } } } },
      { method: "PUT", url, body: { data: { attachment: { ...metadata, size: 1 } } } },
      {
        method: "PATCH",
        url,
        headers: { "Content-Type": "application/json-patch+json" },
        body: [{ op: "replace", path: "/data/attachment/hash", value: "0" }],
      },
      { method: "POST", url: "/batch", body: { requests: [{ method: "PATCH", path: `/v1${url}`, body: { data: { attachment: { x: 1 } } } }] } },
    ];
    for (const attempt of attempts) {
      const res = await send(attempt);
      const answer = attempt.url === "/batch" ? res.body.responses[0] : { status: res.status, body: res.body };
      expect(answer.status, JSON.stringify(attempt)).toBe(400);
      expect(answer.body).toMatchObject(MODIFIED);
    }
    expect((await send({ url })).body.data.attachment).toEqual(metadata);
  });

  it("may be kept as it is, set to null or left out, and other fields change freely", async () => {
    const { url, metadata } = await withAttachment();
    expect((await send({ method: "PATCH", url, body: { data: { family: "serif", attachment: { ...metadata } } } })).status).toBe(200);
    expect((await send({ method: "PATCH", url, body: { data: { family: "mono" } } })).status).toBe(200);
    expect((await send({ url })).body.data).toMatchObject({ family: "mono", attachment: metadata });
    expect((await send({ method: "PATCH", url, body: { data: { attachment: null } } })).status).toBe(200);
    // Removing the metadata through the record endpoints does not delete the file (as Kinto): the record still owns it.
    expect(await storedText(metadata.location)).toBe("--fake--");
  });

  it("may be set on a record that had none (a copy of another record's)", async () => {
    const { metadata } = await withAttachment();
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const res = await send({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/${uid("r")}`, body: { data: { attachment: metadata } } });
    expect(res.status).toBe(201);
  });
});
