import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromRows, matmul, type Matrix } from "../../src/embedding/matrix.js";
import { nmf, nmfDiagnostics, nmfTransform, NMF_DEFAULTS, type NmfInit, type NmfLoss } from "../../src/embedding/nmf.js";
import { nndsvd, symmetricEigen, truncatedSvd } from "../../src/embedding/nndsvd.js";
import { mix32 } from "../../src/random/prng.js";

/**
 * Feature-like test matrices, reproduced bit for bit by the fixture's generator
 * (integer hashing and IEEE +, −, ×, / only): heavy-tailed integer and real columns,
 * sums of two columns, and "mean-like" columns with 20 % zeros.
 */
function unit(seed: number, i: number, j: number, t: number): number {
  return mix32((mix32((mix32(seed) + i) >>> 0) + j * 4 + t) >>> 0) / 4294967296;
}
function featureMatrix(seed: number, n: number, f: number): Matrix {
  const d = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let j = 0; j < f; j++) {
      const u = unit(seed, i, j, 0) * 0.9999;
      const r = j % 4;
      if (r === 0) d[o + j] = Math.floor(1 / (1 - u)) - 1;
      else if (r === 1) d[o + j] = (1 / (1 - u) - 1) * 1.5;
      else if (r === 2) d[o + j] = d[o + j - 2]! + d[o + j - 1]!;
      else {
        const u2 = unit(seed, i, j, 1);
        d[o + j] = u2 < 0.2 ? 0 : d[o + j - 3]! * u2;
      }
    }
  }
  return { rows: n, cols: f, data: d };
}

interface Fixture {
  producer: string;
  matrices: { seed: number; n: number; f: number; sum: number; max: number; zeros: number; first: number[] }[];
  fits: { seed: number; n: number; f: number; k: number; loss: NmfLoss; init: NmfInit; relErr: number; nIter: number; reconstructionErr: number; relErrExactSvd: number }[];
  inits: { k: number; init: "nndsvd" | "nndsvda"; W: number[][]; H: number[][] }[];
  transform: { k: number; H: number[][]; seed: number; n: number; f: number; mu: number[][]; nnls: number[][]; klH: number[][]; muKl: number[][] };
}
const fx = JSON.parse(readFileSync(join(__dirname, "../fixtures/embedding/nmf/sklearn-1.2.1.json"), "utf8")) as Fixture;

function maxAbsDiff(a: Float64Array, b: readonly number[][]): number {
  const flat = b.flat();
  expect(a.length).toBe(flat.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - flat[i]!));
  return m;
}
function maxAbs(b: readonly number[][]): number {
  return Math.max(...b.flat().map(Math.abs));
}

const matrices = new Map<number, Matrix>();
function fixtureMatrix(seed: number, n: number, f: number): Matrix {
  if (!matrices.has(seed)) matrices.set(seed, featureMatrix(seed, n, f));
  return matrices.get(seed)!;
}

describe("embedding/nmf test matrices", () => {
  it("are the generator's matrices, bit for bit", () => {
    for (const m of fx.matrices) {
      const V = fixtureMatrix(m.seed, m.n, m.f);
      let sum = 0;
      let max = 0;
      let zeros = 0;
      for (const v of V.data) {
        sum += v;
        max = Math.max(max, v);
        if (v === 0) zeros++;
      }
      expect(Array.from(V.data.subarray(0, m.f))).toEqual(m.first);
      expect(max).toBe(m.max);
      expect(zeros).toBe(m.zeros);
      expect(sum).toBeCloseTo(m.sum, 6);
    }
  });
});

