/**
 * The upkeep of multipart uploads (run by the plugin's `maintenance`, before `sweepFiles`):
 * an upload left open past its expiry, or a completion cut by a crash, is aborted in R2 and
 * its claimed key released, so R2 keeps no parts nobody will complete.
 */
import { ABANDONED_AFTER_MS, abandonUpload } from "../files";
import { abandonedUploads, removeUpload } from "./rows";

/** Uploads per sweep round. */
const SWEEP_BATCH = 100;

/** Aborts the abandoned uploads; returns how many. Safe to run concurrently (each row is removed once). */
export async function sweepUploads(db: D1Database, bucket: R2Bucket, now: number): Promise<number> {
  let aborted = 0;
  for (;;) {
    const rows = await abandonedUploads(db, now, now - ABANDONED_AFTER_MS, SWEEP_BATCH);
    for (const row of rows) {
      if (!(await removeUpload(db, row.id, row.state))) continue;
      // R2 answers an error for an upload it already dropped (completed, aborted, expired): nothing left to abort.
      await bucket.resumeMultipartUpload(row.key, row.r2UploadId).abort().catch(() => {});
      await abandonUpload(db, bucket, row.key, row.own);
      aborted++;
    }
    if (rows.length < SWEEP_BATCH) return aborted;
  }
}
