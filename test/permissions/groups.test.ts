/**
 * P01: group principals (contract §3.5, §6.1). A membership change takes effect on the next
 * request: adding a member grants what the group holds, removing the member or deleting the
 * group revokes it. `system.Authenticated` as a member gives the group to every authenticated
 * caller.
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { type User, batch, call, expect401, expect403, newUser, okCall } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Shared {
  owner: User;
  /** The group URI (a principal). */
  group: string;
  /** The group's URL below /v1 (same as its URI). */
  groupUrl: string;
  collection: string;
  record: string;
}

/**
 * The owner's bucket with a collection and a record, and a group (in another bucket by
 * default) granted `permission` on the collection.
 */
async function sharedWithGroup(permission = "read", members: string[] = [], sameBucket = false): Promise<Shared> {
  const owner = await newUser("owner");
  const bid = uid("b");
  const home = sameBucket ? bid : uid("home");
  const gid = uid("g");
  await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
  if (!sameBucket) await okCall({ method: "PUT", url: `/buckets/${home}`, auth: owner.auth });
  const group = `/buckets/${home}/groups/${gid}`;
  await okCall({ method: "PUT", url: group, auth: owner.auth, body: { data: { members } } });
  const collection = `/buckets/${bid}/collections/${uid("c")}`;
  await okCall({ method: "PUT", url: collection, auth: owner.auth, body: { permissions: { [permission]: [group] } } });
  const record = `${collection}/records/${uid("r")}`;
  await okCall({ method: "PUT", url: record, auth: owner.auth, body: { data: { title: "shared" } } });
  return { owner, group, groupUrl: group, collection, record };
}

async function principalsOf(user: User): Promise<string[]> {
  return (await okCall({ url: "/", auth: user.auth })).body.user.principals;
}

describe("membership changes take effect on the next request", () => {
  test("add member → can read; remove → 403; re-add then delete the group → 403", async () => {
    const s = await sharedWithGroup("read");
    const user = await newUser("member");
    expect403(await call({ url: s.record, auth: user.auth }));

    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [user.id] } } });
    expect((await okCall({ url: s.record, auth: user.auth })).body.data.title).toBe("shared");
    expect((await call({ url: s.collection, auth: user.auth })).status).toBe(200);
    expect(await principalsOf(user)).toContain(s.group);

    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [] } } });
    expect403(await call({ url: s.record, auth: user.auth }));
    expect(await principalsOf(user)).not.toContain(s.group);

    await okCall({ method: "PUT", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [user.id] } } });
    expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
    await okCall({ method: "DELETE", url: s.groupUrl, auth: s.owner.auth });
    expect403(await call({ url: s.record, auth: user.auth }));
    expect(await principalsOf(user)).not.toContain(s.group);

    // Recreating the group starts from its new members only.
    await okCall({ method: "PUT", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [] } } });
    expect403(await call({ url: s.record, auth: user.auth }));
  });

  test("JSON-Patch and merge-patch edits of members apply at once too", async () => {
    const s = await sharedWithGroup("read");
    const user = await newUser("member");
    const add = await call({
      method: "PATCH",
      url: s.groupUrl,
      auth: s.owner.auth,
      headers: { "Content-Type": "application/json-patch+json" },
      body: [{ op: "add", path: "/data/members/-", value: user.id }],
    });
    expect(add.status, add.text).toBe(200);
    expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
    const remove = await call({
      method: "PATCH",
      url: s.groupUrl,
      auth: s.owner.auth,
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { data: { members: [] } },
    });
    expect(remove.status, remove.text).toBe(200);
    expect403(await call({ url: s.record, auth: user.auth }));
  });

  test("a group holding write: members create and edit records; once removed, 403", async () => {
    const s = await sharedWithGroup("write");
    const user = await newUser("member");
    expect403(await call({ method: "POST", url: `${s.collection}/records`, auth: user.auth, body: { data: { a: 1 } } }));
    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [user.id] } } });
    const created = await call({ method: "POST", url: `${s.collection}/records`, auth: user.auth, body: { data: { a: 1 } } });
    expect(created.status).toBe(201);
    expect((await call({ method: "PATCH", url: s.record, auth: user.auth, body: { data: { a: 2 } } })).status).toBe(200);
    const untouched = `${s.collection}/records/${uid("r")}`;
    await okCall({ method: "PUT", url: untouched, auth: s.owner.auth, body: { data: { a: 0 } } });
    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [] } } });
    expect403(await call({ method: "PATCH", url: untouched, auth: user.auth, body: { data: { a: 3 } } }));
    expect403(await call({ method: "POST", url: `${s.collection}/records`, auth: user.auth, body: { data: { a: 1 } } }));
    // What the member created or modified keeps them as a writer (creator rule, §3.7), whatever the group.
    const own = `${s.collection}/records/${created.body.data.id}`;
    expect((await call({ method: "PATCH", url: own, auth: user.auth, body: { data: { a: 4 } } })).status).toBe(200);
    expect((await call({ method: "PATCH", url: s.record, auth: user.auth, body: { data: { a: 5 } } })).status).toBe(200);
  });

  test("a group of the same bucket granted on the bucket itself", async () => {
    const owner = await newUser("owner");
    const user = await newUser("member");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    const group = `/buckets/${bid}/groups/readers`;
    await okCall({ method: "PUT", url: group, auth: owner.auth, body: { data: { members: [user.id] } } });
    await okCall({ method: "PATCH", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { read: [group] } } });
    expect((await call({ url: `/buckets/${bid}`, auth: user.auth })).status).toBe(200);
    expect((await call({ url: `/buckets/${bid}/groups`, auth: user.auth })).status).toBe(200);
    await okCall({ method: "DELETE", url: group, auth: owner.auth });
    expect403(await call({ url: `/buckets/${bid}`, auth: user.auth }));
  });

  test("after a batch that adds a member, the next request has the group", async () => {
    const s = await sharedWithGroup("read");
    const user = await newUser("member");
    const res = await batch(s.owner.auth, [{ method: "PATCH", path: s.groupUrl, body: { data: { members: [user.id] } } }]);
    expect(res.body.responses[0].status).toBe(200);
    expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
  });

  // Kinto computes principals once per HTTP request, so there a membership change inside a batch
  // waits for the next request (§3.5). kinto-edge reads group principals with the ACL rows of
  // each decision, in the same transaction: the change applies from the next sub-request on.
  test("inside one batch, a membership change applies from the next sub-request (decision-time principals)", async () => {
    const s = await sharedWithGroup("read");
    const user = await newUser("member");
    // The batch is sent by the user; one sub-request carries the owner's credentials.
    const res = await batch(user.auth, [
      { method: "GET", path: s.record },
      { method: "PATCH", path: s.groupUrl, headers: { Authorization: s.owner.auth }, body: { data: { members: [user.id] } } },
      { method: "GET", path: s.record },
    ]);
    expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual([403, 200, 200]);
    expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
  });
});

