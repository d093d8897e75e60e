import { describe, expect, it } from "vitest";
import { fromRows, matrix, toRows, type Matrix } from "../../src/embedding/matrix.js";
import type { RoleFrame } from "../../src/dynamics/frame.js";
import { TransitionScorer, fitTransition, learnTransition, transitionScores } from "../../src/dynamics/transition.js";
import { formatIsoUtc, parseIsoUtc } from "../../src/time/interval.js";
import { Prng } from "../../src/random/prng.js";

const T0 = parseIsoUtc("2015-01-01T00:00:00");
const at = (h: number) => formatIsoUtc(T0 + h * 3600);
const fr = (h: number, nodes: string[], rows: number[][]): RoleFrame => ({ start: at(h), nodes, memberships: fromRows(rows) });

/** Rows of a random distribution matrix (exponentials normalised: a flat Dirichlet). */
function randomRows(rng: Prng, n: number, k: number): Float64Array {
  const d = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < k; r++) s += d[i * k + r] = rng.exponential(1);
    for (let r = 0; r < k; r++) d[i * k + r]! /= s;
  }
  return d;
}
function times(P: Float64Array, T: Matrix, n: number): Float64Array {
  const k = T.rows;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let q = 0; q < k; q++) for (let p = 0; p < k; p++) out[i * k + q]! += P[i * k + p]! * T.data[p * k + q]!;
  return out;
}

