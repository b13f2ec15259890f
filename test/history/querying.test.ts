/**
 * `/buckets/{bid}/history` as a plural endpoint (contract §4, §10.2): filters on the declared
 * fields only, `_since`/`_before`, `_sort`, keyset pagination with `Next-Page`, `_fields`,
 * `Total-Records`, ETag and 304; and the partial indexes that serve the listing queries.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { expectError, newUser, type User } from "../permissions/helpers";
import { toQuery } from "../../src/storage/sql";
import { pageQuery } from "../../src/storage/list";
import { mutationStatements } from "../../src/storage/d1";
import { parseListQuery } from "../../src/protocol/query/parse";
import { historyList } from "../../src/plugins/history/entries";
import type { Mutation } from "../../src/storage/types";
import type { SQL } from "drizzle-orm";
import { hcall, hok, withHistory } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let owner: User;
let other: User;
const bid = uid("b");
const url = `/buckets/${bid}/history`;

beforeAll(async () => {
  owner = await newUser("owner");
  other = await newUser("other");
  await withHistory(bid, ["c", "12"], async () => {
    await hok({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { write: [other.id] } } });
    await hok({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth });
    await hok({ method: "PUT", url: `/buckets/${bid}/collections/12`, auth: owner.auth });
    await hok({ method: "PUT", url: `/buckets/${bid}/groups/g`, auth: owner.auth, body: { data: { members: [] } } });
    for (let i = 0; i < 5; i++) {
      await hok({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r${i}`, auth: i % 2 ? other.auth : owner.auth, body: { data: { i } } });
    }
    await hok({ method: "PUT", url: `/buckets/${bid}/collections/12/records/x`, auth: owner.auth });
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON entries
async function data(query: string): Promise<any[]> {
  return (await hok({ url: `${url}${query}`, auth: owner.auth })).body.data;
}

describe("filters", () => {
  test("resource_name, exclude_resource_name, collection_id, record_id, user_id, uri", async () => {
    expect((await data("?resource_name=record")).map((e) => e.record_id)).toEqual(["x", "r4", "r3", "r2", "r1", "r0"]);
    expect((await data("?exclude_resource_name=record")).map((e) => e.resource_name)).toEqual(["group", "collection", "collection", "bucket"]);
    expect((await data("?resource_name=record&collection_id=c")).map((e) => e.record_id)).toEqual(["r4", "r3", "r2", "r1", "r0"]);
    expect((await data("?record_id=r2")).map((e) => e.uri)).toEqual([`/buckets/${bid}/collections/c/records/r2`]);
    expect((await data(`?user_id=${other.id}`)).map((e) => e.record_id)).toEqual(["r3", "r1"]);
    expect((await data(`?uri=/buckets/${bid}/groups/g`)).map((e) => e.group_id)).toEqual(["g"]);
  });

  test("integer values of *_id filters are compared as strings", async () => {
    const entries = await data("?collection_id=12");
    expect(entries.map((e) => e.resource_name).sort()).toEqual(["collection", "record"]);
  });

  test("gt_target.data.last_modified, _since and _before", async () => {
    const records = await data("?resource_name=record&collection_id=c&_sort=last_modified");
    const third = records[2];
    const later = await data(`?gt_target.data.last_modified=${third.target.data.last_modified}&resource_name=record`);
    expect(later.map((e) => e.record_id)).toEqual(["x", "r4", "r3"]);
    expect((await data(`?_since=${third.last_modified}&resource_name=record`)).map((e) => e.record_id)).toEqual(["x", "r4", "r3"]);
    expect((await data(`?_before=${third.last_modified}&resource_name=record`)).map((e) => e.record_id)).toEqual(["r1", "r0"]);
  });

  test("unknown fields and bad values answer 400, never 500", async () => {
    const unknown = await hcall({ url: `${url}?foo=1`, auth: owner.auth });
    expectError(unknown, 400, 107);
    expect(unknown.body.message).toContain("Unknown filter field");
    expectError(await hcall({ url: `${url}?_since=abc`, auth: owner.auth }), 400, 107);
    expectError(await hcall({ url: `${url}?_sort=nope`, auth: owner.auth }), 400, 107);
    expectError(await hcall({ url: `${url}?_fields=nope`, auth: owner.auth }), 400, 107);
    expectError(await hcall({ method: "DELETE", url: `${url}?foo=1`, auth: owner.auth }), 400, 107);
  });
});

describe("listing", () => {
  test("_sort, _limit with Next-Page until the end, _fields", async () => {
    const sorted = await data("?_sort=record_id&resource_name=record");
    expect(sorted.map((e) => e.record_id)).toEqual(["r0", "r1", "r2", "r3", "r4", "x"]);
    const seen: string[] = [];
    let next: string | null = `${url}?_limit=3`;
    let pages = 0;
    while (next) {
      const res = await hok({ url: next, auth: owner.auth });
      seen.push(...res.body.data.map((e: { id: string }) => e.id));
      next = res.headers.get("Next-Page");
      pages++;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(10);
    const projected = await data("?_fields=uri,action&_limit=1");
    expect(Object.keys(projected[0]).sort()).toEqual(["action", "id", "last_modified", "uri"]);
  });

  test("HEAD gives Total-Records; ETag and If-None-Match → 304", async () => {
    const head = await hcall({ method: "HEAD", url: `${url}?resource_name=record`, auth: owner.auth });
    expect(head.status).toBe(200);
    expect(head.headers.get("Total-Records")).toBe("6");
    const res = await hok({ url, auth: owner.auth });
    const etag = res.headers.get("ETag") ?? "";
    expect(etag).toBe(`"${res.body.data[0].last_modified}"`);
    expect(res.headers.get("Last-Modified")).not.toBeNull();
    expect((await hcall({ url, auth: owner.auth, headers: { "If-None-Match": etag } })).status).toBe(304);
  });
});

async function planOf(statement: SQL): Promise<string> {
  const { sql, params } = toQuery(statement);
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return plan.results.map((row) => row.detail).join("\n");
}

describe("indexes", () => {
  // Trimming runs in every commit that records history: a scan of the bucket's entries there
  // would make each write cost as much as the history already written.
  test.each([
    ["an object's entries", { uri: "/buckets/b/collections/c/records/r" }],
    ["entries without a collection", { collection_id: null }],
  ])("trimming %s reads a history index, never the whole history", async (_name, match) => {
    const statements = mutationStatements({ kind: "trim", list: historyList(`/buckets/${bid}`), uriPrefix: `/buckets/${bid}/history`, match, keep: 5 });
    for (const statement of statements) {
      const plan = await planOf(statement);
      expect(plan).toMatch(/SEARCH objects USING INDEX objects_history_(uri|collection_id)_pair/);
      expect(plan).not.toMatch(/SCAN objects/);
    }
  });

  // Every entry reads the newest timestamp of its history: through the history's pair indexes
  // (which also hold last_modified) that read would cost a pass over the whole history.
  test.each<[string, Mutation]>([
    ["appending", { kind: "append", list: historyList(`/buckets/${bid}`), floor: 1, objects: [{ id: "e", data: {}, acl: { uri: `/buckets/${bid}/history/e`, permissions: { read: ["a"] } } }] }],
    ["retiring", { kind: "retire", list: historyList(`/buckets/${bid}`), uriPrefix: `/buckets/${bid}/history`, ids: ["e"], floor: 1 }],
  ])("%s an entry reads the newest timestamp from the last_modified index", async (_name, mutation) => {
    for (const statement of mutationStatements(mutation)) {
      for (const line of (await planOf(statement)).split("\n").filter((detail) => / objects /.test(detail))) {
        expect(line).toMatch(/objects_parent_resource_last_modified|sqlite_autoindex_objects_1/);
      }
    }
  });


  test.each(["resource_name", "collection_id", "uri"])("a %s filter is served by its partial index", async (field) => {
    const query = parseListQuery(new URLSearchParams(`${field}=v`), {
      settings: { paginateBy: null, storageMaxFetchSize: 10000 },
      now: Date.now(),
      strictFields: [field],
    });
    const { sql, params } = toQuery(pageQuery(historyList(`/buckets/${bid}`), query, null));
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    expect(plan.results.map((row) => row.detail).join("\n")).toContain(`objects_history_${field}`);
  });
});
