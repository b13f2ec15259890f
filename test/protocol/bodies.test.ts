/** C02–C04: request envelopes, Content-Type / Accept negotiation, JSON parsing and numbers (contract §2.1). */
import { describe, expect, test } from "vitest";
import { createBucket, fill, scenario, send, type Scenario } from "../resources/helpers";

const PATCH_TYPES_MESSAGE =
  "Content-Type header should be one of ['application/json', 'application/merge-patch+json', 'application/json-patch+json']";
const JSON_TYPE_MESSAGE = "Content-Type header should be one of ['application/json']";
const ACCEPT_MESSAGE = "Accept header should be one of ['application/json']";

/** Run against a fresh bucket `{bid}` holding collection `c` (by alice). */
const cases: Scenario[] = [
  // Envelope (C02)
  {
    name: "unknown top-level key → 400 errno 107",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: { data: {}, foo: 1 },
    status: 400,
    errno: 107,
    expectBody: { error: "Invalid parameters", message: expect.stringContaining("Unrecognized keys in mapping") },
  },
  {
    name: "unknown top-level key on PUT → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { data: {}, extra: true },
    status: 400,
    errno: 107,
    expectBody: { message: expect.stringContaining("Unrecognized keys in mapping") },
  },
  {
    name: "unknown top-level key on PATCH → 400",
    method: "PATCH",
    url: "/buckets/{bid}/collections/c",
    body: { data: { a: 1 }, extra: true },
    status: 400,
    errno: 107,
    expectBody: { message: expect.stringContaining("Unrecognized keys in mapping") },
  },
  {
    name: "data as a string → 400",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: { data: "" },
    status: 400,
    errno: 107,
    expectBody: { details: [expect.objectContaining({ location: "body", name: "data" })] },
  },
  {
    name: "data null → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { data: null },
    status: 400,
    errno: 107,
  },
  {
    name: "permissions null → 400",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: { data: {}, permissions: null },
    status: 400,
    errno: 107,
  },
  {
    name: "data as an array → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { data: [1, 2] },
    status: 400,
    errno: 107,
  },
  {
    name: "permissions not a mapping → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { permissions: ["read"] },
    status: 400,
    errno: 107,
  },
  {
    name: "permission value not a list of strings → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { permissions: { read: "system.Everyone" } },
    status: 400,
    errno: 107,
  },
  // JSON parsing (C04)
  {
    name: "invalid JSON → 400 errno 107 `Invalid JSON…`",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: '{"data": ',
    status: 400,
    errno: 107,
    expectBody: {
      error: "Invalid parameters",
      message: expect.stringMatching(/^Invalid JSON:/),
      // Kinto's two entries: the parse error, then the missing body.
      details: [
        { location: "body", name: "", description: expect.stringMatching(/^Invalid JSON:/) },
        { location: "body", name: "", description: "Required" },
      ],
    },
  },
  {
    name: "invalid JSON on PATCH → 400 errno 107",
    method: "PATCH",
    url: "/buckets/{bid}/collections/c",
    body: "{nope}",
    status: 400,
    errno: 107,
    expectBody: { message: expect.stringMatching(/^Invalid JSON:/) },
  },
  {
    name: "a JSON string body → 400",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: '"hello"',
    status: 400,
    errno: 107,
  },
  {
    name: "a JSON number body → 400",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: "42",
    status: 400,
    errno: 107,
  },
  {
    name: "a JSON array body on POST → 400",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: "[1]",
    status: 400,
    errno: 107,
  },
  // Content-Type (C03)
  {
    name: "POST text/plain → 415",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: {},
    headers: { "Content-Type": "text/plain" },
    status: 415,
    errno: 107,
    expectBody: { error: "Invalid parameters", message: JSON_TYPE_MESSAGE },
  },
  {
    name: "PUT text/plain → 415",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: {},
    headers: { "Content-Type": "text/plain" },
    status: 415,
    errno: 107,
    expectBody: { message: JSON_TYPE_MESSAGE },
  },
  {
    name: "PUT merge-patch type → 415 (only PATCH takes it)",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: {},
    headers: { "Content-Type": "application/merge-patch+json" },
    status: 415,
    errno: 107,
  },
  {
    name: "PATCH text/plain → 415 listing the three PATCH types",
    method: "PATCH",
    url: "/buckets/{bid}/collections/c",
    body: { data: { a: 1 } },
    headers: { "Content-Type": "text/plain" },
    status: 415,
    errno: 107,
    expectBody: { message: PATCH_TYPES_MESSAGE },
  },
  {
    name: "POST without Content-Type is accepted",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: { data: { title: "no type" } },
    headers: { "Content-Type": null },
    status: 201,
    expectBody: { data: { title: "no type" } },
  },
  {
    name: "PATCH without Content-Type is a plain JSON merge",
    method: "PATCH",
    url: "/buckets/{bid}/collections/c",
    body: { data: { a: 1 } },
    headers: { "Content-Type": null },
    status: 200,
    expectBody: { data: { id: "c", a: 1 } },
  },
  {
    name: "Content-Type parameters are ignored",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    body: { data: { b: 2 } },
    headers: { "Content-Type": "application/json; charset=utf-8" },
    status: 200,
    expectBody: { data: { b: 2 } },
  },
  {
    name: "empty body POST creates an empty object",
    method: "POST",
    url: "/buckets/{bid}/collections",
    status: 201,
    expectBody: { data: { id: expect.any(String), last_modified: expect.any(Number) } },
  },
  {
    name: "empty body PUT on an existing object keeps it",
    method: "PUT",
    url: "/buckets/{bid}/collections/c",
    status: 200,
    expectBody: { data: { id: "c", kept: true } },
  },
  {
    name: "empty body PUT on a new id creates an empty object",
    method: "PUT",
    url: "/buckets/{bid}/collections/fresh",
    status: 201,
    expectBody: { data: { id: "fresh" } },
  },
  {
    name: "a query string that is not valid UTF-8 → 400 errno 107",
    url: "/buckets/{bid}/collections?title=%FF%FE",
    status: 400,
    errno: 107,
  },
  // Accept (C03)
  {
    name: "Accept text/html → 406",
    url: "/buckets/{bid}",
    headers: { Accept: "text/html" },
    status: 406,
    errno: 107,
    expectBody: { error: "Invalid parameters", message: ACCEPT_MESSAGE },
  },
  {
    name: "Accept text/html on a write → 406",
    method: "POST",
    url: "/buckets/{bid}/collections",
    body: {},
    headers: { Accept: "text/html" },
    status: 406,
    errno: 107,
  },
  { name: "Accept */* is fine", url: "/buckets/{bid}", headers: { Accept: "*/*" }, status: 200 },
  // Utility endpoints declare no `accept` in Kinto: any Accept is served.
  { name: "Accept text/html on hello → 200", url: "/", headers: { Accept: "text/html" }, status: 200 },
  { name: "Accept text/plain on __heartbeat__ → 200", url: "/__heartbeat__", headers: { Accept: "text/plain" }, status: 200 },
  { name: "Accept text/html on batch → 200", method: "POST", url: "/batch", body: { requests: [] }, headers: { Accept: "text/html" }, status: 200 },
  { name: "Accept text/* on a resource → 406", url: "/buckets/{bid}/collections", headers: { Accept: "text/*" }, status: 406, errno: 107 },
  { name: "Accept application/* is fine", url: "/buckets/{bid}", headers: { Accept: "application/*" }, status: 200 },
  {
    name: "Accept with application/json among others is fine",
    url: "/buckets/{bid}",
    headers: { Accept: "text/html, application/json;q=0.9" },
    status: 200,
  },
];

