/**
 * A03: the life of an account (contract §7.3, §7.5): open sign-up by PUT or POST, bcrypt
 * hash at rest, Basic login as `account:<id>`, wrong password falling back to basicauth
 * (policies `account basicauth`, Appendix D.2), password change, deletion.
 * Each account write with a password costs a bcrypt hash (cost 12): kept to a handful.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { basicAuth, basicauthUserId, call, expect401, okCall } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const BCRYPT = /^\$2b\$12\$[./A-Za-z0-9]{53}$/;

async function whoami(auth: string): Promise<{ id: string; principals: string[] } | undefined> {
  return (await okCall({ url: "/", auth })).body.user;
}

describe("account lifecycle", () => {
  test("sign-up by PUT, login, wrong password, password change, deletion", async () => {
    const id = uid("alice");
    const created = await call({ method: "PUT", url: `/accounts/${id}`, body: { data: { password: "first-pw" } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.id).toBe(id);
    expect(created.body.data.password).toMatch(BCRYPT);
    expect(created.body.data.password).not.toContain("first-pw");
    // The new account owns itself; the anonymous creator is not added, and sees the ACL as the
    // account itself (Kinto answers a sign-up with `write: ["account:<id>"]`).
    expect(created.body.permissions).toEqual({ write: [`account:${id}`] });

    const good = basicAuth(id, "first-pw");
    expect(await whoami(good)).toEqual({
      id: `account:${id}`,
      principals: expect.arrayContaining([`account:${id}`, "system.Everyone", "system.Authenticated"]),
      bucket: expect.any(String),
    });
    const self = await okCall({ url: `/accounts/${id}`, auth: good });
    expect(self.body.permissions).toEqual({ write: [`account:${id}`] });
    expect(self.body.data.password).toBe(created.body.data.password);

    // A wrong password is not an error: the request falls through to basicauth (Appendix D.2).
    const wrong = basicAuth(id, "wrong-pw");
    expect((await whoami(wrong))?.id).toBe(await basicauthUserId(id, "wrong-pw"));
    expect((await call({ url: `/accounts/${id}`, auth: wrong })).status).toBe(403);

    // A PATCH without password keeps the hash; with a password it rehashes.
    const kept = await okCall({ method: "PATCH", url: `/accounts/${id}`, auth: good, body: { data: { nickname: "al" } } });
    expect(kept.body.data.password).toBe(created.body.data.password);
    expect(kept.body.permissions).toEqual({ write: [`account:${id}`] });
    const changed = await okCall({ method: "PATCH", url: `/accounts/${id}`, auth: good, body: { data: { password: "second-pw" } } });
    expect(changed.body.data.password).toMatch(BCRYPT);
    expect(changed.body.data.password).not.toBe(created.body.data.password);
    expect(changed.body.data.nickname).toBe("al");
    expect((await whoami(good))?.id).toBe(await basicauthUserId(id, "first-pw"));
    const second = basicAuth(id, "second-pw");
    expect((await whoami(second))?.id).toBe(`account:${id}`);

    const deleted = await okCall({ method: "DELETE", url: `/accounts/${id}`, auth: second });
    expect(deleted.body.data).toMatchObject({ id, deleted: true });
    expect((await whoami(second))?.id).toBe(await basicauthUserId(id, "second-pw"));
    expect((await call({ url: `/accounts/${id}`, auth: second })).status).toBe(403);
  });

  test("sign-up by POST with data.id; the account user gets groups and a permissions entry", async () => {
    const id = uid("bob");
    const created = await call({ method: "POST", url: "/accounts", body: { data: { id, password: "bob-pw" } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ id, password: expect.stringMatching(BCRYPT) });
    const auth = basicAuth(id, "bob-pw");
    expect((await whoami(auth))?.id).toBe(`account:${id}`);

    const entries = (await okCall({ url: "/permissions?resource_name=account", auth })).body.data;
    expect(entries).toEqual([{ uri: `/accounts/${id}`, resource_name: "account", id, account_id: id, permissions: ["read", "write"] }]);

    // An account id is a principal like any other.
    const owner = basicAuth(uid("owner"), "pw");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner });
    await okCall({ method: "PUT", url: `/buckets/${bid}/groups/team`, auth: owner, body: { data: { members: [`account:${id}`] } } });
    await okCall({ method: "PATCH", url: `/buckets/${bid}`, auth: owner, body: { permissions: { read: [`/buckets/${bid}/groups/team`] } } });
    expect((await whoami(auth))?.principals).toContain(`/buckets/${bid}/groups/team`);
    expect((await call({ url: `/buckets/${bid}`, auth })).status).toBe(200);

    // Objects created by the account get `account:<id>` as writer.
    const mine = await okCall({ method: "POST", url: "/buckets", auth, body: {} });
    expect(mine.body.permissions).toEqual({ write: [`account:${id}`] });
  });

  test("an e-mail address is a valid account id", async () => {
    const id = `${uid("x")}+tag@example.com`;
    const created = await call({ method: "PUT", url: `/accounts/${encodeURIComponent(id)}`, body: { data: { password: "pw" } } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.id).toBe(id);
    expect((await whoami(basicAuth(id, "pw")))?.id).toBe(`account:${id}`);
  });

  test("password is required; bad ids are rejected", async () => {
    const missing = await call({ method: "PUT", url: `/accounts/${uid("carol")}`, body: { data: { name: "x" } } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errno: 107 });
    expect(missing.body.details).toEqual([expect.objectContaining({ location: "body", name: "data.password" })]);
    const badId = await call({ method: "PUT", url: "/accounts/-bad", body: { data: { name: "x" } } });
    expect(badId.status).toBe(400);
  });

  test("anonymous reads are refused: GET /accounts → 401 errno 999 `Cannot read accounts.`", async () => {
    const res = await call({ url: "/accounts" });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, errno: 999, error: "Cannot read accounts." });
    expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="Realm"');
    expect401(await call({ url: "/accounts/whoever" }));
  });

  test("the accounts capability", async () => {
    const hello = await okCall({ url: "/" });
    expect(hello.body.capabilities.accounts).toEqual({
      description: "Manage user accounts.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/accounts.html",
      validation_enabled: false,
    });
    const vars = { KINTO_INCLUDES: "kinto.plugins.default_bucket", KINTO_MULTIAUTH_POLICIES: "basicauth" };
    const without = await call({ url: "/", vars });
    expect(without.body.capabilities.accounts).toBeUndefined();
    const route = await call({ url: "/accounts", auth: basicAuth("x", "y"), vars });
    expect(route.status).toBe(404);
  });
});
