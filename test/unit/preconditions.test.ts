/** C14/C15: parsing of If-Match / If-None-Match, the 304 rule and the 412 rule (contract §2.8). */
import { describe, expect, test } from "vitest";
import { KintoError } from "../../src/errors";
import {
  isNotModified,
  parsePreconditions,
  preconditionFailure,
  timestampHeaders,
  type Preconditions,
  type Target,
} from "../../src/http/preconditions";

describe("parsePreconditions", () => {
  test.each<{ headers: Record<string, string>; expected: Preconditions }>([
    { headers: {}, expected: { ifMatch: null, ifNoneMatch: null } },
    { headers: { "If-Match": '"123"' }, expected: { ifMatch: 123, ifNoneMatch: null } },
    { headers: { "If-None-Match": "*" }, expected: { ifMatch: null, ifNoneMatch: "*" } },
    { headers: { "If-Match": "*", "If-None-Match": '"0"' }, expected: { ifMatch: "*", ifNoneMatch: 0 } },
    { headers: { "If-Match": ' "42" ' }, expected: { ifMatch: 42, ifNoneMatch: null } },
  ])("Headers $headers", ({ headers, expected }) => {
    expect(parsePreconditions(new Headers(headers))).toEqual(expected);
  });

  test("accepts a plain record with lower-case names", () => {
    expect(parsePreconditions({ "if-match": '"7"' })).toEqual({ ifMatch: 7, ifNoneMatch: null });
  });

  test.each([
    ["If-None-Match", 'W/"1"'],
    ["If-None-Match", "abc"],
    ["If-None-Match", "123"],
    ["If-None-Match", '"1.5"'],
    ["If-None-Match", '"-1"'],
    ["If-None-Match", '""'],
    ["If-Match", '"abc"'],
    ["If-Match", "W/*"],
    ["If-Match", '"99999999999999999999"'],
  ])("%s: %s → 400 errno 107", (name, value) => {
    let thrown: unknown;
    try {
      parsePreconditions(new Headers({ [name]: value }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KintoError);
    const error = thrown as KintoError;
    expect(error.status).toBe(400);
    expect(error.errno).toBe(107);
    expect(error.body().details).toEqual([
      { location: "header", name, description: "The value should be integer between double quotes." },
    ]);
  });
});

const OBJECT = { id: "r1", last_modified: 100, title: "x" };
const existing: Target = { exists: true, timestamp: 100, existing: OBJECT };
const plural: Target = { exists: true, timestamp: 100 };
const missing: Target = { exists: false, timestamp: null };

function p(ifMatch: Preconditions["ifMatch"], ifNoneMatch: Preconditions["ifNoneMatch"]): Preconditions {
  return { ifMatch, ifNoneMatch };
}

describe("isNotModified (304 rule)", () => {
  test.each([
    { name: "If-None-Match equal to the timestamp", pre: p(null, 100), target: existing, expected: true },
    { name: "plural target, equal", pre: p(null, 100), target: plural, expected: true },
    { name: "If-None-Match other number", pre: p(null, 99), target: existing, expected: false },
    { name: "If-None-Match * never 304s", pre: p(null, "*"), target: existing, expected: false },
    { name: "no header", pre: p(null, null), target: existing, expected: false },
    { name: "If-Match equal is not a 304", pre: p(100, null), target: existing, expected: false },
    { name: "missing target", pre: p(null, 100), target: missing, expected: false },
  ])("$name → $expected", ({ pre, target, expected }) => {
    expect(isNotModified(pre, target)).toBe(expected);
  });
});

describe("preconditionFailure (412 rule, first match wins)", () => {
  test.each([
    { name: "1. no headers, existing", pre: p(null, null), target: existing, fails: false },
    { name: "1. no headers, missing", pre: p(null, null), target: missing, fails: false },
    { name: "2. If-None-Match * and exists", pre: p(null, "*"), target: existing, fails: true },
    { name: "2. If-None-Match * on a plural target", pre: p(null, "*"), target: plural, fails: true },
    { name: "2. If-None-Match * and missing", pre: p(null, "*"), target: missing, fails: false },
    { name: "3. If-Match * and missing", pre: p("*", null), target: missing, fails: true },
    { name: "3. If-Match number and missing", pre: p(100, null), target: missing, fails: true },
    { name: "4. If-Match stale and exists", pre: p(99, null), target: existing, fails: true },
    { name: "4. If-Match stale on a plural target", pre: p(1, null), target: plural, fails: true },
    { name: "4. If-Match current and exists", pre: p(100, null), target: existing, fails: false },
    { name: "5. If-Match * and exists", pre: p("*", null), target: existing, fails: false },
    { name: "5. If-None-Match number never 412s (equal)", pre: p(null, 100), target: existing, fails: false },
    { name: "5. If-None-Match number never 412s (other)", pre: p(null, 5), target: existing, fails: false },
    { name: "5. If-None-Match number on missing", pre: p(null, 5), target: missing, fails: false },
    { name: "both: If-Match current + If-None-Match *", pre: p(100, "*"), target: existing, fails: true },
  ])("$name → $fails", ({ pre, target, fails }) => {
    const failure = preconditionFailure(pre, target);
    if (!fails) {
      expect(failure).toBeNull();
      return;
    }
    expect(failure).toBeInstanceOf(KintoError);
    expect(failure?.status).toBe(412);
    expect(failure?.errno).toBe(114);
    expect(failure?.message).toBe("Resource was modified meanwhile");
  });

  test("412 on an existing object: details.existing and its ETag", () => {
    const failure = preconditionFailure(p(1, null), existing);
    expect(failure?.body()).toEqual({
      code: 412,
      errno: 114,
      error: "Precondition Failed",
      message: "Resource was modified meanwhile",
      details: { existing: OBJECT },
    });
    expect(failure?.headers).toMatchObject(timestampHeaders(100));
  });

  test("412 on a plural target: no details, the list ETag", () => {
    const failure = preconditionFailure(p(null, "*"), plural);
    expect(failure?.body()).not.toHaveProperty("details");
    expect(failure?.headers.ETag).toBe('"100"');
  });

  test("412 on a missing target: no details", () => {
    const failure = preconditionFailure(p("*", null), missing);
    expect(failure?.body()).not.toHaveProperty("details");
  });
});

describe("timestampHeaders", () => {
  test("quoted integer ETag, Last-Modified floored to the second", () => {
    expect(timestampHeaders(1434641119102)).toEqual({
      ETag: '"1434641119102"',
      "Last-Modified": "Thu, 18 Jun 2015 15:25:19 GMT",
    });
  });
});