describe("embedding/nndsvd", () => {
  it("diagonalises symmetric matrices", () => {
    const e = symmetricEigen(fromRows([[2, 1], [1, 2]]));
    expect(e.values[0]).toBeCloseTo(3, 14);
    expect(e.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(e.vectors.data[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    const { S, U, Vt } = truncatedSvd(fromRows([[3, 0], [0, 4], [0, 0]]), 2);
    expect(Array.from(S)).toEqual([4, 3]);
    // svd_flip: largest |u| entry positive
    expect(U.data[1 * 2 + 0]).toBe(1);
    expect(Vt.data[1]).toBe(1);
  });

  it("equals scikit-learn's _initialize_nmf (exact SVD) on the 300×12 matrix", () => {
    const m0 = fx.matrices[0]!;
    const V = fixtureMatrix(m0.seed, m0.n, m0.f);
    for (const ref of fx.inits) {
      const { W, H } = nndsvd(V, ref.k, { variant: ref.init });
      const scaleW = maxAbs(ref.W);
      const scaleH = maxAbs(ref.H);
      expect(maxAbsDiff(W.data, ref.W) / scaleW).toBeLessThan(1e-9);
      expect(maxAbsDiff(H.data, ref.H) / scaleH).toBeLessThan(1e-9);
      // same zero pattern for plain nndsvd (no entry near the 1e-6 cut)
      if (ref.init === "nndsvd") expect(Array.from(W.data, (x) => x === 0)).toEqual(ref.W.flat().map((x) => x === 0));
    }
  });

  it("fills zeros: nndsvdar with small seeded values, reproducibly", () => {
    const m0 = fx.matrices[0]!;
    const V = fixtureMatrix(m0.seed, m0.n, m0.f);
    const a = nndsvd(V, 4, { variant: "nndsvdar", seed: 3 });
    const b = nndsvd(V, 4, { variant: "nndsvdar", seed: 3 });
    const plain = nndsvd(V, 4);
    expect(a.W.data).toEqual(b.W.data);
    expect(Array.from(a.W.data).every((x) => x > 0)).toBe(true);
    for (let t = 0; t < plain.W.data.length; t++) {
      if (plain.W.data[t] !== 0) expect(a.W.data[t]).toBe(plain.W.data[t]);
    }
  });
});

describe("embedding/nmf against scikit-learn 1.2.1 NMF(solver='mu')", () => {
  it("reproduces relErr and n_iter for k = 2..8, both losses, nndsvda and nndsvd", () => {
    const off: string[] = [];
    let worst = 0;
    for (const r of fx.fits) {
      const V = fixtureMatrix(r.seed, r.n, r.f);
      const res = nmf(V, { k: r.k, loss: r.loss, init: r.init });
      const d = Math.abs(res.relErr - r.relErr);
      const dRec = Math.abs(res.reconstructionErr - r.reconstructionErr) / r.reconstructionErr;
      worst = Math.max(worst, d);
      if (res.iterations !== r.nIter || d > 1e-10 || dRec > 1e-9) {
        off.push(`seed ${r.seed} ${r.loss} ${r.init} k=${r.k}: n_iter ${res.iterations} vs ${r.nIter}, |ΔrelErr| ${d.toExponential(2)}`);
      }
    }
    if (process.env.NMF_REPORT) console.log(`max |ΔrelErr| = ${worst.toExponential(2)} over ${fx.fits.length} fits`);
    expect(off).toEqual([]);
  });

  it("transform 'mu' equals NMF.transform (Frobenius and KL)", () => {
    const t = fx.transform;
    const V2 = featureMatrix(t.seed, t.n, t.f);
    const W = nmfTransform(V2, fromRows(t.H));
    expect(maxAbsDiff(W.data, t.mu) / maxAbs(t.mu)).toBeLessThan(1e-9);
    const Wk = nmfTransform(V2, fromRows(t.klH), { loss: "kullback-leibler" });
    expect(maxAbsDiff(Wk.data, t.muKl) / maxAbs(t.muKl)).toBeLessThan(1e-9);
  });

  it("transform 'nnls' equals scipy.optimize.nnls per row", () => {
    const t = fx.transform;
    const V2 = featureMatrix(t.seed, t.n, t.f);
    const W = nmfTransform(V2, fromRows(t.H), { method: "nnls" });
    expect(maxAbsDiff(W.data, t.nnls) / maxAbs(t.nnls)).toBeLessThan(1e-8);
    expect(() => nmfTransform(V2, fromRows(t.H), { method: "nnls", loss: "kullback-leibler" })).toThrow(/^telemetry-lab\/embedding\/nmf: /);
  });
});

describe("embedding/nmf", () => {
  const V = featureMatrix(5, 700, 10);

  it("gives the same bits with 1, 2 and 3 threads (the workers taking part) and without SIMD", () => {
    const big = featureMatrix(6, 3000, 16);
    for (const loss of ["frobenius", "kullback-leibler"] as const) {
      const one = nmf(big, { k: 5, loss, workers: 1, tol: 0, maxIter: 60 });
      expect(nmfDiagnostics.workerBlocks).toBe(0);
      for (const workers of [2, 3]) {
        const many = nmf(big, { k: 5, loss, workers, tol: 0, maxIter: 60 });
        expect(nmfDiagnostics.workerBlocks).toBeGreaterThan(0);
        expect(many.W.data).toEqual(one.W.data);
        expect(many.H.data).toEqual(one.H.data);
        expect(many.relErr).toBe(one.relErr);
        expect(many.iterations).toBe(one.iterations);
      }
      const js = nmf(big, { k: 5, loss, workers: 2, tol: 0, maxIter: 60, simd: false });
      expect(nmfDiagnostics.workerBlocks).toBeGreaterThan(0);
      expect(js.W.data).toEqual(one.W.data);
      expect(js.H.data).toEqual(one.H.data);
      const t1 = nmfTransform(big, one.H, { loss, workers: 1 });
      const t2 = nmfTransform(big, one.H, { loss, workers: 2 });
      const t3 = nmfTransform(big, one.H, { loss, workers: 1, simd: false });
      expect(t2.data).toEqual(t1.data);
      expect(t3.data).toEqual(t1.data);
    }
  });

  it("random init is seeded, non-negative, and decreases the error", () => {
    const a = nmf(V, { k: 3, init: "random", seed: 7, maxIter: 50 });
    const b = nmf(V, { k: 3, init: "random", seed: 7, maxIter: 50 });
    const c = nmf(V, { k: 3, init: "random", seed: 8, maxIter: 50 });
    expect(a.W.data).toEqual(b.W.data);
    expect(a.W.data).not.toEqual(c.W.data);
    const a1 = nmf(V, { k: 3, init: "random", seed: 7, maxIter: 1 });
    expect(a.relErr).toBeLessThan(a1.relErr);
    expect(Array.from(a.W.data).every((x) => x >= 0) && Array.from(a.H.data).every((x) => x >= 0)).toBe(true);
  });

  it("reports relErr = ‖V − WH‖/‖V‖ of the returned factors and recovers an exact low-rank matrix", () => {
    const W0 = featureMatrix(21, 60, 3);
    const H0 = fromRows([[1, 0, 2, 1, 0], [0, 1, 1, 0, 3], [2, 1, 0, 0, 1]]);
    const X = matmul(W0, H0);
    const r = nmf(X, { k: 3, tol: 0, maxIter: 2000 });
    const WH = matmul(r.W, r.H);
    let num = 0;
    let den = 0;
    for (let t = 0; t < X.data.length; t++) {
      num += (X.data[t]! - WH.data[t]!) ** 2;
      den += X.data[t]! ** 2;
    }
    expect(r.relErr).toBeCloseTo(Math.sqrt(num / den), 12);
    expect(r.relErr).toBeLessThan(1e-3);
    expect(r.iterations).toBe(2000);
  });

  it("validates its input with the module prefix", () => {
    const bad = fromRows([[1, -1], [0, 1]]);
    expect(() => nmf(bad, { k: 1 })).toThrow(/^telemetry-lab\/embedding\/nmf: V must be finite and non-negative; entry \(0, 1\) is -1/);
    expect(() => nmf(V, { k: 11 })).toThrow(/init 'nndsvda' needs k <= min\(n, f\) = 10/);
    expect(() => nmf(V, { k: 2, maxIter: 0 })).toThrow(/maxIter/);
    expect(() => nmf(V, { k: 2, loss: "itakura-saito" as NmfLoss })).toThrow(/unknown loss/);
    expect(() => nmfTransform(V, fromRows([[1, 2]]))).toThrow(/H has 2 columns, V has 10/);
    expect(NMF_DEFAULTS).toMatchObject({ loss: "frobenius", init: "nndsvda", maxIter: 200, tol: 1e-4 });
    expect(Object.isFrozen(NMF_DEFAULTS)).toBe(true);
    // random init allows k > min(n, f); all-zero V gives exact zero factors
    expect(nmf(fromRows([[1, 2]]), { k: 3, init: "random", maxIter: 5 }).W.cols).toBe(3);
    expect(nmf(fromRows([[0, 0], [0, 0]]), { k: 1 }).relErr).toBe(0);
  });

  it("starts from given factors with init 'custom' (scikit-learn's init='custom')", () => {
    const start = nmf(V, { k: 3, maxIter: 30, tol: 0 });
    // Continuing from a fit's factors equals running longer in one go.
    const cont = nmf(V, { k: 3, maxIter: 20, tol: 0, init: "custom", initialW: start.W, initialH: start.H });
    const once = nmf(V, { k: 3, maxIter: 50, tol: 0 });
    expect(cont.W.data).toEqual(once.W.data);
    expect(cont.relErr).toBe(once.relErr);
    expect(() => nmf(V, { k: 3, init: "custom", initialW: start.W })).toThrow(/init 'custom' needs initialH/);
    expect(() => nmf(V, { k: 3, init: "custom", initialW: start.W, initialH: fromRows([[0, 0]]) })).toThrow(/initialH is 1×2, expected 3×10/);
    expect(() => nmf(V, { k: 3, initialW: start.W })).toThrow(/only with init 'custom'/);
  });

  it("does not modify its input", () => {
    const before = V.data.slice();
    nmf(V, { k: 2, maxIter: 20 });
    nmfTransform(V, nmf(V, { k: 2, maxIter: 20 }).H);
    expect(V.data).toEqual(before);
  });
});
