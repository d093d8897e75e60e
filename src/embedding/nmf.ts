/**
 * Non-negative matrix factorisation V ≈ W·H (V n×f, W n×k, H k×f, all ≥ 0) by
 * multiplicative updates, with Frobenius or generalised Kullback–Leibler loss: the
 * factorisation under RolX (G = W node×role, F = H role×feature).
 *
 * Sources: D. D. Lee and H. S. Seung, "Algorithms for non-negative matrix
 * factorization", NIPS 13, 2001 (the updates); C. Févotte and J. Idier, "Algorithms
 * for nonnegative matrix factorization with the β-divergence", Neural Computation
 * 23(9), 2011 (the β-divergence form; γ = 1 for β ∈ {1, 2}); and scikit-learn 1.2's
 * `NMF(solver='mu')` (`sklearn/decomposition/_nmf.py`: `_fit_multiplicative_update`,
 * `_multiplicative_update_w/_h`, `_beta_divergence`, `_initialize_nmf`,
 * `NMF.transform`), whose semantics are reproduced exactly, including:
 *
 * - ε = float32 machine epsilon (1.19e-7) replaces zero denominators; in the KL update a
 *   zero entry of W·H becomes ε before X/(W·H); a zero column sum of W becomes 1;
 * - after each KL update of H, entries below float64 epsilon (2.2e-16) become 0;
 * - iteration order per step: W first, then H (`W ← W ⊙ (V·Hᵀ)/(W·H·Hᵀ)`,
 *   `H ← H ⊙ (Wᵀ·V)/((Wᵀ·W)·H)` for Frobenius; `W ← W ⊙ ((V/WH)·Hᵀ)/(1·Hᵀ)`,
 *   `H ← H ⊙ (Wᵀ·(V/WH))/(Wᵀ·1)` for KL);
 * - the stopping rule: every 10 iterations the error e (Frobenius: ‖V−WH‖_F; KL:
 *   √(2·D_KL), D_KL summed over the entries with V > ε only, plus Σ(WH) − Σ V over those)
 *   is compared with the previous check's, and the loop stops when
 *   (e_prev − e)/e_init < tol; at most `maxIter` iterations;
 * - no regularisation (scikit-learn's default alpha_W = alpha_H = 0);
 * - `transform` (H fixed): W starts as the constant √(mean(V)/k) and only W is updated,
 *   with the same stopping rule.
 *
 * Initialisation: `nndsvd`, `nndsvda`, `nndsvdar` (see `nndsvd.ts`: exact SVD instead of
 * scikit-learn's randomized one, equal to round-off on feature matrices) and `random`
 * (scikit-learn's |N(0,1)|·√(mean(V)/k), H drawn first, then W, from the project's
 * seeded PRNG `src/random/prng.ts`; reproducible but not numpy's numbers).
 *
 * Computation: rows are processed in fixed blocks of {@link NMF_BLOCK_ROWS}; one pass
 * over V per iteration updates W block by block and, in the same pass, collects each
 * block's share of the products H needs (Wᵀ·V and Wᵀ·W, or Wᵀ·(V/WH) and Wᵀ·1); these
 * shares are summed in block order. Blocks can run on several threads (`workers`):
 * the result is bit-identical whatever the number of threads. The worker code is the
 * same functions as the single-threaded path, started from their source text
 * (`Function.prototype.toString`), so no worker file has to be located (this module
 * also runs when tslab compiles `src/` to CommonJS). If threads cannot start, the
 * computation runs on the calling thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Prng } from "../random/prng.js";
import type { Matrix } from "./matrix.js";
import { nndsvd } from "./nndsvd.js";
import { nnlsRows } from "./nnls.js";

const MODULE = "telemetry-lab/embedding/nmf";

/** scikit-learn's `EPSILON = np.finfo(np.float32).eps`. */
const EPSILON = 1.1920928955078125e-7;
/** `np.finfo(np.float64).eps`. */
const EPS64 = 2.220446049250313e-16;

/** Rows per block: the unit of work and of summation (results do not depend on threads). */
export const NMF_BLOCK_ROWS = 128;

/** Loss minimised by the multiplicative updates (β = 2 and β = 1 of the β-divergence). */
export type NmfLoss = "frobenius" | "kullback-leibler";
/** Starting point: scikit-learn's `init` values. */
export type NmfInit = "nndsvd" | "nndsvda" | "nndsvdar" | "random";

