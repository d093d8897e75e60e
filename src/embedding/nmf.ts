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
 * shares are summed in block order. The dense products are the kernels of `gemm.ts`
 * (WebAssembly SIMD, or their bit-identical JavaScript twins), on one heap holding V, W,
 * H and the partial results. Blocks can run on several threads (`workers`):
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
import { gemmRows, gemmTn, simdHeap, type SimdGemm, type WasmMemory, type WasmModule } from "./gemm.js";

const MODULE = "telemetry-lab/embedding/nmf";

/** scikit-learn's `EPSILON = np.finfo(np.float32).eps`. */
const EPSILON = 1.1920928955078125e-7;
/** `np.finfo(np.float64).eps`. */
const EPS64 = 2.220446049250313e-16;

/** Rows per block: the unit of work and of summation (results do not depend on threads). */
export const NMF_BLOCK_ROWS = 128;

/** Loss minimised by the multiplicative updates (β = 2 and β = 1 of the β-divergence). */
export type NmfLoss = "frobenius" | "kullback-leibler";
/** Starting point: scikit-learn's `init` values (`custom`: `initialW` and `initialH`). */
export type NmfInit = "nndsvd" | "nndsvda" | "nndsvdar" | "random" | "custom";

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
  /** Starting W (n×k, ≥ 0, not all zeros) for `init: "custom"`, e.g. LLNL's random start scaled by max(V). */
  initialW?: Matrix;
  /** Starting H (k×f, ≥ 0, not all zeros) for `init: "custom"`. */
  initialH?: Matrix;
  /**
   * Threads, counting the calling one (default 0 = automatic: 1 for small problems,
   * where n·f·k < {@link NMF_PARALLEL_THRESHOLD}, else up to 4 as the machine allows).
   * The result does not depend on it.
   */
  workers?: number;
  /**
   * Dense products by the WebAssembly SIMD kernels of `gemm.ts` (default true; false
   * uses their JavaScript twins). Same bits either way, SIMD is about twice as fast.
   */
  simd?: boolean;
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
  simd: true,
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
  /** SIMD kernels for `mu`, as in {@link NmfOptions}. */
  simd?: boolean;
}

/** Defaults of {@link NmfTransformOptions}. */
export const NMF_TRANSFORM_DEFAULTS = Object.freeze({
  method: "mu" as "mu" | "nnls",
  loss: "frobenius" as NmfLoss,
  maxIter: 200,
  tol: 1e-4,
  workers: 0,
  simd: true,
});

// ---------------------------------------------------------------------------------
// Pass kernels. They use only their arguments (no module constants, no imported
// bindings: the dense products are called through the engine), because worker
// threads run them from their source text.
// ---------------------------------------------------------------------------------

/**
 * Shared state of one factorisation (the same shape on every thread). Every array lives
 * in one Float64 heap `M` (a WebAssembly memory when the SIMD kernels run), at the
 * element offsets `o*`.
 */
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
  M: Float64Array;
  /** V, n×f. */
  oX: number;
  /** W, n×k. */
  oW: number;
  /** H, k×f. */
  oH: number;
  /** Hᵀ, f×k. */
  oHt: number;
  /** H·Hᵀ, k×k (Frobenius). */
  oHHt: number;
  /** Row sums of H with zeros replaced by ε (KL), k. */
  oHsum: number;
  /** V·Hᵀ, n×k, cached when H is fixed (Frobenius transform). */
  oXHt: number;
  /** Per-block partial results: blocks × slot. */
  oP: number;
  /** Scratch of thread t at oS + t·sStride: num (B×k), den (B×k), wh (B×f). */
  oS: number;
  sStride: number;
  /**
   * Pass control: [0] generation (one per pass), [1] command, [2] ticket = (generation
   * mod 4096) << 20 | next block, [3] blocks done, [4] error flag, [5] workers up,
   * [6] blocks run by workers (diagnostics).
   */
  ctl: Int32Array;
  /** The SIMD kernels (byte pointers into M), or null for the JavaScript ones. */
  simd: SimdGemm | null;
  jsRows: typeof gemmRows;
  jsTn: typeof gemmTn;
}

/** C = A·Bt (gemmRows of `gemm.ts`) on the engine's heap, by element offsets. */
function kRows(e: Engine, a: number, b: number, c: number, rows: number, m: number, kk: number): void {
  if (e.simd !== null) e.simd.gemmRows(8 * a, 8 * b, 8 * c, rows, m, kk);
  else e.jsRows(e.M, a, b, c, rows, m, kk);
}

