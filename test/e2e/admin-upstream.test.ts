// End to end, over HTTP against `wrangler dev` (static assets in front of the worker): what the
// upstream kinto-admin, served from another origin, calls (kinto-api.md Appendix C) — the CORS
// preflight of its headers, hello's capabilities, `/permissions`, `HEAD` counts — and that the
// admin's static files leave the API's paths and JSON 404s alone. The workers project checks
// each of these inside workerd; this checks them through wrangler's asset routing and proxy.
import { beforeAll, describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";

const ORIGIN = "http://localhost:3000";
const AUTH = `Basic ${btoa("kinto-admin-user:s3cret")}`;
const bid = uniqueId("upstream");

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Response> {
  return fetch(`${serverUrl()}${path}`, {
    method,
    headers: { Origin: ORIGIN, Authorization: AUTH, Accept: "application/json", "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
}

const list = (value: string | null): string[] => (value ?? "").split(",").map((item) => item.trim().toLowerCase());

beforeAll(async () => {
  expect((await call("PUT", `/buckets/${bid}`)).status).toBe(201);
  expect((await call("PUT", `/buckets/${bid}/collections/c`)).status).toBe(201);
  for (const n of [1, 2, 3]) expect((await call("POST", `/buckets/${bid}/collections/c/records`, {}, { data: { n } })).status).toBe(201);
});

describe("the upstream kinto-admin's calls", () => {
  it("passes the CORS preflight of a write with the headers kinto-http sends", async () => {
    const response = await fetch(`${serverUrl()}/buckets/${bid}/collections/c/records/r1`, {
      method: "OPTIONS",
      headers: {
        Origin: ORIGIN,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization,content-type,if-match,if-none-match",
      },
    });
    expect(response.status).toBe(200);
    expect(["*", ORIGIN]).toContain(response.headers.get("Access-Control-Allow-Origin"));
    expect(list(response.headers.get("Access-Control-Allow-Methods"))).toContain("put");
    const allowed = list(response.headers.get("Access-Control-Allow-Headers"));
    for (const header of ["authorization", "content-type", "if-match", "if-none-match"]) expect(allowed).toContain(header);
  });

  it("reads hello's capabilities and user, with CORS headers on the answer", async () => {
    const response = await call("GET", "/");
    expect(["*", ORIGIN]).toContain(response.headers.get("Access-Control-Allow-Origin"));
    const hello = (await response.json()) as { user?: { id: string }; capabilities: Record<string, unknown> };
    expect(hello.user?.id).toMatch(/^basicauth:/);
    for (const name of ["accounts", "history", "attachments", "permissions_endpoint", "signer"]) expect(hello.capabilities).toHaveProperty(name);
  });

  it("lists the user's objects at /permissions", async () => {
    const response = await call("GET", "/permissions", {}, undefined);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { uri: string; permissions: string[] }[] };
    const bucket = data.find((entry) => entry.uri === `/buckets/${bid}`);
    expect(bucket?.permissions).toEqual(expect.arrayContaining(["read", "write", "collection:create", "group:create"]));
    expect(data.some((entry) => entry.uri === `/buckets/${bid}/collections/c`)).toBe(true);
  });

  it("counts records with HEAD, Total-Records exposed to the other origin", async () => {
    const response = await call("HEAD", `/buckets/${bid}/collections/c/records`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Total-Records")).toBe("3");
    expect(list(response.headers.get("Access-Control-Expose-Headers"))).toEqual(expect.arrayContaining(["total-records", "next-page", "etag"]));
  });
});

describe("the admin's static files next to the API", () => {
  it("redirects /v1/admin to /v1/admin/ and serves the page there", async () => {
    const redirect = await fetch(`${serverUrl()}/admin`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expect(new URL(redirect.headers.get("Location") ?? "", serverUrl()).pathname).toBe("/v1/admin/");
    const page = await fetch(`${serverUrl()}/admin/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await page.text();
    const script = /<script type="module" src="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(script).toMatch(/^main-[A-Z0-9]+\.js$/);
    const bundle = await fetch(`${serverUrl()}/admin/${script}`);
    expect(bundle.headers.get("Content-Type")).toMatch(/javascript/);
    expect(bundle.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect((await bundle.arrayBuffer()).byteLength).toBeLessThan(100_000);
  });

  it("leaves other paths to the API: JSON 404s, hello unchanged", async () => {
    for (const path of ["/admin/nothing-here", "/admin/api", "/unknown"]) {
      const response = await fetch(`${serverUrl()}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 404, errno: 111, error: "Not Found" });
    }
    const hello = await fetch(`${serverUrl()}/`);
    expect(hello.headers.get("Content-Type")).toBe("application/json");
  });
});
