/**
 * P07: `GET /permissions` (contract §6.6): one entry per object whose own ACL names one of the
 * caller's principals, expanded within the object only; the root entry; settings grants;
 * and the plural-endpoint machinery (filters, sort, pagination, HEAD, strict fields).
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { type Res, uid } from "../resources/helpers";
import { type User, call, expect401, expect403, expectError, newUser, okCall } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Entry {
  uri: string;
  resource_name: string;
  permissions: string[];
  id?: string;
  bucket_id?: string;
  collection_id?: string;
  group_id?: string;
  record_id?: string;
}

function normalised(entries: Entry[]): Entry[] {
  return entries.map((entry) => ({ ...entry, permissions: [...entry.permissions].sort() })).sort((a, b) => (a.uri < b.uri ? -1 : 1));
}

async function entriesOf(auth: string | null, query = "", vars?: Record<string, string>): Promise<Entry[]> {
  const res = await call({ url: `/permissions${query}`, auth, ...(vars ? { vars } : {}) });
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return res.body.data;
}

/** The entries below the fixture's buckets (other tests of this file share the storage). */
function inFixture(entries: Entry[], buckets: string[]): Entry[] {
  return entries.filter((entry) => entry.bucket_id !== undefined && buckets.includes(entry.bucket_id));
}

const bucketEntry = (bid: string, permissions: string[]): Entry => ({
  uri: `/buckets/${bid}`,
  resource_name: "bucket",
  id: bid,
  bucket_id: bid,
  permissions,
});
const collectionEntry = (bid: string, cid: string, permissions: string[]): Entry => ({
  uri: `/buckets/${bid}/collections/${cid}`,
  resource_name: "collection",
  id: cid,
  bucket_id: bid,
  collection_id: cid,
  permissions,
});
const groupEntry = (bid: string, gid: string, permissions: string[]): Entry => ({
  uri: `/buckets/${bid}/groups/${gid}`,
  resource_name: "group",
  id: gid,
  bucket_id: bid,
  group_id: gid,
  permissions,
});
const recordEntry = (bid: string, cid: string, rid: string, permissions: string[]): Entry => ({
  uri: `/buckets/${bid}/collections/${cid}/records/${rid}`,
  resource_name: "record",
  id: rid,
  bucket_id: bid,
  collection_id: cid,
  record_id: rid,
  permissions,
});

const ALL_BUCKET = ["collection:create", "group:create", "read", "read:attributes", "write"];
const ALL_COLLECTION = ["read", "read:attributes", "record:create", "write"];

interface Fixture {
  owner: User;
  user: User;
  stranger: User;
  b: Record<"w" | "r" | "cc" | "gc" | "x" | "auth" | "everyone", string>;
  buckets: string[];
  expected: Entry[];
}

let f: Fixture;

beforeAll(async () => {
  const owner = await newUser("owner");
  const user = await newUser("user");
  const stranger = await newUser("stranger");
  const b = {
    w: uid("bw"),
    r: uid("br"),
    cc: uid("bcc"),
    gc: uid("bgc"),
    x: uid("bx"),
    auth: uid("bauth"),
    everyone: uid("bevery"),
  };
  const put = (url: string, body: unknown = {}) => okCall({ method: "PUT", url, auth: owner.auth, body });
  const u = [user.id];
  await put(`/buckets/${b.w}`, { permissions: { write: u } });
  await put(`/buckets/${b.r}`, { permissions: { read: u } });
  await put(`/buckets/${b.cc}`, { permissions: { "collection:create": u } });
  await put(`/buckets/${b.gc}`, { permissions: { "group:create": u } });
  await put(`/buckets/${b.x}`);
  await put(`/buckets/${b.auth}`, { permissions: { read: ["system.Authenticated"] } });
  await put(`/buckets/${b.everyone}`, { permissions: { read: ["system.Everyone"] } });
  // Objects readable only through a parent are not listed.
  await put(`/buckets/${b.w}/collections/child`);
  await put(`/buckets/${b.x}/collections/cr`, { permissions: { read: u } });
  await put(`/buckets/${b.x}/collections/cw`, { permissions: { write: u } });
  await put(`/buckets/${b.x}/collections/cw/records/inherited`);
  await put(`/buckets/${b.x}/collections/crc`, { permissions: { "record:create": u } });
  await put(`/buckets/${b.x}/collections/cn`);
  await put(`/buckets/${b.x}/collections/cn/records/rr`, { permissions: { read: u } });
  await put(`/buckets/${b.x}/collections/cn/records/rw`, { permissions: { write: u } });
  await put(`/buckets/${b.x}/collections/cn/records/hidden`);
  await put(`/buckets/${b.x}/groups/gr`, { data: { members: [] }, permissions: { read: u } });
  await put(`/buckets/${b.x}/groups/gw`, { data: { members: [] }, permissions: { write: u } });
  const expected = [
    bucketEntry(b.w, ALL_BUCKET),
    bucketEntry(b.r, ["read", "read:attributes"]),
    bucketEntry(b.cc, ["collection:create", "read:attributes"]),
    bucketEntry(b.gc, ["group:create", "read:attributes"]),
    bucketEntry(b.auth, ["read", "read:attributes"]),
    bucketEntry(b.everyone, ["read", "read:attributes"]),
    collectionEntry(b.x, "cr", ["read", "read:attributes"]),
    collectionEntry(b.x, "cw", ALL_COLLECTION),
    collectionEntry(b.x, "crc", ["read:attributes", "record:create"]),
    recordEntry(b.x, "cn", "rr", ["read"]),
    recordEntry(b.x, "cn", "rw", ["read", "write"]),
    groupEntry(b.x, "gr", ["read"]),
    groupEntry(b.x, "gw", ["read", "write"]),
  ];
  f = { owner, user, stranger, b, buckets: Object.values(b), expected };
});

