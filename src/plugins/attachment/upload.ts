/**
 * Streams a file into R2 while hashing it: at most one part (PART_BYTES) plus one chunk is held in memory.
 * A file that fits in one part is one `put`; a larger one is an R2 multipart upload of equal
 * parts (R2 wants every part but the last of the same size). Nothing is left in R2 when the
 * upload fails or exceeds its limit.
 */

/** The size of one R2 part, and the most a stored upload holds in memory (R2's minimum part is 5 MiB). */
export const PART_BYTES = 5 * 1024 * 1024;

export interface StoredFile {
  size: number;
  /** sha256, lower-case hex. */
  hash: string;
}

/** The file went over `limit` bytes; `size` is its whole size (the rest was read, not stored). */
export class FileTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`File size (${size} bytes) exceeds the limit (${limit} bytes).`);
    this.name = "FileTooLarge";
  }
}

export function hex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface StoreOptions {
  contentType: string;
  /** null: unlimited. */
  maxSize: number | null;
  customMetadata?: Record<string, string>;
}

/** Bytes received and not yet stored: less than one part between two chunks. */
class PendingBytes {
  private chunks: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `count` bytes (at most `length`), as one array (a chunk itself when it is exactly that). */
  take(count: number): Uint8Array {
    this.length -= count;
    const first = this.chunks[0];
    if (first !== undefined && first.length === count) {
      this.chunks.shift();
      return first;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0] as Uint8Array;
      const taken = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, taken), filled);
      filled += taken;
      if (taken === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(taken);
    }
    return out;
  }
}

/** Stores `chunks` under `key`; the object exists in R2 only if this resolves. */
export async function storeFile(bucket: R2Bucket, key: string, chunks: AsyncIterable<Uint8Array>, options: StoreOptions): Promise<StoredFile> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const httpMetadata = { contentType: options.contentType };
  const pending = new PendingBytes();
  let size = 0;
  let upload: R2MultipartUpload | null = null;
  const uploaded: R2UploadedPart[] = [];
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      if (options.maxSize !== null && size > options.maxSize) {
        for await (const rest of chunks) size += rest.length;
        throw new FileTooLarge(size, options.maxSize);
      }
      pending.push(chunk);
      while (pending.length >= PART_BYTES) {
        upload ??= await bucket.createMultipartUpload(key, { httpMetadata, customMetadata: options.customMetadata });
        const part = pending.take(PART_BYTES);
        await hashing.write(part);
        uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
      }
    }
    const last = pending.take(pending.length);
    await hashing.write(last);
    await hashing.close();
    const hash = hex(await digest.digest);
    if (upload === null) {
      await bucket.put(key, last, { httpMetadata, customMetadata: options.customMetadata });
    } else {
      if (last.length > 0) uploaded.push(await upload.uploadPart(uploaded.length + 1, last));
      await upload.complete(uploaded);
    }
    return { size, hash };
  } catch (error) {
    await upload?.abort().catch(() => {});
    throw error;
  }
}