/** Options of {@link nmf}. */
export interface NmfOptions {
  /** Number of components (roles), 1..min(n, f) for the NNDSVD starts. */
  k: number;
  /** Default `frobenius`. */
  loss?: NmfLoss;
  /** Default `nndsvda` (graphrole's call). */
  init?: NmfInit;
  /** Maximum number of iterations (default 200). */
  maxIter?: number;
  /** Tolerance of the stopping rule (default 1e-4; 0 runs all `maxIter` iterations). */
  tol?: number;
  /** Seed of `random` and `nndsvdar` (default 0). */
  seed?: number;
  /**
   * Threads, counting the calling one (default 0 = automatic: 1 for small problems,
   * where n·f·k < {@link NMF_PARALLEL_THRESHOLD}, else up to 4 as the machine allows).
   * The result does not depend on it.
   */
  workers?: number;
}

/** Result of {@link nmf}. */
export interface NmfResult {
  /** n×k. */
  readonly W: Matrix;
  /** k×f. */
  readonly H: Matrix;
  /** Iterations run (scikit-learn's `n_iter_`). */
  readonly iterations: number;
  /** ‖V − W·H‖_F / ‖V‖_F of the returned factors (0 when V = 0). */
  readonly relErr: number;
  /** scikit-learn's `reconstruction_err_`: ‖V−WH‖_F (Frobenius) or √(2·D_KL) (KL). */
  readonly reconstructionErr: number;
}

/** Defaults of {@link NmfOptions} (scikit-learn's `NMF(solver='mu', init='nndsvda')`). */
export const NMF_DEFAULTS = Object.freeze({
  loss: "frobenius" as NmfLoss,
  init: "nndsvda" as NmfInit,
  maxIter: 200,
  tol: 1e-4,
  seed: 0,
  workers: 0,
});

/** How long (ms) the calling thread waits for its worker threads to start before working alone. */
const WORKER_START_WAIT_MS = 1000;

/**
 * Diagnostics of the last {@link nmf} or {@link nmfTransform} call: how many blocks of
 * all its passes ran on worker threads (0 when it ran on the calling thread only).
 */
export const nmfDiagnostics = { workerBlocks: 0 };

/** Problems with n·f·k at least this large use several threads by default. */
export const NMF_PARALLEL_THRESHOLD = 2_000_000;

/** Options of {@link nmfTransform}. */
export interface NmfTransformOptions {
  /** `mu` (default): scikit-learn's `NMF.transform`; `nnls`: exact non-negative least squares per row (Frobenius). */
  method?: "mu" | "nnls";
  /** Loss of the `mu` updates (default `frobenius`). */
  loss?: NmfLoss;
  /** Default 200. */
  maxIter?: number;
  /** Default 1e-4. */
  tol?: number;
  /** Threads for `mu`, as in {@link NmfOptions}. */
  workers?: number;
}

/** Defaults of {@link NmfTransformOptions}. */
export const NMF_TRANSFORM_DEFAULTS = Object.freeze({
  method: "mu" as "mu" | "nnls",
  loss: "frobenius" as NmfLoss,
  maxIter: 200,
  tol: 1e-4,
  workers: 0,
});

// ---------------------------------------------------------------------------------
// Kernels. They use only their arguments (no module constants, no imports), because
// worker threads run them from their source text.
// ---------------------------------------------------------------------------------

/**
 * C[cOff + r·k + c] = Σ_j A[aOff + r·m + j] · B[c·m + j] for r < rows, c < k
 * (A·Bᵀ for row-major A and B), 2×4 register tiles, each entry summed in j order.
 */
function kAbt(A: Float64Array, aOff: number, B: Float64Array, C: Float64Array, cOff: number, rows: number, m: number, k: number): void {
  const k4 = k - (k % 4);
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a0 = aOff + r * m;
    const a1 = a0 + m;
    const o0 = cOff + r * k;
    const o1 = o0 + k;
    let c = 0;
    for (; c < k4; c += 4) {
      const b0 = c * m;
      const b1 = b0 + m;
      const b2 = b1 + m;
      const b3 = b2 + m;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let j = 0; j < m; j++) {
        const u = A[a0 + j]!;
        const v = A[a1 + j]!;
        const p = B[b0 + j]!;
        const q = B[b1 + j]!;
        const w = B[b2 + j]!;
        const z = B[b3 + j]!;
        s00 += u * p;
        s01 += u * q;
        s02 += u * w;
        s03 += u * z;
        s10 += v * p;
        s11 += v * q;
        s12 += v * w;
        s13 += v * z;
      }
      C[o0 + c] = s00;
      C[o0 + c + 1] = s01;
      C[o0 + c + 2] = s02;
      C[o0 + c + 3] = s03;
      C[o1 + c] = s10;
      C[o1 + c + 1] = s11;
      C[o1 + c + 2] = s12;
      C[o1 + c + 3] = s13;
    }
    for (; c < k; c++) {
      const b0 = c * m;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < m; j++) {
        const p = B[b0 + j]!;
        s0 += A[a0 + j]! * p;
        s1 += A[a1 + j]! * p;
      }
      C[o0 + c] = s0;
      C[o1 + c] = s1;
    }
  }
  for (; r < rows; r++) {
    const a0 = aOff + r * m;
    const o0 = cOff + r * k;
    for (let c = 0; c < k; c++) {
      const b0 = c * m;
      let s0 = 0;
      for (let j = 0; j < m; j++) s0 += A[a0 + j]! * B[b0 + j]!;
      C[o0 + c] = s0;
    }
  }
}

