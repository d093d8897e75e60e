import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromRows, matrix, toRows, transpose, type Matrix } from "../../src/embedding/matrix.js";
import { nnls, nnlsGram, nnlsRows } from "../../src/embedding/nnls.js";
import { Prng } from "../../src/random/prng.js";

interface Case {
  name: string;
  m: number;
  n: number;
  A: number[];
  b: number[];
  x: number[];
  residual: number;
  unique: boolean;
}

/** Outputs of scipy.optimize.nnls (scipy 1.10.1); see test/fixtures/embedding/sense/README.md. */
const FIXTURE = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/embedding/sense/nnls.json", import.meta.url)), "utf8"),
) as { producer: string; cases: Case[] };

function mul(A: Matrix, x: Float64Array | number[]): Float64Array {
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[i]! += A.data[i * A.cols + j]! * x[j]!;
  return out;
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  expect(maxDiff(actual, expected)).toBeLessThanOrEqual(tol);
}

/** Kuhn–Tucker conditions: x ≥ 0, w = Aᵀ(b − Ax) ≤ tol, and w_j ≈ 0 where x_j > 0. */
function expectKkt(A: Matrix, b: ArrayLike<number>, x: Float64Array, tol: number): void {
  const r = mul(A, x).map((v, i) => b[i]! - v);
  for (let j = 0; j < A.cols; j++) {
    let w = 0;
    for (let i = 0; i < A.rows; i++) w += A.data[i * A.cols + j]! * r[i]!;
    expect(x[j]).toBeGreaterThanOrEqual(0);
    expect(w).toBeLessThanOrEqual(tol);
    if (x[j]! > 0) expect(Math.abs(w)).toBeLessThanOrEqual(tol);
  }
}

describe("nnls against scipy.optimize.nnls", () => {
  expect(FIXTURE.producer).toContain("scipy");
  for (const c of FIXTURE.cases) {
    it(`${c.name} (${c.m}×${c.n})`, () => {
      const A = matrix(c.m, c.n, Float64Array.from(c.A));
      const b = Float64Array.from(c.b);
      const scaleB = Math.max(1, maxAbs(c.b));
      const { x, residual } = nnls(A, b);
      expect(Math.abs(residual - c.residual)).toBeLessThanOrEqual(1e-9 * scaleB);
      // The fitted vector A·x is unique even when x is not.
      expect(maxDiff(mul(A, x), mul(A, c.x))).toBeLessThanOrEqual(1e-9 * scaleB);
      if (c.unique) expect(maxDiff(x, c.x)).toBeLessThanOrEqual(1e-9 * Math.max(1, maxAbs(c.x)));
      // The Gram form agrees on the well-posed problems.
      if (c.unique) {
        const { X, residuals } = nnlsRows(A, matrix(1, c.m, b));
        expect(maxDiff(X.data, c.x)).toBeLessThanOrEqual(1e-9 * Math.max(1, maxAbs(c.x)));
        expect(Math.abs(residuals[0]! - c.residual)).toBeLessThanOrEqual(1e-9 * scaleB);
      }
    });
  }
});

