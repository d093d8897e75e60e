import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { atBudget, averagePrecision, groupRanking, rankDescending, rocAuc } from "../../src/evaluation/metrics.js";
import { Prng } from "../../src/random/prng.js";

interface Case {
  name: string;
  labels: number[];
  scores: number[];
  weights?: number[];
  ap: number;
  rocAuc: number;
}

/** scikit-learn 1.2.1 outputs; see test/fixtures/evaluation/README.md. */
const FIXTURE = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/evaluation/sklearn-ranking.json", import.meta.url)), "utf8")) as {
  generator: string;
  cases: Case[];
};

describe("rankDescending", () => {
  it("orders by descending score, NaN last, ties in index order", () => {
    expect([...rankDescending([0.2, NaN, 0.9, 0.2])]).toEqual([2, 0, 3, 1]);
    expect([...rankDescending([-1, 3, -Infinity, NaN, 0, -0, Infinity, -2.5])]).toEqual([6, 1, 4, 5, 0, 7, 2, 3]);
    expect([...rankDescending([])]).toEqual([]);
    expect([...rankDescending([5])]).toEqual([0]);
  });

  it("agrees with a comparison sort on random doubles with many ties", () => {
    const r = new Prng(3);
    for (const n of [5000, 200]) {
      const xs = Array.from({ length: n }, () => {
        const u = r.float();
        return u < 0.05 ? NaN : u < 0.3 ? Math.round(r.normal() * 3) : r.normal() * 1e6 * (r.float() < 0.5 ? 1e-9 : 1);
      });
      const key = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
      const expected = xs.map((_, i) => i).sort((a, b) => key(xs[b]!) - key(xs[a]!) || a - b);
      expect([...rankDescending(xs)]).toEqual(expected);
    }
  });
});

describe("averagePrecision and rocAuc against scikit-learn 1.2.1", () => {
  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const o = c.weights ? { weights: c.weights } : {};
      expect(averagePrecision(c.scores, c.labels, o)).toBeCloseTo(c.ap, 12);
      expect(rocAuc(c.scores, c.labels, o)).toBeCloseTo(c.rocAuc, 12);
    });
  }
  it("the fixture has weighted and tied cases", () => {
    expect(FIXTURE.generator).toMatch(/scikit-learn 1\.2\.1/);
    expect(FIXTURE.cases.filter((c) => c.weights).length).toBe(2);
  });
});

