/**
 * Through the app: opaque tokens (userinfo, introspection) cost one provider call per
 * token, scoped clients are separate principals with separate default buckets, and a
 * provider that cannot be reached is a 503.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { fakeProvider, send } from "./app-helpers";
import { nowSeconds, signingKey, type SigningKey } from "./helpers";

let key: SigningKey;
beforeAll(async () => {
  key = await signingKey("RS256", "k1");
});

const CLIENTS = JSON.stringify({ "addon-a": { prefix: "addon-a", scopes: ["kinto"] }, "addon-b": { prefix: "addon-b", scopes: ["kinto"] } });
const INCLUDES = { KINTO_INCLUDES: "kinto.plugins.openid kinto.plugins.default_bucket" };

describe("opaque tokens", () => {
  test("through userinfo: one call for three requests", async () => {
    const { vars, issuer, requested } = fakeProvider(key, { userinfo: { sub: "op-1", email: "o@example.com" } });
    for (let i = 0; i < 3; i++) {
      const hello = await send(vars, "/", { authorization: "Bearer opaque-token-1" });
      expect(hello.body.user).toMatchObject({ id: "idp:op-1", profile: { sub: "op-1", email: "o@example.com" } });
    }
    expect(requested.filter((url) => url === `${issuer}/userinfo`)).toHaveLength(1);
  });

  test("through introspection, authenticated as the client; an inactive token is anonymous", async () => {
    const provider = fakeProvider(key, {
      extra: { client_id: "kinto", client_secret: "s3cret" },
      endpoints: { introspect: (token) => (token === "good" ? { active: true, sub: "op-2", exp: nowSeconds() + 60 } : null) },
    });
    const vars = { ...provider.vars, KINTO_MULTIAUTH_POLICY_IDP_INTROSPECTION_ENDPOINT: `${provider.issuer}/introspect` };
    expect((await send(vars, "/", { authorization: "Bearer good" })).body.user.id).toBe("idp:op-2");
    expect((await send(vars, "/", { authorization: "Bearer good" })).body.user.id).toBe("idp:op-2");
    expect(await send(vars, "/", { authorization: "Bearer revoked" })).not.toHaveProperty("body.user");
    expect(provider.posted.map((post) => post.form.get("token"))).toEqual(["good", "revoked"]);
    expect(provider.posted[0]?.authorization).toBe(`Basic ${btoa("kinto:s3cret")}`);
    expect(provider.requested).not.toContain(`${provider.issuer}/userinfo`);
  });
});

describe("scoped identities", () => {
  test("one person through two client applications: two principals, two default buckets", async () => {
    const provider = fakeProvider(key, { extra: { audience: "", clients: CLIENTS } });
    const vars = { ...provider.vars, ...INCLUDES };
    const asA = `Bearer ${await provider.token({ sub: "alice", aud: "addon-a", azp: "addon-a", scope: "openid kinto" })}`;
    const asB = `Bearer ${await provider.token({ sub: "alice", aud: "addon-b", azp: "addon-b", scope: "kinto" })}`;

    const helloA = await send(vars, "/", { authorization: asA });
    const helloB = await send(vars, "/", { authorization: asB });
    expect(helloA.body.user.id).toBe("idp:addon-a:alice");
    expect(helloB.body.user.id).toBe("idp:addon-b:alice");
    const bucketA = helloA.body.user.bucket as string;
    const bucketB = helloB.body.user.bucket as string;
    expect(bucketA).not.toBe(bucketB);

    const created = await send(vars, "/buckets/default/collections/notes/records", { method: "POST", authorization: asB, body: { data: { secret: "b's" } } });
    expect(created.status).toBe(201);
    const readByA = await send(vars, `/buckets/${bucketB}/collections/notes/records`, { authorization: asA });
    expect(readByA.status).toBe(403);
    const ownByA = await send(vars, "/buckets/default/collections/notes/records", { authorization: asA });
    expect(ownByA.status).toBe(200);
    expect(ownByA.body.data).toEqual([]);
    expect((await send(vars, `/buckets/${bucketB}/collections/notes/records`, { authorization: asB })).body.data).toHaveLength(1);
  });

  test.each([
    { name: "an unlisted client", claims: { aud: "addon-c", azp: "addon-c", scope: "kinto" } },
    { name: "a missing required scope", claims: { aud: "addon-a", azp: "addon-a", scope: "openid" } },
    { name: "no client at all", claims: { aud: ["addon-a", "addon-b"], scope: "kinto" } },
  ])("$name → anonymous", async ({ claims }) => {
    const provider = fakeProvider(key, { extra: { audience: "", clients: CLIENTS } });
    const hello = await send(provider.vars, "/", { authorization: `Bearer ${await provider.token({ sub: "alice", ...claims })}` });
    expect(hello.status).toBe(200);
    expect(hello.body).not.toHaveProperty("user");
  });
});

describe("a provider that cannot be reached", () => {
  test("a token of it → 503 with Retry-After, the envelope, no token in the logs", async () => {
    const provider = fakeProvider(key);
    const token = await provider.token();
    vi.stubGlobal("fetch", async () => new Response("down", { status: 502 }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const res = await send(provider.vars, "/buckets", { authorization: `Bearer ${token}` });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(res.body).toMatchObject({ code: 503, errno: 201, error: "Service Unavailable" });
    for (const call of warn.mock.calls) expect(call.join(" ")).not.toContain(token);
    // Other policies keep working.
    expect((await send(provider.vars, "/", { authorization: `Basic ${btoa("a:b")}` })).body.user.id).toMatch(/^basicauth:/);
  });
});