describe("nnls", () => {
  it("solves the worked example of its doc comment", () => {
    const A = fromRows([[1, 0], [0, 1], [1, 1]]);
    const r = nnls(A, Float64Array.of(2, -1, 1));
    expectClose(r.x, [1.5, 0]);
    expect(r.residual).toBeCloseTo(Math.sqrt(1.5), 14);
    const g = nnlsGram(fromRows([[2, 1], [1, 2]]), Float64Array.of(3, 0), { bb: 6 });
    expectClose(g.x, [1.5, 0]);
    expect(g.residual).toBeCloseTo(Math.sqrt(1.5), 14);
    expect(Number.isNaN(nnlsGram(fromRows([[1]]), Float64Array.of(1)).residual)).toBe(true);
  });

  it("satisfies the Kuhn–Tucker conditions on random problems, dense and Gram forms alike", () => {
    const rng = new Prng(7);
    for (let trial = 0; trial < 40; trial++) {
      const m = 3 + rng.int(30);
      const n = 1 + rng.int(9);
      const A = matrix(m, n, Float64Array.from({ length: m * n }, () => rng.normal()));
      const b = Float64Array.from({ length: m }, () => rng.normal());
      const { x } = nnls(A, b);
      expectKkt(A, b, x, 1e-10);
      if (m >= n) {
        const { X } = nnlsRows(A, matrix(1, m, b));
        expect(maxDiff(X.data, x)).toBeLessThan(1e-8);
      }
    }
  });

  it("does not mutate its inputs", () => {
    const A = fromRows([[1, 2], [3, 4], [5, 7]]);
    const b = Float64Array.of(1, -2, 3);
    const a0 = A.data.slice();
    const b0 = b.slice();
    nnls(A, b);
    nnlsRows(A, matrix(1, 3, b));
    expect(A.data).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it("handles empty problems", () => {
    expect(nnls(matrix(3, 0), Float64Array.of(1, 2, 2))).toEqual({ x: new Float64Array(0), residual: 3 });
    expect(nnlsRows(matrix(2, 2), matrix(0, 2)).X.rows).toBe(0);
  });

  it("throws with the module prefix on bad input or too many iterations", () => {
    const A = fromRows([[1, 0], [0, 1]]);
    expect(() => nnls(A, Float64Array.of(1))).toThrow(/^telemetry-lab\/embedding\/nnls: b has length 1/);
    expect(() => nnls(A, Float64Array.of(1, NaN))).toThrow(/^telemetry-lab\/embedding\/nnls: b has a non-finite/);
    expect(() => nnls(A, Float64Array.of(1, 1), { tol: -1 })).toThrow(/tol must be/);
    expect(() => nnlsRows(A, matrix(1, 3))).toThrow(/^telemetry-lab\/embedding\/nnls: B has 3 columns/);
    expect(() => nnlsGram(matrix(2, 3), Float64Array.of(1, 1))).toThrow(/must be square/);
    // A problem that needs a back-off step fails with maxIter = 0.
    const B = fromRows([[1, 0], [0, 1], [1, 1]]);
    const hard = nnlsRows(B, fromRows([[2, -1, 1]]));
    expectClose(hard.X.data, [1.5, 0]);
    const backOff = fromRows([[1, 1], [1, 1.01], [0, 0.1]]);
    const rhs = Float64Array.of(1, 0.5, 0);
    expect(() => nnls(backOff, rhs, { maxIter: 0 })).toThrow(/^telemetry-lab\/embedding\/nnls: nnls: more than maxIter = 0/);
    expect(() => nnlsRows(backOff, matrix(1, 3, rhs), { maxIter: 0 })).toThrow(/row 0: more than maxIter/);
  });
});

describe("nnlsRows", () => {
  it("solves the worked example of its doc comment", () => {
    const A = fromRows([[1, 0], [0, 1], [1, 1]]);
    const { X, residuals } = nnlsRows(A, fromRows([[2, -1, 1], [1, 2, 3]]));
    const rows = toRows(X);
    expectClose(rows[0]!, [1.5, 0]);
    expect(rows[1]![0]).toBeCloseTo(1, 14);
    expect(rows[1]![1]).toBeCloseTo(2, 14);
    expect(residuals[0]).toBeCloseTo(Math.sqrt(1.5), 14);
    expect(residuals[1]).toBeLessThan(1e-14);
  });

  it("recovers a planted non-negative W from V = W·H (the fixed-basis transform)", () => {
    const rng = new Prng(3);
    const n = 500;
    const k = 6;
    const f = 20;
    const H = matrix(k, f, Float64Array.from({ length: k * f }, () => rng.float() * 2));
    const W = new Float64Array(n * k);
    for (let i = 0; i < W.length; i++) W[i] = rng.float() < 0.5 ? 0 : rng.exponential(1);
    const V = new Float64Array(n * f);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < k; p++) for (let j = 0; j < f; j++) V[i * f + j]! += W[i * k + p]! * H.data[p * f + j]!;
    }
    const { X, residuals } = nnlsRows(transpose(H), matrix(n, f, V));
    expect(maxDiff(X.data, W)).toBeLessThan(1e-10);
    expect(maxAbs(residuals)).toBeLessThan(1e-10);
  });

  it("equals nnls row by row on noisy rows", () => {
    const rng = new Prng(11);
    const m = 30;
    const k = 5;
    const A = matrix(m, k, Float64Array.from({ length: m * k }, () => rng.float()));
    const B = matrix(50, m, Float64Array.from({ length: 50 * m }, () => rng.normal() + 0.3));
    const { X, residuals } = nnlsRows(A, B);
    for (let r = 0; r < B.rows; r++) {
      const one = nnls(A, B.data.slice(r * m, (r + 1) * m));
      expect(maxDiff(X.data.subarray(r * k, (r + 1) * k), one.x)).toBeLessThan(1e-10);
      expect(Math.abs(residuals[r]! - one.residual)).toBeLessThan(1e-10);
    }
  });
});
