/**
 * P05: missing objects (contract §6.4): 404 when the caller could know the object is missing,
 * else 403 (401 when anonymous); an unknown bucket gives 403/401 for everything below it,
 * except record writes, which check their collection first (§3.6).
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { call, expect401, expect403, newUser, okCall, withWriterSettings } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe("missing objects: 404 vs 403 vs 401 (§6.4)", () => {
  interface Case {
    who: string;
    method: string;
    path: string;
    status: number;
    errno?: number;
  }

  test("per caller and operation", async () => {
    const owner = await newUser("owner");
    const users = {
      owner,
      stranger: await newUser("stranger"),
      bucketReader: await newUser("bread"),
      collectionReader: await newUser("cread"),
      recordCreator: await newUser("rcreate"),
      recordReader: await newUser("rread"),
      collectionCreator: await newUser("ccreate"),
      groupCreator: await newUser("gcreate"),
    };
    const bid = uid("b");
    const cid = uid("c");
    const rid = uid("r");
    await okCall({
      method: "PUT",
      url: `/buckets/${bid}`,
      auth: owner.auth,
      body: {
        permissions: {
          read: [users.bucketReader.id],
          "collection:create": [users.collectionCreator.id],
          "group:create": [users.groupCreator.id],
        },
      },
    });
    await okCall({
      method: "PUT",
      url: `/buckets/${bid}/collections/${cid}`,
      auth: owner.auth,
      body: { permissions: { read: [users.collectionReader.id], "record:create": [users.recordCreator.id] } },
    });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/${rid}`, auth: owner.auth, body: { permissions: { read: [users.recordReader.id] } } });

    const record = `/buckets/${bid}/collections/${cid}/records/missing`;
    const collection = `/buckets/${bid}/collections/missing`;
    const group = `/buckets/${bid}/groups/missing`;
    const orphan = `/buckets/${bid}/collections/nocoll/records/r1`;
    const orphanList = `/buckets/${bid}/collections/nocoll/records`;
    const cases: Case[] = [
      // GET: 404 only with an inherited read right covering the object.
      { who: "anonymous", method: "GET", path: record, status: 401 },
      { who: "stranger", method: "GET", path: record, status: 403 },
      { who: "bucketReader", method: "GET", path: record, status: 404, errno: 110 },
      { who: "collectionReader", method: "GET", path: record, status: 404, errno: 110 },
      { who: "recordCreator", method: "GET", path: record, status: 403 },
      { who: "recordReader", method: "GET", path: record, status: 403 },
      // PATCH / DELETE: 404 iff the caller may read the parent's metadata.
      ...["PATCH", "DELETE"].flatMap((method): Case[] => [
        { who: "anonymous", method, path: record, status: 401 },
        { who: "stranger", method, path: record, status: 403 },
        { who: "bucketReader", method, path: record, status: 404, errno: 110 },
        { who: "collectionReader", method, path: record, status: 404, errno: 110 },
        { who: "recordCreator", method, path: record, status: 404, errno: 110 },
        { who: "recordReader", method, path: record, status: 403 },
        { who: "stranger", method, path: collection, status: 403 },
        { who: "collectionReader", method, path: collection, status: 403 },
        { who: "bucketReader", method, path: collection, status: 404, errno: 110 },
        { who: "collectionCreator", method, path: collection, status: 404, errno: 110 },
        { who: "groupCreator", method, path: collection, status: 404, errno: 110 },
        { who: "stranger", method, path: group, status: 403 },
        { who: "groupCreator", method, path: group, status: 404, errno: 110 },
        { who: "collectionCreator", method, path: group, status: 404, errno: 110 },
        { who: "bucketReader", method, path: group, status: 404, errno: 110 },
      ]),
      { who: "bucketReader", method: "GET", path: collection, status: 404, errno: 110 },
      { who: "collectionCreator", method: "GET", path: collection, status: 403 },
      { who: "collectionReader", method: "GET", path: collection, status: 403 },
      { who: "anonymous", method: "GET", path: collection, status: 401 },
      { who: "bucketReader", method: "GET", path: group, status: 404, errno: 110 },
      { who: "groupCreator", method: "GET", path: group, status: 403 },
      { who: "stranger", method: "GET", path: `/buckets/${uid("nobucket")}`, status: 403 },
      { who: "anonymous", method: "GET", path: `/buckets/${uid("nobucket")}`, status: 401 },
      // A records URL under a missing collection: reads authorize first, writes check the collection first.
      { who: "bucketReader", method: "GET", path: orphan, status: 404, errno: 111 },
      { who: "stranger", method: "GET", path: orphan, status: 403 },
      { who: "anonymous", method: "PATCH", path: orphan, status: 404, errno: 111 },
      { who: "stranger", method: "DELETE", path: orphan, status: 404, errno: 111 },
      // A plural DELETE under a missing collection: authorization first (§3.6).
      { who: "stranger", method: "DELETE", path: orphanList, status: 403 },
      { who: "bucketReader", method: "DELETE", path: orphanList, status: 403 },
      { who: "owner", method: "DELETE", path: orphanList, status: 404, errno: 111 },
      { who: "owner", method: "GET", path: orphanList, status: 404, errno: 111 },
    ];
    for (const c of cases) {
      const user = c.who === "anonymous" ? null : users[c.who as keyof typeof users];
      const res = await call({ method: c.method, url: c.path, auth: user?.auth ?? null, ...(c.method === "PATCH" ? { body: { data: { a: 1 } } } : {}) });
      const context = `${c.who} ${c.method} ${c.path}`;
      expect.soft(res.status, `${context}: ${res.text}`).toBe(c.status);
      if (res.status !== c.status) continue;
      if (c.status === 401) expect401(res, context);
      else if (c.status === 403) expect403(res, context);
      else expect.soft(res.body, context).toMatchObject({ code: 404, errno: c.errno });
      if (c.errno === 110) expect.soft(res.body.details, context).toMatchObject({ id: "missing" });
      if (c.errno === 111) expect.soft(res.body.details, context).toEqual({ id: "nocoll", resource_name: "collection" });
    }
  });

  test("with record_read_principals, a missing record → 404 (settings count as inherited read)", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth });
    const vars = { KINTO_RECORD_READ_PRINCIPALS: reader.id };
    const res = await call({ url: `/buckets/${bid}/collections/${cid}/records/missing`, auth: reader.auth, vars });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errno: 110, details: { id: "missing", resource_name: "record" } });
  });
});

describe("an unknown bucket: 403 (401) for everything below it (§6.4)", () => {
  const b = uid("nobucket");
  const cases: { method: string; path: string; body?: unknown; status?: number }[] = [
    { method: "GET", path: `/buckets/${b}` },
    { method: "PATCH", path: `/buckets/${b}`, body: { data: { a: 1 } } },
    { method: "DELETE", path: `/buckets/${b}` },
    { method: "GET", path: `/buckets/${b}/collections` },
    { method: "HEAD", path: `/buckets/${b}/collections` },
    { method: "POST", path: `/buckets/${b}/collections`, body: {} },
    { method: "DELETE", path: `/buckets/${b}/collections` },
    { method: "GET", path: `/buckets/${b}/collections/c` },
    { method: "PUT", path: `/buckets/${b}/collections/c`, body: {} },
    { method: "PUT", path: `/buckets/${b}/collections/__bad__`, body: {} },
    { method: "PATCH", path: `/buckets/${b}/collections/c`, body: { data: { a: 1 } } },
    { method: "DELETE", path: `/buckets/${b}/collections/c` },
    { method: "GET", path: `/buckets/${b}/groups` },
    { method: "POST", path: `/buckets/${b}/groups`, body: {} },
    { method: "GET", path: `/buckets/${b}/groups/g` },
    { method: "PUT", path: `/buckets/${b}/groups/g`, body: { data: { members: [] } } },
    { method: "GET", path: `/buckets/${b}/collections/c/records` },
    { method: "HEAD", path: `/buckets/${b}/collections/c/records` },
    { method: "DELETE", path: `/buckets/${b}/collections/c/records` },
    { method: "GET", path: `/buckets/${b}/collections/c/records/r` },
    // The exception: record writes check their collection before authorization (§3.6).
    { method: "POST", path: `/buckets/${b}/collections/c/records`, body: {}, status: 404 },
    { method: "PUT", path: `/buckets/${b}/collections/c/records/r`, body: {}, status: 404 },
    { method: "PATCH", path: `/buckets/${b}/collections/c/records/r`, body: { data: { a: 1 } }, status: 404 },
    { method: "DELETE", path: `/buckets/${b}/collections/c/records/r`, status: 404 },
  ];

  test.each(cases)("$method $path", async ({ method, path, body, status }) => {
    const stranger = await newUser("stranger");
    const authenticated = await call({ method, url: path, auth: stranger.auth, body });
    const anonymous = await call({ method, url: path, body });
    if (status === 404) {
      for (const res of [authenticated, anonymous]) {
        expect(res.status, res.text).toBe(404);
        expect(res.body).toMatchObject({ errno: 111, details: { id: "c", resource_name: "collection" } });
      }
      return;
    }
    if (method === "HEAD") {
      expect(authenticated.status).toBe(403);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("WWW-Authenticate")).toBe('Basic realm="Realm"');
      return;
    }
    expect403(authenticated, `${method} ${path}`);
    expect401(anonymous, `${method} ${path}`);
  });
});

describe("missing objects when settings grant read on their kind (Kinto's authorization.py)", () => {
  test("bucket_read_principals: a missing bucket answers 404 to GET, PATCH and DELETE", async () => {
    const reader = await newUser("reader");
    const vars = { KINTO_BUCKET_READ_PRINCIPALS: reader.id };
    await withWriterSettings(vars, ["/"], async () => {
      const missing = `/buckets/${uid("missing")}`;
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const res = await call({ method, url: missing, auth: reader.auth, vars, ...(method === "PATCH" ? { body: { data: { a: 1 } } } : {}) });
        expect(res.status, `${method} ${res.text}`).toBe(404);
        expect(res.body).toMatchObject({ errno: 110, details: { resource_name: "bucket" } });
      }
    });
  });

  test("collection_read_principals: a missing collection of an existing bucket answers 404", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    const vars = { KINTO_COLLECTION_READ_PRINCIPALS: reader.id };
    await withWriterSettings(vars, [`/buckets/${bid}`], async () => {
      for (const method of ["GET", "DELETE"]) {
        const res = await call({ method, url: `/buckets/${bid}/collections/nope`, auth: reader.auth, vars });
        expect(res.status, `${method} ${res.text}`).toBe(404);
      }
    });
  });
});
