/**
 * Settings that name what the server does not have are refused, as Kinto refuses to start:
 * every request answers a 500 whose message names the variable and the bad value, and the
 * log says so once. A typo must never quietly turn a plugin or authentication off.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { env } from "cloudflare:workers";
import { buildApp } from "../../src/app";
import { call } from "../permissions/helpers";

afterEach(() => vi.restoreAllMocks());

async function refused(vars: Record<string, string>, expected: RegExp): Promise<void> {
  for (const url of ["/", "/buckets", "/__heartbeat__"]) {
    const res = await call({ url, vars });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 500, errno: 999, error: "Internal Server Error" });
    expect((res.body as { message: string }).message).toMatch(expected);
  }
}

describe("KINTO_INCLUDES", () => {
  test("an unknown name is refused by name", async () => {
    await refused({ KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.acounts" }, /KINTO_INCLUDES.*kinto\.plugins\.acounts/);
  });

  test("a Kinto plugin this server does not have yet is refused by name", async () => {
    await refused({ KINTO_INCLUDES: "kinto.plugins.quotas" }, /KINTO_INCLUDES: kinto\.plugins\.quotas is a Kinto plugin that kinto-edge does not have yet/);
    await refused({ KINTO_INCLUDES: "kinto_emailer" }, /kinto_emailer is a Kinto plugin/);
  });

  test("kinto.plugins.admin is accepted and adds Kinto's admin capability (the UI itself is static assets)", async () => {
    for (const include of ["accounts kinto.plugins.admin", "accounts admin"]) {
      const res = await call({ url: "/", vars: { KINTO_INCLUDES: include } });
      expect(res.status).toBe(200);
      expect((res.body as { capabilities: Record<string, unknown> }).capabilities.admin).toMatchObject({
        description: "Serves the admin console.",
        url: "https://github.com/Kinto/kinto-admin/",
      });
    }
    const without = await call({ url: "/", vars: { KINTO_INCLUDES: "accounts" } });
    expect((without.body as { capabilities: object }).capabilities).not.toHaveProperty("admin");
  });

  test("short and full names of known plugins are accepted", async () => {
    const res = await call({ url: "/", vars: { KINTO_INCLUDES: "accounts kinto.plugins.default_bucket flush" } });
    expect(res.status).toBe(200);
    expect(Object.keys((res.body as { capabilities: object }).capabilities)).toEqual(
      expect.arrayContaining(["accounts", "default_bucket", "flush_endpoint"]),
    );
  });
});

describe("KINTO_MULTIAUTH_POLICIES", () => {
  test("a typo is refused instead of turning authentication off", async () => {
    await refused({ KINTO_MULTIAUTH_POLICIES: "account basicauht" }, /KINTO_MULTIAUTH_POLICIES.*"basicauht"/);
  });

  test("a policy whose plugin is not included is refused", async () => {
    await refused({ KINTO_MULTIAUTH_POLICIES: "account basicauth", KINTO_INCLUDES: "kinto.plugins.flush" }, /"account"/);
  });
});

describe("KINTO_USERID_HMAC_SECRET", () => {
  test("required as soon as a policy is enabled: the message says how to set it", async () => {
    const app = buildApp();
    const { KINTO_USERID_HMAC_SECRET: _secret, ...withoutSecret } = env as unknown as Record<string, unknown>;
    const res = await app.fetch(new Request("http://localhost/v1/"), withoutSecret);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toMatch(/KINTO_USERID_HMAC_SECRET: not set; .*wrangler secret put/);
  });
});

test("the log names the bad value once, not once per request", async () => {
  const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const app = buildApp();
  // One environment object, as a deployed isolate has.
  const badEnv = { ...(env as object), KINTO_INCLUDES: "kinto.plugins.only-once" };
  for (let i = 0; i < 3; i++) expect((await app.fetch(new Request("http://localhost/v1/"), badEnv)).status).toBe(500);
  expect(errors.mock.calls.filter((args) => String(args[0]).includes("only-once"))).toHaveLength(1);
});
