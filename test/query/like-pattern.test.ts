import { describe, expect, it } from "vitest";
import { caseVariants, globPattern, likeRegExp } from "../../src/protocol/query/like-pattern";

describe("globPattern", () => {
  it.each([
    ["ab", "*ab*"],
    ["AB", "*ab*"],
    ["a*", "a*"],
    ["*", "*"],
    ["", "*"],
    ["a***b", "a*b"],
    ["1%_", "*1%_*"],
    ["?[]", "*[?][[]]*"],
    ["é", "*[éÉ]*"],
    ["ß", "*ß*"],
    ["😀", "*😀*"],
  ])("%s → %s", (pattern, glob) => {
    expect(globPattern(pattern)).toBe(glob);
  });

  it("includes every single-code-point case variant", () => {
    expect(caseVariants("k").sort()).toEqual(["K", "k"]);
    expect(caseVariants("\u212a").sort()).toEqual(["K", "k", "\u212a"]);
  });
});

describe("likeRegExp", () => {
  it.each([
    ["app", "Apple pie", true],
    ["app", "apricot", false],
    ["a*e", "APPLE", true],
    ["a*e", "apples", false],
    ["%", "100%", true],
    ["_", "a_b", true],
    ["_", "ab", false],
    ["[^-]\\", "x[^-]\\y", true],
    ["[^-]\\", "x^", false],
    ["?", "what?", true],
    ["?", "what", false],
    ["été", "ÉTÉ indien", true],
    ["a\nb", "A\nB", true],
  ])("%j matches %j: %s", (pattern, text, expected) => {
    expect(likeRegExp(pattern).test(text)).toBe(expected);
  });
});