describe("dynamics/transition", () => {
  it("fitTransition: NNLS per column then row sums 1; an unseen role stays in place", () => {
    // pairs [1,0,0]→[0,1,0] and [0,1,0]→[0,1,0]; role 2 never held at t−1
    const Q = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 0]]);
    const C = fromRows([[0, 1, 0], [0, 1, 0], [0, 0, 0]]);
    expect(toRows(fitTransition(Q, C))).toEqual([[0, 1, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it("recovers a planted T from exact sequences P(t) = P(t−1)·T", () => {
    const rng = new Prng(2013);
    const k = 4;
    const planted = fromRows([[0.7, 0.1, 0.2, 0], [0, 0.9, 0, 0.1], [0.3, 0, 0.5, 0.2], [0.05, 0.05, 0.1, 0.8]]);
    const n = 300;
    const nodes = Array.from({ length: n }, (_, i) => `v${String(i).padStart(3, "0")}`);
    const frames: RoleFrame[] = [];
    // Fresh random starts every 3 frames keep X well conditioned.
    let P = randomRows(rng, n, k);
    for (let h = 0; h < 9; h++) {
      if (h % 3 === 0 && h > 0) P = randomRows(rng, n, k);
      frames.push({ start: at(h), nodes, memberships: matrix(n, k, P) });
      P = times(P, planted, n);
    }
    // Only pairs inside each run of 3 are exact: learn from one run at a time and check.
    const T = learnTransition(frames.slice(0, 3));
    for (let i = 0; i < k * k; i++) expect(T.data[i]).toBeCloseTo(planted.data[i]!, 10);
    for (let r = 0; r < k; r++) expect(T.data.slice(r * k, r * k + k).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it("recovers a planted T approximately from noisy sequences, T ≥ 0", () => {
    const rng = new Prng(5);
    const k = 3;
    const planted = fromRows([[0.8, 0.2, 0], [0.1, 0.8, 0.1], [0, 0.3, 0.7]]);
    const n = 2000;
    const nodes = Array.from({ length: n }, (_, i) => `v${String(i).padStart(4, "0")}`);
    const frames: RoleFrame[] = [];
    for (let h = 0; h < 6; h += 2) {
      const X = randomRows(rng, n, k);
      const Y = times(X, planted, n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let r = 0; r < k; r++) s += Y[i * k + r] = Math.max(0, Y[i * k + r]! + 0.02 * rng.normal());
        for (let r = 0; r < k; r++) Y[i * k + r]! /= s;
      }
      frames.push({ start: at(h), nodes, memberships: matrix(n, k, X) }, { start: at(h + 1), nodes, memberships: matrix(n, k, Y) });
    }
    // pairs across runs (Y of run j → X of run j+1) are noise: use trainEnd to learn from the first pair only
    const T = learnTransition(frames, { trainEnd: at(2) });
    for (let i = 0; i < k * k; i++) {
      expect(T.data[i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(T.data[i]! - planted.data[i]!)).toBeLessThan(0.02);
    }
  });

  it("scores ‖P(t) − P(t−1)·T‖₂ for vertices present at t−1 and t; NaN otherwise; role mass and its residual", () => {
    const swap = fromRows([[0, 1], [1, 0]]);
    const s = new TransitionScorer({ transition: swap });
    const f0 = s.push(fr(0, ["a", "b"], [[1, 0], [0.5, 0.5]]));
    expect(Array.from(f0.scores)).toEqual([NaN, NaN]);
    expect(Array.from(f0.mass)).toEqual([0.75, 0.25]);
    expect(Number.isNaN(f0.massResidual)).toBe(true);
    const f1 = s.push(fr(1, ["a", "c"], [[1, 0], [0, 1]]));
    // a: predicted [0, 1], observed [1, 0] → √2; c appears → NaN
    expect(f1.scores[0]).toBeCloseTo(Math.SQRT2, 15);
    expect(Number.isNaN(f1.scores[1]!)).toBe(true);
    // m(1) = [.5, .5], m̂ = [.75, .25]·swap = [.25, .75] → ‖[.25, −.25]‖ = √2/4
    expect(Array.from(f1.mass)).toEqual([0.5, 0.5]);
    expect(f1.massResidual).toBeCloseTo(Math.SQRT2 / 4, 15);
  });

  it("learns one step ahead while training and freezes at trainEnd", () => {
    const frames = [
      fr(0, ["a", "b"], [[1, 0], [0, 1]]),
      fr(1, ["a", "b"], [[0, 1], [0, 1]]), // pairs: [1,0]→[0,1], [0,1]→[0,1]
      fr(2, ["a", "b"], [[0, 1], [1, 0]]), // test: T = [[0,1],[0,1]] predicts [0,1] for both
      fr(3, ["a", "b"], [[1, 0], [1, 0]]),
    ];
    const out = [...transitionScores(frames, { trainEnd: at(2) })];
    expect(Array.from(out[0]!.scores)).toEqual([NaN, NaN]);
    expect(Array.from(out[1]!.scores)).toEqual([NaN, NaN]); // no pair learnt before hour 1
    expect(Array.from(out[2]!.scores)).toEqual([0, Math.SQRT2]);
    // had hour 2 been learnt, T would move; frozen, b at hour 3 ([1,0] → predicted [0,1]) scores √2
    expect(Array.from(out[3]!.scores)).toEqual([Math.SQRT2, Math.SQRT2]);
    const s = new TransitionScorer({ trainEnd: at(2) });
    for (const f of frames) s.push(f);
    expect(s.pairCount).toBe(2);
    expect(toRows(s.transition!)).toEqual([[0, 1], [0, 1]]);
  });

  it("refuses bad input with the module prefix", () => {
    expect(() => new TransitionScorer({ transition: fromRows([[1, -1], [0, 1]]) })).toThrow(/^telemetry-lab\/dynamics\/transition: transition has an entry -1/);
    expect(() => new TransitionScorer({ transition: fromRows([[1, 0]]) })).toThrow(/square/);
    expect(() => learnTransition([fr(0, ["a"], [[1, 0]]), fr(1, ["b"], [[1, 0]])])).toThrow(/^telemetry-lab\/dynamics\/transition: no vertex is present in two consecutive frames/);
    const s = new TransitionScorer();
    s.push(fr(0, ["a"], [[1, 0]]));
    expect(() => s.push(fr(1, ["a"], [[1, 0, 0]]))).toThrow(/has 3 roles, expected 2/);
  });
});