/** C = Aᵀ·B over `rows` rows (gemmTn of `gemm.ts`) on the engine's heap. */
function kTn(e: Engine, a: number, b: number, c: number, rows: number, ka: number, mm: number): void {
  if (e.simd !== null) e.simd.gemmTn(8 * a, 8 * b, 8 * c, rows, ka, mm);
  else e.jsTn(e.M, a, b, c, rows, ka, mm);
}

/**
 * One block of one pass on thread `t`. Commands: 0 = update W (and, unless H is fixed,
 * the block's share of H's update), 1 = V·Hᵀ into the cache, 2 = Σ(V−WH)², 3 = KL sums
 * (Σ V·log(V/WH) and Σ V over V > ε).
 * Slot layout: [0, k·f) Wᵀ·V or Wᵀ·(V/WH); [k·f, k·f+k·k) Wᵀ·W or (first k) Wᵀ·1;
 * then two error sums.
 */
function kBlock(e: Engine, t: number, cmd: number, b: number): void {
  const M = e.M;
  const f = e.f;
  const k = e.k;
  const eps = e.eps;
  const r0 = b * e.blockRows;
  const rows = Math.min(e.blockRows, e.n - r0);
  const xo = e.oX + r0 * f;
  const wo = e.oW + r0 * k;
  const slot = e.oP + b * e.slot;
  const num = e.oS + t * e.sStride;
  const den = num + e.blockRows * k;
  const wh = den + e.blockRows * k;
  if (cmd === 1) {
    kRows(e, xo, e.oHt, e.oXHt + r0 * k, rows, f, k);
    return;
  }
  if (cmd === 2 || cmd === 3) {
    kRows(e, wo, e.oH, wh, rows, k, f);
    const len = rows * f;
    const es = slot + k * f + k * k;
    if (cmd === 2) {
      let acc = 0;
      for (let i = 0; i < len; i++) {
        const d = M[xo + i]! - M[wh + i]!;
        acc += d * d;
      }
      M[es] = acc;
    } else {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < len; i++) {
        const x = M[xo + i]!;
        if (x > eps) {
          let v = M[wh + i]!;
          if (v === 0) v = eps;
          s1 += x * Math.log(x / v);
          s2 += x;
        }
      }
      M[es] = s1;
      M[es + 1] = s2;
    }
    return;
  }
  const len = rows * k;
  if (e.beta === 2) {
    let NUM = num;
    if (e.fixedH === 1) NUM = e.oXHt + r0 * k;
    else kRows(e, xo, e.oHt, num, rows, f, k);
    kRows(e, wo, e.oHHt, den, rows, k, k);
    for (let i = 0; i < len; i++) {
      let d = M[den + i]!;
      if (d === 0) d = eps;
      M[wo + i] = M[wo + i]! * (M[NUM + i]! / d);
    }
    if (e.fixedH === 0) {
      kTn(e, wo, xo, slot, rows, k, f);
      kTn(e, wo, wo, slot + k * f, rows, k, k);
    }
    return;
  }
  // Kullback–Leibler.
  const lenX = rows * f;
  kRows(e, wo, e.oH, wh, rows, k, f);
  for (let i = 0; i < lenX; i++) {
    let v = M[wh + i]!;
    if (v === 0) v = eps;
    M[wh + i] = M[xo + i]! / v;
  }
  kRows(e, wh, e.oHt, num, rows, f, k);
  const hs = e.oHsum;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < k; c++) {
      const i = r * k + c;
      M[wo + i] = M[wo + i]! * (M[num + i]! / M[hs + c]!);
    }
  }
  if (e.fixedH === 0) {
    kRows(e, wo, e.oH, wh, rows, k, f);
    for (let i = 0; i < lenX; i++) {
      let v = M[wh + i]!;
      if (v === 0) v = eps;
      M[wh + i] = M[xo + i]! / v;
    }
    kTn(e, wo, wh, slot, rows, k, f);
    const so = slot + k * f;
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let r = 0; r < rows; r++) acc += M[wo + r * k + c]!;
      M[so + c] = acc;
    }
  }
}

