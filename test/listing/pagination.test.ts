/** Q10 / Q11: `_limit`, `Next-Page` and `_token` through HTTP (contract §4.6). */
import { beforeAll, describe, expect, test } from "vitest";
import { ok, send } from "../resources/helpers";
import { emptyCollection, ids, list, seed, walk, type Collection } from "./helpers";

/** One value of each JSON type (and missing, as `undefined`), in the cross-type order of §4.3. */
const MIXED: unknown[] = [null, "s", "t", 3, 4.5, false, true, [1], [1, 2], { a: 1 }, undefined];

/** 50 records with duplicated, missing, null, mixed-type and nested sort values. */
function fifty(): Record<string, unknown>[] {
  return Array.from({ length: 50 }, (_, i) => ({
    ...(MIXED[i % MIXED.length] !== undefined ? { mixed: MIXED[i % MIXED.length] } : {}),
    id: `p${String(i).padStart(2, "0")}`,
    n: i % 7,
    title: `t${i % 10}`,
    ...(i % 2 === 0 ? { opt: i % 3 } : {}),
    ...(i % 5 === 0 ? { maybe: null } : { maybe: i % 4 === 0 ? "s" : i }),
    meta: { rank: i % 5 },
  }));
}

let fx: Collection;

beforeAll(async () => {
  fx = await emptyCollection();
  await seed(fx.records, fifty());
});

describe("Next-Page", () => {
  test("is an absolute URL to the same path, keeping every parameter, with _limit and _token set", async () => {
    const query = "_sort=title,-id&_limit=3&like_title=t&_since=0&_expected=42&in_n=1,2,3&_fields=title,n";
    const res = await list(`${fx.records}?${query}`);
    expect(res.body.data).toHaveLength(3);
    const next = res.headers.get("Next-Page");
    expect(next).not.toBeNull();
    const url = new URL(next as string);
    expect(url.origin).toBe("http://localhost");
    expect(url.pathname).toBe(`/v1${fx.records}`);
    const sent = new URLSearchParams(query);
    for (const [name, value] of sent) {
      if (name === "_limit") continue;
      expect(url.searchParams.getAll(name), name).toEqual([value]);
    }
    expect(url.searchParams.getAll("_limit")).toEqual(["3"]);
    expect(url.searchParams.getAll("_token")).toHaveLength(1);
    // The second page's Next-Page replaces the token instead of adding one.
    const second = await list(next as string);
    const nextNext = new URL(second.headers.get("Next-Page") as string);
    expect(nextNext.searchParams.getAll("_token")).toHaveLength(1);
    expect(nextNext.searchParams.get("_token")).not.toBe(url.searchParams.get("_token"));
    expect(nextNext.searchParams.get("_expected")).toBe("42");
  });

  test("is present iff more objects follow", async () => {
    const { records } = await emptyCollection();
    await seed(records, [{}, {}, {}, {}]);
    const first = await list(`${records}?_limit=2`);
    expect(first.headers.get("Next-Page")).not.toBeNull();
    const second = await list(first.headers.get("Next-Page") as string);
    expect(second.body.data).toHaveLength(2);
    expect(second.headers.get("Next-Page")).toBeNull();
    expect((await list(`${records}?_limit=4`)).headers.get("Next-Page")).toBeNull();
    expect((await list(`${records}?_limit=5`)).headers.get("Next-Page")).toBeNull();
    expect((await list(records)).headers.get("Next-Page")).toBeNull();
  });

  test("every page carries the list ETag", async () => {
    const result = await walk(`${fx.records}?_limit=20`);
    const etag = (await list(fx.records)).headers.get("ETag");
    expect(result.etags).toEqual([etag, etag, etag]);
  });
});

