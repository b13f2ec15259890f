/**
 * Canonical JSON of content signatures (contract §12.2 "What is signed"). Mozilla's
 * canonicaljson-rs (the serializer Remote Settings calls) cannot be run here (PyPI and crates.io
 * are out of reach), so its own test suite's input → output pairs (mozilla-services/canonicaljson-rs,
 * src/ser.rs `test_to_string`) are reproduced as vectors below, with the contract's.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, signedPayload } from "../../../src/plugins/remote-settings/signer/canonical";
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

  describe("canonicaljson-rs's own vectors", () => {
    // Floats: a JSON text that is not an integer's is an f64 (Python's json), written in exponent form.
    const floats: [string, string][] = [
      ["23.1", "2.31E1"],
      ["1.0", "1E0"],
      ["0.0", "0E0"],
      ["23.0", "2.3E1"],
      ["-23.0", "-2.3E1"],
      ["0.00099", "9.9E-4"],
      ["0.000011", "1.1E-5"],
      ["0.0000011", "1.1E-6"],
      ["0.000001", "1E-6"],
      ["5.6", "5.6E0"],
      ["0.00000099", "9.9E-7"],
      ["0.0000001", "1E-7"],
      ["0.000000930258908", "9.30258908E-7"],
      ["0.00000000000068272", "6.8272E-13"],
      ["1e21", "1E21"],
      ["1e20", "1E20"],
      ["1000000000000000.1", "1.0000000000000001E15"],
      ["11000000000000000.0", "1.1E16"],
      ["1e400", "null"],
    ];
    for (const [text, expected] of floats) it(`float ${text}`, () => expect(canonicalJson(rawNumber(text))).toBe(expected));

    it("floats that are plain JavaScript numbers", () => {
      expect(canonicalJson([23.1, 5.6, -0.5])).toBe("[2.31E1,5.6E0,-5E-1]");
    });

    const values: [JsonValue, string][] = [
      [null, "null"],
      [true, "true"],
      [0, "0"],
      [123, "123"],
      [-123, "-123"],
      [2300, "2300"],
      ["", '""'],
      [" Preserve single quotes'in string", `" Preserve single quotes'in string"`],
      [' Escapes quotes " ', '" Escapes quotes \\" "'],
      ["This\\and this", '"This\\\\and this"'],
      ["I ❤ testing", '"I \\u2764 testing"'],
      ["This is a sentence.\n", '"This is a sentence.\\n"'],
      ["This is a \t tab.", '"This is a \\t tab."'],
      ["This is a \r carriage return char.", '"This is a \\r carriage return char."'],
      ["image//jpeg", '"image//jpeg"'],
      ["frequency at 10.0e+04", '"frequency at 10.0e+04"'],
      ["I \\u{} testing", '"I \\\\u{} testing"'],
      ["𝄞", '"\\ud834\\udd1e"'],
      ["𝗠𝗼𝘇", '"\\ud835\\udde0\\ud835\\uddfc\\ud835\\ude07"'],
      ["\u{10000} \u{10FFFF}", '"\\ud800\\udc00 \\udbff\\udfff"'],
      [{ a: "a", id: "1", b: "b" }, '{"a":"a","b":"b","id":"1"}'],
      [{ "é": "check" }, '{"\\u00e9":"check"}'],
      [[{ key: "ę" }], '[{"key":"\\u0119"}]'],
      [
        { a: { b: "b", a: "a", c: { b: "b", a: "a", c: ["b", "a", "c"], d: { b: "b", a: "a" }, id: "1", e: 1, f: [2, 3, 1], g: { "2": 2, "3": 3, "1": { b: "b", a: "a", c: "c" } } } }, id: "1" },
        '{"a":{"a":"a","b":"b","c":{"a":"a","b":"b","c":["b","a","c"],"d":{"a":"a","b":"b"},"e":1,"f":[2,3,1],"g":{"1":{"a":"a","b":"b","c":"c"},"2":2,"3":3},"id":"1"}},"id":"1"}',
      ],
      [
        { def: "bar", abc: rawNumber("0.000000930258908"), ghi: rawNumber("1000000000000000000000.0"), rust: "❤", zoo: ["zorilla", "anteater"] },
        '{"abc":9.30258908E-7,"def":"bar","ghi":1E21,"rust":"\\u2764","zoo":["zorilla","anteater"]}',
      ],
    ];
    for (const [value, expected] of values) it(`value ${expected.slice(0, 40)}`, () => expect(canonicalJson(value)).toBe(expected));
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
