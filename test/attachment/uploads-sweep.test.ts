/**
 * The cron upkeep aborts abandoned multipart uploads (uploads/sweep.ts): an open upload past
 * its expiry, and a completion cut by a crash once its key is abandoned, lose their R2 parts,
 * their rows and their claimed key; an upload still open is left alone.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env";
import { ABANDONED_AFTER_MS } from "../../src/plugins/attachment/files";
import { bucket, ledger } from "./helpers";
import { PART, bytes, create, putPart, target } from "./uploads-helpers";

interface Row {
  id: string;
  key: string;
  r2_upload_id: string;
}

async function started(): Promise<Row> {
  const t = await target();
  const created = await create(t, { filename: "big.json", size: PART * 2, part_size: PART });
  expect((await putPart(t, created.body.upload_id, 1, bytes(PART))).status).toBe(200);
  const row = await env.DB.prepare("SELECT id, key, r2_upload_id FROM attachment_uploads WHERE id = ?").bind(created.body.upload_id).first<Row>();
  if (row === null) throw new Error("no upload row");
  return row;
}

async function sweep(now: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/30 * * * *" }), env as unknown as Bindings, ctx);
  await waitOnExecutionContext(ctx);
}

async function r2Holds(row: Row): Promise<boolean> {
  try {
    await bucket().resumeMultipartUpload(row.key, row.r2_upload_id).uploadPart(2, bytes(PART));
    return true;
  } catch {
    return false;
  }
}

describe("sweep of multipart uploads", { timeout: 30_000 }, () => {
  it("aborts expired and crashed uploads, keeps open ones", async () => {
    const expired = await started();
    const crashed = await started();
    const running = await started();
    await env.DB.prepare("UPDATE attachment_uploads SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, expired.id).run();
    await env.DB.prepare("UPDATE attachment_uploads SET state = 'completing', created_at = ? WHERE id = ?")
      .bind(Date.now() - ABANDONED_AFTER_MS - 1, crashed.id)
      .run();
    await sweep(Date.now());
    const { results } = await env.DB.prepare("SELECT upload_id AS id FROM attachment_upload_parts UNION SELECT id FROM attachment_uploads").all<{ id: string }>();
    expect(results.map((row) => row.id)).toEqual([running.id]);
    const keys = (await ledger()).map((row) => row.key);
    expect(keys).toEqual([running.key]);
    expect(await r2Holds(expired)).toBe(false);
    expect(await r2Holds(crashed)).toBe(false);
    expect(await r2Holds(running)).toBe(true);
  });
});
