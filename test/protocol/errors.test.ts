/**
 * C11/C12: the error object (`code`, `errno`, `error`; `message`/`details` omitted when empty),
 * JSON content type on errors, 401 vs 403, and the security headers on every response (§2.3, §2.6).
 */
import { describe, expect, test } from "vitest";
import { createBucket, createCollection, fill, scenario, send, type Req, type Scenario } from "../resources/helpers";

// Header values are trimmed by the Fetch API, so the contract's trailing space cannot be observed.
const CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none';";

const cases: Scenario[] = [
  {
    name: "missing bucket collection → 404 errno 110, no message, details {id, resource_name}",
    url: "/buckets/{bid}/collections/nope",
    status: 404,
    errno: 110,
    expectBody: { error: "Not Found", details: { id: "nope", resource_name: "collection" } },
    absent: ["message", "info"],
  },
  {
    name: "missing group → 404 errno 110",
    url: "/buckets/{bid}/groups/nope",
    status: 404,
    errno: 110,
    expectBody: { details: { id: "nope", resource_name: "group" } },
    absent: ["message"],
  },
  {
    name: "missing record → 404 errno 110",
    url: "/buckets/{bid}/collections/{cid}/records/nope",
    status: 404,
    errno: 110,
    expectBody: { details: { id: "nope", resource_name: "record" } },
    absent: ["message"],
  },
  {
    name: "PATCH of a missing record → 404 errno 110",
    method: "PATCH",
    url: "/buckets/{bid}/collections/{cid}/records/nope",
    body: { data: { a: 1 } },
    status: 404,
    errno: 110,
    expectBody: { details: { id: "nope", resource_name: "record" } },
  },
  {
    name: "DELETE of a missing collection → 404 errno 110",
    method: "DELETE",
    url: "/buckets/{bid}/collections/nope",
    status: 404,
    errno: 110,
    expectBody: { details: { id: "nope", resource_name: "collection" } },
  },
  {
    name: "anonymous read of a private bucket → 401 errno 104",
    url: "/buckets/{bid}",
    as: "anonymous",
    status: 401,
    errno: 104,
    expectBody: { error: "Unauthorized", message: "Please authenticate yourself to use this endpoint." },
  },
  {
    name: "another user's private bucket → 403 errno 121",
    url: "/buckets/{bid}",
    as: "bob",
    status: 403,
    errno: 121,
    expectBody: { error: "Forbidden", message: "This user cannot access this resource." },
  },
  {
    name: "another user writing a record → 403 errno 121",
    method: "POST",
    url: "/buckets/{bid}/collections/{cid}/records",
    body: { data: {} },
    as: "bob",
    status: 403,
    errno: 121,
  },
  {
    name: "validation error: details list of {location, name, description}",
    method: "PUT",
    url: "/buckets/{bid}/collections/{cid}/records/r1",
    body: { data: { id: "other" } },
    status: 400,
    errno: 107,
    expectBody: {
      error: "Invalid parameters",
      message: "Object id does not match existing object",
      details: [{ location: "body", name: "id", description: "Object id does not match existing object" }],
    },
  },
];

describe("error envelope", () => {
  test.each(cases)("$name", async (s) => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const res = await scenario(fill(s, { bid, cid }));
    expect(Object.keys(res.body).sort()).toEqual(
      expect.arrayContaining(["code", "errno", "error"]),
    );
    for (const key of ["message", "details", "info"]) {
      if (key in res.body) expect(res.body[key], `${key} is omitted when empty`).not.toEqual("");
    }
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  });

  test("401 carries WWW-Authenticate for the basicauth policy (§2.3, §7.2)", async () => {
    const bid = await createBucket();
    const res = await send({ url: `/buckets/${bid}`, as: "anonymous" });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="Realm"');
  });

  test("every error field has the right type", async () => {
    const res = await send({ url: "/nothing" });
    expect(res.body).toEqual({
      code: 404,
      errno: 111,
      error: "Not Found",
      message: "The resource you are looking for could not be found.",
    });
  });

  test("an invalid Authorization header makes the request anonymous, not an error", async () => {
    const res = await send({ url: "/", headers: { Authorization: "Basic %%%not-base64" } });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("user");
    const noColon = await send({ url: "/", headers: { Authorization: `Basic ${btoa("nocolon")}` } });
    expect(noColon.status).toBe(200);
    expect(noColon.body).not.toHaveProperty("user");
    const emptyUser = await send({ url: "/", headers: { Authorization: `Basic ${btoa(":pw")}` } });
    expect(emptyUser.body).not.toHaveProperty("user");
  });
});

describe("security headers on every response", () => {
  const requests: (Req & { name: string })[] = [
    { name: "hello 200", url: "/" },
    { name: "plural GET 200", url: "/buckets" },
    { name: "object GET 200", url: "/buckets/{bid}" },
    { name: "HEAD", method: "HEAD", url: "/buckets/{bid}/collections" },
    { name: "POST 201", method: "POST", url: "/buckets/{bid}/collections", body: {} },
    { name: "304", url: "/buckets/{bid}", headers: { "If-None-Match": "{etag}" } },
    { name: "307 redirect", url: "/buckets/" },
    { name: "307 version redirect", url: "/buckets", raw: true },
    { name: "400", method: "POST", url: "/buckets/{bid}/collections", body: "{" },
    { name: "401", url: "/buckets/{bid}", as: "anonymous" },
    { name: "403", url: "/buckets/{bid}", as: "bob" },
    { name: "404 errno 111", url: "/nope" },
    { name: "404 errno 116", url: "/v3/", raw: true },
    { name: "405", method: "PUT", url: "/buckets", body: {} },
    { name: "406", url: "/buckets", headers: { Accept: "text/html" } },
    { name: "412", url: "/buckets/{bid}", headers: { "If-Match": '"1"' } },
    { name: "415", method: "POST", url: "/buckets", body: {}, headers: { "Content-Type": "text/plain" } },
    {
      name: "preflight 200",
      method: "OPTIONS",
      url: "/buckets",
      headers: { Origin: "http://example.com", "Access-Control-Request-Method": "GET" },
    },
    { name: "preflight 400", method: "OPTIONS", url: "/buckets" },
    { name: "heartbeat", url: "/__heartbeat__" },
  ];

  test.each(requests)("$name", async (req) => {
    const bid = await createBucket();
    const bucket = await send({ url: `/buckets/${bid}` });
    const res = await send(fill(req, { bid, etag: bucket.headers.get("ETag") ?? "" }));
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toBe(CSP);
    if (res.status >= 400) expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  });
});