describe("hand-computed AP and AUC", () => {
  it("ties enter as one threshold", () => {
    // thresholds 0.9 {+,-}: P=1/2 R=1/2; 0.3 {+,-}: P=2/4 R=1; 0.1 {-}: R stays 1
    expect(averagePrecision([0.9, 0.9, 0.3, 0.3, 0.1], [1, 0, 1, 0, 0])).toBe(0.5);
    // pairs: (0.9 vs 0.9) 1/2, (0.9 vs 0.3) 1, (0.9 vs 0.1) 1, (0.3 vs 0.9) 0, (0.3 vs 0.3) 1/2, (0.3 vs 0.1) 1 -> 4/6
    expect(rocAuc([0.9, 0.9, 0.3, 0.3, 0.1], [1, 0, 1, 0, 0])).toBeCloseTo(4 / 6, 15);
  });

  it("all-equal scores give the prevalence and 1/2", () => {
    expect(averagePrecision([2, 2, 2, 2, 2], [1, 0, 0, 0, 0])).toBe(0.2);
    expect(rocAuc([2, 2, 2, 2, 2], [1, 0, 0, 0, 0])).toBe(0.5);
  });

  it("perfect and reversed rankings", () => {
    expect(averagePrecision([3, 2, 1], [1, 1, 0])).toBe(1);
    expect(rocAuc([3, 2, 1], [1, 1, 0])).toBe(1);
    // positive last of 4: P = 1/4 at R = 1
    expect(averagePrecision([4, 3, 2, 1], [0, 0, 0, 1])).toBe(0.25);
    expect(rocAuc([4, 3, 2, 1], [0, 0, 0, 1])).toBe(0);
  });

  it("NaN ranks lowest, tied with -Infinity", () => {
    expect(averagePrecision([NaN, 0.1, 0.2], [1, 0, 0])).toBeCloseTo(1 / 3, 15);
    expect(averagePrecision([NaN, -Infinity, 0.2], [1, 0, 0])).toBeCloseTo(1 / 3, 15);
    expect(rocAuc([NaN, -Infinity, 0.2], [1, 0, 0])).toBe(0.25);
    expect(rocAuc([NaN, -5, 0.2], [1, 0, 0])).toBe(0);
  });

  it("no positives: AP and AUC are NaN; no negatives: AUC NaN, AP 1", () => {
    expect(averagePrecision([0.1, 0.2, 0.3], [0, 0, 0])).toBeNaN();
    expect(rocAuc([0.1, 0.2, 0.3], [0, 0, 0])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
    expect(averagePrecision([0.1, 0.2], [1, 1])).toBe(1);
    expect(averagePrecision([], [])).toBeNaN();
  });

  it("aggregating tied negatives into weights changes nothing", () => {
    const r = new Prng(9);
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      scores.push(Math.floor(r.float() * 12));
      labels.push(r.float() < 0.1 ? 1 : 0);
    }
    const agg = new Map<number, number>();
    const s2: number[] = [];
    const l2: number[] = [];
    const w2: number[] = [];
    scores.forEach((s, i) => {
      if (labels[i] === 1) {
        s2.push(s);
        l2.push(1);
        w2.push(1);
      } else agg.set(s, (agg.get(s) ?? 0) + 1);
    });
    for (const [s, w] of agg) {
      s2.push(s);
      l2.push(0);
      w2.push(w);
    }
    expect(averagePrecision(s2, l2, { weights: w2 })).toBeCloseTo(averagePrecision(scores, labels), 14);
    expect(rocAuc(s2, l2, { weights: w2 })).toBeCloseTo(rocAuc(scores, labels), 14);
    const g1 = scores.map((s) => s % 3);
    const g2 = s2.map((s) => s % 3);
    for (const budget of [1, 5, 40]) {
      const a = atBudget(scores, labels, g1, { budget });
      const b = atBudget(s2, l2, g2, { budget, weights: w2 });
      expect(b.truePositives).toBeCloseTo(a.truePositives, 12);
      expect(b.alerts).toBe(a.alerts);
    }
  });

  it("rejects bad input with the module prefix", () => {
    expect(() => averagePrecision([1, 2], [1])).toThrow(/^telemetry-lab\/evaluation\/metrics: labels has 1 entries/);
    expect(() => averagePrecision([1, 2], [1, 2])).toThrow(/labels\[1\] is 2/);
    expect(() => rocAuc([1, 2], [1, 0], { weights: [1, -1] })).toThrow(/weights\[1\] is -1/);
    expect(() => atBudget([1], [1], [0], { budget: 0 })).toThrow(/budget must be a positive/);
  });
});

