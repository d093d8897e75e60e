import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lloydMax, quantize, quantizeLadder, QUANTIZE_DEFAULTS, SKLEARN_KMEANS_DEFAULTS } from "../../src/embedding/quantize.js";
import { Prng } from "../../src/random/prng.js";

/** Exhaustive optimum over every split of the sorted distinct values into k contiguous runs. */
function bruteForce(values: number[], k: number): number {
  const xs = [...new Set(values)].sort((a, b) => a - b);
  const count = (x: number): number => values.filter((v) => v === x).length;
  const sse = (a: number, b: number): number => {
    let w = 0;
    let s = 0;
    for (let i = a; i < b; i++) {
      w += count(xs[i]!);
      s += count(xs[i]!) * xs[i]!;
    }
    const mu = s / w;
    let e = 0;
    for (let i = a; i < b; i++) e += count(xs[i]!) * (xs[i]! - mu) ** 2;
    return e;
  };
  const m = xs.length;
  if (k >= m) return 0;
  let best = Infinity;
  const rec = (start: number, left: number, acc: number): void => {
    if (left === 1) {
      best = Math.min(best, acc + sse(start, m));
      return;
    }
    for (let b = start + 1; b <= m - left + 1; b++) rec(b, left - 1, acc + sse(start, b));
  };
  rec(0, k, 0);
  return best;
}