describe("request bodies and content negotiation", () => {
  test.each(cases)("$name", async (s) => {
    const bid = await createBucket();
    await send({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: { data: { kept: true } } });
    const res = await scenario(fill(s, { bid }));
    if (res.status >= 400) {
      // Nothing was written by a rejected request.
      const collection = await send({ url: `/buckets/${bid}/collections/c` });
      expect(collection.body.data).toEqual({ id: "c", last_modified: expect.any(Number), kept: true });
    }
  });
});

describe("numbers", () => {
  const numberCases: Scenario[] = [
    {
      name: "1e400 → 400",
      method: "POST",
      url: "/buckets/{bid}/collections",
      body: '{"data": {"n": 1e400}}',
      status: 400,
      errno: 107,
    },
    {
      name: "-1e400 → 400",
      method: "POST",
      url: "/buckets/{bid}/collections",
      body: '{"data": {"n": -1e400}}',
      status: 400,
      errno: 107,
    },
    {
      name: "NaN → 400",
      method: "POST",
      url: "/buckets/{bid}/collections",
      body: '{"data": {"n": NaN}}',
      status: 400,
      errno: 107,
    },
    {
      name: "Infinity → 400",
      method: "POST",
      url: "/buckets/{bid}/collections",
      body: '{"data": {"n": Infinity}}',
      status: 400,
      errno: 107,
    },
    {
      name: "an integer beyond the double range → 400, as Kinto",
      method: "PUT",
      url: "/buckets/{bid}/collections/c",
      body: `{"data": {"deep": [{"n": 1${"0".repeat(400)}}]}}`,
      status: 400,
      errno: 107,
    },
  ];

  test.each(numberCases)("$name", async (s) => {
    const bid = await createBucket();
    await scenario(fill(s, { bid }));
  });

  test("safe integers, floats and exponents round-trip", async () => {
    const bid = await createBucket();
    const res = await send({
      method: "PUT",
      url: `/buckets/${bid}/collections/c`,
      body: '{"data": {"max": 9007199254740991, "min": -9007199254740991, "f": 0.1, "e": 1.5e10, "z": -0}}',
    });
    expect(res.status).toBe(201);
    const read = await send({ url: `/buckets/${bid}/collections/c` });
    expect(read.body.data).toMatchObject({ max: 9007199254740991, min: -9007199254740991, f: 0.1, e: 15000000000 });
    expect(read.text).toContain("9007199254740991");
  });
});