describe("a walk with _limit=7 over 50 records equals the unpaginated list", () => {
  test.each([
    "",
    "_sort=last_modified",
    "_sort=n",
    "_sort=-n",
    "_sort=title,-id",
    "_sort=opt",
    "_sort=-opt,title",
    "_sort=maybe",
    "_sort=-maybe,n",
    "_sort=meta.rank,-opt",
    "_sort=mixed",
    "_sort=-mixed,id",
    "_sort=id&gt_n=2",
    "_sort=-title&has_opt=true",
  ])("?%s", async (query) => {
    const whole = await list(`${fx.records}?${query}`);
    const result = await walk(`${fx.records}?${query}${query ? "&" : ""}_limit=7`);
    expect(ids(result.objects)).toEqual(ids(whole.body.data));
    expect(result.objects).toEqual(whole.body.data);
    expect(result.pages).toBe(Math.max(1, Math.ceil(whole.body.data.length / 7)));
    if (query === "") expect(result.objects).toHaveLength(50);
  });

  test("_fields does not break the walk even when the sort field is not returned", async () => {
    const whole = await list(`${fx.records}?_sort=n,title`);
    const result = await walk(`${fx.records}?_sort=n,title&_fields=id&_limit=7`);
    expect(ids(result.objects)).toEqual(ids(whole.body.data));
  });

  test("_limit=1 walks all 50 one by one", async () => {
    const result = await walk(`${fx.records}?_sort=id&_limit=1`);
    expect(result.pages).toBe(50);
    expect(ids(result.objects)).toEqual(fifty().map((r) => r.id));
  });
});

describe("a walk while records are inserted concurrently", () => {
  async function concurrentWalk(query: string, interleaved: boolean): Promise<void> {
    const c = await emptyCollection();
    const before = await seed(c.records, Array.from({ length: 40 }, (_, i) => ({ i, g: i % 3 })));
    let inserted = 0;
    const insert = async () => {
      await ok({ method: "POST", url: c.records, body: { data: { i: 1000 + inserted, g: inserted % 3 } } });
      inserted += 1;
    };
    let result;
    if (interleaved) {
      // Deterministic: two insertions between every two pages.
      result = await walk(`${c.records}?${query}&_limit=6`, async () => {
        await insert();
        await insert();
      });
    } else {
      // Truly concurrent: an inserter task runs while the walk proceeds.
      let walking = true;
      const inserter = (async () => {
        while (walking && inserted < 60) await insert();
      })();
      try {
        result = await walk(`${c.records}?${query}&_limit=6`);
      } finally {
        walking = false;
        await inserter;
      }
    }
    expect(inserted).toBeGreaterThan(0);
    const seen = ids(result.objects);
    expect(new Set(seen).size, "no duplicate across pages").toBe(seen.length);
    for (const r of before) expect(seen, `pre-existing ${r.id} seen`).toContain(r.id);
    // Everything seen exists (no phantom).
    const all = new Set(ids((await list(c.records)).body.data));
    for (const id of seen) expect(all.has(id)).toBe(true);
  }

  test.each(["_sort=-last_modified", "_sort=last_modified", "_sort=id", "_sort=g,-id", "_sort=-g"])(
    "%s, insertions between pages",
    async (query) => concurrentWalk(query, true),
  );

  test.each(["_sort=-last_modified", "_sort=id", "_sort=g"])("%s, insertions by a concurrent task", async (query) =>
    concurrentWalk(query, false),
  );
});

