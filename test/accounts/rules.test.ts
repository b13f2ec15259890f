/**
 * A03: who may do what on `/accounts` (contract §7.3 table): anonymous callers, an account
 * user on herself and on others, a basicauth user, and an administrator named by
 * `account_write_principals` (worker and Writer settings, see withWriterSettings).
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { basicAuth, call, expect401, expect403, expectError, idsOf, newUser, okCall, withWriterSettings } from "../permissions/helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Account {
  id: string;
  auth: string;
}

let alice: Account;
let bob: Account;
let admin: Account;

async function signUp(prefix: string): Promise<Account> {
  const id = uid(prefix);
  const res = await call({ method: "PUT", url: `/accounts/${id}`, body: { data: { password: `${prefix}-pw` } } });
  expect(res.status, res.text).toBe(201);
  return { id, auth: basicAuth(id, `${prefix}-pw`) };
}

beforeAll(async () => {
  alice = await signUp("alice");
  bob = await signUp("bob");
  admin = await signUp("admin");
});

describe("anonymous", () => {
  test("GET, list, modify, delete → 401; POST of an existing id → 401", async () => {
    expect401(await call({ url: `/accounts/${alice.id}` }));
    const list = await call({ url: "/accounts" });
    expect(list.status).toBe(401);
    expect(list.body).toEqual({ code: 401, errno: 999, error: "Cannot read accounts." });
    expect((await call({ method: "HEAD", url: "/accounts" })).status).toBe(401);
    expect401(await call({ method: "PATCH", url: `/accounts/${alice.id}`, body: { data: { x: 1 } } }));
    expect401(await call({ method: "DELETE", url: `/accounts/${alice.id}` }));
    expect401(await call({ method: "POST", url: "/accounts", body: { data: { id: alice.id } } }));
  });

  test("POST without data.id → 400", async () => {
    const res = await call({ method: "POST", url: "/accounts", body: { data: { password: "pw" } } });
    expectError(res, 400, 107);
  });
});

describe("an account user", () => {
  test("reads, lists and edits only herself", async () => {
    const own = await okCall({ url: `/accounts/${alice.id}`, auth: alice.auth });
    expect(own.body.data.id).toBe(alice.id);
    expect(idsOf(await okCall({ url: "/accounts", auth: alice.auth }))).toEqual([alice.id]);
    const head = await okCall({ method: "HEAD", url: "/accounts", auth: alice.auth });
    expect(head.headers.get("Total-Records")).toBe("1");
    expect((await call({ method: "PATCH", url: `/accounts/${alice.id}`, auth: alice.auth, body: { data: { city: "Paris" } } })).status).toBe(200);
  });

  test("another id: GET, PATCH, DELETE → 403, also for an unknown id", async () => {
    expect403(await call({ url: `/accounts/${bob.id}`, auth: alice.auth }));
    expect403(await call({ method: "PATCH", url: `/accounts/${bob.id}`, auth: alice.auth, body: { data: { x: 1 } } }));
    expect403(await call({ method: "DELETE", url: `/accounts/${bob.id}`, auth: alice.auth }));
    expect403(await call({ method: "PATCH", url: `/accounts/${uid("nobody")}`, auth: alice.auth, body: { data: { x: 1 } } }));
    expect403(await call({ method: "DELETE", url: `/accounts/${uid("nobody")}`, auth: alice.auth }));
  });

  test("creating another id by PUT or POST → 400 `Username and account ID do not match.`", async () => {
    for (const request of [
      { method: "PUT", url: `/accounts/${uid("carol")}`, body: { data: { password: "pw" } } },
      { method: "POST", url: "/accounts", body: { data: { id: uid("carol"), password: "pw" } } },
    ]) {
      const res = await call({ ...request, auth: alice.auth });
      expectError(res, 400, 107, request.method);
      expect(res.body.details).toEqual([expect.objectContaining({ location: "body", name: "data.id", description: "Username and account ID do not match." })]);
    }
  });

  test("POST of her own existing id → 200, unchanged", async () => {
    const res = await call({ method: "POST", url: "/accounts", auth: alice.auth, body: { data: { id: alice.id } } });
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(alice.id);
    expect(res.body.data.password).toMatch(/^\$2b\$12\$/);
  });

  test("a basicauth user (no account) lists nothing and reads no account", async () => {
    const user = await newUser("plain");
    expect((await okCall({ url: "/accounts", auth: user.auth })).body).toEqual({ data: [] });
    expect403(await call({ url: `/accounts/${alice.id}`, auth: user.auth }));
  });
});

describe("an administrator (account_write_principals)", () => {
  test("sees and edits every account; accounts it creates own themselves; POST needs data.id", async () => {
    const vars = { KINTO_ACCOUNT_WRITE_PRINCIPALS: `account:${admin.id}` };
    await withWriterSettings(vars, ["/"], async () => {
      const listed = idsOf(await okCall({ url: "/accounts", auth: admin.auth, vars }));
      for (const id of [alice.id, bob.id, admin.id]) expect(listed).toContain(id);
      // Others still see only themselves.
      expect(idsOf(await okCall({ url: "/accounts", auth: alice.auth, vars }))).toEqual([alice.id]);

      // An administrator sees an account's ACL as the account itself, as in Kinto.
      const read = await okCall({ url: `/accounts/${alice.id}`, auth: admin.auth, vars });
      expect(read.body.permissions).toEqual({ write: [`account:${alice.id}`] });
      const patched = await call({ method: "PATCH", url: `/accounts/${alice.id}`, auth: admin.auth, vars, body: { data: { role: "staff" } } });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body.permissions).toEqual({ write: [`account:${alice.id}`] });

      const daveId = uid("dave");
      const created = await call({ method: "PUT", url: `/accounts/${daveId}`, auth: admin.auth, vars, body: { data: { password: "dave-pw" } } });
      expect(created.status, created.text).toBe(201);
      expect(created.body.permissions).toEqual({ write: [`account:${daveId}`] });
      const dave = basicAuth(daveId, "dave-pw");
      const asDave = await okCall({ url: `/accounts/${daveId}`, auth: dave, vars });
      expect(asDave.body.permissions).toEqual({ write: [`account:${daveId}`] });

      const noId = await call({ method: "POST", url: "/accounts", auth: admin.auth, vars, body: { data: { password: "pw" } } });
      expectError(noId, 400, 107);
      expect(noId.body.message).toBe("data.id in body: Required");

      const removed = await call({ method: "DELETE", url: `/accounts/${bob.id}`, auth: admin.auth, vars });
      expect(removed.status, removed.text).toBe(200);
      expect((await okCall({ url: "/", auth: bob.auth, vars })).body.user.id).not.toBe(`account:${bob.id}`);
    });
  });
});
