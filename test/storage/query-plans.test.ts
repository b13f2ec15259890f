// The hot statements use indexes: a list page (default sort, with and without a token and
// `_since`), the grants read of a decision, and a user's group principals.
import { sql } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { parseListQuery } from "../../src/protocol/query/parse";
import { grantsSql } from "../../src/storage/d1";
import { pageQuery } from "../../src/storage/list";
import { toQuery } from "../../src/storage/sql";

const settings = { paginateBy: null, storageMaxFetchSize: 10000 };
const key = { parentId: "/buckets/b/collections/c", resourceName: "record" };

async function plan(fragment: ReturnType<typeof sql>): Promise<string> {
  const { sql: text, params } = toQuery(fragment);
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
  return results.map((row) => row.detail).join("\n");
}

describe("query plans", () => {
  test.each([
    ["a first page", ""],
    ["a page after a token", `_token=${btoa(JSON.stringify({ last_object: { last_modified: 5 }, offset: 10, nonce: "n" }))}`],
    ["_since", "_since=5"],
  ])("%s of a list uses the (parent, resource, last_modified) index without sorting", async (_name, search) => {
    const query = parseListQuery(new URLSearchParams(search), { settings, now: Date.now() });
    const detail = await plan(pageQuery(key, query, null));
    expect(detail).toContain("objects_parent_resource_last_modified");
    expect(detail).not.toContain("USE TEMP B-TREE");
    expect(detail).not.toMatch(/SCAN objects(?! USING)/);
  });

  test("the grants of a decision are read through the ACL primary key", async () => {
    const detail = await plan(grantsSql(["/buckets/b"], ["system.Everyone"], JSON.stringify(["u", "system.Authenticated"])));
    expect(detail).toMatch(/SEARCH access_control_entries USING (COVERING )?(PRIMARY KEY|INDEX sqlite_autoindex_access_control_entries_1) \(object_id=\?/);
    expect(detail).not.toMatch(/SCAN access_control_entries/);
  });

  test("a user's group principals are read through the user_principals primary key", async () => {
    const detail = await plan(
      sql`SELECT user_id, principal FROM user_principals WHERE user_id IN (SELECT value FROM json_each(${JSON.stringify(["u", "system.Authenticated"])}))`,
    );
    expect(detail).toMatch(/SEARCH user_principals USING (PRIMARY KEY|INDEX sqlite_autoindex_user_principals|COVERING INDEX sqlite_autoindex_user_principals)/);
  });
});
