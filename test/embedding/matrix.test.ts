import { describe, expect, it } from "vitest";
import { argmaxRows, frobeniusNorm, fromRows, gram, matmul, matrix, rowNormalize, toRows, transpose } from "../../src/embedding/matrix.js";

describe("embedding/matrix", () => {
  it("builds matrices and checks dimensions", () => {
    expect(matrix(2, 3).data).toEqual(new Float64Array(6));
    const d = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const m = matrix(2, 3, d);
    expect(m.data).toBe(d);
    expect(m.data[1 * m.cols + 2]).toBe(6);
    expect(() => matrix(2, 2, d)).toThrow(/^telemetry-lab\/embedding\/matrix: data has 6 entries/);
    expect(() => matrix(-1, 2)).toThrow(/^telemetry-lab\/embedding\/matrix: /);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/^telemetry-lab\/embedding\/matrix: row 1/);
    expect(toRows(fromRows([[1, 2], [3, 4]]))).toEqual([[1, 2], [3, 4]]);
  });

  it("transposes and multiplies", () => {
    const a = fromRows([[1, 2, 3], [4, 5, 6]]);
    expect(toRows(transpose(a))).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(toRows(matmul(a, transpose(a)))).toEqual([[14, 32], [32, 77]]);
    expect(toRows(matmul(fromRows([[1, 2], [3, 4]]), fromRows([[5], [6]])))).toEqual([[17], [39]]);
    expect(() => matmul(a, a)).toThrow(/cannot multiply 2×3 by 2×3/);
  });

  it("computes the Frobenius norm", () => {
    expect(frobeniusNorm(fromRows([[3, 0], [0, 4]]))).toBe(5);
    expect(frobeniusNorm(matrix(0, 0))).toBe(0);
  });

  it("L1-normalises rows, keeping zero rows zero, without mutating the input", () => {
    const m = fromRows([[1, 3], [0, 0], [2, 2]]);
    Object.freeze(m);
    const before = m.data.slice();
    expect(toRows(rowNormalize(m))).toEqual([[0.25, 0.75], [0, 0], [0.5, 0.5]]);
    expect(m.data).toEqual(before);
  });

  it("takes the argmax of rows with ties to the lowest index", () => {
    expect(Array.from(argmaxRows(fromRows([[1, 5, 5], [7, 0, 1], [0, 0, 0], [-1, -2, -0.5]])))).toEqual([1, 0, 0, 2]);
    expect(Array.from(argmaxRows(fromRows([[1, NaN, 5]])))).toEqual([1]);
  });
});

describe("embedding/matrix gram", () => {
  it("equals Aᵀ·A for odd and even widths and more rows than one chunk", () => {
    for (const [n, f] of [[3, 1], [5, 2], [7, 5], [600, 6], [517, 9]] as const) {
      const d = new Float64Array(n * f);
      for (let i = 0; i < d.length; i++) d[i] = ((i * 7919) % 23) - 4 + i / 1000;
      const a = matrix(n, f, d);
      const g = gram(a);
      const ref = matmul(transpose(a), a);
      expect(g.rows).toBe(f);
      for (let t = 0; t < f * f; t++) expect(g.data[t]).toBeCloseTo(ref.data[t]!, 6);
      for (let p = 0; p < f; p++) for (let q = 0; q < f; q++) expect(g.data[p * f + q]).toBe(g.data[q * f + p]);
    }
    expect(toRows(gram(fromRows([[1, 2], [3, 4]])))).toEqual([[10, 14], [14, 20]]);
  });
});
