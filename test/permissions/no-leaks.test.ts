/**
 * No endpoint shows user A's private data to user B (contract §6.4, §4.4, §6.6, §8): plain and
 * filtered lists, `_since` polling, HEAD counts, batch reads and writes, `/permissions`,
 * bucket lists, hello and the default bucket.
 *
 * Fixture: in a shared "drop box" collection (`record:create` for every authenticated user)
 * A and B each post records, which only their author may read (creator rule). A also owns a
 * private bucket with a group she is a member of, and a record in her default bucket.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { type Res, uid } from "../resources/helpers";
import { type User, batch, call, expect403, idsOf, newUser, okCall } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Fixture {
  a: User;
  b: User;
  /** The drop-box records URL. */
  records: string;
  /** A's records in the drop box, and B's. */
  aIds: string[];
  bId: string;
  /** A's private bucket, its collection and a record in it; A's group. */
  privateBucket: string;
  privateRecord: string;
  group: string;
  /** A's default bucket id and its record. */
  aDefaultBucket: string;
  since: string;
}

let f: Fixture;

function etagValue(res: Res): string {
  return (res.headers.get("ETag") ?? "").replaceAll('"', "");
}

beforeAll(async () => {
  const owner = await newUser("owner");
  const a = await newUser("alice");
  const b = await newUser("bob");
  const shared = uid("shared");
  await okCall({ method: "PUT", url: `/buckets/${shared}`, auth: owner.auth });
  await okCall({ method: "PUT", url: `/buckets/${shared}/collections/box`, auth: owner.auth, body: { permissions: { "record:create": ["system.Authenticated"] } } });
  const records = `/buckets/${shared}/collections/box/records`;
  const since = etagValue(await okCall({ url: records, auth: owner.auth }));
  const aIds: string[] = [];
  for (const title of ["a-secret-1", "a-secret-2", "a-secret-3"]) {
    const res = await okCall({ method: "POST", url: records, auth: a.auth, body: { data: { title } } });
    aIds.push(res.body.data.id);
  }
  const bRes = await okCall({ method: "POST", url: records, auth: b.auth, body: { data: { title: "b-own" } } });

  const privateBucket = uid("private");
  await okCall({ method: "PUT", url: `/buckets/${privateBucket}`, auth: a.auth });
  await okCall({ method: "PUT", url: `/buckets/${privateBucket}/collections/diary`, auth: a.auth });
  const privateRecord = `/buckets/${privateBucket}/collections/diary/records/day1`;
  await okCall({ method: "PUT", url: privateRecord, auth: a.auth, body: { data: { title: "a-secret-diary" } } });
  const group = `/buckets/${privateBucket}/groups/friends`;
  await okCall({ method: "PUT", url: group, auth: a.auth, body: { data: { members: [a.id] } } });
  await okCall({ method: "POST", url: "/buckets/default/collections/tasks/records", auth: a.auth, body: { data: { title: "a-secret-task" } } });
  const aDefaultBucket = (await okCall({ url: "/", auth: a.auth })).body.user.bucket;
  f = { a, b, records, aIds, bId: bRes.body.data.id, privateBucket, privateRecord, group, aDefaultBucket, since };
});

/** Neither A's titles nor A's ids appear in a response body (batch: in any sub-response body). */
function expectNoSecret(res: Res, context: string): void {
  const bodies = res.body?.responses ? JSON.stringify(res.body.responses.map((r: { body: unknown }) => r.body)) : res.text;
  expect(bodies, context).not.toMatch(/a-secret/);
  for (const id of f.aIds) expect(bodies, context).not.toContain(id);
}

