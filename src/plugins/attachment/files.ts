/**
 * The `attachment_files` ledger (storage/schema.ts) and the R2 objects it accounts for. An
 * upload claims its key before writing R2; the record commit makes the file live or garbage
 * (writer mutations `file-live` / `file-release`); `sweepFiles` deletes garbage, and
 * abandoned uploads once no upload could still be running, from R2 and then from the ledger.
 */
import { SettingsError } from "../../config";
import type { Bindings } from "../../env";

/** An upload whose record commit has not come after this long was abandoned (a crash): its file is an orphan. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
/** Keys per R2 `delete` call (R2 takes up to 1,000). */
const SWEEP_BATCH = 500;

/** The R2 bucket of attachments; a 500 naming the binding when it is missing. */
export function filesBucket(env: Bindings): R2Bucket {
  if (env.ATTACHMENTS === undefined) {
    throw new SettingsError("ATTACHMENTS", "kinto_attachment needs an R2 bucket bound as ATTACHMENTS (see README)");
  }
  return env.ATTACHMENTS;
}

/**
 * Claims `key` for an upload to `recordUri`: true when the file is this upload's own (a new
 * key, or one being deleted); false when it is some record's live file being overwritten in
 * place (`randomize` off), which a failed upload must then leave in R2.
 */
export async function claimKey(db: D1Database, key: string, recordUri: string, now: number): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO attachment_files (key, record_uri, state, created_at) VALUES (?, ?, 'pending', ?)
       ON CONFLICT (key) DO UPDATE SET record_uri = excluded.record_uri, created_at = excluded.created_at,
         state = CASE WHEN attachment_files.state = 'live' THEN 'live' ELSE 'pending' END
       RETURNING state`,
    )
    .bind(key, recordUri, now)
    .first<{ state: string }>();
  return row?.state === "pending";
}

/** Removes a failed upload's file when it was its own (see `claimKey`); a failure leaves it to `sweepFiles`. */
export async function abandonUpload(db: D1Database, bucket: R2Bucket, key: string, own: boolean): Promise<void> {
  if (!own) return;
  try {
    await bucket.delete(key);
    await db.prepare("DELETE FROM attachment_files WHERE key = ? AND state = 'pending'").bind(key).run();
  } catch (error) {
    console.error("could not remove an abandoned upload:", error instanceof Error ? error.name : "unknown error");
  }
}

/** Deletes garbage and abandoned files from R2, then their rows; returns how many. Safe to run concurrently. */
export async function sweepFiles(db: D1Database, bucket: R2Bucket, now: number): Promise<number> {
  const doomed = "(state = 'garbage' OR (state = 'pending' AND created_at < ?))";
  const cutoff = now - ABANDONED_AFTER_MS;
  let removed = 0;
  for (;;) {
    const { results } = await db.prepare(`SELECT key FROM attachment_files WHERE ${doomed} LIMIT ?`).bind(cutoff, SWEEP_BATCH).all<{ key: string }>();
    const keys = results.map((row) => row.key);
    if (keys.length === 0) return removed;
    await bucket.delete(keys);
    await db
      .prepare(`DELETE FROM attachment_files WHERE key IN (SELECT value FROM json_each(?)) AND ${doomed}`)
      .bind(JSON.stringify(keys), cutoff)
      .run();
    removed += keys.length;
    if (keys.length < SWEEP_BATCH) return removed;
  }
}