/**
 * Takes blocks of pass `gen` until none is left (or the pass is over), counting each
 * finished block in ctl[3]. A block is claimed by a compare-and-swap on the ticket,
 * which carries the pass, so a thread that wakes late can never run a block of
 * another pass with this pass's command.
 */
function kRunBlocks(e: Engine, t: number, cmd: number, gen: number): void {
  const ctl = e.ctl;
  const tag = gen & 0xfff;
  for (;;) {
    const ticket = Atomics.load(ctl, 2);
    if (ticket >>> 20 !== tag) return;
    const b = ticket & 0xfffff;
    if (b >= e.blocks) return;
    if (Atomics.compareExchange(ctl, 2, ticket, ticket + 1) !== ticket) continue;
    try {
      kBlock(e, t, cmd, b);
    } catch {
      Atomics.store(ctl, 4, 1);
    }
    if (t > 0) Atomics.add(ctl, 6, 1);
    if (Atomics.add(ctl, 3, 1) + 1 === e.blocks) Atomics.notify(ctl, 3);
  }
}

/** Worker thread body (thread t ≥ 1): waits for a new pass, takes part in it, until the command is negative. */
function kWorkerLoop(e: Engine, t: number): void {
  const ctl = e.ctl;
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
    kRunBlocks(e, t, cmd, gen);
  }
}

let workerSource: string | undefined;

/** Source text of the worker: the kernels, then the loop over the shared state. */
function getWorkerSource(): string {
  if (workerSource !== undefined) return workerSource;
  const fns = [gemmRows, gemmTn, kRows, kTn, kBlock, kRunBlocks, kWorkerLoop];
  workerSource = [
    `"use strict";`,
    `const { workerData } = require("node:worker_threads");`,
    ...fns.map((fn) => fn.toString()),
    `const d = workerData;`,
    `const simd = d.module ? new WebAssembly.Instance(d.module, { env: { mem: d.memory } }).exports : null;`,
    `const M = new Float64Array(d.memory ? d.memory.buffer : d.heap);`,
    `const e = Object.assign({}, d.dims, { M, ctl: new Int32Array(d.ctl), simd, jsRows: ${gemmRows.name}, jsTn: ${gemmTn.name} });`,
    `${kWorkerLoop.name}(e, d.thread);`,
  ].join("\n");
  return workerSource;
}

/** Where the heap lives, to hand it to worker threads. */
interface Heap {
  memory: WasmMemory | null;
  module: WasmModule | null;
}

/**
 * Runs passes over the blocks on the calling thread and on the worker threads that
 * are up. The calling thread never waits for a worker that has not claimed a block
 * (a worker still starting, or not scheduled, simply joins a later pass), so it only
 * waits for blocks in progress; if no worker ever starts, it does all the work.
 */
class Runner {
  private readonly workers: Worker[] = [];
  private gen = 0;

  constructor(private readonly e: Engine, heap: Heap, threads: number) {
    if (threads > 1) this.start(heap, threads);
  }

