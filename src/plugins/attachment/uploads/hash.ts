/**
 * The sha256 of a completed multipart upload. Parts may arrive in any order, in parallel, or
 * again after a failure, so no running hash can follow them; the finished object is streamed
 * back from R2 through `crypto.DigestStream` instead (native, 64 KiB chunks, no buffering):
 * the hash is of the bytes R2 holds, at the cost of one read of the file at completion.
 */
import { hex } from "../upload";

export interface StoredDigest {
  size: number;
  hash: string;
}

/** The size and sha256 of the object `key`; null when R2 has none. */
export async function digestOf(bucket: R2Bucket, key: string): Promise<StoredDigest | null> {
  const object = await bucket.get(key);
  if (object === null) return null;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  return { size: object.size, hash: hex(await digest.digest) };
}
