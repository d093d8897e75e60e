import { describe, expect, it } from "vitest";
import { Prng, WeightedTable, distinctInts, zipfWeights } from "../../src/random/distributions.js";

describe("WeightedTable", () => {
  it("samples in proportion to the weights", () => {
    const t = new WeightedTable([1, 3, 0, 6]);
    const rng = new Prng(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[t.sample(rng)]! += 1;
    expect(counts[2]).toBe(0);
    expect(counts[0]! / 1e5).toBeCloseTo(0.1, 2);
    expect(counts[3]! / 1e5).toBeCloseTo(0.6, 2);
    expect(t.probability(1)).toBeCloseTo(0.3, 12);
  });
  it("its guide table gives the plain binary search's outcome (zero weights, bucket edges)", () => {
    const rng = new Prng(11);
    const weights = zipfWeights(1000, 1.1).map((w, i) => (i % 7 === 3 || (i > 400 && i < 450) ? 0 : w));
    const t = new WeightedTable(weights);
    const plain = (u: number): number => {
      let lo = 0;
      let hi = t.cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t.cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const us = [0, 1 - 2 ** -32, ...Array.from({ length: 1025 }, (_, k) => k / 1024), ...Array.from(t.cdf.slice(0, -1))];
    for (let i = 0; i < 20_000; i++) us.push(rng.float());
    const bad = us.filter((u) => u < 1 && t.lookup(u) !== plain(u));
    expect(bad).toEqual([]);
    expect(weights[t.lookup(t.cdf[402]!)]).toBeGreaterThan(0);
  });
  it("rejects bad weights", () => {
    expect(() => new WeightedTable([])).toThrow(/telemetry-lab\/lanl\/synth\/prng/);
    expect(() => new WeightedTable([0, 0])).toThrow(/sum to 0/);
    expect(() => new WeightedTable([1, -1])).toThrow(/>= 0/);
  });
});

describe("helpers", () => {
  it("zipf weights and distinct draws", () => {
    expect(Array.from(zipfWeights(3, 1))).toEqual([1, 0.5, 1 / 3]);
    const d = distinctInts(new Prng(1), 10, 10);
    expect([...d].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => distinctInts(new Prng(1), 3, 4)).toThrow(/distinct/);
  });
});
