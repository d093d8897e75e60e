import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromRows, matrix } from "../../src/embedding/matrix.js";
import {
  distinctCount,
  gaussianErrorCost,
  graphroleEncodingCost,
  huffmanModelCost,
  klErrorCost,
  rescaleRows,
} from "../../src/embedding/mdl.js";

const FIXTURE = new URL("../fixtures/embedding/rolx/mdl-small.json", import.meta.url);

describe("embedding/mdl", () => {
  it("counts the encoding bits as graphrole does (worked by hand)", () => {
    // 3 distinct values in Gq, 2 in Fq: ⌈log₂ 3⌉ = 2 bits · (6 + 4) entries
    expect(graphroleEncodingCost(fromRows([[0, 1], [1, 2], [0, 0]]), fromRows([[5, 5], [5, 7]]))).toBe(20);
    // 4 distinct values: exactly 2 bits; 6 distinct values in Fq: 3 bits · (6 + 6)
    expect(graphroleEncodingCost(fromRows([[0, 1], [1, 1], [0, 0]]), fromRows([[1, 2], [3, 4.5]]))).toBe(20);
    expect(graphroleEncodingCost(fromRows([[0, 1], [1, 1], [0, 0]]), fromRows([[1, 2, 3], [4.5, 5, 6]]))).toBe(36);
    // one value everywhere: log₂ 1 = 0 bits
    expect(graphroleEncodingCost(fromRows([[2], [2]]), fromRows([[2, 2]]))).toBe(0);
    expect(distinctCount(Float64Array.from([0, -0, 1, NaN, NaN, 1]))).toBe(3);
  });

  it("computes the KL error over the non-zero entries of V only (worked by hand)", () => {
    // V̂ = 1 everywhere: 0 + (skipped V = 0 entry) + 2·(2 ln 2 − 1)
    expect(klErrorCost(fromRows([[1, 0], [2, 2]]), fromRows([[1], [1]]), fromRows([[1, 1]]))).toBeCloseTo(4 * Math.log(2) - 2, 14);
    // exact reconstruction costs nothing; V ≠ 0 with V̂ = 0 costs Infinity
    const V = fromRows([[1, 2], [3, 6]]);
    expect(klErrorCost(V, fromRows([[1], [3]]), fromRows([[1, 2]]))).toBe(0);
    expect(klErrorCost(V, fromRows([[0], [3]]), fromRows([[1, 2]]))).toBe(Infinity);
    expect(() => klErrorCost(V, fromRows([[1, 1]]), fromRows([[1, 2]]))).toThrow(/^telemetry-lab\/embedding\/mdl: V is 2×2 but G is 1×2/);
  });

  it("computes LLNL's Gaussian error and Huffman model costs (worked by hand)", () => {
    // var([1, 3]) = 2 (n − 1), Σ err² = 1 + 1
    expect(gaussianErrorCost(fromRows([[1, 3]]), fromRows([[1]]), fromRows([[2, 2]]))).toBeCloseTo(0.5 * Math.LOG2E, 14);
    expect(() => gaussianErrorCost(matrix(1, 1, Float64Array.of(1)), fromRows([[1]]), fromRows([[1]]))).toThrow(/at least 2 entries/);
    // G: counts 2, 1 -> 2·(1.5 + 1) + 3; F: one symbol -> 1.5
    expect(huffmanModelCost(Int32Array.from([0, 0, 1]), Int32Array.from([2, 2]), 1.5)).toBe(9.5);
  });

  it("rescales cost rows by their L2 norm, skipping NaN cells as numpy's nansum", () => {
    const r = rescaleRows(Float64Array.from([3, 4, NaN, 0, 0, 0, NaN, NaN, NaN]), 3, 3);
    expect(Array.from(r.subarray(0, 3))).toEqual([0.6, 0.8, NaN]);
    expect(Array.from(r.subarray(3)).every(Number.isNaN)).toBe(true);
    expect(() => rescaleRows(new Float64Array(5), 2, 3)).toThrow(/cost grid has 5 cells, expected 2×3/);
  });

  it("equals graphrole's costs on a quantised scikit-learn model and its rescaled grid", () => {
    const fx = JSON.parse(readFileSync(FIXTURE, "utf8"));
    const V = matrix(fx.rows, fx.cols, Float64Array.from(fx.V));
    const Gq = matrix(fx.rows, fx.k, Float64Array.from(fx.Gq));
    const Fq = matrix(fx.k, fx.cols, Float64Array.from(fx.Fq));
    expect(distinctCount(Gq.data)).toBe(fx.distinctGq);
    expect(distinctCount(Fq.data)).toBe(fx.distinctFq);
    expect(graphroleEncodingCost(Gq, Fq)).toBe(fx.encodingCost);
    expect(Math.abs(klErrorCost(V, Gq, Fq) / fx.errorCost - 1)).toBeLessThan(1e-12);
    expect(Math.abs(gaussianErrorCost(V, Gq, Fq) / fx.gaussianErrorCost - 1)).toBeLessThan(1e-12);
    // graphrole's (roles × bits) grids, index [roles][bits], null = skipped
    const grid = (g: (number | null)[][]): Float64Array => Float64Array.from(g.flat().map((x) => (x === null ? NaN : x)));
    const rows = fx.grid.totalCost.length;
    const cols = fx.grid.totalCost[0].length;
    const enc = rescaleRows(grid(fx.grid.encodingCost), rows, cols);
    const err = rescaleRows(grid(fx.grid.errorCost), rows, cols);
    const want = grid(fx.grid.totalCost);
    let finite = 0;
    for (let i = 0; i < want.length; i++) {
      if (Number.isNaN(want[i]!)) expect(enc[i]! + err[i]!).toBeNaN();
      else {
        finite++;
        expect(Math.abs(enc[i]! + err[i]! - want[i]!)).toBeLessThan(1e-14);
      }
    }
    expect(finite).toBeGreaterThan(20);
  });
});