/**
 * C[cOff + c·m + j] = Σ_r A[aOff + r·ka + c] · B[bOff + r·m + j] for c < ka, j < m
 * (Aᵀ·B over `rows` rows), 4×2 register tiles, each entry summed in r order.
 */
function kAtb(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, rows: number, ka: number, m: number): void {
  const k4 = ka - (ka % 4);
  const m2 = m - (m % 2);
  let c = 0;
  for (; c < k4; c += 4) {
    let j = 0;
    for (; j < m2; j += 2) {
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0; // prettier-ignore
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += m) {
        const u = B[bo]!;
        const v = B[bo + 1]!;
        const w0 = A[ao]!;
        const w1 = A[ao + 1]!;
        const w2 = A[ao + 2]!;
        const w3 = A[ao + 3]!;
        s00 += w0 * u;
        s01 += w0 * v;
        s10 += w1 * u;
        s11 += w1 * v;
        s20 += w2 * u;
        s21 += w2 * v;
        s30 += w3 * u;
        s31 += w3 * v;
      }
      const o = cOff + c * m + j;
      C[o] = s00;
      C[o + 1] = s01;
      C[o + m] = s10;
      C[o + m + 1] = s11;
      C[o + 2 * m] = s20;
      C[o + 2 * m + 1] = s21;
      C[o + 3 * m] = s30;
      C[o + 3 * m + 1] = s31;
    }
    for (; j < m; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += m) {
        const u = B[bo]!;
        s0 += A[ao]! * u;
        s1 += A[ao + 1]! * u;
        s2 += A[ao + 2]! * u;
        s3 += A[ao + 3]! * u;
      }
      const o = cOff + c * m + j;
      C[o] = s0;
      C[o + m] = s1;
      C[o + 2 * m] = s2;
      C[o + 3 * m] = s3;
    }
  }
  for (; c < ka; c++) {
    for (let j = 0; j < m; j++) {
      let s0 = 0;
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += m) s0 += A[ao]! * B[bo]!;
      C[cOff + c * m + j] = s0;
    }
  }
}

/** Shared state of one factorisation (the same shape on every thread). */
interface Engine {
  n: number;
  f: number;
  k: number;
  /** 2 = Frobenius, 1 = KL. */
  beta: number;
  /** 1 when H is fixed (transform). */
  fixedH: number;
  blockRows: number;
  blocks: number;
  /** Length of one block's slot in P. */
  slot: number;
  eps: number;
  X: Float64Array;
  W: Float64Array;
  H: Float64Array;
  /** Hᵀ, f×k. */
  Ht: Float64Array;
  /** H·Hᵀ, k×k (Frobenius). */
  HHt: Float64Array;
  /** Row sums of H with zeros replaced by ε (KL). */
  Hsum: Float64Array;
  /** V·Hᵀ, n×k, cached when H is fixed (Frobenius transform). */
  XHt: Float64Array;
  /** Per-block partial results: blocks × slot. */
  P: Float64Array;
  /**
   * Pass control: [0] generation (one per pass), [1] command, [2] ticket = (generation
   * mod 4096) << 20 | next block, [3] blocks done, [4] error flag, [5] workers up,
   * [6] blocks run by workers (diagnostics).
   */
  ctl: Int32Array;
}

/** Per-thread scratch arrays. */
interface Scratch {
  num: Float64Array;
  den: Float64Array;
  wh: Float64Array;
}

/**
 * One block of one pass. Commands: 0 = update W (and, unless H is fixed, the block's
 * share of H's update), 1 = V·Hᵀ into the cache, 2 = Σ(V−WH)², 3 = KL sums
 * (Σ V·log(V/WH) and Σ V over V > ε).
 * Slot layout: [0, k·f) Wᵀ·V or Wᵀ·(V/WH); [k·f, k·f+k·k) Wᵀ·W or (first k) Wᵀ·1;
 * then two error sums.
 */
