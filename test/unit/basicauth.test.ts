/** A02: the basicauth user id algorithm against the contract's test vectors (§7.2). */
import { describe, expect, test } from "vitest";
import { basicCredentials, basicauthUserId, hmacHex } from "../../src/auth/basicauth";

const MAT = "8a931a10fc88ab2f6d1cc02a07d3a81b5d4768f6f13e85c5d8d4180419acb1b4";
const ALICE = "d5b0026601f1b251974e09548d44155e16812e3c64ff7ae053fe3542e2ca1570";
const BOB = "c031ced27503f788b102ca54269a062ec73794bb075154c74a0d4311e74ca8b6";
const MAT_WITH_SECRET = "c6c27f0c7297ba7d4abd2a70c8a2cb88a06a3bb793817ef2c85fe8a709b08022";

describe("hmacHex", () => {
  test.each([
    { secret: "", message: "mat:secret", expected: MAT },
    { secret: "", message: "alice:secret", expected: ALICE },
    { secret: "", message: "bob:secret", expected: BOB },
    { secret: "some-secret-string", message: "mat:secret", expected: MAT_WITH_SECRET },
  ])("HMAC-SHA256($secret, $message)", async ({ secret, message, expected }) => {
    expect(await hmacHex(secret, message)).toBe(expected);
  });
});

describe("basicauthUserId", () => {
  test.each([
    { header: "Basic bWF0OnNlY3JldA==", secret: "", expected: `basicauth:${MAT}` },
    { header: `Basic ${btoa("alice:secret")}`, secret: "", expected: `basicauth:${ALICE}` },
    { header: `Basic ${btoa("bob:secret")}`, secret: "", expected: `basicauth:${BOB}` },
    { header: "Basic bWF0OnNlY3JldA==", secret: "some-secret-string", expected: `basicauth:${MAT_WITH_SECRET}` },
    { header: "basic bWF0OnNlY3JldA==", secret: "", expected: `basicauth:${MAT}` },
    { header: "BASIC bWF0OnNlY3JldA==", secret: "", expected: `basicauth:${MAT}` },
  ])("$header with secret '$secret'", async ({ header, secret, expected }) => {
    expect(await basicauthUserId(header, secret)).toBe(expected);
  });

  test.each([
    { name: "no header", header: undefined },
    { name: "empty header", header: "" },
    { name: "another scheme", header: "Bearer bWF0OnNlY3JldA==" },
    { name: "not base64", header: "Basic %%%" },
    { name: "no colon", header: `Basic ${btoa("mat")}` },
    { name: "empty username", header: `Basic ${btoa(":secret")}` },
  ])("$name → not authenticated", async ({ header }) => {
    expect(await basicauthUserId(header, "")).toBeNull();
  });

  test("an empty password is allowed", async () => {
    expect(await basicauthUserId(`Basic ${btoa("mat:")}`, "")).toBe(`basicauth:${await hmacHex("", "mat:")}`);
  });
});

describe("basicCredentials", () => {
  test("splits at the first colon", () => {
    expect(basicCredentials(`Basic ${btoa("user:pa:ss")}`)).toEqual({ username: "user", password: "pa:ss" });
  });

  test("decodes UTF-8, falling back to Latin-1", () => {
    const utf8 = new TextEncoder().encode("zoé:x");
    expect(basicCredentials(`Basic ${btoa(String.fromCharCode(...utf8))}`)).toEqual({ username: "zoé", password: "x" });
    // 0xE9 alone is not valid UTF-8: Latin-1 "é".
    expect(basicCredentials(`Basic ${btoa("zo\u00e9:x")}`)).toEqual({ username: "zoé", password: "x" });
  });
});