describe("tampered or foreign _token → 400 errno 107, never 500", () => {
  const b64 = (text: string) => btoa(text);
  const invalid: { name: string; token: () => Promise<string> | string }[] = [
    { name: "not base64", token: () => "%%%not-base64%%%" },
    { name: "base64 of text", token: () => b64("hello") },
    { name: "base64 of a JSON list", token: () => b64("[]") },
    { name: "base64 of a JSON string", token: () => b64('"x"') },
    { name: "last_object a string", token: () => b64(JSON.stringify({ last_object: "x", offset: 0, nonce: "n" })) },
    { name: "last_object a list", token: () => b64(JSON.stringify({ last_object: [1], offset: 0, nonce: "n" })) },
    { name: "no last_object", token: () => b64(JSON.stringify({ offset: 0, nonce: "n" })) },
    { name: "an empty token", token: () => "" },
    {
      name: "a real token cut in half",
      token: async () => {
        const next = (await list(`${fx.records}?_limit=5`)).headers.get("Next-Page") as string;
        const token = new URL(next).searchParams.get("_token") as string;
        return token.slice(0, Math.floor(token.length / 2));
      },
    },
    {
      name: "a real token with its first bytes overwritten",
      token: async () => {
        const next = (await list(`${fx.records}?_limit=5`)).headers.get("Next-Page") as string;
        const token = new URL(next).searchParams.get("_token") as string;
        return `////${token.slice(4)}`;
      },
    },
  ];

  test.each(invalid)("$name → 400", async ({ token }) => {
    const value = await token();
    if (value === "") {
      // An empty `_token` may also be read as "no token" (first page): never 500.
      const res = await send({ url: `${fx.records}?_limit=5&_token=` });
      expect(res.status).not.toBeGreaterThanOrEqual(500);
      if (res.status === 400) expect(res.body.errno).toBe(107);
      return;
    }
    const res = await send({ url: `${fx.records}?_limit=5&_token=${encodeURIComponent(value)}` });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ code: 400, errno: 107 });
    expect(res.body.details[0].location).toBe("querystring");
    expect(res.body.details[0].description).toMatch(/_token has invalid content/);
  });

  // Structurally valid tokens with odd values: decoded fine, so the reference may answer a page;
  // whatever happens, it must not be a server error.
  const odd: { name: string; sort: string; lastObject: unknown; offset?: unknown }[] = [
    { name: "wrong value type for last_modified", sort: "", lastObject: { last_modified: "abc" } },
    { name: "an object as a sort value", sort: "_sort=n", lastObject: { n: { a: [1] }, last_modified: 1 } },
    { name: "an SQL-looking id", sort: "_sort=id", lastObject: { id: "' OR 1=1; --", last_modified: 1 } },
    { name: "a huge number", sort: "_sort=n", lastObject: { n: 1e308, last_modified: 9e15 } },
    { name: "an empty last_object", sort: "_sort=title", lastObject: {} },
    { name: "a field not in the sort", sort: "", lastObject: { other: 1 } },
    { name: "a negative offset", sort: "", lastObject: { last_modified: 1 }, offset: -5 },
    { name: "a string offset", sort: "", lastObject: { last_modified: 1 }, offset: "many" },
  ];

  test.each(odd)("$name → a page or 400 errno 107, not 5xx", async ({ sort, lastObject, offset }) => {
    const token = btoa(JSON.stringify({ last_object: lastObject, offset: offset ?? 5, nonce: "pagination-token-x" }));
    const res = await send({ url: `${fx.records}?${sort}${sort ? "&" : ""}_limit=5&_token=${encodeURIComponent(token)}` });
    expect(res.status, res.text).toBeLessThan(500);
    if (res.status === 400) expect(res.body).toMatchObject({ code: 400, errno: 107 });
    else {
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.data)).toBe(true);
    }
  });

  test("a GET token is stateless: the same Next-Page can be fetched twice with the same answer", async () => {
    const next = (await list(`${fx.records}?_sort=id&_limit=5`)).headers.get("Next-Page") as string;
    const once = await list(next);
    const twice = await list(next);
    expect(twice.body.data).toEqual(once.body.data);
  });
});

describe("_limit", () => {
  test.each([
    { query: "_limit=abc", status: 400 },
    { query: "_limit=-1", status: 400 },
  ])("$query → $status", async ({ query, status }) => {
    const res = await send({ url: `${fx.records}?${query}` });
    expect(res.status).toBe(status);
    expect(res.body.errno).toBe(107);
  });

  test("_limit=0 means no explicit limit", async () => {
    const res = await list(`${fx.records}?_limit=0`);
    expect(res.body.data).toHaveLength(50);
    expect(res.headers.get("Next-Page")).toBeNull();
  });
});