function kBlock(e: Engine, s: Scratch, cmd: number, b: number): void {
  const n = e.n;
  const f = e.f;
  const k = e.k;
  const X = e.X;
  const W = e.W;
  const eps = e.eps;
  const r0 = b * e.blockRows;
  const rows = Math.min(e.blockRows, n - r0);
  const xo = r0 * f;
  const wo = r0 * k;
  const slot = b * e.slot;
  const P = e.P;
  const wh = s.wh;
  if (cmd === 1) {
    kAbt(X, xo, e.H, e.XHt, wo, rows, f, k);
    return;
  }
  if (cmd === 2 || cmd === 3) {
    kAbt(W, wo, e.Ht, wh, 0, rows, k, f);
    const len = rows * f;
    if (cmd === 2) {
      let acc = 0;
      for (let t = 0; t < len; t++) {
        const d = X[xo + t]! - wh[t]!;
        acc += d * d;
      }
      P[slot + k * f + k * k] = acc;
    } else {
      let s1 = 0;
      let s2 = 0;
      for (let t = 0; t < len; t++) {
        const x = X[xo + t]!;
        if (x > eps) {
          let v = wh[t]!;
          if (v === 0) v = eps;
          s1 += x * Math.log(x / v);
          s2 += x;
        }
      }
      P[slot + k * f + k * k] = s1;
      P[slot + k * f + k * k + 1] = s2;
    }
    return;
  }
  const num = s.num;
  const den = s.den;
  const len = rows * k;
  if (e.beta === 2) {
    let NUM = num;
    let no = 0;
    if (e.fixedH === 1) {
      NUM = e.XHt;
      no = wo;
    } else {
      kAbt(X, xo, e.H, num, 0, rows, f, k);
    }
    kAbt(W, wo, e.HHt, den, 0, rows, k, k);
    for (let t = 0; t < len; t++) {
      let d = den[t]!;
      if (d === 0) d = eps;
      W[wo + t] = W[wo + t]! * (NUM[no + t]! / d);
    }
    if (e.fixedH === 0) {
      kAtb(W, wo, X, xo, P, slot, rows, k, f);
      kAtb(W, wo, W, wo, P, slot + k * f, rows, k, k);
    }
    return;
  }
  // Kullback–Leibler.
  const lenX = rows * f;
  kAbt(W, wo, e.Ht, wh, 0, rows, k, f);
  for (let t = 0; t < lenX; t++) {
    let v = wh[t]!;
    if (v === 0) v = eps;
    wh[t] = X[xo + t]! / v;
  }
  kAbt(wh, 0, e.H, num, 0, rows, f, k);
  const Hsum = e.Hsum;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) {
      const t = r * k + c;
      W[wo + t] = W[wo + t]! * (num[t]! / Hsum[c]!);
    }
  }
  if (e.fixedH === 0) {
    kAbt(W, wo, e.Ht, wh, 0, rows, k, f);
    for (let t = 0; t < lenX; t++) {
      let v = wh[t]!;
      if (v === 0) v = eps;
      wh[t] = X[xo + t]! / v;
    }
    kAtb(W, wo, wh, 0, P, slot, rows, k, f);
    const so = slot + k * f;
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let r = 0; r < rows; r++) acc += W[wo + r * k + c]!;
      P[so + c] = acc;
    }
  }
}

/**
 * Takes blocks of pass `gen` until none is left (or the pass is over), counting each
 * finished block in ctl[3]. A block is claimed by a compare-and-swap on the ticket,
 * which carries the pass, so a thread that wakes late can never run a block of
 * another pass with this pass's command.
 */
function kRunBlocks(e: Engine, s: Scratch, cmd: number, gen: number, worker: boolean): void {
  const ctl = e.ctl;
  const tag = gen & 0xfff;
  for (;;) {
    const t = Atomics.load(ctl, 2);
    if ((t >>> 20) !== tag) return;
    const b = t & 0xfffff;
    if (b >= e.blocks) return;
    if (Atomics.compareExchange(ctl, 2, t, t + 1) !== t) continue;
    try {
      kBlock(e, s, cmd, b);
    } catch {
      Atomics.store(ctl, 4, 1);
    }
    if (worker) Atomics.add(ctl, 6, 1);
    if (Atomics.add(ctl, 3, 1) + 1 === e.blocks) Atomics.notify(ctl, 3);
  }
}

function kScratch(e: Engine): Scratch {
  return {
    num: new Float64Array(e.blockRows * e.k),
    den: new Float64Array(e.blockRows * e.k),
    wh: new Float64Array(e.blockRows * e.f),
  };
}

