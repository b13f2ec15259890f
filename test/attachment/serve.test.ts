/** GET /v1/attachments/<key>: files streamed from R2 with their type, validators, caching and ranges. */
import { beforeAll, describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { createBucket, createCollection, send, uid } from "../resources/helpers";
import { attachmentUrl, upload } from "./helpers";

const CONTENT = "0123456789abcdefghij";
let key: string;

beforeAll(async () => {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  const res = await upload(attachmentUrl(bid, cid, uid("r")), { files: [{ filename: "notes.txt", content: CONTENT, type: "text/plain" }] });
  expect(res.status).toBe(201);
  key = res.body.location;
});

function get(headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  return exports.default.fetch(new Request(`http://localhost/v1/attachments/${key}`, { method, headers }));
}

describe("served files", () => {
  it("the whole file, anonymously, with its type, ETag and an immutable cache for a randomized name", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(CONTENT);
    expect(res.headers.get("Content-Type")).toBe("text/plain");
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]+"$/);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("Accept-Ranges")).toBe("bytes");
    expect(res.headers.get("Content-Length")).toBe(String(CONTENT.length));
  });

  it("HEAD: the headers without the body", async () => {
    const res = await get({}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Length")).toBe(String(CONTENT.length));
    expect(await res.text()).toBe("");
  });

  it("If-None-Match with the ETag: 304", async () => {
    const etag = (await get()).headers.get("ETag") ?? "";
    const res = await get({ "If-None-Match": etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
  });

  it("Range: 206 with Content-Range", async () => {
    for (const [range, body, contentRange] of [
      ["bytes=2-5", "2345", "bytes 2-5/20"],
      ["bytes=15-", "fghij", "bytes 15-19/20"],
      ["bytes=-3", "hij", "bytes 17-19/20"],
    ] as const) {
      const res = await get({ Range: range });
      expect(res.status, range).toBe(206);
      expect(await res.text(), range).toBe(body);
      expect(res.headers.get("Content-Range"), range).toBe(contentRange);
    }
  });

  it("a range beyond the file: 416", async () => {
    const res = await get({ Range: "bytes=100-200" });
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe("bytes */20");
  });

  it("a missing file: 404 in the error envelope", async () => {
    const res = await send({ url: `/attachments/${uid("missing")}.txt` });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 404, errno: 110 });
  });

  it("only GET and HEAD", async () => {
    const res = await send({ method: "DELETE", url: `/attachments/${key}` });
    expect(res.status).toBe(405);
  });
});
