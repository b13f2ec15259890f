/**
 * Attachments of signed collections: the signer copies records with their `attachment`, so the
 * file a source record replaces may still be published in the destination. Such files are kept
 * (keep_old_files, as Remote Settings configures kinto-attachment) whatever the settings say.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { send, uid, userIdOf } from "../../resources/helpers";
import { attachmentUrl, bucket, ledger, upload } from "../../attachment/helpers";
import { ensureBucket, MAIN, setStatus, verifyChangeset, WORKSPACE } from "./helpers";

let bob = "";

beforeAll(async () => {
  bob = await userIdOf("bob");
  await ensureBucket(WORKSPACE);
});

describe("attachments of a signed collection", () => {
  it("keeps the published file when the source record's attachment is replaced", async () => {
    const cid = uid("c");
    expect((await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } })).status).toBe(201);
    expect((await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } })).status).toBe(200);
    const first = await upload(attachmentUrl(WORKSPACE, cid, "r1"), { files: [{ filename: "a.txt", content: "first version", type: "text/plain" }] });
    expect(first.status, first.text).toBe(201);
    expect((await setStatus(WORKSPACE, cid, "to-review")).status).toBe(200);
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    const published = await verifyChangeset(MAIN, cid);
    const location = (published.records[0]?.attachment as { location: string }).location;
    expect(location).toBe(first.body.location);

    const second = await upload(attachmentUrl(WORKSPACE, cid, "r1"), { files: [{ filename: "a.txt", content: "second version", type: "text/plain" }] });
    expect(second.status, second.text).toBe(200);
    expect(second.body.location).not.toBe(location);
    // The destination still points at the first file: it is still stored and served.
    const object = await bucket().get(location);
    expect(await object?.text()).toBe("first version");
    expect((await ledger()).find((entry) => entry.key === location)?.state).not.toBe("garbage");
    // The default base URL is this worker's `/v1/attachments/`; the R2 key is the location.
    const served = await send({ url: `/attachments/${location}`, as: "anonymous" });
    expect(served.status).toBe(200);
    expect(served.text).toBe("first version");
  });
});