describe("atBudget", () => {
  it("takes the top-b of each group and pools recall and precision", () => {
    // hour 0: 0.9(+) 0.8(-) 0.1(+); hour 1: 0.7(-) 0.5(+); hour 2: 0.3(-) only
    const s = [0.9, 0.8, 0.1, 0.7, 0.5, 0.3];
    const y = [1, 0, 1, 0, 1, 0];
    const g = [0, 0, 0, 1, 1, 2];
    const b1 = atBudget(s, y, g, { budget: 1 });
    expect(b1).toEqual({ budget: 1, groups: 3, positiveGroups: 2, alerts: 3, truePositives: 1, positives: 3, recall: 1 / 3, precision: 1 / 3 });
    const b2 = atBudget(s, y, g, { budget: 2 });
    // hour 0: +,- ; hour 1: -,+ ; hour 2: one item -> alerts 5, TP 2
    expect(b2.alerts).toBe(5);
    expect(b2.truePositives).toBe(2);
    expect(b2.recall).toBeCloseTo(2 / 3, 15);
    expect(b2.precision).toBeCloseTo(2 / 5, 15);
    const b9 = atBudget(s, y, g, { budget: 9 });
    expect(b9.alerts).toBe(6);
    expect(b9.recall).toBe(1);
  });

  it("ties at the cut count fractionally", () => {
    // one group: 0.9(-), then a block of four at 0.5 with one positive; budget 3 takes 2 of 4
    const r = atBudget([0.9, 0.5, 0.5, 0.5, 0.5], [0, 1, 0, 0, 0], [7, 7, 7, 7, 7], { budget: 3 });
    expect(r.truePositives).toBe(0.5);
    expect(r.recall).toBe(0.5);
    expect(r.precision).toBeCloseTo(0.5 / 3, 15);
    // the module's example
    expect(atBudget([0.9, 0.9, 0.1, 0.7, 0.5], [1, 0, 0, 0, 1], [0, 0, 0, 1, 1], { budget: 1 })).toMatchObject({ truePositives: 0.5, recall: 0.25, precision: 0.25 });
  });

  it("the fractional rule is the mean over random tie-breaks", () => {
    const r = new Prng(5);
    const s = Array.from({ length: 30 }, () => Math.floor(r.float() * 4));
    const y = s.map(() => (r.float() < 0.3 ? 1 : 0));
    const g = s.map((_, i) => i % 2);
    const exact = atBudget(s, y, g, { budget: 6 }).truePositives;
    // average TP over many random tie-breaks (jitter smaller than the gaps)
    let sum = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t++) {
      const jittered = s.map((v) => v + r.float() * 0.5);
      sum += atBudget(jittered, y, g, { budget: 6 }).truePositives;
    }
    expect(Math.abs(sum / trials - exact)).toBeLessThan(0.1);
  });

  it("groups without positives add alerts only; no positives at all gives NaN recall", () => {
    const r = atBudget([3, 2, 1, 0], [0, 0, 1, 0], [0, 0, 1, 1], { budget: 1 });
    expect(r).toMatchObject({ groups: 2, positiveGroups: 1, alerts: 2, truePositives: 1, recall: 1, precision: 0.5 });
    const none = atBudget([3, 2], [0, 0], [0, 1], { budget: 1 });
    expect(none.recall).toBeNaN();
    expect(none.precision).toBe(0);
    const empty = atBudget([], [], [], { budget: 10 });
    expect(empty.recall).toBeNaN();
    expect(empty.precision).toBeNaN();
  });

  it("NaN scores are alerted last", () => {
    const r = atBudget([NaN, 0.1, NaN], [1, 0, 0], [0, 0, 0], { budget: 2 });
    // 0.1 first, then one of the two NaN rows (one positive): 1/2
    expect(r.truePositives).toBe(0.5);
  });

  it("groupRanking keeps the descending order within groups", () => {
    const s = [0.1, 0.9, 0.5, 0.7];
    const { rows, bounds, values } = groupRanking(rankDescending(s), [2, 1, 2, 1]);
    expect(values).toEqual([1, 2]);
    expect([...bounds]).toEqual([0, 2, 4]);
    expect([...rows]).toEqual([1, 3, 2, 0]);
    // wide or fractional group values take the hashed path, same answer
    const wide = groupRanking(rankDescending(s), [2e9, -5, 2e9, 0.5]);
    expect(wide.values).toEqual([-5, 0.5, 2e9]);
    expect([...wide.rows]).toEqual([1, 3, 2, 0]);
    expect([...wide.bounds]).toEqual([0, 1, 2, 4]);
  });
});
