/**
 * Numbers round-trip as Kinto (on PostgreSQL) keeps them: integers of any size exactly,
 * other literals as Kinto prints them once stored; filters and sorting stay exact.
 */
import { describe, expect, test } from "vitest";
import { live } from "../push/helpers";
import { get } from "../remote-settings/helpers";
import { EVERYONE, createBucket, createCollection, ok, send } from "../resources/helpers";

/** Literal sent → text every later answer shows (Kinto 26 on PostgreSQL, read back). */
const KEPT: [string, string][] = [
  ["1e308", `1${"0".repeat(308)}`],
  ["5e-324", "5e-324"],
  ["-0.0", "0.0"],
  ["1.0", "1.0"],
  ["1E5", "100000.0"],
  ["0.00001", "1e-05"],
  ["-1.5e-7", "-1.5e-07"],
  ["1e21", "1000000000000000000000"],
  ["1.5", "1.5"],
  ["0.0001", "0.0001"],
  ["9007199254740993", "9007199254740993"],
  ["-9223372036854775808", "-9223372036854775808"],
  ["18446744073709551615", "18446744073709551615"],
  ["123456789012345678901234567890", "123456789012345678901234567890"],
];

const body = (pairs: [string, string][], pick: 0 | 1): string =>
  `{${pairs.map(([sent, kept], i) => `"n${i}": ${pick === 0 ? sent : kept}`).join(", ")}}`;

/** Every kept text appears verbatim as the value of its field. */
function expectKept(text: string, pairs: [string, string][] = KEPT): void {
  pairs.forEach(([, kept], i) => expect(text).toContain(`"n${i}":${kept}`));
}

async function records(): Promise<string> {
  const bid = await createBucket();
  const cid = await createCollection(bid);
  return `/buckets/${bid}/collections/${cid}/records`;
}

describe("round-trip", () => {
  test("PUT answers, and GET, list and history show, what Kinto keeps", async () => {
    const url = await records();
    const put = await send({ method: "PUT", url: `${url}/r`, body: `{"data": ${body(KEPT, 0)}}` });
    expect(put.status).toBe(201);
    expectKept(put.text);
    expectKept((await ok({ url: `${url}/r` })).text);
    expectKept((await ok({ url })).text);
    const bid = url.split("/")[2] ?? "";
    expectKept((await ok({ url: `/buckets/${bid}/history?resource_name=record` })).text);
  });

  test("a stored text is kept again by every later write", async () => {
    const url = await records();
    await ok({ method: "PUT", url: `${url}/r`, body: `{"data": ${body(KEPT, 1)}}` });
    const patched = await ok({ method: "PATCH", url: `${url}/r`, body: '{"data": {"other": 1}}' });
    expectKept(patched.text);
    expectKept((await ok({ url: `${url}/r` })).text);
  });

  test("merge-patch keeps raw numbers, nested or replaced", async () => {
    const url = await records();
    await ok({ method: "PUT", url: `${url}/r`, body: '{"data": {"a": {"big": 12345678901234567890, "x": 1}, "z": 1.0}}' });
    const res = await ok({
      method: "PATCH",
      url: `${url}/r`,
      headers: { "Content-Type": "application/merge-patch+json" },
      body: '{"data": {"a": {"x": null, "more": -0.0}, "z": 9007199254740993}}',
    });
    expect(res.text).toContain('"a":{"big":12345678901234567890,"more":0.0}');
    expect(res.text).toContain('"z":9007199254740993');
    expect((await ok({ url: `${url}/r` })).text).toContain('"big":12345678901234567890');
  });

  test("JSON-Patch add, copy, move and test keep them", async () => {
    const url = await records();
    await ok({ method: "PUT", url: `${url}/r`, body: '{"data": {"big": 12345678901234567890, "list": [1.0]}}' });
    const res = await ok({
      method: "PATCH",
      url: `${url}/r`,
      headers: { "Content-Type": "application/json-patch+json" },
      body: `[
        {"op": "test", "path": "/data/big", "value": 12345678901234567890},
        {"op": "add", "path": "/data/added", "value": {"n": 98765432109876543210}},
        {"op": "copy", "from": "/data/big", "path": "/data/copied"},
        {"op": "copy", "from": "/data/list", "path": "/data/list2"},
        {"op": "move", "from": "/data/added", "path": "/data/moved"}
      ]`,
    });
    expect(res.text).toContain('"big":12345678901234567890');
    expect(res.text).toContain('"copied":12345678901234567890');
    expect(res.text).toContain('"list2":[1.0]');
    expect(res.text).toContain('"moved":{"n":98765432109876543210}');
    const failed = await send({
      method: "PATCH",
      url: `${url}/r`,
      headers: { "Content-Type": "application/json-patch+json" },
      body: '[{"op": "test", "path": "/data/big", "value": 12345678901234567891}]',
    });
    expect(failed.status).toBe(400);
  });

  test("batch sub-requests and their answers keep them", async () => {
    const url = await records();
    const res = await ok({
      method: "POST",
      url: "/batch",
      body: `{"requests": [
        {"method": "PUT", "path": "${url}/a", "body": {"data": ${body(KEPT, 0)}}},
        {"method": "GET", "path": "${url}/a"}
      ]}`,
    });
    expectKept(res.text);
    expect(res.text.split('"n10":9007199254740993').length).toBe(3);
  });
});

