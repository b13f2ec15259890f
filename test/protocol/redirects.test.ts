/** C01: the `/v1` prefix, version and trailing-slash redirects, unknown paths, 405 (contract §1.2, §1.3). */
import { describe, expect, test } from "vitest";
import { scenario, send, type Scenario } from "../resources/helpers";
import { call } from "../permissions/helpers";

const UNKNOWN_VERSION = "The requested API version is not available on this server.";
const NOT_FOUND = "The resource you are looking for could not be found.";

const cases: Scenario[] = [
  {
    name: "another version prefix → 404 errno 116",
    url: "/v2/buckets",
    raw: true,
    status: 404,
    errno: 116,
    expectBody: { error: "Not Found", message: UNKNOWN_VERSION },
  },
  {
    name: "another version root → 404 errno 116",
    url: "/v0/",
    raw: true,
    status: 404,
    errno: 116,
  },
  {
    name: "missing prefix → 307 to /v1{path}",
    url: "/buckets",
    raw: true,
    status: 307,
    expectHeaders: { Location: /^http:\/\/localhost\/v1\/buckets$/ },
    emptyBody: true,
  },
  {
    name: "missing prefix keeps the query string",
    url: "/buckets?_limit=1&a=b",
    raw: true,
    status: 307,
    expectHeaders: { Location: /^http:\/\/localhost\/v1\/buckets\?_limit=1&a=b$/ },
  },
  {
    name: "/v1 → 307 /v1/ with cache headers",
    url: "/v1",
    raw: true,
    status: 307,
    expectHeaders: { Location: /^http:\/\/localhost\/v1\/$/, "Cache-Control": "max-age=3600", Expires: /GMT$/ },
  },
  {
    name: "trailing slash → 307 without it, Cache-Control max-age=3600 and Expires",
    url: "/buckets/",
    status: 307,
    expectHeaders: { Location: /^http:\/\/localhost\/v1\/buckets$/, "Cache-Control": "max-age=3600", Expires: /GMT$/ },
    emptyBody: true,
  },
  {
    name: "trailing slash redirect keeps the query string",
    url: "/buckets/?_limit=2",
    status: 307,
    expectHeaders: { Location: /^http:\/\/localhost\/v1\/buckets\?_limit=2$/ },
  },
  {
    name: "unknown path → 404 errno 111",
    url: "/nothing-here",
    status: 404,
    errno: 111,
    expectBody: { error: "Not Found", message: NOT_FOUND },
  },
  {
    name: "unknown deep path → 404 errno 111",
    url: "/buckets/b/nothing/c",
    status: 404,
    errno: 111,
  },
  {
    name: "PUT on the buckets list → 405 errno 115 with Allow",
    method: "PUT",
    url: "/buckets",
    body: {},
    status: 405,
    errno: 115,
    expectBody: { error: "Method Not Allowed", message: "Method not allowed on this endpoint." },
    expectHeaders: { Allow: /GET/ },
  },
  {
    name: "POST on an object → 405 errno 115",
    method: "POST",
    url: "/buckets/some-bucket",
    body: {},
    status: 405,
    errno: 115,
    expectHeaders: { Allow: /PUT/ },
  },
  {
    name: "PATCH on a records list → 405",
    method: "PATCH",
    url: "/buckets/b/collections/c/records",
    body: {},
    status: 405,
    errno: 115,
  },
  {
    name: "POST on hello → 405",
    method: "POST",
    url: "/",
    body: {},
    status: 405,
    errno: 115,
    expectHeaders: { Allow: /GET/ },
  },
];

describe("prefix, redirects and unknown routes", () => {
  test.each(cases)("$name", async (s) => {
    await scenario(s);
  });

  test("405 Allow lists exactly the methods of the route, OPTIONS included (as Kinto's)", async () => {
    const list = await send({ method: "PUT", url: "/buckets", body: {} });
    const allowed = (list.headers.get("Allow") ?? "").split(/\s*,\s*/).sort();
    expect(allowed).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "POST"]);
    expect(allowed).not.toContain("PUT");
    expect(allowed).not.toContain("PATCH");
    const object = await send({ method: "POST", url: "/buckets/x", body: {} });
    const objectAllowed = (object.headers.get("Allow") ?? "").split(/\s*,\s*/);
    expect(objectAllowed.sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]);
    expect(objectAllowed).not.toContain("POST");
  });

  test("redirects are absolute, built from http_scheme and http_host when set", async () => {
    const vars = { KINTO_HTTP_SCHEME: "https", KINTO_HTTP_HOST: "kinto.example.com" };
    const res = await call({ url: "http://localhost/v1/buckets/", vars });
    expect(res.status).toBe(307);
    expect(res.headers.get("Location")).toBe("https://kinto.example.com/v1/buckets");
  });

  test("/v1/ itself is served (no redirect)", async () => {
    const res = await send({ url: "/v1/", raw: true });
    expect(res.status).toBe(200);
    expect(res.body.http_api_version).toBe("1.23");
  });
});