describe("embedding/quantize", () => {
  it("finds the known optimal clusterings of small lists (worked by hand)", () => {
    // {0,0,1} | {9,10}: means 1/3 and 9.5, error 2/9+2/9+4/9 + 0.25+0.25
    const q = quantize([0, 0, 1, 9, 10], 2);
    expect(Array.from(q.levels)).toEqual([1 / 3, 9.5]);
    expect(Array.from(q.labels)).toEqual([0, 0, 0, 1, 1]);
    expect(q.inertia).toBeCloseTo(2 / 3 + 0.5, 12);
    expect(Array.from(q.values)).toEqual([1 / 3, 1 / 3, 1 / 3, 9.5, 9.5]);
    // 1 2 | 10 11 | 20: three runs; with two levels {1,2} | {10,11,20} (error 0.5 + 80.67)
    // beats {1,2,10,11} | {20} (error 82)
    const [q2, q3] = quantizeLadder([1, 2, 10, 11, 20], [2, 3]);
    expect(Array.from(q2!.levels)).toEqual([1.5, 41 / 3]);
    expect(q2!.inertia).toBeCloseTo(0.5 + ((10 - 41 / 3) ** 2 + (11 - 41 / 3) ** 2 + (20 - 41 / 3) ** 2), 10);
    expect(Array.from(q3!.levels)).toEqual([1.5, 10.5, 20]);
    expect(q3!.inertia).toBeCloseTo(1, 12);
    // a greedy split at the largest gap would give {1,2,3,4} | {100}: here it is also optimal
    expect(Array.from(quantize([4, 1, 100, 3, 2], 2).labels)).toEqual([0, 0, 1, 0, 0]);
    // input order does not matter; labels follow the input
    expect(Array.from(quantize([10, 0, 9, 1, 0], 2).labels)).toEqual([1, 0, 1, 0, 0]);
  });

  it("gives every distinct value its own level when there are fewer than k", () => {
    const q = quantize([3, 5, 3, 3], 8);
    expect(Array.from(q.levels)).toEqual([3, 5]);
    expect(Array.from(q.labels)).toEqual([0, 1, 0, 0]);
    expect(q.inertia).toBe(0);
    expect(Array.from(quantize([7, 7], 1).levels)).toEqual([7]);
    expect(quantize([1, 2, 4], 1).inertia).toBeCloseTo(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2), 12);
  });

  it("matches an exhaustive search on random small lists (ties, skew, duplicates)", () => {
    const rng = new Prng(7);
    for (let t = 0; t < 60; t++) {
      const n = 4 + rng.int(9);
      const values = Array.from({ length: n }, () => (t % 3 === 0 ? rng.int(6) : Math.exp(3 * rng.normal())));
      for (const k of [1, 2, 3, 4]) {
        const exact = bruteForce(values, k);
        expect(quantize(values, k, { method: "optimal" }).inertia).toBeCloseTo(exact, 9);
        // Lloyd restarts can only be as good or worse
        expect(quantize(values, k, { method: "lloyd" }).inertia).toBeGreaterThanOrEqual(exact - 1e-9);
      }
    }
  });

  it("the ladder equals separate runs, and inertia falls as levels grow", () => {
    const rng = new Prng(3);
    const values = Array.from({ length: 3000 }, () => rng.exponential(1) ** 3);
    const ks = [2, 4, 8, 16, 32, 64];
    const ladder = quantizeLadder(values, ks);
    for (let t = 0; t < ks.length; t++) {
      const one = quantize(values, ks[t]!);
      expect(ladder[t]!.levels).toEqual(one.levels);
      expect(ladder[t]!.levels.length).toBe(ks[t]);
      if (t > 0) expect(ladder[t]!.inertia).toBeLessThan(ladder[t - 1]!.inertia);
      // levels ascending, each the mean of its cell
      const lv = ladder[t]!.levels;
      for (let q = 1; q < lv.length; q++) expect(lv[q]!).toBeGreaterThan(lv[q - 1]!);
      const sum = new Float64Array(lv.length);
      const cnt = new Float64Array(lv.length);
      ladder[t]!.labels.forEach((l, i) => {
        sum[l]! += values[i]!;
        cnt[l]! += 1;
      });
      for (let q = 0; q < lv.length; q++) expect(lv[q]!).toBeCloseTo(sum[q]! / cnt[q]!, 9);
    }
    // plain Lloyd restarts can stop far from the optimum on heavy-tailed values...
    const lloyd = quantize(values, 16, { method: "lloyd" });
    expect(lloyd.inertia).toBeGreaterThanOrEqual(ladder[3]!.inertia - 1e-9);
    // ...the coarse programme + Lloyd polish (auto above the budget) stays within 1% with
    // 32 runs per level (what the default budget, 2^21, gives at k = 256)
    for (const t of [2, 3, 4]) {
      const k = ks[t]!;
      const coarse = quantize(values, k, { optimalBudget: 32 * k * k });
      expect(coarse.inertia).toBeGreaterThanOrEqual(ladder[t]!.inertia - 1e-9);
      expect(coarse.inertia).toBeLessThan(1.01 * ladder[t]!.inertia);
    }
    expect(QUANTIZE_DEFAULTS.method).toBe("auto");
  });

  it("rejects bad input with the module prefix", () => {
    expect(() => quantize([], 2)).toThrow(/^telemetry-lab\/embedding\/quantize: cannot quantise an empty list/);
    expect(() => quantize([1, NaN], 2)).toThrow(/^telemetry-lab\/embedding\/quantize: values: value 1 is NaN/);
    expect(() => quantize([1, 2], 0)).toThrow(/^telemetry-lab\/embedding\/quantize: the number of levels/);
    const frozen = Object.freeze([3, 1, 2]);
    quantize(frozen, 2);
    expect(frozen).toEqual([3, 1, 2]);
  });

  it("lloydMax runs LLNL's Lloyd–Max from levels spread from 0", () => {
    const q = lloydMax([0, 1, 2, 9, 10, 11], 2);
    expect(Array.from(q.levels)).toEqual([1, 10]);
    expect(Array.from(q.labels)).toEqual([0, 0, 0, 1, 1, 1]);
    // 3 levels at 0, 10/3, 20/3 on {0,1,2,9,10,11}: cells {0,1} {2} {9,10,11} -> 0.5, 2, 10 -> stable
    // 1st pass: midpoints 5/3, 5 -> {0,1} | {2} | {9,10,11}; then 0.5, 2, 10: midpoints 1.25, 6 -> same cells
    const q3 = lloydMax([0, 1, 2, 9, 10, 11], 3);
    expect(Array.from(q3.levels)).toEqual([0.5, 2, 10]);
    // non-integer level counts round up (LLNL's ceil(log2 n))
    expect(lloydMax([0, 1, 2, 9, 10, 11], 2.3).levels.length).toBe(3);
    // an emptied level is dropped: levels 0, 25, 50, 75 on {0, 1, 100}
    expect(Array.from(lloydMax([0, 1, 100], 4).levels)).toEqual([0.5, 100]);
    expect(Array.from(lloydMax([5, 5, 5], 3).levels)).toEqual([5]);
  });

  it("reproduces scikit-learn 1.2.1's KMeans(k, random_state=1) bit for bit", () => {
    // fixture: scikit-learn's cluster_centers_[labels_] on heavy-tailed values (600 values =
    // 3 chunks over 2 threads), a log-normal sample, and 6 distinct values with 8 and 16
    // clusters (duplicate centres, empty clusters: 6 levels come out)
    const fx = JSON.parse(readFileSync(new URL("../fixtures/embedding/rolx/kmeans-sklearn.json", import.meta.url), "utf8"));
    expect(SKLEARN_KMEANS_DEFAULTS.randomState).toBe(1);
    for (const c of fx.cases as Array<{ name: string; K: number; centers: number[]; labels: number[]; distinctLabels: number; inertia: number }>) {
      const x: number[] = fx.data[c.name];
      const q = quantize(x, c.K, { method: "sklearn" });
      const want = Float64Array.from(c.labels, (l) => c.centers[l]!);
      expect(q.values, `${c.name} K=${c.K}`).toEqual(want);
      expect(q.levels.length).toBe(c.distinctLabels);
      // (inertia 0 up to round-off when every distinct value has its own level)
      expect(Math.abs(q.inertia - c.inertia)).toBeLessThanOrEqual(1e-9 * Math.max(c.inertia, 1e-12));
    }
    // the optimal quantiser is at least as good as scikit-learn's local optimum
    const x: number[] = fx.data.pareto600;
    expect(quantize(x, 32).inertia).toBeLessThanOrEqual(quantize(x, 32, { method: "sklearn" }).inertia);
    expect(() => quantize([1, 2, 3], 4, { method: "sklearn" })).toThrow(/scikit-learn's KMeans needs k <= number of values/);
  });
});
