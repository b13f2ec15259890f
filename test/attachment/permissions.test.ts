/** Who may upload (contract §11.2 "Authorization", kinto-attachment's permission tests). */
import { describe, expect, it } from "vitest";
import { AUTHENTICATED, EVERYONE, createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, ledger, upload } from "./helpers";

async function fixture() {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return { bid, cid, rid: uid("r") };
}

describe("upload permissions", () => {
  it("anonymous: 401, nothing stored", async () => {
    const { bid, cid, rid } = await fixture();
    const before = (await ledger()).length;
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "anonymous" })).status).toBe(401);
    expect((await ledger()).length).toBe(before);
  });

  it("replacing anonymously: 401", async () => {
    const { bid, cid, rid } = await fixture();
    expect((await upload(attachmentUrl(bid, cid, rid))).status).toBe(201);
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "anonymous" })).status).toBe(401);
  });

  it("another user without permission: 403", async () => {
    const { bid, cid, rid } = await fixture();
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "bob" })).status).toBe(403);
  });

  it("record:create lets a user create, but not replace another's attachment", async () => {
    const { bid, cid, rid } = await fixture();
    await send({ method: "PATCH", url: `/buckets/${bid}/collections/${cid}`, body: { permissions: { "record:create": [AUTHENTICATED] } } });
    expect((await upload(attachmentUrl(bid, cid, rid))).status).toBe(201);
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "bob" })).status).toBe(403);
    expect((await upload(attachmentUrl(bid, cid, uid("r")), { as: "bob" })).status).toBe(201);
  });

  it("read on the bucket or collection does not allow replacing", async () => {
    const { bid, cid, rid } = await fixture();
    expect((await upload(attachmentUrl(bid, cid, rid))).status).toBe(201);
    await send({ method: "PATCH", url: `/buckets/${bid}`, body: { permissions: { read: [EVERYONE] } } });
    await send({ method: "PATCH", url: `/buckets/${bid}/collections/${cid}`, body: { permissions: { read: [EVERYONE] } } });
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "anonymous" })).status).toBe(401);
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "bob" })).status).toBe(403);
  });

  it("write on the bucket allows creating and replacing", async () => {
    const { bid, cid, rid } = await fixture();
    await send({ method: "PATCH", url: `/buckets/${bid}`, body: { permissions: { write: [AUTHENTICATED] } } });
    expect((await upload(attachmentUrl(bid, cid, rid), { as: "bob" })).status).toBe(201);
    expect((await upload(attachmentUrl(bid, cid, rid))).status).toBe(200);
  });

  it("the uploader becomes a writer of the record it creates; given permissions are kept", async () => {
    const { bid, cid, rid } = await fixture();
    const res = await upload(attachmentUrl(bid, cid, rid), { fields: { permissions: JSON.stringify({ read: [EVERYONE] }) } });
    expect(res.status).toBe(201);
    const record = await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` });
    expect(record.body.permissions.read).toEqual([EVERYONE]);
    expect(record.body.permissions.write).toEqual([expect.stringMatching(/^basicauth:/)]);
    expect((await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}`, as: "anonymous" })).status).toBe(200);
  });

  it("If-Match applies to the record write: a stale one answers 412 and keeps nothing", async () => {
    const { bid, cid, rid } = await fixture();
    expect((await upload(attachmentUrl(bid, cid, rid))).status).toBe(201);
    const before = (await ledger()).length;
    const res = await upload(attachmentUrl(bid, cid, rid), { headers: { "If-Match": '"1"' } });
    expect(res.status, res.text).toBe(412);
    expect(res.body).toMatchObject({ errno: 114 });
    expect((await ledger()).length).toBe(before);
  });
});
