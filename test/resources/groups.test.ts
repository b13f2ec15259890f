/** R05: groups — `members` validation and the group principal kept up to date (contract §3.5). */
import { describe, expect, test } from "vitest";
import { AUTHENTICATED, EVERYONE, createBucket, fill, ok, scenario, send, userIdOf, type Scenario } from "./helpers";

const cases: Scenario[] = [
  { name: "members default to []", method: "PUT", url: "{url}", body: {}, status: 201, expectBody: { data: { members: [] } } },
  { name: "POST without data: members []", method: "POST", url: "{list}", status: 201, expectBody: { data: { members: [] } } },
  { name: "plain principals are accepted", method: "PUT", url: "{url}", body: { data: { members: ["basicauth:abc", "account:bob"] } }, status: 201, expectBody: { data: { members: ["basicauth:abc", "account:bob"] } } },
  { name: "system.Authenticated is accepted", method: "PUT", url: "{url}", body: { data: { members: [AUTHENTICATED] } }, status: 201 },
  { name: "system.Everyone → 400", method: "PUT", url: "{url}", body: { data: { members: [EVERYONE] } }, status: 400, errno: 107, expectBody: { message: expect.stringContaining("'system.Everyone' is not a valid user ID.") } },
  { name: "a group URI → 400 (no nested groups)", method: "PUT", url: "{url}", body: { data: { members: ["/buckets/x/groups/y"] } }, status: 400, errno: 107, expectBody: { message: expect.stringContaining("'/buckets/x/groups/y' is not a valid user ID.") } },
  { name: "members not a list → 400", method: "PUT", url: "{url}", body: { data: { members: "basicauth:abc" } }, status: 400, errno: 107 },
  { name: "a non-string member → 400", method: "POST", url: "{list}", body: { data: { members: [42] } }, status: 400, errno: 107 },
  { name: "PATCH adding system.Everyone → 400", method: "PATCH", url: "{existing}", body: { data: { members: ["a", EVERYONE] } }, status: 400, errno: 107 },
];

describe("group members validation", () => {
  test.each(cases)("$name", async (s) => {
    const bid = await createBucket();
    const list = `/buckets/${bid}/groups`;
    await ok({ method: "PUT", url: `${list}/existing`, body: { data: { members: ["m1"] } } });
    const res = await scenario(fill(s, { list, url: `${list}/g1`, existing: `${list}/existing` }));
    if (res.status >= 400) {
      expect((await ok({ url: `${list}/existing` })).body.data.members).toEqual(["m1"]);
    }
  });
});

describe("group principal", () => {
  test("members gain the group principal; removing them or deleting the group revokes it", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket();
    const group = `/buckets/${bid}/groups/readers`;
    const principal = `/buckets/${bid}/groups/readers`;
    await ok({ method: "PATCH", url: `/buckets/${bid}`, body: { permissions: { read: [principal] } } });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(403);

    await ok({ method: "PUT", url: group, body: { data: { members: [bob] } } });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(200);
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).toContain(principal);

    await ok({ method: "PATCH", url: group, body: { data: { members: [] } } });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(403);
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).not.toContain(principal);

    await ok({ method: "PATCH", url: group, body: { data: { members: [bob] } } });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(200);
    await ok({ method: "DELETE", url: group });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(403);
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).not.toContain(principal);
  });

  test("system.Authenticated as a member gives every authenticated user the principal, not anonymous", async () => {
    const bid = await createBucket();
    const principal = `/buckets/${bid}/groups/all`;
    await ok({ method: "PUT", url: principal, body: { data: { members: [AUTHENTICATED] } } });
    await ok({ method: "PATCH", url: `/buckets/${bid}`, body: { permissions: { read: [principal] } } });
    expect((await send({ url: `/buckets/${bid}`, as: "bob" })).status).toBe(200);
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).toContain(principal);
    expect((await send({ url: `/buckets/${bid}`, as: "anonymous" })).status).toBe(401);
  });

  test("a plural DELETE of groups revokes their principals", async () => {
    const bob = await userIdOf("bob");
    const bid = await createBucket();
    const principal = `/buckets/${bid}/groups/team`;
    await ok({ method: "PUT", url: principal, body: { data: { members: [bob] } } });
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).toContain(principal);
    const res = await ok({ method: "DELETE", url: `/buckets/${bid}/groups` });
    expect(res.body.data).toEqual([{ id: "team", last_modified: expect.any(Number), deleted: true }]);
    expect((await ok({ url: "/", as: "bob" })).body.user.principals).not.toContain(principal);
  });
});
