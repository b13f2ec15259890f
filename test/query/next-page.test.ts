import { describe, expect, it } from "vitest";
import { nextPageUrl } from "../../src/protocol/query/next-page";

const TOKEN = "eyJsYXN0X29iamVjdCI6e30sIm9mZnNldCI6Mn0+/==";

describe("nextPageUrl", () => {
  it("keeps scheme, host, port, path and every parameter; replaces _limit and _token in place", () => {
    const url = new URL("https://kinto.example:8443/v1/buckets/b/collections/c/records?_sort=-title&_limit=5&in_id=a,b&_token=old&_expected=1");
    const next = new URL(nextPageUrl(url, 2, TOKEN));
    expect(next.origin).toBe("https://kinto.example:8443");
    expect(next.pathname).toBe("/v1/buckets/b/collections/c/records");
    expect([...next.searchParams]).toEqual([
      ["_sort", "-title"],
      ["_limit", "2"],
      ["in_id", "a,b"],
      ["_token", TOKEN],
      ["_expected", "1"],
    ]);
  });

  it("appends _limit and _token when absent", () => {
    const next = nextPageUrl(new URL("http://localhost:8888/v1/buckets"), 10, TOKEN);
    expect(next.startsWith("http://localhost:8888/v1/buckets?_limit=10&_token=")).toBe(true);
    expect(new URL(next).searchParams.get("_token")).toBe(TOKEN);
  });

  it("round-trips quoted, unicode and repeated values, and drops the fragment", () => {
    const url = new URL('http://h/v1/b?_since="123"&title=caf%C3%A9%20+x&a=1&a=2#frag');
    const next = new URL(nextPageUrl(url, 3, TOKEN));
    expect(next.hash).toBe("");
    expect(next.searchParams.get("_since")).toBe('"123"');
    expect(next.searchParams.get("title")).toBe("café  x");
    expect(next.searchParams.getAll("a")).toEqual(["1", "2"]);
  });

  it("leaves the request URL unchanged", () => {
    const url = new URL("http://h/v1/b?_limit=1");
    nextPageUrl(url, 3, TOKEN);
    expect(url.href).toBe("http://h/v1/b?_limit=1");
  });
});
