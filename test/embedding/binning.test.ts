import { describe, expect, it } from "vitest";
import { BINNING_DEFAULTS, verticalLogBins } from "../../src/embedding/binning.js";
import { Prng } from "../../src/random/prng.js";

/**
 * Literal transcriptions of the two rules, one vertex at a time (O(n · bins)), as the
 * sources describe them: graphrole 1.1.1 `vertical_log_binning` and LLNL
 * `RankedRoleFinder.verticalBin`.
 */
function naiveGraphrole(values: readonly number[], frac = 0.5): number[] {
  const n = values.length;
  const out = new Array<number>(n).fill(0);
  const uniq = [...new Set(values)].sort((a, b) => a - b);
  const cum: number[] = [];
  let c = 0;
  for (const u of uniq) {
    c += values.filter((x) => x === u).length;
    cum.push(c);
  }
  let binned = 0;
  let lo = -Infinity;
  for (let bin = 0; binned < n; bin++) {
    const size = Math.max(Math.trunc(frac * (n - binned)), 1);
    const j = cum.findIndex((x) => x >= binned + size);
    const hi = uniq[j]!;
    for (let i = 0; i < n; i++) {
      if (values[i]! > lo && values[i]! <= hi) {
        out[i] = bin;
        binned++;
      }
    }
    lo = hi;
  }
  return out;
}

function naiveLlnl(values: readonly number[], frac = 0.5): number[] {
  const out = new Array<number>(values.length).fill(0);
  const order = values
    .map((x, i) => [x, i] as const)
    .filter(([x]) => Math.abs(x) > 1e-5)
    .sort((a, b) => a[0] - b[0]);
  const nz = order.length;
  if (nz === 0) return out;
  let score = 1;
  let needed = Math.ceil(frac * nz);
  let inBin = 1;
  let old = order[0]![0];
  out[order[0]![1]] = 1;
  for (let added = 1; added < nz; added++) {
    const [x, i] = order[added]!;
    if (Math.abs(x - old) > 0.01 && inBin >= needed) {
      score++;
      inBin = 0;
      needed = Math.ceil(frac * (nz - added));
    }
    old = x;
    out[i] = score;
    inBin++;
  }
  return out;
}

describe("verticalLogBins, graphrole rule", () => {
  it("bins a hand-worked column", () => {
    // n = 8, sorted 0 1 1 2 3 4 5 9. Bin 0: ⌊8/2⌋ = 4 values -> up to 2 (cumulative count 4).
    // Bin 1: ⌊4/2⌋ = 2 -> 3, 4. Bin 2: ⌊2/2⌋ = 1 -> 5. Bin 3: max(⌊1/2⌋, 1) = 1 -> 9.
    expect([...verticalLogBins([5, 1, 1, 2, 3, 4, 9, 0])]).toEqual([2, 0, 0, 0, 1, 1, 3, 0]);
  });

  it("never splits ties: a tie that crosses the target takes the whole bin", () => {
    // ⌊5/2⌋ = 2 values wanted, but the four 1s are one value -> bin 0 holds 4, then 2 alone.
    expect([...verticalLogBins([1, 1, 2, 1, 1])]).toEqual([0, 0, 1, 0, 0]);
    expect([...verticalLogBins([7, 7, 7])]).toEqual([0, 0, 0]);
    expect([...verticalLogBins([])]).toEqual([]);
  });

  it("treats zeros as ordinary values and accepts other fractions", () => {
    expect([...verticalLogBins([0, 0, 0, 0, 1, 2])]).toEqual([0, 0, 0, 0, 1, 2]);
    // frac 0.25 on 8 distinct values: bins of 2, 1, 1, 1, 1, 1, 1.
    expect([...verticalLogBins([1, 2, 3, 4, 5, 6, 7, 8], { fraction: 0.25 })]).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
  });

  it("agrees with a literal transcription on random columns with many ties", () => {
    const prng = new Prng(7);
    const rnd = (): number => prng.float();
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const k = 1 + Math.floor(rnd() * 12);
      const values = Array.from({ length: n }, () => Math.floor(rnd() * k) / (1 + Math.floor(rnd() * 2)));
      const frac = [0.5, 0.3, 0.75][trial % 3]!;
      expect([...verticalLogBins(values, { fraction: frac })]).toEqual(naiveGraphrole(values, frac));
    }
  });

  it("agrees with the transcription on long columns (radix-sorted path) with negatives, -0 and ties", () => {
    const prng = new Prng(13);
    for (const n of [5000, 20000]) {
      const values = Array.from({ length: n }, () => {
        const u = prng.float();
        if (u < 0.1) return 0;
        if (u < 0.12) return -0;
        if (u < 0.3) return -prng.int(50) / 3;
        return prng.int(400) / 7 + (u < 0.35 ? 1e-9 : 0);
      });
      values[0] = 1e300;
      values[1] = -1e-300;
      expect([...verticalLogBins(values)]).toEqual(naiveGraphrole(values));
      expect([...verticalLogBins(values, { rule: "llnl" })]).toEqual(naiveLlnl(values));
    }
  });

  it("does not modify its input", () => {
    const values = Object.freeze([3, 1, 2]);
    verticalLogBins(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("verticalLogBins, LLNL rule", () => {
  it("bins a hand-worked column: zeros alone in bin 0, the rest from bin 1", () => {
    // 7 non-zeros, sorted 1 1 2 3 4 5 9: bin 1 needs ⌈7/2⌉ = 4 -> 1 1 2 3; bin 2 needs ⌈3/2⌉ = 2 -> 4 5; bin 3 -> 9.
    expect([...verticalLogBins([5, 1, 1, 2, 3, 4, 9, 0], { rule: "llnl" })]).toEqual([2, 1, 1, 1, 1, 2, 3, 0]);
    expect([...verticalLogBins([0, 1e-6, -1e-6], { rule: "llnl" })]).toEqual([0, 0, 0]);
  });

  it("keeps values within 0.01 of the previous one in the same bin (a chain)", () => {
    // needed = 1 at the start, but 1.005, 1.01 and 1.015 each sit within 0.01 of the one before.
    expect([...verticalLogBins([1, 1.005, 1.01, 1.015, 3], { rule: "llnl", fraction: 0.1 })]).toEqual([1, 1, 1, 1, 2]);
  });

  it("agrees with a literal transcription on random columns", () => {
    const prng = new Prng(11);
    const rnd = (): number => prng.float();
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const values = Array.from({ length: n }, () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 8) * (rnd() < 0.5 ? 1 : 0.004)));
      expect([...verticalLogBins(values, { rule: "llnl" })]).toEqual(naiveLlnl(values));
    }
  });
});

describe("verticalLogBins, options", () => {
  it("has frozen defaults", () => {
    expect(BINNING_DEFAULTS).toEqual({ fraction: 0.5, rule: "graphrole", tolerance: 0.01, zero: 1e-5 });
    expect(Object.isFrozen(BINNING_DEFAULTS)).toBe(true);
  });

  it("rejects bad fractions, rules and NaN with the module prefix", () => {
    expect(() => verticalLogBins([1], { fraction: 1 })).toThrow(/^telemetry-lab\/embedding\/binning: fraction/);
    expect(() => verticalLogBins([1], { rule: "x" as never })).toThrow(/^telemetry-lab\/embedding\/binning: unknown rule/);
    expect(() => verticalLogBins([1, NaN])).toThrow(/^telemetry-lab\/embedding\/binning: value 1 is NaN/);
  });
});
