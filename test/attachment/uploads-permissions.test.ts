/**
 * Who may upload through the multipart routes: as `POST …/attachment` (write on an existing
 * record, record:create for a new one), checked at creation and again at completion; and
 * only the user who created an upload may continue, read, complete or abort it.
 */
import { describe, expect, it } from "vitest";
import { AUTHENTICATED, check, send } from "../resources/helpers";
import { sha256 } from "./helpers";
import { PART, bytes, complete, create, putPart, recordUrl, target, uploadLarge } from "./uploads-helpers";

describe("multipart upload permissions", { timeout: 30_000 }, () => {
  it("record:create lets bob upload a new record, not replace alice's", async () => {
    const t = await target();
    await send({ method: "PATCH", url: `/buckets/${t.bid}/collections/${t.cid}`, body: { permissions: { "record:create": [AUTHENTICATED] } } });
    check(await create(t, { filename: "a.json", size: 10 }, "bob"), { status: 201 });
    expect((await uploadLarge(t, bytes(10))).status).toBe(201);
    check(await create(t, { filename: "a.json", size: 10 }, "bob"), { status: 403, errno: 121 });
  });

  it("write on the bucket lets another user create and replace", async () => {
    const t = await target();
    expect((await uploadLarge(t, bytes(10))).status).toBe(201);
    await send({ method: "PATCH", url: `/buckets/${t.bid}`, body: { permissions: { write: [AUTHENTICATED] } } });
    const created = await create(t, { filename: "b.json", size: 10 }, "bob");
    expect(created.status).toBe(201);
    expect((await putPart(t, created.body.upload_id, 1, bytes(10, 4), "bob")).status).toBe(200);
    const res = await complete(t, created.body.upload_id, "bob");
    expect(res.status, res.text).toBe(200);
    expect(res.body.hash).toBe(await sha256(bytes(10, 4)));
  });

  it("an upload is its creator's only, even for another writer of the record", async () => {
    const t = await target();
    await send({ method: "PATCH", url: `/buckets/${t.bid}`, body: { permissions: { write: [AUTHENTICATED] } } });
    const created = await create(t, { filename: "b.json", size: 10 });
    check(await putPart(t, created.body.upload_id, 1, bytes(10), "bob"), { status: 403, errno: 121 });
    check(await complete(t, created.body.upload_id, "bob"), { status: 403, errno: 121 });
  });

  it("a permission lost before completion: 403 at completion, nothing written, the upload stays", async () => {
    const t = await target();
    await send({ method: "PATCH", url: `/buckets/${t.bid}`, body: { permissions: { write: [AUTHENTICATED] } } });
    const created = await create(t, { filename: "b.json", size: PART + 1, part_size: PART }, "bob");
    await putPart(t, created.body.upload_id, 1, bytes(PART), "bob");
    await putPart(t, created.body.upload_id, 2, bytes(1), "bob");
    await send({ method: "PATCH", url: `/buckets/${t.bid}`, body: { permissions: { write: [] } } });
    check(await complete(t, created.body.upload_id, "bob"), { status: 403, errno: 121 });
    expect((await send({ url: recordUrl(t) })).status).toBe(404);
    expect((await send({ url: `${t.uploads}/${created.body.upload_id}`, as: "bob" })).status).toBe(200);
  });

  it("data and permissions given at creation are written at completion; the uploader becomes a writer", async () => {
    const t = await target();
    const res = await uploadLarge(t, bytes(100), { extra: { data: { title: "model" }, permissions: { read: ["system.Everyone"] } } });
    expect(res.status, res.text).toBe(201);
    const record = await send({ url: recordUrl(t) });
    expect(record.body.data.title).toBe("model");
    expect(record.body.permissions.read).toEqual(["system.Everyone"]);
    expect(record.body.permissions.write).toHaveLength(1);
  });
});