/** Worker thread body: waits for a new pass, takes part in it, until the command is negative. */
function kWorkerLoop(e: Engine): void {
  const ctl = e.ctl;
  const s = kScratch(e);
  Atomics.add(ctl, 5, 1);
  Atomics.notify(ctl, 5);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    const gen = Atomics.load(ctl, 0);
    const cmd = Atomics.load(ctl, 1);
    if (Atomics.load(ctl, 0) !== gen) continue; // a newer pass began meanwhile: read again
    seen = gen;
    if (cmd < 0) return;
    kRunBlocks(e, s, cmd, gen, true);
  }
}

let workerSource: string | undefined;

/** Source text of the worker: the kernels above, then the loop over the shared state. */
function getWorkerSource(): string {
  if (workerSource !== undefined) return workerSource;
  const fns = [kAbt, kAtb, kBlock, kRunBlocks, kScratch, kWorkerLoop];
  workerSource = [
    `"use strict";`,
    `const { workerData } = require("node:worker_threads");`,
    ...fns.map((fn) => fn.toString()),
    `const d = workerData;`,
    `const e = Object.assign({}, d.dims, { X: new Float64Array(d.X), W: new Float64Array(d.W), H: new Float64Array(d.H),`,
    `  Ht: new Float64Array(d.Ht), HHt: new Float64Array(d.HHt), Hsum: new Float64Array(d.Hsum), XHt: new Float64Array(d.XHt),`,
    `  P: new Float64Array(d.P), ctl: new Int32Array(d.ctl) });`,
    `${kWorkerLoop.name}(e);`,
  ].join("\n");
  return workerSource;
}

/**
 * Runs passes over the blocks on the calling thread and on the worker threads that
 * are up. The calling thread never waits for a worker that has not claimed a block
 * (a worker still starting, or not scheduled, simply joins a later pass), so it only
 * waits for blocks in progress; if no worker ever starts, it does all the work.
 */
class Runner {
  private readonly workers: Worker[] = [];
  private readonly scratch: Scratch;
  private gen = 0;

  constructor(private readonly e: Engine, wanted: number) {
    this.scratch = kScratch(e);
    if (wanted > 1) this.start(wanted);
  }

  private start(wanted: number): void {
    const e = this.e;
    const buf = (a: Float64Array | Int32Array): ArrayBufferLike => a.buffer;
    const dims = { n: e.n, f: e.f, k: e.k, beta: e.beta, fixedH: e.fixedH, blockRows: e.blockRows, blocks: e.blocks, slot: e.slot, eps: e.eps };
    const data = { dims, X: buf(e.X), W: buf(e.W), H: buf(e.H), Ht: buf(e.Ht), HHt: buf(e.HHt), Hsum: buf(e.Hsum), XHt: buf(e.XHt), P: buf(e.P), ctl: buf(e.ctl) };
    try {
      for (let i = 1; i < wanted; i++) {
        const w = new Worker(getWorkerSource(), { eval: true, workerData: data });
        // A worker that fails only leaves its share to the others.
        w.on("error", () => undefined);
        w.unref();
        this.workers.push(w);
      }
    } catch {
      this.close();
      return;
    }
    // Give the workers a moment to come up (usually some 30 ms); passes start anyway after it.
    const deadline = Date.now() + WORKER_START_WAIT_MS;
    for (;;) {
      const up = Atomics.load(e.ctl, 5);
      const left = deadline - Date.now();
      if (up >= this.workers.length || left <= 0) break;
      Atomics.wait(e.ctl, 5, up, left);
    }
  }

  /** One pass of `cmd` over all blocks. */
  run(cmd: number): void {
    const ctl = this.e.ctl;
    const gen = (this.gen = (this.gen + 1) | 0);
    Atomics.store(ctl, 1, cmd);
    Atomics.store(ctl, 3, 0);
    Atomics.store(ctl, 2, (gen & 0xfff) << 20);
    Atomics.store(ctl, 0, gen);
    if (this.workers.length > 0) Atomics.notify(ctl, 0);
    kRunBlocks(this.e, this.scratch, cmd, gen, false);
    for (;;) {
      const done = Atomics.load(ctl, 3);
      if (done === this.e.blocks) break;
      Atomics.wait(ctl, 3, done);
    }
    if (Atomics.load(ctl, 4) !== 0) throw new Error(`${MODULE}: a block of pass ${cmd} failed on a worker thread`);
  }