describe("entries and expansion", () => {
  test("one entry per object in the caller's own ACLs, expanded within the object only", async () => {
    const entries = inFixture(await entriesOf(f.user.auth), f.buckets);
    expect(normalised(entries)).toEqual(normalised(f.expected));
  });

  test("the root entry carries bucket:create and account:create from settings", async () => {
    const entries = await entriesOf(f.user.auth);
    const roots = entries.filter((entry) => entry.resource_name === "root");
    expect(normalised(roots)).toEqual([{ uri: "/", resource_name: "root", permissions: ["account:create", "bucket:create"] }]);
    const anonymousRoot = (await entriesOf(null)).filter((entry) => entry.uri === "/");
    // Kinto's default bucket_create_principals is system.Authenticated: not the anonymous.
    expect(normalised(anonymousRoot)).toEqual([{ uri: "/", resource_name: "root", permissions: ["account:create"] }]);
  });

  test("a stranger sees only what is shared with everyone or every authenticated user", async () => {
    const entries = inFixture(await entriesOf(f.stranger.auth), f.buckets);
    expect(normalised(entries)).toEqual(normalised([bucketEntry(f.b.auth, ["read", "read:attributes"]), bucketEntry(f.b.everyone, ["read", "read:attributes"])]));
  });

  test("anonymous: only system.Everyone grants, and the root entry", async () => {
    const entries = await entriesOf(null);
    expect(normalised(inFixture(entries, f.buckets))).toEqual([bucketEntry(f.b.everyone, ["read", "read:attributes"])]);
    expect(entries.some((entry) => entry.uri.includes(f.b.w))).toBe(false);
  });

  test("group principals count; membership changes show on the next request", async () => {
    const member = await newUser("member");
    const bid = uid("bg");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: f.owner.auth });
    const group = `/buckets/${bid}/groups/readers`;
    await okCall({ method: "PUT", url: group, auth: f.owner.auth, body: { data: { members: [member.id] } } });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: f.owner.auth, body: { permissions: { write: [group] } } });
    expect(normalised(inFixture(await entriesOf(member.auth), [bid]))).toEqual([collectionEntry(bid, "c", ALL_COLLECTION)]);
    await okCall({ method: "PATCH", url: group, auth: f.owner.auth, body: { data: { members: [] } } });
    expect(inFixture(await entriesOf(member.auth), [bid])).toEqual([]);
  });

  test("ACL changes and deletions are reflected", async () => {
    const user = await newUser("user");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: f.owner.auth, body: { permissions: { read: [user.id] } } });
    await okCall({ method: "PUT", url: `/buckets/${bid}/groups/g`, auth: f.owner.auth, body: { data: { members: [] }, permissions: { write: [user.id] } } });
    expect(inFixture(await entriesOf(user.auth), [bid])).toHaveLength(2);
    await okCall({ method: "PATCH", url: `/buckets/${bid}`, auth: f.owner.auth, body: { permissions: { read: [] } } });
    expect(normalised(inFixture(await entriesOf(user.auth), [bid]))).toEqual([groupEntry(bid, "g", ["read", "write"])]);
    await okCall({ method: "DELETE", url: `/buckets/${bid}/groups/g`, auth: f.owner.auth });
    expect(inFixture(await entriesOf(user.auth), [bid])).toEqual([]);
  });

  test("what a user creates is listed with write (creator rule)", async () => {
    const user = await newUser("user");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: user.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: user.auth });
    expect(normalised(inFixture(await entriesOf(user.auth), [bid]))).toEqual(
      normalised([bucketEntry(bid, ALL_BUCKET), collectionEntry(bid, "c", ALL_COLLECTION)]),
    );
  });
});

