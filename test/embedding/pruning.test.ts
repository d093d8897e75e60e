import { describe, expect, it } from "vitest";
import {
  PRUNE_DEFAULTS,
  chebyshevWithin,
  graphroleOrder,
  llnlNameOrder,
  llnlOrder,
  pruneFeatures,
} from "../../src/embedding/pruning.js";
import { Prng } from "../../src/random/prng.js";

const col = (...xs: number[]): Int32Array => Int32Array.from(xs);

/** Components by breadth-first search over all pairs: the definition, without shortcuts. */
function naiveComponents(bins: readonly Int32Array[], threshold: number): number[] {
  const f = bins.length;
  const label = new Array<number>(f).fill(-1);
  for (let s = 0; s < f; s++) {
    if (label[s] !== -1) continue;
    label[s] = s;
    const queue = [s];
    while (queue.length > 0) {
      const i = queue.shift()!;
      for (let j = 0; j < f; j++) {
        if (label[j] !== -1) continue;
        let d = 0;
        for (let v = 0; v < bins[i]!.length; v++) d = Math.max(d, Math.abs(bins[i]![v]! - bins[j]![v]!));
        if (d <= threshold) {
          label[j] = s;
          queue.push(j);
        }
      }
    }
  }
  return label;
}

describe("chebyshevWithin", () => {
  it("compares the largest per-vertex difference with the threshold", () => {
    expect(chebyshevWithin(col(0, 1, 3), col(1, 1, 2), 1)).toBe(true);
    expect(chebyshevWithin(col(0, 1, 3), col(1, 1, 2), 0)).toBe(false);
    expect(chebyshevWithin(col(0, 4), col(2, 4), 1)).toBe(false);
    expect(chebyshevWithin(col(), col(), 0)).toBe(true);
    expect(() => chebyshevWithin(col(1), col(1, 2), 0)).toThrow(/^telemetry-lab\/embedding\/pruning: /);
  });
});

describe("pruneFeatures", () => {
  it("keeps one feature per component, the lowest index by default", () => {
    const bins = [col(0, 1, 2), col(0, 1, 2), col(1, 0, 0)];
    expect([...pruneFeatures(bins).keep]).toEqual([1, 0, 1]);
    expect([...pruneFeatures(bins).component]).toEqual([0, 0, 2]);
    expect([...pruneFeatures(bins, { threshold: 2 }).keep]).toEqual([1, 0, 0]);
    expect(PRUNE_DEFAULTS.threshold).toBe(0);
  });

  it("links transitively: A~B and B~C put A and C together although d(A, C) = 2", () => {
    const bins = [col(0, 0), col(1, 1), col(2, 2)];
    const { keep, component } = pruneFeatures(bins, { threshold: 1, prefer: (a, b) => b - a });
    expect([...keep]).toEqual([0, 0, 1]); // the preference picks the highest index here
    expect([...component]).toEqual([2, 2, 2]);
  });

  it("skips pairs of features marked in `skip` (they can still join through others)", () => {
    const bins = [col(0, 0), col(0, 0), col(5, 5)];
    const skip = Uint8Array.of(1, 1, 0);
    expect([...pruneFeatures(bins, { skip }).keep]).toEqual([1, 1, 1]);
    const joined = [col(0, 0), col(0, 0), col(0, 0)];
    expect([...pruneFeatures(joined, { skip }).keep]).toEqual([1, 0, 0]);
  });

  it("finds the same components as a breadth-first search over all pairs", () => {
    const prng = new Prng(3);
    for (let trial = 0; trial < 100; trial++) {
      const f = 1 + prng.int(12);
      const n = 1 + prng.int(20);
      const base = Int32Array.from({ length: n }, () => prng.int(5));
      const bins = Array.from({ length: f }, () => base.map((b) => Math.max(0, b + prng.int(3) - 1)));
      const threshold = prng.int(3);
      const label = naiveComponents(bins, threshold);
      const { component } = pruneFeatures(bins, { threshold });
      for (let i = 0; i < f; i++) {
        for (let j = 0; j < f; j++) expect(component[i] === component[j]).toBe(label[i] === label[j]);
        // default preference: the smallest index of the component is kept
        expect(component[i]).toBe(label.indexOf(label[i]!));
      }
    }
  });

  it("rejects columns of different lengths", () => {
    expect(() => pruneFeatures([col(1), col(1, 2)])).toThrow(/^telemetry-lab\/embedding\/pruning: column 1 has 2 rows/);
  });
});

describe("survivor orders", () => {
  it("graphrole: earliest generation, then smallest name", () => {
    const names = ["degree(sum)", "degree", "external_edges", "internal_edges(mean)"];
    const cmp = graphroleOrder(names, [1, 0, 0, 1]);
    expect(cmp(0, 1)).toBeGreaterThan(0);
    expect(cmp(1, 2)).toBeLessThan(0);
    expect(cmp(0, 3)).toBeLessThan(0);
    const bins = [col(0, 1), col(0, 1), col(0, 1), col(0, 1)];
    expect([...pruneFeatures(bins, { prefer: cmp }).keep]).toEqual([0, 1, 0, 0]);
  });

  it("LLNL smallerString: fewer parts, then no '-wn0-', then shorter, then character codes", () => {
    expect(llnlNameOrder("wn1", "xes0-wn1")).toBeLessThan(0);
    expect(llnlNameOrder("xe0-wn1", "xes0-wn1")).toBeLessThan(0);
    expect(llnlNameOrder("xed0-wn1", "xes0-wn1")).toBeLessThan(0);
    expect(llnlNameOrder("xes1-xesu1-wnm0", "xe1-wn0-xesu1")).toBeLessThan(0); // '-wn0-' loses before length
    expect(llnlNameOrder("wn0", "wn0")).toBe(0);
    expect(llnlOrder(["xes0-wn1", "wn1"])(0, 1)).toBeGreaterThan(0);
  });
});
