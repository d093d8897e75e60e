import { describe, expect, it } from "vitest";
import { gemmRows, gemmTn, simdGemmModule, simdHeap } from "../../src/embedding/gemm.js";

/** Naive triple loops, each entry summed sequentially from 0 (the kernels' contract). */
function naiveRows(M: Float64Array, a: number, b: number, c: number, rows: number, m: number, kk: number): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < kk; q++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += M[a + r * m + j]! * M[b + j * kk + q]!;
      M[c + r * kk + q] = s;
    }
  }
}
function naiveTn(M: Float64Array, a: number, b: number, c: number, rows: number, ka: number, mm: number): void {
  for (let q = 0; q < ka; q++) {
    for (let j = 0; j < mm; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += M[a + r * ka + q]! * M[b + r * mm + j]!;
      M[c + q * mm + j] = s;
    }
  }
}

const SHAPES = [[1, 1, 1], [2, 3, 1], [5, 7, 9], [3, 40, 8], [4, 8, 40], [6, 12, 7], [7, 5, 11], [128, 40, 8], [9, 2, 3]] as const;

describe("embedding/gemm", () => {
  it("JavaScript and SIMD kernels give the bits of a naive sequential sum, for odd and even shapes", () => {
    expect(simdGemmModule(false)).toBeDefined();
    expect(simdGemmModule(true)).toBeDefined();
    for (const shared of [false, true]) {
      const heap = simdHeap(4 * 8192, shared)!;
      const M = heap.M;
      let x = 12345;
      for (let i = 0; i < M.length; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        M[i] = x / 2147483648 - 0.3;
      }
      // a at 1 (odd offset: unaligned SIMD loads), b at 8000, outputs at 16000 / 24000
      for (const [rows, m, kk] of SHAPES) {
        naiveRows(M, 1, 8000, 16000, rows, m, kk);
        const ref = M.slice(16000, 16000 + rows * kk);
        M.fill(0, 16000, 24000);
        gemmRows(M, 1, 8000, 16000, rows, m, kk);
        expect(M.slice(16000, 16000 + rows * kk), `js rows ${rows}×${m}·${m}×${kk}`).toEqual(ref);
        M.fill(0, 16000, 24000);
        heap.kernels.gemmRows(8, 8000 * 8, 16000 * 8, rows, m, kk);
        expect(M.slice(16000, 16000 + rows * kk), `simd rows ${rows}×${m}·${m}×${kk}`).toEqual(ref);
        naiveTn(M, 1, 8000, 24000, rows, kk, m);
        const ref2 = M.slice(24000, 24000 + kk * m);
        M.fill(0, 24000, 32000);
        gemmTn(M, 1, 8000, 24000, rows, kk, m);
        expect(M.slice(24000, 24000 + kk * m), `js tn ${rows} rows ${kk}×${m}`).toEqual(ref2);
        M.fill(0, 24000, 32000);
        heap.kernels.gemmTn(8, 8000 * 8, 24000 * 8, rows, kk, m);
        expect(M.slice(24000, 24000 + kk * m), `simd tn ${rows} rows ${kk}×${m}`).toEqual(ref2);
      }
    }
  });

  it("computes the documented examples", () => {
    const M = Float64Array.of(1, 2, 3, 4, 5, 6, 0, 0);
    gemmRows(M, 0, 2, 6, 1, 2, 2);
    expect([M[6], M[7]]).toEqual([13, 16]);
    const N = Float64Array.of(1, 2, 3, 4, 5, 6, 0, 0);
    gemmTn(N, 0, 2, 6, 2, 1, 2);
    expect([N[6], N[7]]).toEqual([13, 16]);
    const h = simdHeap(8, false)!;
    h.M.set([1, 2, 3, 4, 5, 6]);
    h.kernels.gemmRows(0, 16, 48, 1, 2, 2);
    expect([h.M[6], h.M[7]]).toEqual([13, 16]);
  });
});