  /** Stops the worker threads. */
  close(): void {
    nmfDiagnostics.workerBlocks = Atomics.load(this.e.ctl, 6);
    if (this.workers.length === 0) return;
    const ctl = this.e.ctl;
    Atomics.store(ctl, 1, -1);
    Atomics.store(ctl, 0, (this.gen = (this.gen + 1) | 0));
    Atomics.notify(ctl, 0);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}

function threadsFor(requested: number | undefined, n: number, f: number, k: number): number {
  const r = requested ?? 0;
  if (!Number.isInteger(r) || r < 0) throw new Error(`${MODULE}: workers must be a non-negative integer, got ${requested}`);
  const blocks = Math.ceil(n / NMF_BLOCK_ROWS);
  if (blocks >= 1 << 20) throw new Error(`${MODULE}: at most ${(1 << 20) * NMF_BLOCK_ROWS - 1} rows, got ${n}`);
  if (r > 0) return Math.max(1, Math.min(r, blocks));
  if (n * f * k < NMF_PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(4, availableParallelism(), blocks));
}

/** Allocates the engine; shared memory when several threads will run. */
function makeEngine(V: Matrix, k: number, beta: number, fixedH: boolean, threads: number): Engine {
  const { rows: n, cols: f } = V;
  const blocks = Math.ceil(n / NMF_BLOCK_ROWS);
  const slot = k * f + k * k + 2;
  const alloc = (len: number): Float64Array => (threads > 1 ? new Float64Array(new SharedArrayBuffer(8 * len)) : new Float64Array(len));
  const X = threads > 1 ? alloc(n * f) : V.data;
  if (threads > 1) X.set(V.data);
  return {
    n,
    f,
    k,
    beta,
    fixedH: fixedH ? 1 : 0,
    blockRows: NMF_BLOCK_ROWS,
    blocks,
    slot,
    eps: EPSILON,
    X,
    W: alloc(n * k),
    H: alloc(k * f),
    Ht: alloc(f * k),
    HHt: alloc(k * k),
    Hsum: alloc(k),
    XHt: alloc(fixedH && beta === 2 ? n * k : 0),
    P: alloc(blocks * slot),
    ctl: threads > 1 ? new Int32Array(new SharedArrayBuffer(4 * 8)) : new Int32Array(8),
  };
}

/** Hᵀ, H·Hᵀ and the safe row sums of H, from e.H. */
function refreshH(e: Engine): void {
  const { k, f, H, Ht, HHt, Hsum } = e;
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let j = 0; j < f; j++) {
      const h = H[c * f + j]!;
      Ht[j * k + c] = h;
      sum += h;
    }
    Hsum[c] = sum === 0 ? e.eps : sum;
  }
  for (let c = 0; c < k; c++) {
    for (let d = c; d < k; d++) {
      let acc = 0;
      for (let j = 0; j < f; j++) acc += H[c * f + j]! * H[d * f + j]!;
      HHt[c * k + d] = acc;
      HHt[d * k + c] = acc;
    }
  }
}

/** Sum over blocks (in block order) of slot entries [off, off+len) into out. */
function reduce(e: Engine, off: number, len: number, out: Float64Array): void {
  out.fill(0);
  for (let b = 0; b < e.blocks; b++) {
    const base = b * e.slot + off;
    for (let t = 0; t < len; t++) out[t] = out[t]! + e.P[base + t]!;
  }
}

/** scikit-learn's `_beta_divergence(X, W, H, beta, square_root=True)`, or ‖V−WH‖_F with `frobenius`. */
function errorOf(e: Engine, runner: Runner, frobenius: boolean): number {
  const off = e.k * e.f + e.k * e.k;
  const sums = new Float64Array(2);
  if (frobenius || e.beta === 2) {
    runner.run(2);
    reduce(e, off, 1, sums);
    return Math.sqrt(sums[0]!);
  }
  runner.run(3);
  reduce(e, off, 2, sums);
  // Σ(WH) = (column sums of W)·(row sums of H).
  const { n, k, f, W, H } = e;
  let sumWH = 0;
  for (let c = 0; c < k; c++) {
    let ws = 0;
    for (let i = 0; i < n; i++) ws += W[i * k + c]!;
    let hs = 0;
    for (let j = 0; j < f; j++) hs += H[c * f + j]!;
    sumWH += ws * hs;
  }
  let res = sums[0]!;
  res += sumWH - sums[1]!;
  return Math.sqrt(2 * Math.max(res, 0));
}

