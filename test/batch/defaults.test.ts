/** B01: `defaults` are merged into every request; request values win (contract §8). */
import { describe, expect, test } from "vitest";
import { EVERYONE, ok, recordFixture, send } from "../resources/helpers";
import { postBatch, runBatch, statuses } from "./helpers";

describe("defaults merge", () => {
  test("method, path and headers come from defaults when a request has none", async () => {
    const { records } = await recordFixture();
    const responses = await runBatch(
      [{ body: { data: { title: "a" } } }, { body: { data: { title: "b" } } }],
      { method: "POST", path: records, headers: { "If-None-Match": "*" } },
    );
    expect(statuses(responses)).toEqual([201, 201]);
    for (const r of responses) expect(r.path).toBe(`/v1${records}`);
    expect(responses.map((r) => r.body.data.title)).toEqual(["a", "b"]);
    const listed = (await ok({ url: `${records}?_sort=title` })).body.data;
    expect(listed.map((r: { title: string }) => r.title)).toEqual(["a", "b", "hello"]);
  });

  test("a default header is applied: If-None-Match: * makes a PUT on an existing record a 412", async () => {
    const { record, rid, rts } = await recordFixture();
    const responses = await runBatch([{ path: record, body: { data: { title: "overwritten" } } }], {
      method: "PUT",
      headers: { "If-None-Match": "*" },
    });
    expect(responses[0]).toMatchObject({
      status: 412,
      body: { code: 412, errno: 114, details: { existing: { id: rid, last_modified: rts, title: "hello" } } },
    });
    expect((await ok({ url: record })).body.data.title).toBe("hello");
  });

  test("request values win over defaults: method, path and a header of the same name", async () => {
    const { records, record, rts } = await recordFixture();
    const responses = await runBatch(
      [
        // Uses every default: a POST with a stale If-Match → 412 (a new object "does not exist").
        { body: { data: { title: "never" } } },
        // Own method + path; its own If-Match (current) replaces the stale default.
        { method: "PATCH", path: record, headers: { "If-Match": `"${rts}"` }, body: { data: { n: 1 } } },
        // Own method only.
        { method: "GET" },
      ],
      { method: "POST", path: records, headers: { "If-Match": '"1"' } },
    );
    expect(statuses(responses)).toEqual([412, 200, 412]);
    expect(responses[1]?.body.data).toMatchObject({ title: "hello", n: 1 });
    expect(responses[1]?.path).toBe(`/v1${record}`);
    expect(responses[2]?.path).toBe(`/v1${records}`);
    const listed = (await ok({ url: records })).body.data;
    expect(listed).toHaveLength(1);
  });

  test("headers merge key by key: a request adds headers without dropping the defaults'", async () => {
    const { record, rid, rts } = await recordFixture();
    const responses = await runBatch(
      [
        // Default If-Match (stale) kept, own Response-Behavior added → still 412.
        { headers: { "Response-Behavior": "light" }, body: { data: { n: 1 } } },
        // Own If-Match (current) replaces the stale default.
        { headers: { "If-Match": `"${rts}"`, "Response-Behavior": "light" }, body: { data: { n: 2 } } },
      ],
      { method: "PATCH", path: record, headers: { "If-Match": '"1"' } },
    );
    expect(responses[0]).toMatchObject({ status: 412, body: { details: { existing: { id: rid, last_modified: rts } } } });
    expect(responses[1]?.status).toBe(200);
    // light: only the keys sent that changed; no `title`, no permissions.
    expect(responses[1]?.body).toEqual({ data: { n: 2 } });
  });

  test("body merges key by key, recursively: default data fields and permissions fill in, request fields win", async () => {
    const { records } = await recordFixture();
    const responses = await runBatch(
      [
        { body: { data: { title: "own" } } },
        { body: { data: { kind: "special", extra: { b: 2 } } } },
        { body: { permissions: { read: [] } } },
      ],
      {
        method: "POST",
        path: records,
        body: { data: { kind: "default", shared: 1, extra: { a: 1 } }, permissions: { read: [EVERYONE] } },
      },
    );
    expect(statuses(responses)).toEqual([201, 201, 201]);
    expect(responses[0]?.body.data).toMatchObject({ title: "own", kind: "default", shared: 1, extra: { a: 1 } });
    expect(responses[0]?.body.permissions.read).toEqual([EVERYONE]);
    expect(responses[1]?.body.data).toMatchObject({ kind: "special", shared: 1, extra: { a: 1, b: 2 } });
    expect(responses[1]?.body.permissions.read).toEqual([EVERYONE]);
    expect(responses[2]?.body.data).toMatchObject({ kind: "default", shared: 1 });
    expect(responses[2]?.body.permissions.read ?? []).toEqual([]);
    // What was stored is what was answered.
    for (const r of responses) {
      const stored = (await ok({ url: `${records}/${r.body.data.id}` })).body;
      expect(stored.data).toEqual(r.body.data);
    }
    // Anonymous can read the two records whose read ACL came from the defaults.
    expect((await send({ url: `${records}/${responses[0]?.body.data.id}`, as: "anonymous" })).status).toBe(200);
    expect((await send({ url: `${records}/${responses[2]?.body.data.id}`, as: "anonymous" })).status).toBe(401);
  });

  test("a path given only in defaults is the path of every request", async () => {
    const { record } = await recordFixture();
    const responses = await runBatch([{}, { method: "HEAD" }], { path: record });
    expect(statuses(responses)).toEqual([200, 200]);
    expect(responses[0]?.body.data.title).toBe("hello");
    expect(responses[1]?.body).toBe("");
  });

  test("path missing from both the request and the defaults → 400", async () => {
    const res = await postBatch({ defaults: { method: "GET" }, requests: [{ method: "GET" }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
  });
});
