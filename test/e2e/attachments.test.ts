// End to end with kinto-http.js' attachment methods against `wrangler dev` (its real local R2):
// addAttachment uploads a data URI, the record carries the metadata, the capability's
// base_url serves the bytes, removeAttachment nulls the field and the file is deleted.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeClient, serverUrl, uniqueId } from "./client";

interface Metadata {
  filename: string;
  location: string;
  hash: string;
  mimetype: string;
  size: number;
}

const TEXT = "Kinto attachments on R2 — ünïcödé and all.\n".repeat(50);

function dataUri(text: string, mimetype: string, name: string): string {
  return `data:${mimetype};name=${name};base64,${Buffer.from(text).toString("base64")}`;
}

async function fileUrl(baseUrl: string, location: string): Promise<string> {
  return /^https?:/.test(location) ? location : `${baseUrl}${location}`;
}

describe("kinto-http attachments against wrangler dev", () => {
  it("adds, serves, replaces and removes an attachment", async () => {
    const client = makeClient();
    const bid = uniqueId("att");
    await client.createBucket(bid);
    const bucket = client.bucket(bid);
    await bucket.createCollection("fonts");
    const fonts = bucket.collection("fonts");

    const info = await client.fetchServerInfo();
    const baseUrl = String((info.capabilities.attachments as unknown as { base_url: string }).base_url);
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/attachments\/$/);

    const { data: record } = await fonts.addAttachment(dataUri(TEXT, "text/plain", "notes.txt"), { family: "sans" });
    const attachment = (record as unknown as { attachment: Metadata }).attachment;
    expect(record).toMatchObject({ family: "sans" });
    expect(attachment).toMatchObject({
      filename: "notes.txt",
      mimetype: "text/plain",
      size: Buffer.byteLength(TEXT),
      hash: createHash("sha256").update(TEXT).digest("hex"),
    });

    const served = await fetch(await fileUrl(baseUrl, attachment.location));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("text/plain");
    expect(await served.text()).toBe(TEXT);

    const { data: replaced } = await fonts.addAttachment(dataUri("second", "text/plain", "other.txt"), { id: record.id });
    const second = (replaced as unknown as { attachment: Metadata }).attachment;
    expect(second.filename).toBe("other.txt");
    expect(replaced).toMatchObject({ family: "sans" });
    await expect.poll(async () => (await fetch(await fileUrl(baseUrl, attachment.location))).status).toBe(404);

    await fonts.removeAttachment(record.id);
    const { data: after } = await fonts.getRecord(record.id);
    expect(after).toHaveProperty("attachment", null);
    await expect.poll(async () => (await fetch(await fileUrl(baseUrl, second.location))).status).toBe(404);
  });

  it("an extension the server refuses surfaces as the client's error with Kinto's message", async () => {
    const client = makeClient();
    const bid = uniqueId("att");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("c");
    const refused = client.bucket(bid).collection("c").addAttachment(dataUri("MZ", "application/octet-stream", "virus.exe"));
    await expect(refused).rejects.toThrow(/File extension is not allowed/);
  });

  it("a 3 MB form upload refused early (401, a 400 mid-body) gets its answer, not a reset; accepted when allowed", async () => {
    const client = makeClient();
    const bid = uniqueId("att");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("c");
    const bytes = Buffer.alloc(3 * 1024 * 1024, "kinto ");
    const upload = (filename: string, auth: Record<string, string> = { Authorization: `Basic ${btoa("alice:s3cret")}` }) => {
      const form = new FormData();
      form.append("attachment", new Blob([bytes], { type: "text/plain" }), filename);
      return fetch(`${serverUrl()}/buckets/${bid}/collections/c/records/${uniqueId("r")}/attachment`, { method: "POST", headers: auth, body: form });
    };
    // Refused before the form is read: the answer still arrives whole.
    expect((await upload("big.txt", {})).status).toBe(401);
    const refused = await upload("big.exe");
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/File extension is not allowed/);
    const accepted = await upload("big.txt");
    expect(accepted.status).toBe(201);
    expect(((await accepted.json()) as { hash: string }).hash).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  // The part route needs no draining (unlike the form route above): its refusals come before
  // the body is touched, and the runtime answers them whole.
  it("a 16 MB part refused before it is read (401, 404, 409 out of order) gets its answer, not a reset", async () => {
    const client = makeClient();
    const bid = uniqueId("att");
    await client.createBucket(bid);
    await client.bucket(bid).createCollection("c");
    const auth = { Authorization: `Basic ${btoa("alice:s3cret")}` };
    const uploads = `${serverUrl()}/buckets/${bid}/collections/c/records/${uniqueId("r")}/attachment/uploads`;
    const size = 32 * 1024 * 1024;
    const created = await fetch(uploads, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ filename: "big.txt", mimetype: "text/plain", size, part_size: 16 * 1024 * 1024 }) });
    expect(created.status, await created.clone().text()).toBe(201);
    const { upload_id: id } = (await created.json()) as { upload_id: string };
    const secondPart = Buffer.alloc(16 * 1024 * 1024, "kinto ");
    const put = (url: string, headers: Record<string, string>) => fetch(url, { method: "PUT", headers, body: secondPart });
    expect((await put(`${uploads}/${id}/parts/2`, {})).status).toBe(401);
    const unknown = await put(`${uploads}/nope/parts/2`, auth);
    expect(unknown.status).toBe(404);
    const early = await put(`${uploads}/${id}/parts/2`, auth);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { message: string }).message).toMatch(/send part 1 first/);
  });
});