describe("lists", () => {
  test("B sees only B's records, whatever the filters, sort, fields or pagination", async () => {
    expect(idsOf(await okCall({ url: f.records, auth: f.b.auth }))).toEqual([f.bId]);
    for (const query of [
      `?id=${f.aIds[0]}`,
      `?in_id=${f.aIds.join(",")},${f.bId}`,
      "?title=a-secret-1",
      "?like_title=a-secret*",
      "?has_title=true",
      "?_sort=title",
      "?_fields=title",
      "?_limit=1",
      `?_before=${Date.now() + 60_000}`,
    ]) {
      const res = await okCall({ url: `${f.records}${query}`, auth: f.b.auth });
      expectNoSecret(res, query);
      expect(idsOf(res).every((id) => id === f.bId), query).toBe(true);
      expect(res.headers.get("Next-Page"), query).toBeNull();
    }
  });

  test("_since: B never gets A's records, updates or tombstones", async () => {
    const res = await okCall({ url: `${f.records}?_since=${f.since}`, auth: f.b.auth });
    expect(idsOf(res)).toEqual([f.bId]);
    const before = etagValue(await okCall({ url: f.records, auth: f.b.auth }));
    await okCall({ method: "PATCH", url: `${f.records}/${f.aIds[1]}`, auth: f.a.auth, body: { data: { title: "a-secret-2b" } } });
    await okCall({ method: "DELETE", url: `${f.records}/${f.aIds[2]}`, auth: f.a.auth });
    f.aIds.pop();
    const changes = await okCall({ url: `${f.records}?_since=${before}`, auth: f.b.auth });
    expect(changes.body.data).toEqual([]);
    expectNoSecret(changes, "_since");
    const deletions = await okCall({ url: `${f.records}?_since=${f.since}&deleted=true`, auth: f.b.auth });
    expect(deletions.body.data).toEqual([]);
  });

  test("a record shared then unshared leaves no trace in B's _since", async () => {
    const id = uid("r");
    await okCall({ method: "PUT", url: `${f.records}/${id}`, auth: f.a.auth, body: { data: { title: "a-shared" }, permissions: { read: [f.b.id] } } });
    const before = etagValue(await okCall({ url: f.records, auth: f.b.auth }));
    expect(idsOf(await okCall({ url: f.records, auth: f.b.auth }))).toContain(id);
    await okCall({ method: "PATCH", url: `${f.records}/${id}`, auth: f.a.auth, body: { permissions: { read: [] } } });
    const after = await okCall({ url: `${f.records}?_since=${before}`, auth: f.b.auth });
    expect(after.body.data).toEqual([]);
    expect(idsOf(await okCall({ url: f.records, auth: f.b.auth }))).not.toContain(id);
    expect403(await call({ url: `${f.records}/${id}`, auth: f.b.auth }));
  });

  test("HEAD counts only B's records", async () => {
    for (const query of ["", `?_since=${f.since}`, "?has_title=true", `?in_id=${f.aIds.join(",")}`]) {
      const head = await okCall({ method: "HEAD", url: `${f.records}${query}`, auth: f.b.auth });
      const expected = query.startsWith("?in_id") ? "0" : "1";
      expect(head.headers.get("Total-Records"), query).toBe(expected);
      expect(head.headers.get("Total-Objects"), query).toBe(expected);
    }
  });

  test("A's records, collections and buckets stay closed to B", async () => {
    for (const id of f.aIds) expect403(await call({ url: `${f.records}/${id}`, auth: f.b.auth }));
    expect403(await call({ url: f.privateRecord, auth: f.b.auth }));
    expect403(await call({ url: `/buckets/${f.privateBucket}/collections/diary/records`, auth: f.b.auth }));
    expect403(await call({ url: `/buckets/${f.privateBucket}/collections`, auth: f.b.auth }));
    expect403(await call({ url: `/buckets/${f.privateBucket}/groups`, auth: f.b.auth }));
    expect403(await call({ url: f.group, auth: f.b.auth }));
    expect403(await call({ url: `/buckets/${f.aDefaultBucket}`, auth: f.b.auth }));
    expect403(await call({ url: `/buckets/${f.aDefaultBucket}/collections/tasks/records`, auth: f.b.auth }));
    const buckets = await okCall({ url: "/buckets", auth: f.b.auth });
    expect(idsOf(buckets)).not.toContain(f.privateBucket);
    expect(idsOf(buckets)).not.toContain(f.aDefaultBucket);
  });

  test("B's DELETE of the whole list deletes only B's records", async () => {
    const res = await okCall({ method: "DELETE", url: f.records, auth: f.b.auth });
    expect(idsOf(res)).toEqual([f.bId]);
    const left = idsOf(await okCall({ url: f.records, auth: f.a.auth }));
    for (const id of f.aIds) expect(left).toContain(id);
    f.bId = (await okCall({ method: "POST", url: f.records, auth: f.b.auth, body: { data: { title: "b-own" } } })).body.data.id;
  });
});

