import { describe, expect, it } from "vitest";
import { finalMix, hashBytes, mixWord } from "../../../../src/graph/builder/compact/hash.js";

describe("hash", () => {
  it("hashBytes is MurmurHash3_x86_32 (reference values), built from mixWord and finalMix", () => {
    // Reference values of MurmurHash3_x86_32 (Appleby's smhasher), as signed int32.
    expect(hashBytes(Buffer.from(""), 0, 0, 0)).toBe(0);
    expect(hashBytes(Buffer.from(""), 0, 0, 1)).toBe(0x514e28b7);
    expect(hashBytes(Buffer.from("Hello, world!"), 0, 13, 1234) >>> 0).toBe(0xfaf6cdb3);
    expect(hashBytes(Buffer.from("The quick brown fox jumps over the lazy dog"), 0, 43, 0x9747b28c) >>> 0).toBe(0x2fa826cd);
    // One whole word: a block step then the length and the finalization.
    const w = Buffer.from("C586");
    expect(hashBytes(w, 0, 4, 0)).toBe(finalMix(mixWord(0, w.readInt32LE(0)) ^ 4));
    // A sub-range hashes as the same bytes alone.
    const b = Buffer.from("xxU6180@DOM5yy");
    expect(hashBytes(b, 2, 12, 7)).toBe(hashBytes(Buffer.from("U6180@DOM5"), 0, 10, 7));
  });
});
