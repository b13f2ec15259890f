/** R14: ACL semantics per write method and the creator rule (contract §3.7). */
import { describe, expect, test } from "vitest";
import { EVERYONE, fill, ok, recordFixture, scenario, send, uid, userIdOf, type Scenario } from "./helpers";

const MERGE = { "Content-Type": "application/merge-patch+json" };

/**
 * The record `{url}` starts with ACL `{read: [r1], write: [w1, <alice>]}`.
 * `acl` is the expected stored ACL afterwards, `{alice}` standing for alice's user id.
 */
interface Row extends Scenario {
  acl: Record<string, string[]>;
}

const rows: Row[] = [
  { name: "PUT with a non-empty mapping: unnamed permissions cleared, creator re-added", method: "PUT", url: "{url}", body: { data: {}, permissions: { read: ["r2"] } }, status: 200, acl: { read: ["r2"], write: ["{alice}"] } },
  { name: "PUT naming write keeps only the given writers plus the creator", method: "PUT", url: "{url}", body: { permissions: { write: ["w2"] } }, status: 200, acl: { write: ["w2", "{alice}"] } },
  { name: "PUT without permissions keeps the ACL", method: "PUT", url: "{url}", body: { data: { x: 1 } }, status: 200, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "PUT with permissions {} keeps the ACL", method: "PUT", url: "{url}", body: { data: { x: 1 }, permissions: {} }, status: 200, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "PATCH json replaces only the named permissions", method: "PATCH", url: "{url}", body: { permissions: { read: ["r2", "r3"] } }, status: 200, acl: { read: ["r2", "r3"], write: ["w1", "{alice}"] } },
  { name: "PATCH json [] clears one permission", method: "PATCH", url: "{url}", body: { permissions: { read: [] } }, status: 200, acl: { write: ["w1", "{alice}"] } },
  { name: "PATCH json null is ignored", method: "PATCH", url: "{url}", body: { permissions: { read: null } }, status: 200, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "PATCH json data only keeps the ACL", method: "PATCH", url: "{url}", body: { data: { y: 1 } }, status: 200, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "merge-patch null removes the permission", method: "PATCH", url: "{url}", headers: MERGE, body: { permissions: { read: null } }, status: 200, acl: { write: ["w1", "{alice}"] } },
  { name: "merge-patch replaces named permissions and keeps the others", method: "PATCH", url: "{url}", headers: MERGE, body: { permissions: { read: ["r9"] } }, status: 200, acl: { read: ["r9"], write: ["w1", "{alice}"] } },
  { name: "merge-patch with an unknown permission → 400", method: "PATCH", url: "{url}", headers: MERGE, body: { permissions: { "record:create": ["x"] } }, status: 400, errno: 107, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "PATCH json with an unknown permission → 400", method: "PATCH", url: "{url}", body: { permissions: { destroy: ["x"] } }, status: 400, errno: 107, acl: { read: ["r1"], write: ["w1", "{alice}"] } },
  { name: "the creator cannot be removed from write by the same request", method: "PATCH", url: "{url}", body: { permissions: { write: [] } }, status: 200, acl: { read: ["r1"], write: ["{alice}"] } },
];

function sorted(acl: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(acl).map(([name, principals]) => [name, [...principals].sort()]));
}

describe("ACL semantics per method", () => {
  test.each(rows)("$name", async ({ acl, ...row }) => {
    const alice = await userIdOf("alice");
    const { record } = await recordFixture();
    await ok({ method: "PUT", url: record, body: { permissions: { read: ["r1"], write: ["w1"] } } });
    const res = await scenario(fill(row, { url: record }));
    const stored = await ok({ url: record });
    expect(sorted(stored.body.permissions)).toEqual(sorted(fill(acl, { alice })));
    if (res.status === 200) expect(sorted(res.body.permissions)).toEqual(sorted(stored.body.permissions));
  });
});

describe("creator rule", () => {
  test("creation: ACL := given permissions + the author in write", async () => {
    const { records } = await recordFixture();
    const alice = await userIdOf("alice");
    const res = await ok({ method: "POST", url: records, body: { permissions: { read: ["r1"], write: ["w1"] } } });
    expect(sorted(res.body.permissions)).toEqual(sorted({ read: ["r1"], write: ["w1", alice] }));
  });

  test("a modifier joins write too", async () => {
    const { record, bid } = await recordFixture();
    const bob = await userIdOf("bob");
    const alice = await userIdOf("alice");
    await ok({ method: "PATCH", url: `/buckets/${bid}`, body: { permissions: { write: [bob] } } });
    const res = await ok({ method: "PATCH", url: record, as: "bob", body: { data: { by: "bob" } } });
    expect(sorted(res.body.permissions)).toEqual(sorted({ write: [alice, bob] }));
  });

  test("anonymous creator: system.Everyone joins write", async () => {
    const bid = uid("anon");
    await ok({ method: "PUT", url: `/buckets/${bid}`, body: { permissions: { "collection:create": [EVERYONE] } } });
    const res = await ok({ method: "PUT", url: `/buckets/${bid}/collections/c`, as: "anonymous", body: {} });
    expect(res.body.permissions).toEqual({ write: [EVERYONE] });
  });

  test("deleting an object deletes its ACL; recreating starts from scratch", async () => {
    const { record } = await recordFixture();
    const alice = await userIdOf("alice");
    await ok({ method: "PATCH", url: record, body: { permissions: { read: [EVERYONE] } } });
    expect((await send({ url: record, as: "anonymous" })).status).toBe(200);
    await ok({ method: "DELETE", url: record });
    const recreated = await ok({ method: "PUT", url: record, body: { data: {} } });
    expect(recreated.body.permissions).toEqual({ write: [alice] });
    expect((await send({ url: record, as: "anonymous" })).status).toBe(401);
  });

  test("principals are stored once each", async () => {
    const { records } = await recordFixture();
    const res = await ok({ method: "POST", url: records, body: { permissions: { read: ["p", "p", "q"] } } });
    expect([...res.body.permissions.read].sort()).toEqual(["p", "q"]);
  });
});