describe("batch", () => {
  test("GET and HEAD sub-requests are authorized like plain requests", async () => {
    const res = await batch(f.b.auth, [
      { method: "GET", path: `${f.records}/${f.aIds[0]}` },
      { method: "GET", path: f.records },
      { method: "GET", path: `${f.records}?_since=${f.since}` },
      { method: "HEAD", path: f.records },
      { method: "GET", path: f.privateRecord },
      { method: "GET", path: `/buckets/${f.privateBucket}/collections` },
      { method: "GET", path: "/permissions" },
      { method: "GET", path: "/buckets/default/collections/tasks/records" },
    ]);
    const responses = res.body.responses;
    expect(responses.map((r: { status: number }) => r.status)).toEqual([403, 200, 200, 200, 403, 403, 200, 200]);
    expect(responses[1].body.data.map((r: { id: string }) => r.id)).toEqual([f.bId]);
    expect(responses[2].body.data.map((r: { id: string }) => r.id)).toEqual([f.bId]);
    expect(responses[3].headers["Total-Records"]).toBe("1");
    expect(responses[7].body.data).toEqual([]);
    expectNoSecret(res, "batch reads");
    expect(JSON.stringify(responses.map((r: { body: unknown }) => r.body))).not.toContain(f.privateBucket);
  });

  test("B cannot overwrite, patch, delete or read A's record through batch writes: 403 each", async () => {
    const target = `${f.records}/${f.aIds[0]}`;
    const current = await okCall({ url: target, auth: f.a.auth });
    const etag = current.headers.get("ETag") ?? "";
    const res = await batch(f.b.auth, [
      { method: "PUT", path: target, body: { data: { title: "b-overwrite" } } },
      { method: "PUT", path: target, headers: { "If-Match": etag }, body: { data: { title: "b-overwrite" } } },
      { method: "PUT", path: target, headers: { "If-Match": '"1"' }, body: { data: { title: "b-overwrite" } } },
      { method: "PATCH", path: target, body: { data: { title: "b-patch" } } },
      { method: "PATCH", path: target, headers: { "If-Match": '"1"' }, body: { data: { title: "b-patch" } } },
      { method: "DELETE", path: target },
      { method: "POST", path: f.records, body: { data: { id: f.aIds[0], title: "b-post" } } },
      { method: "PUT", path: f.privateRecord, body: { data: { title: "b" } } },
      { method: "DELETE", path: `/buckets/${f.privateBucket}` },
      { method: "PATCH", path: f.group, body: { data: { members: [f.b.id] } } },
    ]);
    const responses = res.body.responses as { status: number; body: { errno: number } }[];
    expect(responses.map((r) => r.status)).toEqual(Array(responses.length).fill(403));
    for (const r of responses) expect(r.body.errno).toBe(121);
    expectNoSecret(res, "batch writes");
    const after = await okCall({ url: target, auth: f.a.auth });
    expect(after.body.data).toEqual(current.body.data);
    expect((await okCall({ url: "/", auth: f.b.auth })).body.user.principals).not.toContain(f.group);
  });

  test("an anonymous batch gets 401 per sub-request, and B's credentials in one sub-request stay B's", async () => {
    const res = await batch(null, [
      { method: "GET", path: `${f.records}/${f.aIds[0]}` },
      { method: "GET", path: f.records, headers: { Authorization: f.b.auth } },
    ]);
    expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual([401, 200]);
    expect(res.body.responses[1].body.data.map((r: { id: string }) => r.id)).toEqual([f.bId]);
  });
});

describe("/permissions, hello and the default bucket", () => {
  test("B's /permissions names none of A's objects", async () => {
    const res = await okCall({ url: "/permissions", auth: f.b.auth });
    expect(res.text).not.toContain(f.privateBucket);
    expect(res.text).not.toContain(f.aDefaultBucket);
    for (const id of f.aIds) expect(res.text).not.toContain(id);
    const uris = (res.body.data as { uri: string }[]).map((entry) => entry.uri);
    expect(uris).toContain(`${f.records}/${f.bId}`);
  });

  test("B's hello shows only B's principals and bucket", async () => {
    const hello = (await okCall({ url: "/", auth: f.b.auth })).body.user;
    expect(hello.id).toBe(f.b.id);
    expect(hello.principals.sort()).toEqual([f.b.id, "system.Authenticated", "system.Everyone"].sort());
    expect(hello.bucket).not.toBe(f.aDefaultBucket);
  });

  test("B's default bucket is B's own", async () => {
    const res = await okCall({ url: "/buckets/default/collections/tasks/records", auth: f.b.auth });
    expect(res.body.data).toEqual([]);
    const bucket = await okCall({ url: "/buckets/default", auth: f.b.auth });
    expect(bucket.body.data.id).not.toBe(f.aDefaultBucket);
  });
});