describe("plural endpoint machinery", () => {
  test("in_resource_name filter", async () => {
    const entries = await entriesOf(f.user.auth, "?in_resource_name=bucket,collection");
    expect(new Set(entries.map((entry) => entry.resource_name))).toEqual(new Set(["bucket", "collection"]));
    expect(normalised(inFixture(entries, f.buckets))).toEqual(
      normalised(f.expected.filter((entry) => entry.resource_name === "bucket" || entry.resource_name === "collection")),
    );
  });

  test("equality filters on the id fields", async () => {
    const records = await entriesOf(f.user.auth, `?resource_name=record&bucket_id=${f.b.x}`);
    expect(records.map((entry) => entry.id).sort()).toEqual(["rr", "rw"]);
    const one = await entriesOf(f.user.auth, `?bucket_id=${f.b.w}`);
    expect(normalised(one)).toEqual([bucketEntry(f.b.w, ALL_BUCKET)]);
    const excluded = await entriesOf(f.user.auth, "?exclude_resource_name=root");
    expect(excluded.some((entry) => entry.resource_name === "root")).toBe(false);
  });

  test("default sort is -uri; _sort=uri ascending", async () => {
    const descending = (await entriesOf(f.user.auth)).map((entry) => entry.uri);
    expect(descending).toEqual([...descending].sort().reverse());
    const ascending = (await entriesOf(f.user.auth, "?_sort=uri")).map((entry) => entry.uri);
    expect(ascending).toEqual([...descending].reverse());
  });

  async function walk(first: string, auth: string): Promise<{ entries: Entry[]; pages: Res[] }> {
    const entries: Entry[] = [];
    const pages: Res[] = [];
    let next: string | null = first;
    while (next !== null && pages.length < 50) {
      const page: Res = await call({ url: next, auth });
      expect(page.status, page.text).toBe(200);
      pages.push(page);
      entries.push(...page.body.data);
      next = page.headers.get("Next-Page");
    }
    return { entries, pages };
  }

  test("_limit pages follow Next-Page (absolute URL) and add up to the whole list", async () => {
    const whole = await entriesOf(f.user.auth);
    const { entries, pages } = await walk("/permissions?_limit=2", f.user.auth);
    expect(entries).toEqual(whole);
    expect(pages.length).toBe(Math.ceil(whole.length / 2));
    const nextPage = pages[0]?.headers.get("Next-Page") ?? "";
    expect(nextPage).toMatch(/^http:\/\/localhost\/v1\/permissions\?/);
    expect(new URL(nextPage).searchParams.get("_limit")).toBe("2");
    expect(pages.at(-1)?.headers.get("Next-Page")).toBeNull();
  });

  test("_sort=id pages: the root entry (no id) appears exactly once", async () => {
    const whole = await entriesOf(f.user.auth, "?_sort=id");
    const { entries } = await walk("/permissions?_sort=id&_limit=3", f.user.auth);
    expect(entries.map((entry) => entry.uri)).toEqual(whole.map((entry) => entry.uri));
    expect(entries.filter((entry) => entry.uri === "/")).toHaveLength(1);
    expect(new Set(entries.map((entry) => entry.uri)).size).toBe(entries.length);
  });

  test("HEAD: Total-Records and Total-Objects count the (filtered) entries", async () => {
    for (const query of ["", "?in_resource_name=bucket", `?bucket_id=${f.b.x}`]) {
      const entries = await entriesOf(f.user.auth, query);
      const head = await okCall({ method: "HEAD", url: `/permissions${query}`, auth: f.user.auth });
      expect(head.text).toBe("");
      expect(head.headers.get("Total-Records")).toBe(String(entries.length));
      expect(head.headers.get("Total-Objects")).toBe(String(entries.length));
    }
  });

  test("_fields keeps the named fields (and id)", async () => {
    const entries = await entriesOf(f.user.auth, "?_fields=uri");
    for (const entry of entries) {
      expect(Object.keys(entry).every((key) => key === "uri" || key === "id")).toBe(true);
    }
  });

  test.each([
    { query: "?foo=1", name: "foo" },
    { query: "?in_foo=1,2", name: "in_foo" },
    { query: "?_sort=foo", name: null },
    { query: "?_fields=foo", name: null },
  ])("unknown field $query → 400 errno 107", async ({ query, name }) => {
    const res = await call({ url: `/permissions${query}`, auth: f.user.auth });
    expectError(res, 400, 107, query);
    if (name !== null) expect(res.body.message).toBe(`Unknown filter field '${name}'`);
    if (name === "foo") {
      expect(res.body.details).toEqual([{ location: "querystring", name, description: `Unknown filter field '${name}'` }]);
    }
  });

  test("ETag is \"0\"; filters on last_modified are ignored; If-None-Match does not break it", async () => {
    const plain = await call({ url: "/permissions", auth: f.user.auth });
    expect(plain.headers.get("ETag")).toBe('"0"');
    const since = await entriesOf(f.user.auth, "?_since=123&lt_last_modified=5");
    expect(since).toEqual(plain.body.data);
    const conditional = await call({ url: "/permissions", auth: f.user.auth, headers: { "If-None-Match": '"0"' } });
    expect([200, 304]).toContain(conditional.status);
  });
});

