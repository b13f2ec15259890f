/** C10: CORS on simple requests and preflights (contract §2.4). */
import { describe, expect, test } from "vitest";
import { createBucket, createCollection, fill, send, type Req } from "../resources/helpers";

const ORIGIN = "https://admin.example.com";
const ALWAYS = ["Backoff", "Retry-After", "Alert", "Content-Length", "Content-Type"];
const LIST = [...ALWAYS, "Next-Page", "Last-Modified", "ETag", "Cache-Control", "Expires", "Pragma"];
const HEAD_LIST = [...LIST, "Total-Objects", "Total-Records"];

function listed(header: string | null): string[] {
  return (header ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
}

function expectExposes(header: string | null, names: string[]): void {
  expect(listed(header)).toEqual(expect.arrayContaining(names.map((n) => n.toLowerCase())));
}

const simple: (Req & { name: string; exposes: string[] })[] = [
  { name: "plural GET", url: "/buckets/{bid}/collections", exposes: LIST },
  { name: "plural HEAD", method: "HEAD", url: "/buckets/{bid}/collections", exposes: HEAD_LIST },
  { name: "object GET", url: "/buckets/{bid}/collections/{cid}", exposes: [...ALWAYS, "ETag", "Last-Modified", "Cache-Control", "Expires", "Pragma"] },
  { name: "POST", method: "POST", url: "/buckets/{bid}/collections", body: {}, exposes: [...ALWAYS, "ETag"] },
  { name: "hello", url: "/", exposes: ALWAYS },
  { name: "anonymous", url: "/", as: "anonymous", exposes: ALWAYS },
  { name: "404 error", url: "/buckets/{bid}/collections/missing", exposes: ALWAYS },
  { name: "401 error", url: "/buckets/{bid}", as: "anonymous", exposes: ALWAYS },
  { name: "403 error", url: "/buckets/{bid}", as: "bob", exposes: ALWAYS },
  { name: "405 error", method: "PUT", url: "/buckets", body: {}, exposes: ALWAYS },
  { name: "412 error", url: "/buckets/{bid}", headers: { "If-Match": '"1"' }, exposes: ALWAYS },
];

describe("simple requests with Origin", () => {
  test.each(simple)("$name: Allow-Origin * and Expose-Headers", async ({ exposes, ...req }) => {
    const bid = await createBucket();
    const cid = await createCollection(bid);
    const res = await send(fill({ ...req, headers: { ...req.headers, Origin: ORIGIN } }, { bid, cid }));
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expectExposes(res.headers.get("Access-Control-Expose-Headers"), exposes);
  });

  test("Expose-Headers always lists ETag, Next-Page, Total-Records, Backoff, Retry-After, Alert", async () => {
    const res = await send({ url: "/buckets", headers: { Origin: ORIGIN } });
    expectExposes(res.headers.get("Access-Control-Expose-Headers"), [
      "ETag", "Next-Page", "Total-Records", "Backoff", "Retry-After", "Alert",
    ]);
  });

  test("no Origin: no CORS headers", async () => {
    const res = await send({ url: "/" });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("preflight", () => {
  test.each([
    { url: "/buckets", methods: ["GET", "POST", "DELETE"] },
    { url: "/buckets/b1", methods: ["GET", "PUT", "PATCH", "DELETE"] },
    { url: "/buckets/b1/collections/c1/records", methods: ["GET", "POST", "DELETE"] },
    { url: "/buckets/b1/collections/c1/records/r1", methods: ["GET", "PUT", "PATCH", "DELETE"] },
    { url: "/", methods: ["GET"] },
  ])("OPTIONS $url → 200 with Allow-Methods and Max-Age, no authentication", async ({ url, methods }) => {
    const res = await send({
      method: "OPTIONS",
      url,
      as: "anonymous",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": methods[0] ?? "GET",
        "Access-Control-Request-Headers": "Authorization, If-Match, X-Custom-Header",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(listed(res.headers.get("Access-Control-Allow-Methods"))).toEqual(
      expect.arrayContaining(methods.map((m) => m.toLowerCase())),
    );
    expect(res.headers.get("Access-Control-Max-Age")).toBe("3600");
    expect(listed(res.headers.get("Access-Control-Allow-Headers"))).toEqual(
      expect.arrayContaining(["authorization", "if-match", "x-custom-header"]),
    );
  });

  test.each<{ name: string; headers: Record<string, string> }>([
    { name: "without Origin", headers: { "Access-Control-Request-Method": "GET" } },
    { name: "without Access-Control-Request-Method", headers: { Origin: ORIGIN } },
    { name: "without either", headers: {} },
  ])("preflight $name → 400 JSON error", async ({ headers }) => {
    const res = await send({ method: "OPTIONS", url: "/buckets", as: "anonymous", headers });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
  });
});