describe("system.Authenticated as a member", () => {
  test("every authenticated caller gets the group; anonymous does not", async () => {
    const s = await sharedWithGroup("read", ["system.Authenticated"]);
    const first = await newUser("anyone");
    const second = await newUser("anyone");
    for (const user of [first, second]) {
      expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
      expect(await principalsOf(user)).toContain(s.group);
    }
    expect401(await call({ url: s.record }));
    expect((await okCall({ url: "/" })).body.user).toBeUndefined();
  });

  test("removing system.Authenticated revokes it from everyone but explicit members", async () => {
    const member = await newUser("member");
    const s = await sharedWithGroup("read", ["system.Authenticated", member.id]);
    const anyone = await newUser("anyone");
    expect((await call({ url: s.record, auth: anyone.auth })).status).toBe(200);
    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [member.id] } } });
    expect403(await call({ url: s.record, auth: anyone.auth }));
    expect((await call({ url: s.record, auth: member.auth })).status).toBe(200);
  });

  test("a group of system.Authenticated in an object's write list shows the ACL to everyone authenticated", async () => {
    const s = await sharedWithGroup("write", ["system.Authenticated"]);
    const anyone = await newUser("anyone");
    const res = await okCall({ url: s.collection, auth: anyone.auth });
    expect(res.body.permissions.write).toContain(s.group);
  });
});

describe("deleting the bucket of a group", () => {
  test("removes its memberships: recreating the bucket and group grants nothing (§3.3 SHOULD)", async () => {
    const s = await sharedWithGroup("read");
    const user = await newUser("member");
    await okCall({ method: "PATCH", url: s.groupUrl, auth: s.owner.auth, body: { data: { members: [user.id] } } });
    expect((await call({ url: s.record, auth: user.auth })).status).toBe(200);
    const home = s.group.split("/groups/")[0] ?? "";
    await okCall({ method: "DELETE", url: home, auth: s.owner.auth });
    expect(await principalsOf(user)).not.toContain(s.group);
    expect403(await call({ url: s.record, auth: user.auth }));
    // Someone else recreates the bucket and a group of the same id, without the user.
    const other = await newUser("other");
    await okCall({ method: "PUT", url: home, auth: other.auth });
    await okCall({ method: "PUT", url: s.groupUrl, auth: other.auth, body: { data: { members: [] } } });
    expect(await principalsOf(user)).not.toContain(s.group);
    expect403(await call({ url: s.record, auth: user.auth }));
  });
});
