import { describe, expect, it } from "vitest";
import { huffmanCodeLengths, huffmanCost } from "../../src/embedding/huffman.js";
import { Prng } from "../../src/random/prng.js";

describe("embedding/huffman", () => {
  it("gives the known code lengths", () => {
    expect(Array.from(huffmanCodeLengths([5, 2, 1, 1]))).toEqual([1, 2, 3, 3]);
    expect(Array.from(huffmanCodeLengths([1, 1, 1, 1]))).toEqual([2, 2, 2, 2]);
    // Fibonacci weights give the deepest (unbalanced) tree
    expect(Array.from(huffmanCodeLengths([1, 1, 2, 3, 5, 8]))).toEqual([5, 5, 4, 3, 2, 1]);
    // the textbook example (CLRS 16.3): a..f = 45 13 12 16 9 5 -> 1 3 3 3 4 4
    expect(Array.from(huffmanCodeLengths([45, 13, 12, 16, 9, 5]))).toEqual([1, 3, 3, 3, 4, 4]);
    expect(Array.from(huffmanCodeLengths([7]))).toEqual([0]);
    expect(Array.from(huffmanCodeLengths([3, 0, 1]))).toEqual([1, 0, 1]);
    expect(Array.from(huffmanCodeLengths([]))).toEqual([]);
  });

  it("builds complete prefix codes within one bit of the entropy", () => {
    const rng = new Prng(11);
    for (let t = 0; t < 50; t++) {
      const m = 2 + rng.int(40);
      const counts = Array.from({ length: m }, () => 1 + Math.floor(rng.exponential(20) ** 1.5));
      const len = huffmanCodeLengths(counts);
      const n = counts.reduce((a, b) => a + b, 0);
      let kraft = 0;
      let avg = 0;
      let h = 0;
      counts.forEach((c, i) => {
        kraft += 2 ** -len[i]!;
        avg += (c * len[i]!) / n;
        h -= (c / n) * Math.log2(c / n);
      });
      expect(kraft).toBeCloseTo(1, 12);
      expect(avg).toBeGreaterThanOrEqual(h - 1e-12);
      expect(avg).toBeLessThan(h + 1);
    }
  });

  it("computes LLNL's HuffmanCost (table + entries) by hand", () => {
    // counts 5, 2, 1, 1 -> lengths 1, 2, 3, 3; entries 5 + 4 + 3 + 3 = 15; table 4·2 + 9 = 17
    expect(huffmanCost([0, 0, 0, 0, 0, 1, 1, 2, 3], { symbolBits: 2 })).toBe(32);
    // with one position bit per entry: + 9
    expect(huffmanCost([0, 0, 0, 0, 0, 1, 1, 2, 3], { symbolBits: 2, positionBits: 1 })).toBe(41);
    // one symbol: only its table entry
    expect(huffmanCost([4, 4, 4], { symbolBits: 3 })).toBe(3);
    // unused symbol ids cost nothing: {1: 2, 5: 1} -> lengths 1, 1; table 2·1.5 + 2; entries 3
    expect(huffmanCost([1, 5, 1], { symbolBits: 1.5 })).toBe(8);
    expect(() => huffmanCost([0, -1])).toThrow(/^telemetry-lab\/embedding\/huffman: symbol 1 is -1/);
    expect(() => huffmanCodeLengths([1, NaN])).toThrow(/^telemetry-lab\/embedding\/huffman: count 1 is NaN/);
  });
});