describe("settings", () => {
  test("bucket/collection/group read or write settings add every such object; records never", async () => {
    const reader = await newUser("reader");
    const vars = {
      KINTO_BUCKET_READ_PRINCIPALS: reader.id,
      KINTO_COLLECTION_WRITE_PRINCIPALS: reader.id,
      KINTO_GROUP_READ_PRINCIPALS: reader.id,
      KINTO_RECORD_READ_PRINCIPALS: reader.id,
    };
    const entries = normalised(inFixture(await entriesOf(reader.auth, "", vars), [f.b.x, f.b.w]));
    expect(entries).toEqual(
      normalised([
        bucketEntry(f.b.x, ["read", "read:attributes"]),
        bucketEntry(f.b.w, ["read", "read:attributes"]),
        collectionEntry(f.b.w, "child", ALL_COLLECTION),
        ...["cr", "cw", "crc", "cn"].map((cid) => collectionEntry(f.b.x, cid, ALL_COLLECTION)),
        groupEntry(f.b.x, "gr", ["read"]),
        groupEntry(f.b.x, "gw", ["read"]),
      ]),
    );
    // Settings grants merge with the caller's own ACL grants on the same object.
    const own = normalised(inFixture(await entriesOf(f.user.auth, "", { KINTO_BUCKET_READ_PRINCIPALS: f.user.id }), [f.b.gc]));
    expect(own).toEqual([bucketEntry(f.b.gc, ["group:create", "read", "read:attributes"])]);
  });

  test("the root entry follows bucket_create_principals and account_create_principals", async () => {
    const user = await newUser("user");
    const vars = { KINTO_BUCKET_CREATE_PRINCIPALS: user.id, KINTO_ACCOUNT_CREATE_PRINCIPALS: "account:nobody" };
    const mine = (await entriesOf(user.auth, "", vars)).filter((entry) => entry.uri === "/");
    expect(mine).toEqual([{ uri: "/", resource_name: "root", permissions: ["bucket:create"] }]);
    const anonymous = (await entriesOf(null, "", vars)).filter((entry) => entry.uri === "/");
    expect(anonymous).toEqual([]);
  });

  test("permissions_read_principals: anonymous → 401, others → 403", async () => {
    const vars = { KINTO_PERMISSIONS_READ_PRINCIPALS: f.user.id };
    expect401(await call({ url: "/permissions", vars }));
    expect403(await call({ url: "/permissions", auth: f.stranger.auth, vars }));
    expect((await call({ url: "/permissions", auth: f.user.auth, vars })).status).toBe(200);
    const authenticated = { KINTO_PERMISSIONS_READ_PRINCIPALS: "system.Authenticated" };
    expect401(await call({ url: "/permissions", vars: authenticated }));
    expect((await call({ url: "/permissions", auth: f.stranger.auth, vars: authenticated })).status).toBe(200);
  });

  test("the endpoint and its capability exist only with experimental_permissions_endpoint", async () => {
    const off = { KINTO_EXPERIMENTAL_PERMISSIONS_ENDPOINT: "false" };
    expectError(await call({ url: "/permissions", auth: f.user.auth, vars: off }), 404, 111);
    expect((await call({ url: "/", vars: off })).body.capabilities.permissions_endpoint).toBeUndefined();
    expect((await call({ url: "/" })).body.capabilities.permissions_endpoint).toEqual({
      description: "The permissions endpoint can be used to list all user objects permissions.",
      url: "https://kinto.readthedocs.io/en/latest/configuration/settings.html#activating-the-permissions-endpoint",
    });
  });
});
