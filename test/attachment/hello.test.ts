/** The `attachments` capability and heartbeat entry (contract §11.1). */
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { env } from "cloudflare:workers";
import { send } from "../resources/helpers";
import { bucket } from "./helpers";

const app = buildApp();
const MiB = 1024 * 1024;

async function helloWith(vars: Record<string, string>) {
  const res = await app.fetch(new Request("http://localhost/v1/"), { ...(env as object), ...vars });
  return (await res.json()) as { capabilities: Record<string, Record<string, unknown>> };
}

describe("capability", () => {
  it("advertises this server's file route by default", async () => {
    const res = await send({ url: "/" });
    expect(res.body.capabilities.attachments).toEqual({
      description: "Add file attachments to records",
      url: "https://github.com/Kinto/kinto-attachment/",
      version: "9.0.1",
      base_url: "http://localhost/v1/attachments/",
      multipart_upload: { part_size: 8 * MiB, min_part_size: 5 * MiB, max_part_size: 64 * MiB, max_parts: 10_000, expires_seconds: 12 * 3600 },
    });
  });

  it("advertises extra.base_url, else base_url, with a trailing slash", async () => {
    expect((await helloWith({ KINTO_ATTACHMENT_BASE_URL: "https://cdn.example.com/files" })).capabilities.attachments?.base_url).toBe(
      "https://cdn.example.com/files/",
    );
    const both = await helloWith({ KINTO_ATTACHMENT_BASE_URL: "https://a.example/", KINTO_ATTACHMENT_EXTRA_BASE_URL: "https://b.example/x" });
    expect(both.capabilities.attachments?.base_url).toBe("https://b.example/x/");
  });

  it("is absent when the plugin is not included", async () => {
    const hello = await helloWith({ KINTO_INCLUDES: "kinto.plugins.accounts" });
    expect(hello.capabilities).not.toHaveProperty("attachments");
  });
});

describe("heartbeat", () => {
  it("reports attachments: true after writing and deleting a probe file", async () => {
    const res = await send({ url: "/__heartbeat__" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ storage: true, permission: true, attachments: true });
    const probe = await bucket().head("heartbeat-test/heartbeat.json");
    expect(probe).toBeNull();
  });

  it("a missing R2 binding answers a 500 naming it", async () => {
    const res = await app.fetch(new Request("http://localhost/v1/__heartbeat__"), { ...(env as object), ATTACHMENTS: undefined });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("ATTACHMENTS");
  });
});
