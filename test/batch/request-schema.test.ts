/** B01: the `/batch` request body is validated before anything runs (contract §8 "Request"). */
import { describe, expect, test } from "vitest";
import { createBucket, ok, send, uid } from "../resources/helpers";
import { postBatch } from "./helpers";

const GET_ROOT = { method: "GET", path: "/" };

interface BadBatch {
  name: string;
  /** The batch body; `{bucketPath}` requests target a fresh bucket id that must stay absent. */
  body: unknown;
  /** A detail entry whose `name` matches this must be reported. */
  detailName?: RegExp;
  /** A detail entry's description must match this. */
  description?: RegExp;
}

const bad: BadBatch[] = [
  { name: "an unknown top-level key", body: { requests: [GET_ROOT], foo: 1 }, description: /foo/ },
  { name: "`requests` missing", body: { defaults: GET_ROOT }, detailName: /^requests$/ },
  { name: "an empty body", body: "", detailName: /^requests$/ },
  { name: "`requests` an object", body: { requests: { 0: GET_ROOT } }, detailName: /^requests$/ },
  { name: "`requests` a string", body: { requests: "GET /" }, detailName: /^requests$/ },
  { name: "`requests` null", body: { requests: null }, detailName: /^requests$/ },
  { name: "a request that is not an object", body: { requests: ["/"] }, detailName: /^requests/ },
  { name: "a lowercase method `get`", body: { requests: [{ method: "get", path: "/" }] }, detailName: /method/ },
  { name: "an unknown method", body: { requests: [{ method: "FETCH", path: "/" }] }, detailName: /method/ },
  { name: "OPTIONS (not a batch method)", body: { requests: [{ method: "OPTIONS", path: "/" }] }, detailName: /method/ },
  { name: "a path without a leading slash", body: { requests: [{ path: "buckets" }] }, detailName: /path/ },
  { name: "an absolute URL as path", body: { requests: [{ path: "http://localhost/v1/" }] }, detailName: /path/ },
  { name: "a non-string path", body: { requests: [{ path: 42 }] }, detailName: /path/ },
  { name: "no path at all", body: { requests: [{ method: "GET" }] }, detailName: /path/ },
  { name: "a numeric header value", body: { requests: [{ path: "/", headers: { "X-Count": 1 } }] }, detailName: /headers/ },
  { name: "a null header value", body: { requests: [{ path: "/", headers: { "If-Match": null } }] }, detailName: /headers/ },
  { name: "an object header value", body: { requests: [{ path: "/", headers: { "X-A": { b: "c" } } }] }, detailName: /headers/ },
  { name: "headers as a list", body: { requests: [{ path: "/", headers: ["X-A: b"] }] }, detailName: /headers/ },
  { name: "an array body (JSON-Patch cannot go through batch)", body: { requests: [{ method: "PATCH", path: "/buckets/x", body: [{ op: "add", path: "/data/a", value: 1 }] }] }, detailName: /body/ },
  { name: "a string body", body: { requests: [{ method: "POST", path: "/buckets", body: "{}" }] }, detailName: /body/ },
  { name: "an unknown key in a request", body: { requests: [{ path: "/", query: "a=1" }] } },
  { name: "a bad method in defaults", body: { defaults: { method: "get" }, requests: [{ path: "/" }] }, detailName: /method/ },
  { name: "a bad path in defaults", body: { defaults: { path: "buckets" }, requests: [{}] }, detailName: /path/ },
  { name: "non-string headers in defaults", body: { defaults: { headers: { "X-A": true } }, requests: [GET_ROOT] }, detailName: /headers/ },
  { name: "defaults that is not an object", body: { defaults: [], requests: [GET_ROOT] }, detailName: /defaults/ },
  { name: "a recursive /batch path", body: { requests: [{ method: "POST", path: "/batch", body: { requests: [] } }] }, description: /Recursive call on \/batch endpoint is forbidden\./ },
  { name: "a recursive /v1/batch path", body: { requests: [{ method: "POST", path: "/v1/batch", body: { requests: [] } }] }, description: /Recursive call on \/batch endpoint is forbidden\./ },
  { name: "a recursive /batch path with a query string", body: { requests: [{ method: "POST", path: "/batch?x=1" }] }, description: /Recursive call on \/batch endpoint is forbidden\./ },
  { name: "a recursive /batch path from defaults", body: { defaults: { method: "POST", path: "/batch" }, requests: [{}] }, description: /Recursive call on \/batch endpoint is forbidden\./ },
];

