/** POST …/attachment refusals (contract §11.2 "Errors", kinto-attachment's own tests): status, errno, message; nothing stored. */
import { beforeAll, describe, expect, it } from "vitest";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, IMAGE, ledger, postRaw, upload, type Upload } from "./helpers";

const SCHEMA = { type: "object", properties: { family: { type: "string" }, author: { type: "string" } } };
let bid: string;
let cid: string;

beforeAll(async () => {
  bid = await createBucket();
  cid = await createCollection(bid, "alice", { data: { schema: SCHEMA } });
});

const FORMS: { name: string; form: Upload; errno: number; message: string | RegExp }[] = [
  { name: "invalid JSON in data", form: { fields: { data: "{>author: 12}" } }, errno: 109, message: /^body: data is not valid JSON \(.+\)$/ },
  { name: "invalid JSON in permissions", form: { fields: { permissions: '{"read": >}' } }, errno: 109, message: /^body: permissions is not valid JSON \(.+\)$/ },
  {
    name: "data sent as a file",
    form: { files: [IMAGE, { field: "data", filename: "data", content: '{"family": "sans"}' }] },
    errno: 109,
    message: "body: 'data' field should be passed as form data, not files",
  },
  { name: "an unknown field", form: { fields: { my_field: "a_value" } }, errno: 109, message: "body: 'my_field' not in ('data', 'permissions')" },
  { name: "a record invalid for the schema", form: { fields: { data: '{"author": 12}' } }, errno: 107, message: /^author in body: 12 is not of type / },
  { name: "a file without a name", form: { files: [{ filename: "", content: "--fake--" }] }, errno: 107, message: "body: Filename is required." },
  { name: "an extension not allowed", form: { files: [{ filename: "virus.exe", content: "--fake--" }] }, errno: 107, message: "body: File extension is not allowed." },
  { name: "no attachment field", form: { files: [{ field: "fichierjoint", filename: "image.jpg", content: "--fake--" }] }, errno: 109, message: "Attachment missing." },
  { name: "data that is not an object", form: { fields: { data: "[1, 2]" } }, errno: 107, message: /data/ },
  { name: "permissions with an unknown name", form: { fields: { permissions: '{"own": ["x"]}' } }, errno: 107, message: /is not one of read, write/ },
];

describe("refused forms", () => {
  for (const { name, form, errno, message } of FORMS) {
    it(`${name}: 400 errno ${errno}, no record, no file kept`, async () => {
      const rid = uid("r");
      const before = (await ledger()).length;
      const res = await upload(attachmentUrl(bid, cid, rid), form);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ code: 400, errno, error: expect.any(String) });
      if (typeof message === "string") expect(res.body.message).toBe(message);
      else expect(res.body.message).toMatch(message);
      expect((await send({ url: `/buckets/${bid}/collections/${cid}/records/${rid}` })).status).toBe(404);
      expect((await ledger()).length).toBe(before);
    });
  }
});

describe("refused requests", () => {
  it("a body that is not multipart: 400 errno 107", async () => {
    const res = await postRaw(attachmentUrl(bid, cid, uid("r")), "{}", "application/json");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: "Content-Type should be multipart/form-data" });
  });

  it("multipart without a boundary: 400 errno 107", async () => {
    const res = await postRaw(attachmentUrl(bid, cid, uid("r")), "{}", "multipart/form-data");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: "Invalid boundary in multipart form: ''" });
  });

  it("a truncated multipart body: 400 errno 107 and the partial file is removed", async () => {
    const before = (await ledger()).length;
    const body = '--XyZ\r\nContent-Disposition: form-data; name="attachment"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello, no end';
    const res = await postRaw(attachmentUrl(bid, cid, uid("r")), body, "multipart/form-data; boundary=XyZ");
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: expect.stringMatching(/^body: unexpected end of body/) });
    expect((await ledger()).length).toBe(before);
  });

  it("an invalid record id: 400 errno 107 before anything is stored", async () => {
    const before = (await ledger()).length;
    const res = await upload(attachmentUrl(bid, cid, "a b"));
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ errno: 107, message: "Invalid object id" });
    expect((await ledger()).length).toBe(before);
  });

  it("a missing collection: 404 errno 111", async () => {
    const res = await upload(attachmentUrl(bid, uid("nope"), uid("r")));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errno: 111, details: { resource_name: "collection" } });
  });

  it("other methods: 405 with Allow", async () => {
    for (const method of ["GET", "PUT", "PATCH"]) {
      const res = await send({ method, url: attachmentUrl(bid, cid, uid("r")) });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("Allow")).toBe("POST, DELETE, OPTIONS");
    }
  });
});
