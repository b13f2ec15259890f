/**
 * Streams a file into R2 while hashing it: at most one part (PART_BYTES) is held in memory.
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

/** Stores `chunks` under `key`; the object exists in R2 only if this resolves. */
export async function storeFile(bucket: R2Bucket, key: string, chunks: AsyncIterable<Uint8Array>, options: StoreOptions): Promise<StoredFile> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  const httpMetadata = { contentType: options.contentType };
  const part = new Uint8Array(PART_BYTES);
  let filled = 0;
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
      await hashing.write(chunk);
      let rest = chunk;
      while (rest.length > 0) {
        const taken = Math.min(PART_BYTES - filled, rest.length);
        part.set(rest.subarray(0, taken), filled);
        filled += taken;
        rest = rest.subarray(taken);
        if (filled < PART_BYTES) continue;
        upload ??= await bucket.createMultipartUpload(key, { httpMetadata, customMetadata: options.customMetadata });
        uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
        filled = 0;
      }
    }
    await hashing.close();
    const hash = hex(await digest.digest);
    if (upload === null) {
      await bucket.put(key, part.subarray(0, filled), { httpMetadata, customMetadata: options.customMetadata, sha256: hash });
    } else {
      if (filled > 0) uploaded.push(await upload.uploadPart(uploaded.length + 1, part.subarray(0, filled)));
      await upload.complete(uploaded);
    }
    return { size, hash };
  } catch (error) {
    await upload?.abort().catch(() => {});
    throw error;
  }
}
