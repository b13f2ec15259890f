/**
 * The harness of the fuzz suite (issue 17): a shared collection, every route, and the checks
 * made on each answer. Every answer is below 500; every answer ≥ 400 is Kinto's error
 * envelope; no body leaks a stack trace, SQL or a file path; and after each write (or
 * rejected request) the shared collection still lists, filters and sorts. One test file per
 * property, so that each starts from fresh storage.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { EVERYONE, createBucket, createCollection, send, type Req, type Res } from "../resources/helpers";

/** Fixed, so that CI runs the same cases every time. */
export const SEED = 17;
const LEAK = /D1_ERROR|SQLITE|json_extract|SELECT |\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|\/work\//;

export interface Fixture {
  bid: string;
  playground: string;
  records: string;
}

export async function setUp(): Promise<Fixture> {
  // Owned by bob, who never sends a fuzzed request: nothing fuzzed can delete it.
  const bid = await createBucket("bob", { permissions: { read: [EVERYONE] } });
  const cid = await createCollection(bid, "bob", { permissions: { "record:create": [EVERYONE] } });
  const playground = await createBucket();
  const records = `/buckets/${bid}/collections/${cid}/records`;
  await seedAs(records, [{ id: "r1", title: "abc", n: 1 }, { id: "r2", title: "Xyz", n: 2.5, deep: { a: [1, { b: 2 }] } }]);
  return { bid, playground, records };
}

async function seedAs(url: string, items: Record<string, unknown>[]): Promise<void> {
  for (const data of items) expect((await send({ method: "POST", url, as: "bob", body: { data } })).status).toBe(201);
}

/** Paths on every route but `/__flush__`; the shared bucket and collection themselves are never deleted. */
export function routes({ playground, records }: Fixture): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      "/",
      "/buckets",
      `/buckets/${playground}`,
      `/buckets/${playground}/collections`,
      `/buckets/${playground}/collections/c1`,
      `/buckets/${playground}/collections/c1/records`,
      `/buckets/${playground}/collections/c1/records/r1`,
      `/buckets/${playground}/groups`,
      `/buckets/${playground}/groups/g1`,
      records,
      `${records}/r1`,
      `${records}/r2`,
      `${records}/new-one`,
      "/batch",
      "/accounts",
      "/accounts/fuzzer",
      "/permissions",
      "/buckets/default/collections/tasks/records",
      "/__heartbeat__",
      "/__lbheartbeat__",
      "/__version__",
      "/__api__",
      "/contribute.json",
      // Not /__flush__: it is on in the dev settings, and a fuzzed POST would wipe the fixture.
    ),
    fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`),
    fc.constantFrom(`${records}/${"a".repeat(5000)}`, "/buckets/%00", "/buckets/..%2F..", `/buckets/${"é".repeat(300)}`, "//buckets"),
  );
}

function checkAnswer(req: Req, res: Res): void {
  const context = `${req.method} ${req.url.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  expect(LEAK.test(res.text), `leak: ${context}`).toBe(false);
  if (res.status >= 400 && req.method !== "HEAD") {
    expect(res.headers.get("Content-Type"), context).toMatch(/^application\/json/);
    expect(res.body, context).toMatchObject({ code: res.status, errno: expect.any(Number), error: expect.any(String) });
  }
}

/**
 * The shared collection still lists, filters and sorts. Checked after every request but
 * accepted reads (which change nothing), so the suite stays within its time budget.
 */
async function stillUsable(records: string): Promise<void> {
  for (const query of ["?like_title=x*&gt_n=0&_sort=-deep.a,title&_limit=1"]) {
    const res = await send({ url: `${records}${query}`, as: "bob" });
    expect(res.status, `${query} → ${res.text.slice(0, 300)}`).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
  }
}

export async function run(fixture: Fixture, req: Req): Promise<void> {
  const res = await send(req);
  checkAnswer(req, res);
  if (res.status >= 400 || !["GET", "HEAD", "OPTIONS"].includes((req.method ?? "GET").toUpperCase())) await stillUsable(fixture.records);
}

