/**
 * The login flow: `/openid/<p>/login` redirects to the provider with a single-use state,
 * `/openid/<p>/token` consumes it, trades the code and redirects to the trusted callback
 * with the base64 of the provider's answer. States live in D1 (`openid_states`).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { saveState } from "../../src/plugins/openid/states";
import { fakeProvider, send } from "./app-helpers";
import { signingKey, type SigningKey } from "./helpers";

let key: SigningKey;
beforeAll(async () => {
  key = await signingKey("RS256", "k1");
});

const CALLBACK = "http://localhost/v1/admin/#/auth/openid/idp/";
const TOKENS = { access_token: "at-1", id_token: "it-1", token_type: "Bearer", expires_in: 3600 };

function loginProvider(extra: Record<string, string> = {}, token?: (form: URLSearchParams) => Response) {
  return fakeProvider(key, {
    extra: { client_id: "kinto-admin", client_secret: "shh", ...extra },
    endpoints: { token: token ?? (() => Response.json(TOKENS)) },
  });
}

const loginPath = (callback = CALLBACK, scope = "openid email") =>
  `/openid/idp/login?${new URLSearchParams({ callback, scope }).toString()}`;

/** The state of a login redirect. */
async function startLogin(vars: Record<string, string>, callback = CALLBACK): Promise<string> {
  const res = await send(vars, loginPath(callback));
  expect(res.status).toBe(307);
  return new URL(res.headers.get("Location") ?? "").searchParams.get("state") ?? "";
}

/** The JSON the token endpoint redirect carries after `prefix`. */
function answerOf(location: string, prefix: string): unknown {
  expect(location.startsWith(prefix)).toBe(true);
  return JSON.parse(atob(decodeURIComponent(location.slice(prefix.length))));
}

describe("GET /openid/<p>/login", () => {
  test("307 to the authorization endpoint with Kinto's parameters and a fresh state", async () => {
    const { vars, issuer } = loginProvider();
    const res = await send(vars, `${loginPath()}&prompt=none`);
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get("Location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${issuer}/authorize`);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toEqual({
      client_id: "kinto-admin",
      response_type: "code",
      scope: "openid email",
      redirect_uri: "http://localhost/v1/openid/idp/token",
      state: expect.stringMatching(/^[0-9a-f]{64}$/),
      prompt: "none",
      audience: "api",
    });
    expect(await startLogin(vars)).not.toBe(params.state);
  });

  test("state_length sets the state's size", async () => {
    const { vars } = loginProvider({ state_length: "16" });
    expect(await startLogin(vars)).toMatch(/^[0-9a-f]{32}$/);
  });

  test.each([
    { name: "no callback", path: "/openid/idp/login?scope=openid", message: "callback in querystring: Required" },
    { name: "no scope", path: `/openid/idp/login?callback=${encodeURIComponent(CALLBACK)}`, message: "scope in querystring: Required" },
    { name: "a callback that is not a URL", path: "/openid/idp/login?scope=openid&callback=nope", message: "callback in querystring: Must be a URL" },
    { name: "a bad prompt", path: `${loginPath()}&prompt=login`, message: "prompt in querystring: String does not match expected pattern" },
    { name: "an unknown provider", path: loginPath().replace("/idp/", "/nope/"), message: "Unknow provider 'nope'" },
  ])("$name → 400 errno 107: $message", async ({ path, message }) => {
    const { vars } = loginProvider();
    const res = await send(vars, path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107, error: "Invalid parameters", message });
  });

  test("userid_field email needs the email scope", async () => {
    const { vars } = loginProvider({ userid_field: "email" });
    const res = await send(vars, loginPath(CALLBACK, "openid"));
    expect(res.body).toMatchObject({ code: 400, errno: 107, message: "Provider idp requires 'email' scope" });
    expect((await send(vars, loginPath(CALLBACK, "openid email"))).status).toBe(307);
  });

  describe("trusted callbacks", () => {
    test("by default, only this server's origin", async () => {
      const { vars } = loginProvider();
      for (const callback of ["https://evil.test/steal#", "http://localhost.evil.test/", "http://localhost:8080/"]) {
        const res = await send(vars, loginPath(callback));
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ errno: 107, message: "Not a trusted callback URL" });
        expect(res.headers.get("Location")).toBeNull();
      }
    });

    test("trusted_callback_urls: patterns with `*`, anchored", async () => {
      const { vars } = loginProvider({ trusted_callback_urls: "https://admin.test/* http://localhost:3000/#/auth/*" });
      expect((await send(vars, loginPath("https://admin.test/#/auth/openid/idp/"))).status).toBe(307);
      expect((await send(vars, loginPath("http://localhost:3000/#/auth/openid/idp/"))).status).toBe(307);
      for (const callback of ["https://admin.test.evil.test/", "https://evil.test/?https://admin.test/", CALLBACK]) {
        expect((await send(vars, loginPath(callback))).status).toBe(400);
      }
    });
  });

  test("a provider that cannot be reached → 503 with Retry-After", async () => {
    const { vars } = loginProvider();
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const res = await send(vars, loginPath());
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(res.body).toMatchObject({ code: 503, errno: 201 });
  });

  test("no client_id → 500 naming the variable", async () => {
    const { vars } = fakeProvider(key);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await send(vars, loginPath());
    expect(res.status).toBe(500);
    expect(res.body.message).toContain("KINTO_MULTIAUTH_POLICY_IDP_CLIENT_ID");
  });

  test("without the plugin: 404", async () => {
    const { vars } = loginProvider();
    expect((await send({ ...vars, KINTO_INCLUDES: "", KINTO_MULTIAUTH_POLICIES: "basicauth" }, loginPath())).status).toBe(404);
  });
});

