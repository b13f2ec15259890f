import { describe, expect, it } from "vitest";
import { decodeToken, encodeToken, newNonce, tokenValue } from "../../src/protocol/query/token";
import type { PageToken } from "../../src/protocol/query/types";
import { expect400 } from "./helpers";

const utf8Base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

describe("encodeToken / decodeToken", () => {
  it.each<[string, PageToken["lastObject"]]>([
    ["timestamps", { last_modified: 1_437_035_923_844 }],
    ["mixed values", { title: "é😀", n: 1.5, b: false, z: null, a: [1, { x: "y" }], "author.name": "Ben" }],
    ["nothing", {}],
  ])("round-trips %s", (_label, lastObject) => {
    const token = { lastObject, offset: 7, nonce: newNonce() };
    expect(decodeToken(encodeToken(token))).toEqual(token);
  });

  it("writes the reference's JSON structure in standard base64", () => {
    const raw = encodeToken({ lastObject: { title: "a", gone: undefined }, offset: 3, nonce: "pagination-token-x" });
    expect(raw).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(atob(raw))).toEqual({ last_object: { title: "a" }, offset: 3, nonce: "pagination-token-x" });
  });

  it("reads a token written by the reference (Python json.dumps spacing)", () => {
    const raw = utf8Base64('{"last_object": {"last_modified": 1437035923844, "title": "caf\\u00e9"}, "offset": 10, "nonce": "pagination-token-1"}');
    expect(decodeToken(raw)).toEqual({ lastObject: { last_modified: 1_437_035_923_844, title: "café" }, offset: 10, nonce: "pagination-token-1" });
  });

  it("tolerates unpadded, URL-safe and space-for-plus forms", () => {
    const token = { lastObject: { t: "??>>~~" }, offset: 1, nonce: "n" };
    const raw = encodeToken(token);
    expect(decodeToken(raw.replace(/=+$/, ""))).toEqual(token);
    expect(decodeToken(raw.replace(/\+/g, "-").replace(/\//g, "_"))).toEqual(token);
    expect(decodeToken(raw.replace(/\+/g, " "))).toEqual(token);
  });

  it.each([
    ["garbage", "!!!"],
    ["a lone character", "a"],
    ["invalid UTF-8", btoa("\xff\xfe")],
    ["JSON null", btoa("null")],
    ["a string", btoa('"x"')],
    ["no last_object", btoa('{"offset":0,"nonce":"n"}')],
    ["a string offset", btoa('{"last_object":{},"offset":"1","nonce":"n"}')],
    ["a fractional offset", btoa('{"last_object":{},"offset":1.5,"nonce":"n"}')],
    ["a numeric nonce", btoa('{"last_object":{},"offset":1,"nonce":1}')],
  ])("rejects %s", (_label, raw) => {
    expect400(() => decodeToken(raw), null, "_token has invalid content");
  });

  it("keeps __proto__ as data", () => {
    const raw = utf8Base64('{"last_object": {"__proto__": 5}, "offset": 0, "nonce": "n"}');
    const { lastObject } = decodeToken(raw);
    expect(tokenValue(lastObject, "__proto__")).toBe(5);
    expect(Object.getPrototypeOf(lastObject)).toBe(Object.prototype);
  });

  it("reads only own keys", () => {
    expect(tokenValue({}, "constructor")).toBeUndefined();
    expect(tokenValue({ a: null }, "a")).toBeNull();
  });

  it("makes reference-style nonces", () => {
    expect(newNonce()).toMatch(/^pagination-token-[0-9a-f-]{36}$/);
  });
});
