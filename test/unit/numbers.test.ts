/** src/json: which literals are kept raw, as what text, and how they compare. */
import { describe, expect, it } from "vitest";
import { compareNumbers, isRawNumber, kintoFloatText, rawNumber } from "../../src/json/numbers";
import { cloneJson, parseExactJson } from "../../src/json/parse";

describe("parseExactJson", () => {
  it.each([
    ['{"a": 1, "b": 0.5, "c": "1.0 1e5 12345678901234567"}', { a: 1, b: 0.5, c: "1.0 1e5 12345678901234567" }],
    ["[9007199254740991, -9007199254740991, 1.25, 0.0001, -0]", [9007199254740991, -9007199254740991, 1.25, 0.0001, -0]],
  ])("keeps plain what JavaScript prints as Kinto: %s", (text, expected) => {
    const value = parseExactJson(text);
    expect(value).toEqual(expected);
    expect(JSON.stringify(value)).not.toContain("rawJSON");
  });

  it.each([
    ["9007199254740993", "9007199254740993"],
    ["-123456789012345678901234567890", "-123456789012345678901234567890"],
    ["1.0", "1.0"],
    ["-0.0", "0.0"],
    ["0e10", "0.0"],
    ["1E5", "100000.0"],
    ["2.50e1", "25.0"],
    ["1e-5", "1e-05"],
    ["1.5e-300", "1.5e-300"],
    ["5e-324", "5e-324"],
    ["1e-400", "0.0"],
    ["1e16", "10000000000000000"],
    ["-1.5e300", `-15${"0".repeat(299)}`],
  ])("%s is kept as %s", (literal, kept) => {
    const value = parseExactJson(`{"n": ${literal}}`) as { n: unknown };
    // Raw exactly when JavaScript would print another text.
    expect(isRawNumber(value.n)).toBe(kept !== String(Number(literal)));
    expect(JSON.stringify(value)).toBe(`{"n":${kept}}`);
    expect(JSON.stringify(parseExactJson(JSON.stringify(value)))).toBe(`{"n":${kept}}`);
  });

  it.each(["1e400", "-1e309", `1${"0".repeat(309)}`, "NaN", "Infinity"])("refuses %s", (literal) => {
    expect(() => parseExactJson(`[${literal}]`)).toThrow(SyntaxError);
  });
});

describe("numbers", () => {
  it("prints floats as Kinto reads them back from PostgreSQL", () => {
    expect([1, 0.1, 1e-4, 9999999999999998, 1e21, -2e-7].map(kintoFloatText)).toEqual([
      "1.0", "0.1", "0.0001", "9999999999999998.0", "1000000000000000000000", "-2e-07",
    ]);
  });

  it("compares integers of any size exactly, and with doubles", () => {
    const big = rawNumber("9007199254740993");
    expect(compareNumbers(big, 9007199254740992)).toBe(1);
    expect(compareNumbers(rawNumber("9007199254740992"), 9007199254740992)).toBe(0);
    expect(compareNumbers(rawNumber("1.0"), 1)).toBe(0);
    expect(compareNumbers(rawNumber("-99999999999999999999"), rawNumber("-99999999999999999998"))).toBe(-1);
    expect(compareNumbers(rawNumber("1e-05"), 0.5)).toBe(-1);
  });

  it("cloneJson keeps raw numbers where structuredClone would not", () => {
    const value = parseExactJson('{"a": [{"n": 12345678901234567890}]}');
    expect(JSON.stringify(cloneJson(value))).toBe('{"a":[{"n":12345678901234567890}]}');
  });
});
