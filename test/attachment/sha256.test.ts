/** The resumable SHA-256 of multipart uploads (uploads/sha256.ts) against WebCrypto's. */
import { describe, expect, it } from "vitest";
import { Sha256 } from "../../src/plugins/attachment/uploads/sha256";
import { sha256 } from "./helpers";
import { bytes } from "./uploads-helpers";

describe("resumable sha256", () => {
  it("equals WebCrypto's for every length around the block and padding edges", async () => {
    for (const size of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
      const content = bytes(size, size + 1);
      const hash = new Sha256();
      hash.update(content);
      expect(hash.hex(), `size ${size}`).toBe(await sha256(content));
    }
  });

  it("saved and resumed at any cut, in uneven chunks, gives the same digest", async () => {
    const content = bytes(10_000, 7);
    const expected = await sha256(content);
    for (const cut of [0, 1, 63, 64, 65, 4097, 9_999, 10_000]) {
      const first = new Sha256();
      for (let i = 0; i < cut; i += 37) first.update(content.subarray(i, Math.min(i + 37, cut)));
      const resumed = Sha256.resume(first.save(), cut);
      resumed.update(content.subarray(cut));
      expect(resumed.hex(), `cut ${cut}`).toBe(expected);
    }
  });

  it("refuses a malformed or mismatched state", () => {
    expect(() => Sha256.resume("zz", 0)).toThrow();
    expect(() => Sha256.resume(new Sha256().save(), 5)).toThrow();
  });

  it("hashes one default part (8 MiB) fed in 64 KiB chunks", async () => {
    const content = bytes(8 * 1024 * 1024, 3);
    const hash = new Sha256();
    for (let i = 0; i < content.length; i += 65_536) hash.update(content.subarray(i, i + 65_536));
    expect(hash.hex()).toBe(await sha256(content));
  });
});
