/**
 * The signer backend settings and the Hawk header the Autograph backend sends (the whole
 * Autograph round trip is proven end to end: test/e2e/autograph.test.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { settingsOf } from "../../../src/config";
import { backendOf } from "../../../src/plugins/remote-settings/signer/backend";
import { hawkHeader, payloadHash } from "../../../src/plugins/remote-settings/signer/hawk";
import { call } from "../../permissions/helpers";

const BACKEND = "KINTO_SIGNER_SIGNER_BACKEND";

describe("Hawk", () => {
  // The reference example of the Hawk specification (hueniverse/hawk README), reproduced by every implementation.
  const credentials = { id: "dh37fgj492je", key: "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn" };

  it("hashes the payload with its media type", async () => {
    expect(await payloadHash("text/plain", "Thank you for flying Hawk")).toBe("Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
    expect(await payloadHash("Text/Plain; charset=utf-8", "Thank you for flying Hawk")).toBe("Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
  });

  it("signs the request as the reference example", async () => {
    const header = await hawkHeader(credentials, {
      method: "POST",
      url: new URL("http://example.com:8000/resource/1?b=1&a=2"),
      contentType: "text/plain",
      payload: "Thank you for flying Hawk",
      timestamp: 1353832234,
      nonce: "j4h3g2",
      ext: "some-app-ext-data",
    });
    expect(header).toBe(
      'Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", ext="some-app-ext-data", mac="aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw="',
    );
  });

  it("uses a fresh nonce and the current time by default", async () => {
    const request = { method: "POST", url: new URL("https://autograph.example/sign/data"), contentType: "application/json", payload: "[]" };
    const [a, b] = [await hawkHeader(credentials, request), await hawkHeader(credentials, request)];
    const nonce = (header: string) => /nonce="([^"]+)"/.exec(header)?.[1];
    expect(nonce(a)).not.toBe(nonce(b));
    const ts = Number(/ts="(\d+)"/.exec(a)?.[1]);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe("signer.signer_backend", () => {
  const source = { bucket: "main-workspace", collection: "c" };

  it("is local_ecdsa by default; Remote Settings' and kinto-signer's names are understood, per bucket too", () => {
    expect(backendOf(settingsOf(env as object), source)).toBe("local_ecdsa");
    for (const name of ["kinto_remote_settings.signer.backends.autograph", "kinto_signer.signer.autograph"]) {
      expect(backendOf(settingsOf({ ...(env as object), [BACKEND]: name }), source)).toBe("autograph");
      expect(backendOf(settingsOf({ ...(env as object), KINTO_SIGNER_MAIN_WORKSPACE_SIGNER_BACKEND: name }), source)).toBe("autograph");
      expect(backendOf(settingsOf({ ...(env as object), KINTO_SIGNER_MAIN_WORKSPACE_SIGNER_BACKEND: name }), { bucket: "other", collection: "c" })).toBe("local_ecdsa");
    }
    expect(backendOf(settingsOf({ ...(env as object), [BACKEND]: "kinto_remote_settings.signer.backends.local_ecdsa" }), source)).toBe("local_ecdsa");
  });

  it("refuses an unknown backend, or Autograph without its settings: a 500 naming the variable on every request", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ [BACKEND]: "kinto_remote_settings.signer.backends.typo" }, BACKEND],
      [{ [BACKEND]: "kinto_remote_settings.signer.backends.autograph" }, "KINTO_SIGNER_AUTOGRAPH_SERVER_URL"],
      [{ KINTO_SIGNER_MAIN_WORKSPACE_SIGNER_BACKEND: "kinto_remote_settings.signer.backends.autograph", KINTO_SIGNER_AUTOGRAPH_SERVER_URL: "https://autograph.example" }, "KINTO_SIGNER_AUTOGRAPH_HAWK_ID"],
      [{ [BACKEND]: "kinto_signer.signer.autograph", KINTO_SIGNER_AUTOGRAPH_SERVER_URL: "not a url", KINTO_SIGNER_AUTOGRAPH_HAWK_ID: "a", KINTO_SIGNER_AUTOGRAPH_HAWK_SECRET: "s3cret-value" }, "KINTO_SIGNER_AUTOGRAPH_SERVER_URL"],
    ];
    for (const [vars, variable] of cases) {
      const res = await call({ url: "/", vars });
      expect(res.status, res.text).toBe(500);
      expect(res.body.message).toContain(variable);
      expect(res.text).not.toContain("s3cret-value");
    }
    const fine = await call({ url: "/", vars: { [BACKEND]: "kinto_remote_settings.signer.backends.autograph", KINTO_SIGNER_AUTOGRAPH_SERVER_URL: "https://autograph.example", KINTO_SIGNER_AUTOGRAPH_HAWK_ID: "a", KINTO_SIGNER_AUTOGRAPH_HAWK_SECRET: "b" } });
    expect(fine.status, fine.text).toBe(200);
  });
});
