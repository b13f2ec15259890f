/**
 * C09, C16, C17 and setting-driven protocol rules, run against the app built with modified
 * settings (`buildApp().fetch(request, {...env, KINTO_…})`); bindings (D1, Writer) are shared.
 */
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { buildApp } from "../../src/app";
import { AUTH, createBucket, urlOf } from "../resources/helpers";

interface Call {
  method?: string;
  url: string;
  raw?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
  anonymous?: boolean;
}

/** Sends a request to an app whose settings are overridden by `vars`. */
async function sendWith(vars: Record<string, string>, call: Call) {
  const app = buildApp();
  const headers = new Headers(call.headers);
  if (!call.anonymous && AUTH.alice) headers.set("Authorization", AUTH.alice);
  let body: Uint8Array | undefined;
  if (call.body !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(call.body));
    headers.set("Content-Type", "application/json");
  }
  const request = new Request(urlOf(call), { method: call.method ?? "GET", headers, ...(body ? { body } : {}) });
  const response = await app.fetch(request, { ...(env as object), ...vars });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

describe("read-only mode (C16)", () => {
  const READONLY = { KINTO_READONLY: "true" };

  test.each([
    { method: "POST", url: "/buckets", body: {} },
    { method: "PUT", url: "/buckets/ro-bucket", body: {} },
    { method: "PATCH", url: "/buckets/ro-bucket", body: { data: { a: 1 } } },
    { method: "DELETE", url: "/buckets/ro-bucket" },
    { method: "DELETE", url: "/buckets" },
  ])("$method $url → 405 errno 115", async (call) => {
    const res = await sendWith(READONLY, call);
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ code: 405, errno: 115 });
  });

  test("reads still work; hello says readonly and is cacheable", async () => {
    const bid = await createBucket();
    const bucket = await sendWith(READONLY, { url: `/buckets/${bid}` });
    expect(bucket.status).toBe(200);
    const hello = await sendWith(READONLY, { url: "/" });
    expect(hello.body.settings.readonly).toBe(true);
    expect(hello.headers.get("Cache-Control")).toBe("max-age=86400");
    expect(hello.headers.get("Expires")).toMatch(/GMT$/);
  });

  test("a never-initialised empty list → 503 errno 201 with Retry-After", async () => {
    const bid = await createBucket();
    const res = await sendWith(READONLY, { url: `/buckets/${bid}/groups` });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 503, errno: 201 });
    expect(res.headers.get("Retry-After")).toBe("3");
  });
});

describe("end of service (C17)", () => {
  test("a future eos date: every response carries a soft-eol Alert; hello shows eos", async () => {
    const vars = { KINTO_EOS: "2999-01-01", KINTO_EOS_MESSAGE: "Bye", KINTO_EOS_URL: "https://example.com/eol" };
    const hello = await sendWith(vars, { url: "/" });
    expect(hello.status).toBe(200);
    expect(hello.body.eos).toBe("2999-01-01");
    expect(JSON.parse(hello.headers.get("Alert") ?? "{}")).toEqual({ code: "soft-eol", message: "Bye", url: "https://example.com/eol" });
    const missing = await sendWith(vars, { url: "/nothing" });
    expect(missing.headers.get("Alert")).toContain("soft-eol");
  });

  test("a past eos date: 410 errno 202 with a hard-eol Alert", async () => {
    const res = await sendWith({ KINTO_EOS: "2001-01-01", KINTO_EOS_MESSAGE: "Gone" }, { url: "/buckets" });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: 410, errno: 202 });
    expect(JSON.parse(res.headers.get("Alert") ?? "{}")).toMatchObject({ code: "hard-eol", message: "Gone" });
  });
});

describe("Backoff (C09)", () => {
  test("every response carries Backoff when the setting is set, errors included", async () => {
    for (const url of ["/", "/nothing", "/buckets"]) {
      const res = await sendWith({ KINTO_BACKOFF: "10" }, { url });
      expect(res.headers.get("Backoff")).toBe("10");
    }
    const none = await sendWith({}, { url: "/" });
    expect(none.headers.get("Backoff")).toBeNull();
  });
});

describe("CORS origins setting (C10)", () => {
  const vars = { KINTO_CORS_ORIGINS: "https://*.example.com https://admin.kinto.org" };

  test.each([
    { origin: "https://a.example.com", allowed: "https://a.example.com" },
    { origin: "https://admin.kinto.org", allowed: "https://admin.kinto.org" },
    { origin: "https://evil.org", allowed: null },
  ])("Origin $origin → Allow-Origin $allowed", async ({ origin, allowed }) => {
    const res = await sendWith(vars, { url: "/", headers: { Origin: origin } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
  });

  test("cors_max_age_seconds sets the preflight Max-Age", async () => {
    const res = await sendWith(
      { KINTO_CORS_MAX_AGE_SECONDS: "60" },
      { method: "OPTIONS", url: "/buckets", anonymous: true, headers: { Origin: "https://x.org", "Access-Control-Request-Method": "GET" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Max-Age")).toBe("60");
  });
});

describe("redirect settings (C01)", () => {
  test("trailing_slash_redirect_ttl_seconds = -1: no cache headers", async () => {
    const res = await sendWith({ KINTO_TRAILING_SLASH_REDIRECT_TTL_SECONDS: "-1" }, { url: "/buckets/" });
    expect(res.status).toBe(307);
    expect(res.headers.get("Cache-Control")).toBeNull();
    expect(res.headers.get("Expires")).toBeNull();
  });

  test("trailing_slash_redirect_enabled = false: 404 errno 111", async () => {
    const res = await sendWith({ KINTO_TRAILING_SLASH_REDIRECT_ENABLED: "false" }, { url: "/buckets/" });
    expect(res.status).toBe(404);
    expect(res.body.errno).toBe(111);
  });

  test("version_prefix_redirect_enabled = false: 404 errno 111", async () => {
    const res = await sendWith({ KINTO_VERSION_PREFIX_REDIRECT_ENABLED: "false" }, { url: "/buckets", raw: true });
    expect(res.status).toBe(404);
    expect(res.body.errno).toBe(111);
  });

  test("version_prefix_redirect_ttl_seconds > 0 adds cache headers", async () => {
    const res = await sendWith({ KINTO_VERSION_PREFIX_REDIRECT_TTL_SECONDS: "60" }, { url: "/buckets", raw: true });
    expect(res.status).toBe(307);
    expect(res.headers.get("Cache-Control")).toBe("max-age=60");
  });

  test("OPTIONS on an unprefixed path answers 200", async () => {
    const res = await sendWith({}, { method: "OPTIONS", url: "/buckets", raw: true, anonymous: true, headers: { Origin: "https://x.org", "Access-Control-Request-Method": "GET" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("invalid settings", () => {
  test("a bad setting → 500 errno 999 naming the variable, never a stack", async () => {
    const res = await sendWith({ KINTO_PAGINATE_BY: "ten" }, { url: "/" });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 500, errno: 999 });
    expect(res.body.message).toContain("KINTO_PAGINATE_BY");
    expect(res.text).not.toMatch(/\n\s+at /);
  });

  test("500 responses carry `info` (error_info_link, §2.6)", async () => {
    const res = await sendWith({ KINTO_PAGINATE_BY: "ten" }, { url: "/" });
    expect(res.status).toBe(500);
    expect(res.body.info).toBe("https://github.com/Kinto/kinto/issues/");
  });
});
