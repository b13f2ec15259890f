/** U01–U03: `GET /`, heartbeats and `__version__` (contract §9.1–9.4); basicauth user ids (§7.2). */
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { hmacHex } from "../../src/auth/basicauth";
import { AUTHENTICATED, EVERYONE, basic, createBucket, createGroup, ok, send } from "../resources/helpers";

const SECRET = String((env as unknown as Record<string, unknown>).KINTO_USERID_HMAC_SECRET ?? "");

describe("GET / (hello)", () => {
  test("server info fields", async () => {
    const res = await ok({ url: "/", as: "anonymous" });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      project_name: expect.any(String),
      project_version: expect.any(String),
      http_api_version: "1.23",
      project_docs: expect.any(String),
      url: "http://localhost/v1/",
      settings: { batch_max_requests: 25, readonly: false, explicit_permissions: true },
    });
    expect(Object.keys(res.body.settings).sort()).toEqual(["batch_max_requests", "explicit_permissions", "readonly"]);
    expect(typeof res.body.capabilities).toBe("object");
    expect(res.body.capabilities).not.toBeNull();
    expect(Array.isArray(res.body.capabilities)).toBe(false);
    for (const capability of Object.values(res.body.capabilities) as Record<string, unknown>[]) {
      expect(capability).toMatchObject({ description: expect.any(String), url: expect.any(String) });
    }
    expect(res.body).not.toHaveProperty("user");
    expect(res.body).not.toHaveProperty("eos");
    expect(res.headers.get("Cache-Control")).toBeNull();
  });

  test("the basicauth capability is advertised when the policy is enabled", async () => {
    const res = await ok({ url: "/" });
    expect(res.body.capabilities.basicauth).toEqual({
      description: "Very basic authentication sessions. Not for production use.",
      url: "http://kinto.readthedocs.io/en/stable/api/1.x/authentication.html",
    });
  });

  test("url honours the request host", async () => {
    const res = await ok({ url: "https://kinto.example.com:8443/v1/" });
    expect(res.body.url).toBe("https://kinto.example.com:8443/v1/");
  });

  test("an authenticated caller sees user.id and principals", async () => {
    const res = await ok({ url: "/" });
    const expectedId = `basicauth:${await hmacHex(SECRET, "alice:secret")}`;
    // With the default-bucket plugin enabled (wrangler.toml), `bucket` is the personal bucket id.
    expect(res.body.user).toEqual({ id: expectedId, principals: expect.any(Array), bucket: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.body.user.id).toMatch(/^basicauth:[0-9a-f]{64}$/);
    expect(res.body.user.principals).toEqual(expect.arrayContaining([expectedId, EVERYONE, AUTHENTICATED]));
  });

  test("group memberships appear among the principals", async () => {
    const bob = (await ok({ url: "/", as: "bob" })).body.user.id as string;
    const bid = await createBucket();
    const gid = await createGroup(bid, [bob]);
    const res = await ok({ url: "/", as: "bob" });
    expect(res.body.user.principals).toEqual(expect.arrayContaining([bob, EVERYONE, AUTHENTICATED, `/buckets/${bid}/groups/${gid}`]));
  });
});

describe("basicauth user ids", () => {
  test("are deterministic, per username:password pair", async () => {
    const first = (await ok({ url: "/" })).body.user.id;
    const second = (await ok({ url: "/" })).body.user.id;
    expect(second).toBe(first);
    const otherPassword = (await ok({ url: "/", headers: { Authorization: basic("alice", "other") } })).body.user.id;
    expect(otherPassword).not.toBe(first);
    const bob = (await ok({ url: "/", as: "bob" })).body.user.id;
    expect(bob).not.toBe(first);
  });

  test("the scheme name is case-insensitive and the password may contain ':'", async () => {
    const lower = await ok({ url: "/", headers: { Authorization: `basic ${btoa("alice:secret")}` } });
    expect(lower.body.user.id).toBe(`basicauth:${await hmacHex(SECRET, "alice:secret")}`);
    const colon = await ok({ url: "/", headers: { Authorization: basic("carol", "a:b:c") } });
    expect(colon.body.user.id).toBe(`basicauth:${await hmacHex(SECRET, "carol:a:b:c")}`);
  });

  test("a UTF-8 username is decoded as UTF-8", async () => {
    const bytes = new TextEncoder().encode("zoé:pässword");
    const header = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    const res = await ok({ url: "/", headers: { Authorization: header } });
    expect(res.body.user.id).toBe(`basicauth:${await hmacHex(SECRET, "zoé:pässword")}`);
  });
});

describe("utility endpoints", () => {
  test("__heartbeat__ → 200 with storage and permission true", async () => {
    const res = await send({ url: "/__heartbeat__", as: "anonymous" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ storage: true, permission: true });
    for (const value of Object.values(res.body)) expect([true, null]).toContain(value);
  });

  test("__lbheartbeat__ → 200 {}", async () => {
    const res = await send({ url: "/__lbheartbeat__", as: "anonymous" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  test("__version__ → JSON with name and version", async () => {
    const res = await send({ url: "/__version__", as: "anonymous" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ name: expect.any(String), version: expect.any(String) });
  });

  test.each(["/", "/__heartbeat__", "/__lbheartbeat__", "/__version__"])("HEAD %s → 200 without body", async (url) => {
    const res = await send({ method: "HEAD", url, as: "anonymous" });
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });
});