  private start(heap: Heap, threads: number): void {
    const e = this.e;
    const dims = {
      n: e.n, f: e.f, k: e.k, beta: e.beta, fixedH: e.fixedH, blockRows: e.blockRows, blocks: e.blocks, slot: e.slot, eps: e.eps,
      oX: e.oX, oW: e.oW, oH: e.oH, oHt: e.oHt, oHHt: e.oHHt, oHsum: e.oHsum, oXHt: e.oXHt, oP: e.oP, oS: e.oS, sStride: e.sStride,
    }; // prettier-ignore
    try {
      for (let t = 1; t < threads; t++) {
        const workerData = { dims, thread: t, ctl: e.ctl.buffer, memory: heap.memory, module: heap.memory ? heap.module : null, heap: heap.memory ? null : e.M.buffer };
        const w = new Worker(getWorkerSource(), { eval: true, workerData });
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
    kRunBlocks(this.e, 0, cmd, gen);
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
    // Each worker's loop returns on the negative command and the thread ends by itself (unref'd, it
    // never holds the process). Not terminated: terminating a thread while V8 still compiles its code
    // in the background can abort Node 20 (see `src/io/worker-stop.ts`).
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

/**
 * Lays out the heap (V copied in) and the engine: a WebAssembly memory when the SIMD
 * kernels are wanted and available, else a (Shared)ArrayBuffer.
 */
function makeEngine(V: Matrix, k: number, beta: number, fixedH: boolean, threads: number, useSimd: boolean): { e: Engine; heap: Heap } {
  const { rows: n, cols: f } = V;
  const B = NMF_BLOCK_ROWS;
  const blocks = Math.ceil(n / B);
  const slot = k * f + k * k + 2;
  let top = 0;
  // Even offsets: 16-byte aligned f64x2 accesses where the layout allows.
  const take = (len: number): number => {
    const o = top;
    top += len + (len & 1);
    return o;
  };
  const oX = take(n * f);
  const oW = take(n * k);
  const oH = take(k * f);
  const oHt = take(f * k);
  const oHHt = take(k * k);
  const oHsum = take(k);
  const oXHt = take(fixedH && beta === 2 ? n * k : 0);
  const oP = take(blocks * slot);
  const sStride = 2 * B * k + B * f + ((B * f) & 1);
  const oS = take(threads * sStride);
  const shared = threads > 1;
  const sh = useSimd ? simdHeap(top, shared) : undefined;
  const M = sh !== undefined ? sh.M : new Float64Array(shared ? new SharedArrayBuffer(8 * top) : new ArrayBuffer(8 * top));
  const simd = sh !== undefined ? sh.kernels : null;
  const memory = sh !== undefined ? sh.memory : null;
  const module = sh !== undefined ? sh.module : null;
  M.set(V.data, oX);
  const e: Engine = {
    n, f, k, beta, fixedH: fixedH ? 1 : 0, blockRows: B, blocks, slot, eps: EPSILON,
    M, oX, oW, oH, oHt, oHHt, oHsum, oXHt, oP, oS, sStride,
    ctl: new Int32Array(shared ? new SharedArrayBuffer(4 * 8) : new ArrayBuffer(4 * 8)),
    simd, jsRows: gemmRows, jsTn: gemmTn,
  }; // prettier-ignore
  return { e, heap: { memory, module } };
}

/** Hᵀ, H·Hᵀ and the safe row sums of H, from H. */
function refreshH(e: Engine): void {
  const { k, f, M, oH, oHt, oHHt, oHsum } = e;
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let j = 0; j < f; j++) {
      const h = M[oH + c * f + j]!;
      M[oHt + j * k + c] = h;
      sum += h;
    }
    M[oHsum + c] = sum === 0 ? e.eps : sum;
  }
  for (let c = 0; c < k; c++) {
    for (let d = c; d < k; d++) {
      let acc = 0;
      for (let j = 0; j < f; j++) acc += M[oH + c * f + j]! * M[oH + d * f + j]!;
      M[oHHt + c * k + d] = acc;
      M[oHHt + d * k + c] = acc;
    }
  }
}

/** Sum over blocks (in block order) of slot entries [off, off+len) into out. */
function reduce(e: Engine, off: number, len: number, out: Float64Array): void {
  out.fill(0);
  const M = e.M;
  for (let b = 0; b < e.blocks; b++) {
    const base = e.oP + b * e.slot + off;
    for (let t = 0; t < len; t++) out[t] = out[t]! + M[base + t]!;
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
  const { n, k, f, M, oW, oH } = e;
  let sumWH = 0;
  for (let c = 0; c < k; c++) {
    let ws = 0;
    for (let i = 0; i < n; i++) ws += M[oW + i * k + c]!;
    let hs = 0;
    for (let j = 0; j < f; j++) hs += M[oH + c * f + j]!;
    sumWH += ws * hs;
  }
  let res = sums[0]!;
  res += sumWH - sums[1]!;
  return Math.sqrt(2 * Math.max(res, 0));
}

/** The H update from the block shares of the last W pass. */
function updateH(e: Engine): void {
  const { k, f, M, oH } = e;
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
        for (let l = 0; l < k; l++) d += WtW[c * k + l]! * M[oH + l * f + j]!;
        den[c * f + j] = d === 0 ? e.eps : d;
      }
    }
    for (let t = 0; t < k * f; t++) M[oH + t] = M[oH + t]! * (num[t]! / den[t]!);
  } else {
    const Wsum = new Float64Array(k);
    reduce(e, k * f, k, Wsum);
    for (let c = 0; c < k; c++) {
      const d = Wsum[c] === 0 ? 1 : Wsum[c]!;
      for (let j = 0; j < f; j++) {
        let h = M[oH + c * f + j]! * (num[c * f + j]! / d);
        if (h < EPS64) h = 0;
        M[oH + c * f + j] = h;
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

/** scikit-learn's `_check_init`: shape, non-negative, not all zeros. */
function checkStart(m: Matrix | undefined, rows: number, cols: number, what: string): void {
  if (m === undefined) throw new Error(`${MODULE}: init 'custom' needs ${what}`);
  if (m.rows !== rows || m.cols !== cols) throw new Error(`${MODULE}: ${what} is ${m.rows}×${m.cols}, expected ${rows}×${cols}`);
  checkInput(m, what);
  let max = 0;
  for (let t = 0; t < m.data.length; t++) max = Math.max(max, m.data[t]!);
  if (max === 0) throw new Error(`${MODULE}: ${what} is full of zeros`);
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
 * const { W, H, relErr, iterations } = nmf(V, { k: 2 }); // W 4×2, H 2×3, all ≥ 0
 * relErr;     // 0.0019861872392509 (scikit-learn 1.2.1: 0.001986187239250902)
 * iterations; // 180 (scikit-learn: 180)
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
  if (init !== "random" && init !== "nndsvd" && init !== "nndsvda" && init !== "nndsvdar" && init !== "custom") {
    throw new Error(`${MODULE}: unknown init '${String(init)}'; expected nndsvd, nndsvda, nndsvdar, random or custom`);
  }
  if (init === "custom") {
    checkStart(options.initialW, n, k, "initialW");
    checkStart(options.initialH, k, f, "initialH");
  } else if (options.initialW !== undefined || options.initialH !== undefined) {
    throw new Error(`${MODULE}: initialW and initialH are used only with init 'custom', got init '${init}'`);
  }
  if (init !== "random" && init !== "custom" && k > Math.min(n, f)) {
    throw new Error(`${MODULE}: init '${init}' needs k <= min(n, f) = ${Math.min(n, f)}, got k = ${k}`);
  }
  const norm = frobenius(V.data);
  if (norm === 0) {
    // All-zero V: W = H = 0 is exact (scikit-learn would divide 0 by 0 here).
    return { W: { rows: n, cols: k, data: new Float64Array(n * k) }, H: { rows: k, cols: f, data: new Float64Array(k * f) }, iterations: 0, relErr: 0, reconstructionErr: 0 };
  }
  const threads = threadsFor(options.workers, n, f, k);
  const { e, heap } = makeEngine(V, k, beta, false, threads, options.simd ?? NMF_DEFAULTS.simd);
  const M = e.M;
  if (init === "random") {
    const avg = Math.sqrt(meanOf(V.data) / k);
    const rng = new Prng(seed);
    for (let t = 0; t < k * f; t++) M[e.oH + t] = Math.abs(avg * rng.normal());
    for (let t = 0; t < n * k; t++) M[e.oW + t] = Math.abs(avg * rng.normal());
  } else if (init === "custom") {
    M.set(options.initialW!.data, e.oW);
    M.set(options.initialH!.data, e.oH);
  } else {
    const start = nndsvd(V, k, { variant: init, seed });
    M.set(start.W.data, e.oW);
    M.set(start.H.data, e.oH);
  }
  const runner = new Runner(e, heap, threads);
  try {
    const iterations = multiplicativeUpdates(e, runner, maxIter, tol);
    const reconstructionErr = errorOf(e, runner, false);
    const relErr = (beta === 2 ? reconstructionErr : errorOf(e, runner, true)) / norm;
    return {
      W: { rows: n, cols: k, data: M.slice(e.oW, e.oW + n * k) },
      H: { rows: k, cols: f, data: M.slice(e.oH, e.oH + k * f) },
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
 * toRows(nmfTransform(fromRows([[2, 3, 5]]), H));                    // [[2.0000044, 2.9999962]] (mu)
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
  const { e, heap } = makeEngine(V, k, beta, true, threads, options.simd ?? NMF_TRANSFORM_DEFAULTS.simd);
  e.M.fill(Math.sqrt(meanOf(V.data) / k), e.oW, e.oW + n * k);
  e.M.set(H.data, e.oH);
  const runner = new Runner(e, heap, threads);
  try {
    multiplicativeUpdates(e, runner, maxIter, tol);
    return { rows: n, cols: k, data: e.M.slice(e.oW, e.oW + n * k) };
  } finally {
    runner.close();
  }
}
