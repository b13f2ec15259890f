/**
 * How a large file is cut into R2 parts: every part but the last is exactly `partSize`
 * bytes (R2 wants equal parts of at least 5 MiB), the last holds the rest (at least 1 byte,
 * or 0 for an empty file). The layout is fixed when the upload is created, so each part's
 * length is known before its bytes arrive.
 */
import { ABANDONED_AFTER_MS } from "../files";

/** R2's smallest part (but the last). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
/** The largest part: well under the Worker request body limit (100 MB on Cloudflare). */
export const MAX_PART_BYTES = 64 * 1024 * 1024;
/** The part size of an upload that asks for none. */
export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
/** R2's most parts per upload. */
export const MAX_PARTS = 10_000;
/**
 * How long an upload accepts parts and completion. Half of ABANDONED_AFTER_MS: a completion
 * started before expiry has long finished when the ledger would call its key abandoned.
 */
export const UPLOAD_TTL_MS = ABANDONED_AFTER_MS / 2;

/** How many parts a file of `size` bytes has. */
export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/** The exact length of part `part` (1-based, within `partCount`). */
export function partLength(size: number, partSize: number, part: number): number {
  const count = partCount(size, partSize);
  return part < count ? partSize : size - (count - 1) * partSize;
}