/** The H update from the block shares of the last W pass. */
function updateH(e: Engine): void {
  const { k, f, H } = e;
  const num = new Float64Array(k * f);
  reduce(e, 0, k * f, num);
  if (e.beta === 2) {
    const WtW = new Float64Array(k * k);
    reduce(e, k * f, k * k, WtW);
    // (WᵀW)·H from the old H, then the update.
    const den = new Float64Array(k * f);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < f; j++) {
        let d = 0;
        for (let l = 0; l < k; l++) d += WtW[c * k + l]! * H[l * f + j]!;
        den[c * f + j] = d === 0 ? e.eps : d;
      }
    }
    for (let t = 0; t < k * f; t++) H[t] = H[t]! * (num[t]! / den[t]!);
  } else {
    const Wsum = new Float64Array(k);
    reduce(e, k * f, k, Wsum);
    for (let c = 0; c < k; c++) {
      const d = Wsum[c] === 0 ? 1 : Wsum[c]!;
      for (let j = 0; j < f; j++) {
        let h = H[c * f + j]! * (num[c * f + j]! / d);
        if (h < EPS64) h = 0;
        H[c * f + j] = h;
      }
    }
  }
  refreshH(e);
}

/** scikit-learn's `_fit_multiplicative_update` on the engine's W and H; returns n_iter. */
function multiplicativeUpdates(e: Engine, runner: Runner, maxIter: number, tol: number): number {
  refreshH(e);
  if (e.fixedH === 1 && e.beta === 2) runner.run(1);
  const errorAtInit = errorOf(e, runner, false);
  let previous = errorAtInit;
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    runner.run(0);
    if (e.fixedH === 0) updateH(e);
    if (tol > 0 && iter % 10 === 0) {
      const error = errorOf(e, runner, false);
      if ((previous - error) / errorAtInit < tol) break;
      previous = error;
    }
  }
  return Math.min(iter, maxIter);
}

function checkInput(V: Matrix, what: string): void {
  const { rows, cols, data } = V;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || data.length !== rows * cols) {
    throw new Error(`${MODULE}: ${what} is not a valid ${rows}×${cols} matrix (data has ${data.length} entries)`);
  }
  if (rows === 0 || cols === 0) throw new Error(`${MODULE}: ${what} is empty (${rows}×${cols})`);
  for (let t = 0; t < data.length; t++) {
    const v = data[t]!;
    if (!(v >= 0) || v === Infinity) {
      throw new Error(`${MODULE}: ${what} must be finite and non-negative; entry (${Math.floor(t / cols)}, ${t % cols}) is ${v}`);
    }
  }
}

function checkIterOptions(maxIter: number, tol: number): void {
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`${MODULE}: maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new Error(`${MODULE}: tol must be >= 0, got ${tol}`);
}

function betaOf(loss: NmfLoss): number {
  if (loss === "frobenius") return 2;
  if (loss === "kullback-leibler") return 1;
  throw new Error(`${MODULE}: unknown loss '${String(loss)}'; expected frobenius or kullback-leibler`);
}

function meanOf(X: Float64Array): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) s += X[i]!;
  return s / X.length;
}

function frobenius(X: Float64Array): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) s += X[i]! * X[i]!;
  return Math.sqrt(s);
}

/**
 * Factorises V ≈ W·H with W, H ≥ 0 by multiplicative updates, exactly as scikit-learn
 * 1.2's `NMF(n_components=k, solver='mu', init, beta_loss, max_iter, tol)` (module
 * comment). With the defaults this is graphrole's call `NMF(k, solver='mu',
 * init='nndsvda')`: its `relErr` matches scikit-learn's to round-off on feature matrices.
 *
 * @throws when V is empty, negative or not finite; k is not a positive integer (or
 *   exceeds min(n, f) for the NNDSVD starts); an option is out of range.
 * @example
 * const V = fromRows([[1, 2, 0], [2, 4, 0], [0, 0, 3], [1, 2, 3]]);
 * const { W, H, relErr, iterations } = nmf(V, { k: 2 });
 * relErr;     // ≈ 1e-3 (V has rank 2; MU converges slowly) — W n×2, H 2×3, all ≥ 0
 * iterations; // ≤ 200
 */
export function nmf(V: Matrix, options: NmfOptions): NmfResult {
  checkInput(V, "V");
  const { rows: n, cols: f } = V;
  const k = options.k;
  const loss = options.loss ?? NMF_DEFAULTS.loss;
  const init = options.init ?? NMF_DEFAULTS.init;
  const maxIter = options.maxIter ?? NMF_DEFAULTS.maxIter;
  const tol = options.tol ?? NMF_DEFAULTS.tol;
  const seed = options.seed ?? NMF_DEFAULTS.seed;
  const beta = betaOf(loss);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${MODULE}: k must be a positive integer, got ${k}`);
  checkIterOptions(maxIter, tol);
  if (init !== "random" && init !== "nndsvd" && init !== "nndsvda" && init !== "nndsvdar") {
    throw new Error(`${MODULE}: unknown init '${String(init)}'; expected nndsvd, nndsvda, nndsvdar or random`);
  }
  if (init !== "random" && k > Math.min(n, f)) {
    throw new Error(`${MODULE}: init '${init}' needs k <= min(n, f) = ${Math.min(n, f)}, got k = ${k}`);
  }
  const norm = frobenius(V.data);
  if (norm === 0) {
    // All-zero V: W = H = 0 is exact (scikit-learn would divide 0 by 0 here).
    return { W: { rows: n, cols: k, data: new Float64Array(n * k) }, H: { rows: k, cols: f, data: new Float64Array(k * f) }, iterations: 0, relErr: 0, reconstructionErr: 0 };
  }
  const threads = threadsFor(options.workers, n, f, k);
  const e = makeEngine(V, k, beta, false, threads);
  if (init === "random") {
    const avg = Math.sqrt(meanOf(V.data) / k);
    const rng = new Prng(seed);
    for (let t = 0; t < k * f; t++) e.H[t] = Math.abs(avg * rng.normal());
    for (let t = 0; t < n * k; t++) e.W[t] = Math.abs(avg * rng.normal());
  } else {
    const start = nndsvd(V, k, { variant: init, seed });
    e.W.set(start.W.data);
    e.H.set(start.H.data);
  }
  const runner = new Runner(e, threads);
  try {
    const iterations = multiplicativeUpdates(e, runner, maxIter, tol);
    const reconstructionErr = errorOf(e, runner, false);
    const relErr = (beta === 2 ? reconstructionErr : errorOf(e, runner, true)) / norm;
    return {
      W: { rows: n, cols: k, data: Float64Array.from(e.W) },
      H: { rows: k, cols: f, data: Float64Array.from(e.H) },
      iterations,
      relErr,
      reconstructionErr,
    };
  } finally {
    runner.close();
  }
}

