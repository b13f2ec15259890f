/** The demo page and its scripts: served with the plugin on, with a policy that lets them run; 404 without it. */
import { describe, expect, test } from "vitest";
import { call } from "../permissions/helpers";
import { send } from "../resources/helpers";

describe("the live-changes demo", () => {
  test("the page, the client module and kinto-http, each with its type", async () => {
    const page = await send({ url: "/live-demo" });
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("Content-Security-Policy")).toContain("connect-src 'self' ws: wss:");
    expect(page.text).toContain('from "./live-demo/live-changes.mjs"');
    const client = await send({ url: "/live-demo/live-changes.mjs" });
    expect(client.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(client.text).toContain("export function followCollection");
    expect((await send({ url: "/live-demo/kinto-http.min.js" })).text).toContain("KintoClient");
    expect((await send({ url: "/" })).body.capabilities.push.demo).toBe("/live-demo");
  });

  test("other responses keep the API's policy; without kinto_edge.push there is no page", async () => {
    expect((await send({ url: "/" })).headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const off = await call({ url: "/live-demo", vars: { KINTO_INCLUDES: "kinto.plugins.accounts" } });
    expect(off.status).toBe(404);
  });
});