describe("invalid batch bodies → 400 errno 107, nothing runs", () => {
  test.each(bad)("$name", async ({ body, detailName, description }) => {
    // Each bad batch also carries a valid write first: it must not be applied.
    const bid = uid("never");
    const withWrite =
      typeof body === "object" && body !== null && Array.isArray((body as { requests?: unknown }).requests)
        ? { ...body, requests: [{ method: "PUT", path: `/buckets/${bid}` }, ...(body as { requests: unknown[] }).requests] }
        : body;
    const res = await postBatch(withWrite);
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107, error: "Invalid parameters" });
    expect(res.body.responses).toBeUndefined();
    const details = res.body.details as { location: string; name: string | null; description: string }[];
    expect(Array.isArray(details)).toBe(true);
    expect(details.length).toBeGreaterThan(0);
    for (const detail of details) expect(detail.location).toBe("body");
    if (detailName) expect(details.some((d) => detailName.test(String(d.name))), JSON.stringify(details)).toBe(true);
    if (description) expect(details.some((d) => description.test(d.description)), JSON.stringify(details)).toBe(true);
    expect((await send({ url: `/buckets/${bid}` })).status).toBe(403);
  });

  test("a body that is not JSON → 400 errno 107 `Invalid JSON`", async () => {
    const res = await postBatch("{requests: [");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
    expect(res.body.message).toMatch(/^Invalid JSON/);
  });

  test("a JSON array as the whole body → 400", async () => {
    const res = await postBatch([GET_ROOT]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
  });

  test("a Content-Type other than JSON → 415", async () => {
    const res = await postBatch({ requests: [GET_ROOT] }, "alice", { "Content-Type": "text/plain" });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 415, errno: 107 });
  });

  test("GET /batch → 405", async () => {
    const res = await send({ url: "/batch" });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ code: 405, errno: 115 });
  });
});

describe("number of requests (batch_max_requests = 25)", () => {
  const creates = (bid: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ method: "PUT", path: `/buckets/${bid}/collections/c${i}` }));

  test("26 requests → 400, detail `requests`: `Number of requests is limited to 25`, nothing written", async () => {
    const bid = await createBucket();
    const res = await postBatch({ requests: creates(bid, 26) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 400,
      errno: 107,
      error: "Invalid parameters",
      message: "Number of requests is limited to 25",
      details: [{ location: "body", name: "requests", description: "Number of requests is limited to 25" }],
    });
    expect((await ok({ url: `/buckets/${bid}/collections` })).body.data).toEqual([]);
  });

  test("1 000 requests → the same 400", async () => {
    const res = await postBatch({ requests: Array.from({ length: 1000 }, () => GET_ROOT) });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { location: "body", name: "requests", description: "Number of requests is limited to 25" },
    ]);
  });

  test("exactly 25 requests are accepted", async () => {
    const bid = await createBucket();
    const res = await postBatch({ requests: creates(bid, 25) });
    expect(res.status).toBe(200);
    expect(res.body.responses).toHaveLength(25);
    expect(res.body.responses.every((r: { status: number }) => r.status === 201)).toBe(true);
    expect((await ok({ url: `/buckets/${bid}/collections` })).body.data).toHaveLength(25);
  });

  test("an empty `requests` list → 200 with no responses", async () => {
    const res = await postBatch({ requests: [] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ responses: [] });
  });

  test("the limit is advertised in hello as settings.batch_max_requests", async () => {
    expect((await ok({ url: "/" })).body.settings.batch_max_requests).toBe(25);
  });
});

describe("valid shapes", () => {
  test.each(["GET", "HEAD", "DELETE", "TRACE", "POST", "PUT", "PATCH"])("method %s is accepted by the schema", async (method) => {
    const res = await postBatch({ requests: [{ method, path: `/buckets/${uid("nothing")}/collections/c/records/r` }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.responses).toHaveLength(1);
    // Whatever the sub-request answers, it is reported, not turned into a batch error.
    expect(res.body.responses[0].status).toBeGreaterThanOrEqual(200);
    expect(res.body.responses[0].status).toBeLessThan(500);
  });

  test("method defaults to GET", async () => {
    const res = await postBatch({ requests: [{ path: "/" }] });
    expect(res.status).toBe(200);
    expect(res.body.responses[0]).toMatchObject({ status: 200, path: "/v1/", body: { http_api_version: "1.23" } });
  });

});