describe("GET /openid/<p>/token", () => {
  test("trades the code and redirects to the callback with the provider's answer", async () => {
    const { vars, issuer, posted } = loginProvider();
    const state = await startLogin(vars);
    const res = await send(vars, `/openid/idp/token?code=the-code&state=${state}`);
    expect(res.status).toBe(307);
    expect(answerOf(res.headers.get("Location") ?? "", CALLBACK)).toEqual(TOKENS);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.url).toBe(`${issuer}/token`);
    expect(Object.fromEntries(posted[0]?.form ?? [])).toEqual({
      code: "the-code",
      grant_type: "authorization_code",
      redirect_uri: "http://localhost/v1/openid/idp/token",
      client_id: "kinto-admin",
      client_secret: "shh",
    });
  });

  test("the base64 is URL-quoted as Kinto does (`/` kept, `+` and `=` escaped)", async () => {
    const answer = JSON.stringify({ access_token: "??>>??>", pad: "a" });
    const { vars } = loginProvider({}, () => new Response(answer, { headers: { "Content-Type": "application/json" } }));
    const location = (await send(vars, `/openid/idp/token?code=c&state=${await startLogin(vars)}`)).headers.get("Location") ?? "";
    const quoted = location.slice(CALLBACK.length);
    expect(quoted).toBe(btoa(answer).replace(/\+/g, "%2B").replace(/=/g, "%3D"));
  });

  test("a provider error is forwarded to the callback, as Kinto does", async () => {
    const { vars } = loginProvider({}, () => Response.json({ error: "invalid_grant" }, { status: 400 }));
    const res = await send(vars, `/openid/idp/token?code=bad&state=${await startLogin(vars)}`);
    expect(res.status).toBe(307);
    expect(answerOf(res.headers.get("Location") ?? "", CALLBACK)).toEqual({ error: "invalid_grant" });
  });

  const INVALID_STATE = { code: 400, errno: 107, error: "Invalid parameters", message: "Invalid state", details: [{ location: "body", name: "state", description: "Invalid state", errno: 105 }] };

  test("a state is single-use: a replay → 400 Invalid state, no second exchange", async () => {
    const { vars, posted } = loginProvider();
    const state = await startLogin(vars);
    expect((await send(vars, `/openid/idp/token?code=c&state=${state}`)).status).toBe(307);
    const replay = await send(vars, `/openid/idp/token?code=c&state=${state}`);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(INVALID_STATE);
    expect(posted).toHaveLength(1);
  });

  test("concurrent trades of one state: exactly one redirect", async () => {
    const { vars, posted } = loginProvider();
    const state = await startLogin(vars);
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(vars, `/openid/idp/token?code=c&state=${state}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([307, 400, 400, 400, 400, 400, 400, 400]);
    expect(posted).toHaveLength(1);
  });

  test.each([
    { name: "unknown", setup: async () => "f".repeat(64) },
    { name: "expired", setup: async () => {
      await saveState(env.DB, "e".repeat(64), "idp", CALLBACK, 1, Date.now() - 5_000);
      return "e".repeat(64);
    } },
    { name: "another provider's", setup: async () => {
      await saveState(env.DB, "d".repeat(64), "other", CALLBACK, 3600);
      return "d".repeat(64);
    } },
  ])("an $name state → 400 Invalid state", async ({ setup }) => {
    const { vars, posted } = loginProvider();
    const res = await send(vars, `/openid/idp/token?code=c&state=${await setup()}`);
    expect(res.body).toEqual(INVALID_STATE);
    expect(posted).toHaveLength(0);
  });

  test("a callback no longer trusted when the code comes back → 400, no redirect", async () => {
    const { vars } = loginProvider();
    const state = await startLogin(vars);
    const res = await send({ ...vars, KINTO_MULTIAUTH_POLICY_IDP_TRUSTED_CALLBACK_URLS: "https://admin.test/*" }, `/openid/idp/token?code=c&state=${state}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
  });

  test("missing code or state → 400 naming it", async () => {
    const { vars } = loginProvider();
    expect((await send(vars, "/openid/idp/token?state=x")).body.message).toBe("code in querystring: Required");
    expect((await send(vars, "/openid/idp/token?code=x")).body.message).toBe("state in querystring: Required");
  });
});
