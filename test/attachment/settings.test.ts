/** kinto_attachment's settings (contract §11.1): names, folders, types, extensions, limits, base URL. */
import { describe, expect, it, vi } from "vitest";
import { withWriterSettings } from "../permissions/helpers";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, ledger, storedText, upload, type Upload } from "./helpers";

async function collection() {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return { bid, cid };
}

/** Uploads with `vars` applied to the worker and to the collection's Writer. */
async function uploadWith(vars: Record<string, string>, form: Upload = {}, where?: { bid: string; cid: string; rid?: string }) {
  const { bid, cid } = where ?? (await collection());
  const rid = where?.rid ?? uid("r");
  const res = await withWriterSettings(vars, [`/buckets/${bid}/collections/${cid}`], () => upload(attachmentUrl(bid, cid, rid), { ...form, vars }));
  return { res, bid, cid, rid };
}

describe("stored names", () => {
  it("randomize off: the sanitized original name, under the folder pattern", async () => {
    const { res, bid, cid } = await uploadWith(
      { KINTO_ATTACHMENT_RANDOMIZE: "false", KINTO_ATTACHMENT_FOLDER: "{bucket_id}/{collection_id}" },
      { files: [{ filename: "Été à Noël (v2).JPG", content: "x" }] },
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.location).toBe(`${bid}/${cid}/Ete_a_Noel_v2.JPG`);
    expect(res.body.filename).toBe("Été à Noël (v2).JPG");
    expect(await storedText(res.body.location)).toBe("x");
  });

  it("filename_pattern with {rid}, {datetime} and {filename}", async () => {
    const { res, rid } = await uploadWith({ KINTO_ATTACHMENT_RANDOMIZE: "false", KINTO_ATTACHMENT_FILENAME_PATTERN: "{datetime}-{rid}-{filename}" });
    expect(res.body.location).toMatch(new RegExp(`^\\d{14}-${rid}-image\\.jpg$`));
  });

  it("per collection override of randomize", async () => {
    const { bid, cid } = await collection();
    const variable = `KINTO_ATTACHMENT_RESOURCES_${bid}_${cid}_RANDOMIZE`.replace(/-/g, "_").toUpperCase();
    const { res } = await uploadWith({ [variable]: "false" }, {}, { bid, cid });
    expect(res.body.location).toBe("image.jpg");
    const other = await uploadWith({ [variable]: "false" });
    expect(other.res.body.location).toMatch(/^[0-9a-f-]{36}\.jpg$/);
  });

  it("randomize off, same name again for the same record: one file, the new bytes, still live", async () => {
    const { bid, cid } = await collection();
    const rid = uid("r");
    const vars = { KINTO_ATTACHMENT_RANDOMIZE: "false", KINTO_ATTACHMENT_FOLDER: "{bucket_id}/{collection_id}/{id}" };
    await uploadWith(vars, { files: [{ filename: "a.txt", content: "one" }] }, { bid, cid, rid });
    const { res } = await uploadWith(vars, { files: [{ filename: "a.txt", content: "two" }] }, { bid, cid, rid });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await storedText(res.body.location)).toBe("two");
    expect((await ledger()).filter((row) => row.key === res.body.location).map((row) => row.state)).toEqual(["live"]);
  });
});

describe("types and extensions", () => {
  it("mimetypes overrides, and the built-in .pem one", async () => {
    const vars = { KINTO_ATTACHMENT_MIMETYPES: ".ftl:application/vnd.fluent;.db:application/vnd.sqlite3", KINTO_ATTACHMENT_EXTENSIONS: "any" };
    for (const [filename, mimetype] of [
      ["strings.ftl", "application/vnd.fluent"],
      ["cert.pem", "application/x-pem-file"],
      ["notes.txt", "text/plain"],
    ] as const) {
      const { res } = await uploadWith(vars, { files: [{ filename, content: "x", type: "text/plain" }] });
      expect(res.body.mimetype, filename).toBe(mimetype);
    }
  });

  it("extensions: groups joined by + and raw extensions", async () => {
    const vars = { KINTO_ATTACHMENT_EXTENSIONS: "images+ftl" };
    for (const [filename, status] of [
      ["a.png", 201],
      ["a.FTL", 201],
      ["a.pdf", 400],
      ["noextension", 400],
    ] as const) {
      const { res } = await uploadWith(vars, { files: [{ filename, content: "x" }] });
      expect(res.status, filename).toBe(status);
    }
  });
});

describe("max_size_bytes", () => {
  it("refuses a larger file with its size and the limit; nothing kept", async () => {
    const before = (await ledger()).length;
    const { res } = await uploadWith({ KINTO_ATTACHMENT_MAX_SIZE_BYTES: "5" }, { files: [{ filename: "a.txt", content: "123456" }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: "body: File size (6 bytes) exceeds the limit (5 bytes)." });
    expect((await ledger()).length).toBe(before);
    const fits = await uploadWith({ KINTO_ATTACHMENT_MAX_SIZE_BYTES: "5" }, { files: [{ filename: "a.txt", content: "12345" }] });
    expect(fits.res.status).toBe(201);
  });

  it("0 means unlimited; a per-bucket override applies", async () => {
    const zero = await uploadWith({ KINTO_ATTACHMENT_MAX_SIZE_BYTES: "0" }, { files: [{ filename: "a.txt", content: "123456" }] });
    expect(zero.res.status).toBe(201);
    const { bid, cid } = await collection();
    const variable = `KINTO_ATTACHMENT_RESOURCES_${bid}_MAX_SIZE_BYTES`.replace(/-/g, "_").toUpperCase();
    const { res } = await uploadWith({ [variable]: "2" }, { files: [{ filename: "a.txt", content: "123" }] }, { bid, cid });
    expect(res.status).toBe(400);
  });
});

describe("base_url", () => {
  it("makes locations absolute; replacing the file still deletes the old one", async () => {
    const vars = { KINTO_ATTACHMENT_BASE_URL: "https://cdn.example.com/files/" };
    const { bid, cid } = await collection();
    const rid = uid("r");
    const first = await uploadWith(vars, {}, { bid, cid, rid });
    expect(first.res.body.location).toMatch(/^https:\/\/cdn\.example\.com\/files\/[0-9a-f-]{36}\.jpg$/);
    const key = first.res.body.location.replace("https://cdn.example.com/files/", "");
    expect(await storedText(key)).toBe("--fake--");
    await uploadWith(vars, {}, { bid, cid, rid });
    await vi.waitFor(async () => expect(await storedText(key)).toBeNull());
  });
});

describe("bad settings", () => {
  it("a malformed value answers a 500 naming the variable", async () => {
    const { res } = await uploadWith({ KINTO_ATTACHMENT_KEEP_OLD_FILES: "maybe" });
    expect(res.status).toBe(500);
    expect(res.text).toContain("KINTO_ATTACHMENT_KEEP_OLD_FILES");
    const record = await send({ url: "/" });
    expect(record.status).toBe(200);
  });
});