describe("changesets and live events", () => {
  test("a changeset shows what Kinto keeps", async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", { permissions: { read: [EVERYONE] } });
    await ok({ method: "PUT", url: `/buckets/${bid}/collections/${cid}/records/r`, body: `{"data": ${body(KEPT, 0)}}` });
    const res = await get({ url: `/buckets/${bid}/collections/${cid}/changeset?_expected=0` });
    expect(res.status, res.text).toBe(200);
    expectKept(res.text);
  });

  test("a live event shows what Kinto keeps", async () => {
    const url = await records();
    const subscriber = await live(url.replace(/\/records$/, ""));
    const texts: string[] = [];
    subscriber.socket.addEventListener("message", (event) => {
      texts.push(String(event.data));
    });
    await ok({ method: "PUT", url: `${url}/r`, body: `{"data": ${body(KEPT, 0)}}` });
    for (let i = 0; i < 300 && texts.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(texts).toHaveLength(1);
    expectKept(texts[0] ?? "");
    subscriber.socket.close();
  });
});

describe("filters and sorting on integers beyond 2^53", () => {
  const VALUES = ["9007199254740992", "9007199254740993", "9007199254740994", "-9223372036854775808", "9223372036854775807", "5"];

  async function seeded(): Promise<string> {
    const url = await records();
    for (const [i, n] of VALUES.entries()) {
      await ok({ method: "PUT", url: `${url}/r${i}`, body: `{"data": {"n": ${n}}}` });
    }
    return url;
  }

  /** The `n` texts of a list answer, in order. */
  const ns = (text: string): string[] => [...text.matchAll(/"n":(-?\d+)/g)].map((m) => m[1] ?? "");

  test("comparisons are exact within int64", async () => {
    const url = await seeded();
    const query = async (qs: string): Promise<string[]> => ns((await ok({ url: `${url}?${qs}&_sort=n` })).text);
    expect(await query("gt_n=9007199254740992")).toEqual(["9007199254740993", "9007199254740994", "9223372036854775807"]);
    expect(await query("n=9007199254740993")).toEqual(["9007199254740993"]);
    expect(await query("max_n=9007199254740993")).toEqual(["-9223372036854775808", "5", "9007199254740992", "9007199254740993"]);
    expect(await query("in_n=9007199254740994,9223372036854775807")).toEqual(["9007199254740994", "9223372036854775807"]);
    expect(await query("not_n=9007199254740993")).toHaveLength(5);
    expect(await query("lt_n=-9223372036854775807")).toEqual(["-9223372036854775808"]);
  });

  test("_sort and its page tokens follow the exact order", async () => {
    const url = await seeded();
    const sorted = [...VALUES].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1));
    expect(ns((await ok({ url: `${url}?_sort=-n` })).text)).toEqual(sorted);
    const seen: string[] = [];
    let next: string | null = `${url}?_sort=-n&_limit=2`;
    while (next !== null) {
      const page = await ok({ url: next.replace(/^http:\/\/localhost\/v1/, "") });
      seen.push(...ns(page.text));
      next = page.headers.get("Next-Page");
    }
    expect(seen).toEqual(sorted);
  });
});

describe("schemas", () => {
  test('an integer beyond 2^53 is an `{"type": "integer"}`; a float is not', async () => {
    const bid = await createBucket();
    const cid = await createCollection(bid, "alice", {
      data: { schema: { type: "object", properties: { n: { type: "integer", minimum: 0 } } } },
    });
    const url = `/buckets/${bid}/collections/${cid}/records`;
    const big = await send({ method: "POST", url, body: '{"data": {"n": 12345678901234567890}}' });
    expect(big.status).toBe(201);
    expect(big.text).toContain('"n":12345678901234567890');
    const float = await send({ method: "POST", url, body: '{"data": {"n": 1.5}}' });
    expect(float.status).toBe(400);
    const negative = await send({ method: "POST", url, body: '{"data": {"n": -9007199254740993}}' });
    expect(negative.status).toBe(400);
  });
});
