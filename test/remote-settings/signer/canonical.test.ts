/**
 * Canonical JSON of content signatures (contract §12.2 "What is signed"). The vectors follow the
 * contract's rules for Mozilla's canonicaljson-rs (the serializer Remote Settings calls); that
 * library could not be run here (PyPI is out of reach, and Debian's python3-canonicaljson is
 * Matrix's, which leaves non-ASCII unescaped), so each rule has its own vector.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, FloatInPayload, signedPayload } from "../../../src/plugins/remote-settings/signer/canonical";
import { rawNumber } from "../../../src/json/numbers";
import type { JsonValue } from "../../../src/wire";

describe("canonical JSON", () => {
  const vectors: [string, JsonValue, string][] = [
    ["the contract's example", { data: [{ id: "a", last_modified: 12, title: "café" }], last_modified: "12" }, '{"data":[{"id":"a","last_modified":12,"title":"caf\\u00e9"}],"last_modified":"12"}'],
    ["keys sorted recursively, no whitespace", { z: 1, a: { y: [1, null, true, false], b: "" } }, '{"a":{"b":"","y":[1,null,true,false]},"z":1}'],
    ["short escapes", { s: '"\\\b\f\n\r\t/' }, '{"s":"\\"\\\\\\b\\f\\n\\r\\t/"}'],
    ["other control characters and U+007F", { s: "\u0000\u001f\u007f" }, '{"s":"\\u0000\\u001f\\u007f"}'],
    ["non-ASCII in lowercase hex, surrogate pairs beyond the BMP", { s: "中😀\u2028" }, '{"s":"\\u4e2d\\ud83d\\ude00\\u2028"}'],
    ["escaped keys", { "é": 1, e: 2 }, '{"e":2,"\\u00e9":1}'],
    ["integers in plain decimal", { n: [0, -5, 1e21, 9007199254740991] }, '{"n":[0,-5,1000000000000000000000,9007199254740991]}'],
  ];
  for (const [name, value, expected] of vectors) {
    it(name, () => expect(canonicalJson(value)).toBe(expected));
  }

  it("orders keys by code point, not by UTF-16 unit", () => {
    // U+FF61 sorts before U+1F600 by code point, after it by UTF-16 units (0xD83D < 0xFF61).
    expect(canonicalJson({ "\u{1F600}": 1, "\uFF61": 2 })).toBe('{"\\uff61":2,"\\ud83d\\ude00":1}');
  });

  it("refuses floats (their canonical form differs from JavaScript's), kept ones too", () => {
    expect(() => canonicalJson({ x: 3.14 })).toThrow(FloatInPayload);
    expect(() => canonicalJson({ x: rawNumber("1.0") })).toThrow(FloatInPayload);
  });

  it("writes integers beyond 2^53 exactly", () => {
    expect(canonicalJson({ n: rawNumber("9007199254740993") })).toBe('{"n":9007199254740993}');
  });

  it("signs live records sorted by id with the timestamp as a string", () => {
    const payload = signedPayload(
      [
        { id: "b", last_modified: 3 },
        { id: "a", last_modified: 2, x: "y" },
        { id: "c", last_modified: 4, deleted: true },
      ],
      4,
    );
    expect(payload).toBe('{"data":[{"id":"a","last_modified":2,"x":"y"},{"id":"b","last_modified":3}],"last_modified":"4"}');
  });
});