/**
 * W ≥ 0 (n×k) with V ≈ W·H for a fixed H (k×f): RolX's role memberships of new
 * vertices on a saved basis.
 * - `mu` (default): scikit-learn 1.2's `NMF.transform` for the `mu` solver: W starts at
 *   √(mean(V)/k) everywhere, only W is updated, same stopping rule as {@link nmf}.
 * - `nnls`: each row solves min ‖Hᵀ·w − v‖₂, w ≥ 0 exactly (Lawson–Hanson,
 *   `nnls.ts` `nnlsRows`); Frobenius only.
 *
 * @throws when the shapes disagree, V or H is negative or not finite, H is all zeros, or
 *   `method: "nnls"` is asked with the KL loss.
 * @example
 * const H = fromRows([[1, 0, 1], [0, 1, 1]]);
 * toRows(nmfTransform(fromRows([[2, 3, 5]]), H, { method: "nnls" })); // [[2, 3]] (to round-off)
 */
export function nmfTransform(V: Matrix, H: Matrix, options: NmfTransformOptions = {}): Matrix {
  checkInput(V, "V");
  checkInput(H, "H");
  const { rows: n, cols: f } = V;
  const k = H.rows;
  if (H.cols !== f) throw new Error(`${MODULE}: H has ${H.cols} columns, V has ${f}`);
  let hMax = 0;
  for (let t = 0; t < H.data.length; t++) hMax = Math.max(hMax, H.data[t]!);
  if (hMax === 0) throw new Error(`${MODULE}: H is all zeros`);
  const method = options.method ?? NMF_TRANSFORM_DEFAULTS.method;
  const loss = options.loss ?? NMF_TRANSFORM_DEFAULTS.loss;
  const maxIter = options.maxIter ?? NMF_TRANSFORM_DEFAULTS.maxIter;
  const tol = options.tol ?? NMF_TRANSFORM_DEFAULTS.tol;
  const beta = betaOf(loss);
  checkIterOptions(maxIter, tol);
  if (method === "nnls") {
    if (beta !== 2) throw new Error(`${MODULE}: method 'nnls' minimises the Frobenius loss; got loss '${loss}'`);
    const Ht = new Float64Array(f * k);
    for (let c = 0; c < k; c++) for (let j = 0; j < f; j++) Ht[j * k + c] = H.data[c * f + j]!;
    return nnlsRows({ rows: f, cols: k, data: Ht }, V).X;
  }
  if (method !== "mu") throw new Error(`${MODULE}: unknown method '${String(method)}'; expected mu or nnls`);
  const threads = threadsFor(options.workers, n, f, k);
  const e = makeEngine(V, k, beta, true, threads);
  e.W.fill(Math.sqrt(meanOf(V.data) / k));
  e.H.set(H.data);
  const runner = new Runner(e, threads);
  try {
    multiplicativeUpdates(e, runner, maxIter, tol);
    return { rows: n, cols: k, data: Float64Array.from(e.W) };
  } finally {
    runner.close();
  }
}
