/**
 * The cron trigger's upkeep (files.ts `sweepFiles`): garbage whose R2 deletion did not happen
 * is deleted on the next run; an upload abandoned by a crash (a pending key older than
 * ABANDONED_AFTER_MS) is removed; a recent pending upload and live files are left alone.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env";
import { ABANDONED_AFTER_MS } from "../../src/plugins/attachment/files";
import { uid } from "../resources/helpers";
import { bucket, ledger } from "./helpers";

async function row(state: string, createdAt: number): Promise<string> {
  const key = `${uid("k")}.txt`;
  await bucket().put(key, state);
  await env.DB.prepare("INSERT INTO attachment_files (key, record_uri, state, created_at) VALUES (?, ?, ?, ?)")
    .bind(key, `/buckets/b/collections/c/records/${uid("r")}`, state, createdAt)
    .run();
  return key;
}

describe("scheduled upkeep", () => {
  it("deletes garbage and abandoned uploads from R2 and the ledger, and nothing else", async () => {
    const now = Date.now();
    const garbage = await row("garbage", now);
    const abandoned = await row("pending", now - ABANDONED_AFTER_MS - 1000);
    const running = await row("pending", now);
    const live = await row("live", now - ABANDONED_AFTER_MS - 1000);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/30 * * * *" }), env as unknown as Bindings, ctx);
    await waitOnExecutionContext(ctx);
    const keys = (await ledger()).map((entry) => entry.key);
    for (const key of [garbage, abandoned]) {
      expect(keys).not.toContain(key);
      expect(await bucket().head(key)).toBeNull();
    }
    for (const key of [running, live]) {
      expect(keys).toContain(key);
      expect(await bucket().head(key)).not.toBeNull();
    }
  });
});
