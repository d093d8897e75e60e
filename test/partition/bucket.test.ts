import { describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { bucketBlock, partitionBlock, type BucketContext } from "../../src/partition/bucket.js";
import { BlockSplitter } from "../../src/partition/blocks.js";
import { lcg } from "./helpers.js";

const ctx: BucketContext = { fieldCount: 3, intervalSeconds: 3600, startTime: 0, endTime: Infinity, level: 1 };
const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

describe("bucketBlock", () => {
  it("groups lines by interval, keeping their bytes and order", () => {
    const r = bucketBlock(Buffer.from("1,C1,C2\n3599,C3,C4\n3600,C5,C6\n2,C7,C8\n"), ctx);
    expect(r.lines).toBe(4);
    expect(r.buckets.map((b) => [b.index, b.count])).toEqual([
      [0, 3],
      [1, 1],
    ]);
    expect(text(r.buckets[0]!.data)).toBe("1,C1,C2\n3599,C3,C4\n2,C7,C8\n");
    expect(text(r.buckets[1]!.data)).toBe("3600,C5,C6\n");
  });

  it("rejects empty lines, bad times and wrong field counts, with block line indexes", () => {
    const r = bucketBlock(Buffer.from("1,C1,C2\n\nx,C1,C2\n-5,C1,C2\n1.5,C1,C2\n7,C1\n8,C1,C2,C3\n9,C1,C2"), ctx);
    expect(r.rejects.map((j) => [j.line, j.text])).toEqual([
      [1, ""],
      [2, "x,C1,C2"],
      [3, "-5,C1,C2"],
      [4, "1.5,C1,C2"],
      [5, "7,C1"],
      [6, "8,C1,C2,C3"],
    ]);
    expect(r.rejects[0]!.reason).toBe("empty line");
    expect(r.rejects[1]!.reason).toMatch(/time is not a non-negative integer/);
    expect(r.rejects[5]!.reason).toBe("expected 3 fields, got 4");
    // the last line has no newline: it is kept, with one added
    expect(text(r.buckets[0]!.data)).toBe("1,C1,C2\n9,C1,C2\n");
    expect(r.lines).toBe(8);
  });

  it("keeps CRLF line ends unchanged", () => {
    const r = bucketBlock(Buffer.from("1,C1,C2\r\n2,C3,C4\r\n"), ctx);
    expect(text(r.buckets[0]!.data)).toBe("1,C1,C2\r\n2,C3,C4\r\n");
  });

  it("counts valid lines outside [startTime, endTime) without writing them", () => {
    const r = bucketBlock(Buffer.from("1,a,b\n3600,a,b\n7200,a,b\n10800,a,b\n"), { ...ctx, startTime: 3600, endTime: 10800 });
    expect([r.before, r.after]).toEqual([1, 1]);
    expect(r.buckets.map((b) => b.index)).toEqual([1, 2]);
  });

  it("compresses each bucket as one gzip member", () => {
    const r = partitionBlock(Buffer.from("1,C1,C2\n4000,C3,C4\n5,C5,C6\n"), ctx);
    expect(gunzipSync(r.buckets[0]!.data).toString()).toBe("1,C1,C2\n5,C5,C6\n");
    expect(gunzipSync(r.buckets[1]!.data).toString()).toBe("4000,C3,C4\n");
  });
});

describe("BlockSplitter", () => {
  it("cuts the same blocks however the bytes arrive", () => {
    const r = lcg(7);
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(`${i},${"x".repeat(Math.floor(r() * 80))}`);
    const data = Buffer.from(lines.join("\n") + "\nlast-without-newline");
    const cut = (chunkSizes: () => number): string[] => {
      const s = new BlockSplitter(1000);
      const out: Buffer[] = [];
      for (let o = 0; o < data.length; ) {
        const n = Math.max(1, chunkSizes());
        out.push(...s.push(data.subarray(o, o + n)));
        o += n;
      }
      out.push(...s.end());
      return out.map((b) => b.toString());
    };
    const a = cut(() => 1 << 16);
    const b = cut(() => Math.floor(r() * 3000));
    const c = cut(() => 7);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.join("")).toBe(data.toString());
    for (const blk of a.slice(0, -1)) {
      expect(blk.length).toBeGreaterThanOrEqual(1000);
      expect(blk.endsWith("\n")).toBe(true);
      expect(blk.slice(0, -1).slice(999).includes("\n")).toBe(false); // shortest such prefix
    }
  });
});

describe("countCommas", () => {
  it("agrees with a byte-by-byte count at every alignment", async () => {
    const { countCommas } = await import("../../src/partition/bucket.js");
    const r = lcg(3);
    const bytes = new Uint8Array(4099);
    for (let i = 0; i < bytes.length; i++) bytes[i] = r() < 0.3 ? 44 : 32 + Math.floor(r() * 90);
    const words = new Int32Array(bytes.buffer, 0, bytes.length >> 2);
    for (let k = 0; k < 500; k++) {
      const s = Math.floor(r() * 4000);
      const e = s + Math.floor(r() * 99);
      let naive = 0;
      for (let i = s; i < e; i++) if (bytes[i] === 44) naive++;
      expect(countCommas(bytes, words, s, e)).toBe(naive);
      expect(countCommas(bytes, undefined, s, e)).toBe(naive);
    }
  });
});
