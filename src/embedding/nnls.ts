/**
 * Non-negative least squares: min ‖A·x − b‖₂ subject to x ≥ 0, by the active-set
 * algorithm of Lawson and Hanson.
 *
 * Source: C. L. Lawson and R. J. Hanson, "Solving Least Squares Problems",
 * Prentice-Hall 1974, ch. 23 (algorithm NNLS), the algorithm behind
 * `scipy.optimize.nnls`. Variables move between a passive set P (free, positive) and
 * the zero set Z:
 *
 * 1. x = 0, P = ∅. The dual is w = Aᵀ(b − A·x).
 * 2. If no j ∈ Z has w_j > tol_j, stop (x satisfies the Kuhn–Tucker conditions).
 * 3. Move t = argmax_{j∈Z} w_j into P and solve the unconstrained least squares
 *    problem on the columns of P, giving z. If column t is numerically dependent on
 *    the columns of P, or z_t ≤ 0 (round-off), t goes back to Z and the next
 *    largest w_j is tried (Lawson–Hanson's safeguard).
 * 4. While some z_j ≤ 0 (j ∈ P): step x ← x + α(z − x) with the largest α ∈ (0, 1]
 *    keeping x ≥ 0, move the indices that reached 0 back to Z, and re-solve on P.
 *    Each such step is one "inner iteration"; more than `maxIter` of them throws
 *    (scipy's `maxiter`, default 3·n, counted the same way).
 * 5. x ← z, recompute w, go to 2.
 *
 * Two forms of step 3's sub-problem:
 * - {@link nnls} works on A itself and solves each sub-problem by Householder QR of
 *   the passive columns (as Lawson–Hanson do), which is accurate for ill-conditioned
 *   A; a new column is dependent when its part orthogonal to P is below 100·ε·‖a_t‖.
 * - {@link nnlsGram} works on the Gram form Q = AᵀA, c = Aᵀb (the form of scipy ≥ 1.12's
 *   `_nnls`), solving each sub-problem by Cholesky of Q_PP; a new column is dependent
 *   when its Cholesky pivot is below 1000·ε·Q_tt. {@link nnlsRows} uses it for many
 *   right-hand sides sharing a small A (k ≤ ~20 columns): Q is formed once, each
 *   right-hand side costs O(m·k) for c and the residual plus O(k³) at most per
 *   active-set change. Normal equations square A's condition number: fine for role
 *   matrices, use {@link nnls} when A is nearly rank-deficient.
 *
 * Default dual tolerance (so that round-off cannot cycle the active set):
 * tol_j = 10·max(m, n)·ε·‖a_j‖₂·‖b‖₂ for {@link nnls} (|w_j| ≤ ‖a_j‖‖b‖ at every
 * iterate), and tol_j = 10·n·ε·(|c_j| + Σ_l |Q_jl·x_l|) for the Gram form (the
 * round-off of w_j = c_j − (Q·x)_j). An explicit `tol` replaces both by one absolute
 * threshold.
 */

import type { Matrix } from "./matrix.js";

const MODULE = "telemetry-lab/embedding/nnls";
const EPS = 2.220446049250313e-16;

/** Options of {@link nnls}, {@link nnlsGram} and {@link nnlsRows}. */
export interface NnlsOptions {
  /**
   * Maximum number of inner (back-off) iterations per problem, scipy's `maxiter`;
   * `undefined` means 3·n (n = number of unknowns). Exceeding it throws.
   */
  maxIter?: number;
  /**
   * Absolute threshold on the dual w = Aᵀ(b − Ax): a variable enters the passive set
   * only when w_j > tol. `undefined` means the scale-aware default of the module comment.
   */
  tol?: number;
}

/** Defaults of {@link NnlsOptions}: `maxIter` = 3·n and an automatic `tol` (see the module comment). */
export const NNLS_DEFAULTS: Readonly<{ maxIterPerUnknown: number; tol: number | undefined }> = Object.freeze({
  maxIterPerUnknown: 3,
  tol: undefined,
});

/** Result of {@link nnls} and {@link nnlsGram}. */
export interface NnlsResult {
  /** The solution, x ≥ 0, length n. */
  readonly x: Float64Array;
  /** ‖A·x − b‖₂ (for {@link nnlsGram}: NaN unless `bb` = bᵀb was given). */
  readonly residual: number;
}

/** Result of {@link nnlsRows}. */
export interface NnlsRowsResult {
  /** N×k: row i is the solution for right-hand side i. */
  readonly X: Matrix;
  /** ‖A·x_i − b_i‖₂ for every right-hand side. */
  readonly residuals: Float64Array;
}

/** The sub-problem solver of one active-set run. */
interface SubProblem {
  /** z[p[i]] ← unconstrained LS solution on the columns p[0..np); false when p[np-1] is numerically dependent. */
  solve(p: Int32Array, np: number, z: Float64Array): boolean;
  /** w ← Aᵀ(b − A·x) and tol[j] ← the dual threshold of variable j. */
  dual(x: Float64Array, p: Int32Array, np: number, w: Float64Array, tol: Float64Array): void;
}

/** Scratch arrays of one active-set run over n unknowns. */
interface Work {
  readonly w: Float64Array;
  readonly tol: Float64Array;
  readonly z: Float64Array;
  readonly passive: Int32Array;
  readonly inP: Uint8Array;
  readonly rejected: Uint8Array;
}

function makeWork(n: number): Work {
  return {
    w: new Float64Array(n),
    tol: new Float64Array(n),
    z: new Float64Array(n),
    passive: new Int32Array(n),
    inP: new Uint8Array(n),
    rejected: new Uint8Array(n),
  };
}

function resolveMaxIter(n: number, options: NnlsOptions): number {
  const maxIter = options.maxIter ?? NNLS_DEFAULTS.maxIterPerUnknown * n;
  if (!Number.isSafeInteger(maxIter) || maxIter < 0) {
    throw new Error(`${MODULE}: maxIter must be a non-negative integer, got ${options.maxIter}`);
  }
  return maxIter;
}

function resolveTol(options: NnlsOptions): number | undefined {
  const tol = options.tol ?? NNLS_DEFAULTS.tol;
  if (tol !== undefined && !(tol >= 0 && Number.isFinite(tol))) {
    throw new Error(`${MODULE}: tol must be a finite number >= 0, got ${options.tol}`);
  }
  return tol;
}

/**
 * Lawson–Hanson's loop (steps 1–5 of the module comment) over n unknowns; writes x.
 * `what` names the problem in errors.
 */
function activeSet(n: number, sub: SubProblem, x: Float64Array, work: Work, maxIter: number, what: string): void {
  const { w, tol, z, passive, inP, rejected } = work;
  x.fill(0);
  inP.fill(0);
  rejected.fill(0);
  let np = 0;
  let inner = 0;
  let outer = 0;
  const maxOuter = 10 * n + maxIter + 10;
  sub.dual(x, passive, np, w, tol);
  for (;;) {
    let t = -1;
    let best = 0;
    for (let j = 0; j < n; j++) {
      if (inP[j] || rejected[j]) continue;
      const wj = w[j]!;
      if (wj > tol[j]! && (t < 0 || wj > best)) {
        t = j;
        best = wj;
      }
    }
    if (t < 0) break;
    if (++outer > maxOuter) throw new Error(`${MODULE}: ${what}: the passive set changed more than ${maxOuter} times`);
    passive[np++] = t;
    inP[t] = 1;
    if (!sub.solve(passive, np, z) || !(z[t]! > 0)) {
      np--;
      inP[t] = 0;
      rejected[t] = 1;
      continue;
    }
    rejected.fill(0);
    for (;;) {
      let alpha = Infinity;
      let block = -1;
      for (let i = 0; i < np; i++) {
        const j = passive[i]!;
        const zj = z[j]!;
        if (zj <= 0) {
          const a = x[j]! / (x[j]! - zj);
          if (a < alpha) {
            alpha = a;
            block = j;
          }
        }
      }
      if (block < 0) break;
      if (++inner > maxIter) throw new Error(`${MODULE}: ${what}: more than maxIter = ${maxIter} inner iterations`);
      for (let i = 0; i < np; i++) {
        const j = passive[i]!;
        x[j]! += alpha * (z[j]! - x[j]!);
      }
      x[block] = 0;
      let keep = 0;
      for (let i = 0; i < np; i++) {
        const j = passive[i]!;
        if (x[j]! > 0) passive[keep++] = j;
        else {
          x[j] = 0;
          inP[j] = 0;
        }
      }
      np = keep;
      sub.solve(passive, np, z); // a subset of independent columns stays independent
    }
    for (let i = 0; i < np; i++) x[passive[i]!] = z[passive[i]!]!;
    sub.dual(x, passive, np, w, tol);
  }
}

/** Dense sub-problems by Householder QR of the passive columns of A (m×n, row-major). */
class QrSubProblem implements SubProblem {
  private readonly cols: Float64Array; // passive columns, column-major m×np
  private readonly y: Float64Array;
  private readonly r: Float64Array;
  private readonly colNorm: Float64Array;
  private readonly bNorm: number;

  constructor(
    private readonly A: Matrix,
    private readonly b: Float64Array,
    private readonly fixedTol: number | undefined,
  ) {
    const { rows: m, cols: n, data } = A;
    this.cols = new Float64Array(m * n);
    this.y = new Float64Array(m);
    this.r = new Float64Array(m);
    this.colNorm = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) this.colNorm[j]! += data[i * n + j]! ** 2;
    }
    for (let j = 0; j < n; j++) this.colNorm[j] = Math.sqrt(this.colNorm[j]!);
    let bb = 0;
    for (let i = 0; i < m; i++) bb += b[i]! ** 2;
    this.bNorm = Math.sqrt(bb);
  }

  solve(p: Int32Array, np: number, z: Float64Array): boolean {
    const { rows: m, cols: n, data } = this.A;
    const W = this.cols;
    const y = this.y;
    if (np > m) return false;
    y.set(this.b);
    for (let c = 0; c < np; c++) {
      const j = p[c]!;
      const base = c * m;
      for (let i = 0; i < m; i++) W[base + i] = data[i * n + j]!;
    }
    // Householder: column c maps W[c.., c] to (±‖·‖, 0, …); applied to later columns and y.
    for (let c = 0; c < np; c++) {
      const base = c * m;
      let s = 0;
      for (let i = c; i < m; i++) s += W[base + i]! ** 2;
      const norm = Math.sqrt(s);
      if (norm === 0) {
        if (c === np - 1) return false;
        continue;
      }
      const alpha = W[base + c]! > 0 ? -norm : norm;
      const v0 = W[base + c]! - alpha; // v = (v0, W[c+1..m, c])
      const vtv = s - W[base + c]! ** 2 + v0 * v0;
      W[base + c] = v0;
      if (vtv > 0) {
        for (let d = c + 1; d < np; d++) {
          const bd = d * m;
          let dot = 0;
          for (let i = c; i < m; i++) dot += W[base + i]! * W[bd + i]!;
          const f = (2 * dot) / vtv;
          for (let i = c; i < m; i++) W[bd + i]! -= f * W[base + i]!;
        }
        let dot = 0;
        for (let i = c; i < m; i++) dot += W[base + i]! * y[i]!;
        const f = (2 * dot) / vtv;
        for (let i = c; i < m; i++) y[i]! -= f * W[base + i]!;
      }
      W[base + c] = alpha; // R[c][c]
      if (c === np - 1 && !(Math.abs(alpha) > 100 * EPS * this.colNorm[p[c]!]!)) return false;
    }
    // Back substitution R·z = y[0..np).
    for (let c = np - 1; c >= 0; c--) {
      let s = y[c]!;
      for (let d = c + 1; d < np; d++) s -= W[d * m + c]! * z[p[d]!]!;
      const rcc = W[c * m + c]!;
      z[p[c]!] = rcc === 0 ? 0 : s / rcc;
    }
    return true;
  }

  dual(x: Float64Array, p: Int32Array, np: number, w: Float64Array, tol: Float64Array): void {
    const { rows: m, cols: n, data } = this.A;
    const r = this.r;
    for (let i = 0; i < m; i++) {
      let s = this.b[i]!;
      const row = i * n;
      for (let c = 0; c < np; c++) s -= data[row + p[c]!]! * x[p[c]!]!;
      r[i] = s;
    }
    w.fill(0);
    for (let i = 0; i < m; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) w[j]! += data[row + j]! * ri;
    }
    const scale = 10 * Math.max(m, n) * EPS * this.bNorm;
    for (let j = 0; j < n; j++) tol[j] = this.fixedTol ?? scale * this.colNorm[j]!;
  }
}

/** Gram-form sub-problems: Q = AᵀA (k×k, row-major) and c = Aᵀb at `cOff` in `cData`. */
class GramSubProblem implements SubProblem {
  cData: Float64Array;
  cOff = 0;
  private readonly L: Float64Array;
  private readonly lOrder: Int32Array; // the columns L was factorised for, in order
  private lCount = 0; // valid rows of L
  private readonly yv: Float64Array;

  constructor(
    private readonly Q: Float64Array,
    private readonly k: number,
    private readonly fixedTol: number | undefined,
  ) {
    this.cData = new Float64Array(k);
    this.L = new Float64Array(k * k);
    this.lOrder = new Int32Array(k);
    this.yv = new Float64Array(k);
  }

  solve(p: Int32Array, np: number, z: Float64Array): boolean {
    const { Q, k, L, yv, cData, cOff, lOrder } = this;
    // Cholesky Q_PP = L·Lᵀ (L row-major np×np inside a k×k buffer). Row i of L depends
    // only on p[0..i], so the rows of the previous factorisation whose prefix is
    // unchanged are kept (appending a column costs O(np²), not O(np³)).
    let start = 0;
    while (start < np && start < this.lCount && lOrder[start] === p[start]) start++;
    for (let i = start; i < np; i++) {
      const pi = p[i]! * k;
      lOrder[i] = p[i]!;
      for (let j = 0; j <= i; j++) {
        let s = Q[pi + p[j]!]!;
        for (let l = 0; l < j; l++) s -= L[i * k + l]! * L[j * k + l]!;
        if (i === j) {
          if (!(s > 1000 * EPS * Q[pi + p[i]!]!)) {
            this.lCount = i;
            return false;
          }
          L[i * k + i] = Math.sqrt(s);
        } else {
          L[i * k + j] = s / L[j * k + j]!;
        }
      }
    }
    this.lCount = np;
    for (let i = 0; i < np; i++) {
      let s = cData[cOff + p[i]!]!;
      for (let l = 0; l < i; l++) s -= L[i * k + l]! * yv[l]!;
      yv[i] = s / L[i * k + i]!;
    }
    for (let i = np - 1; i >= 0; i--) {
      let s = yv[i]!;
      for (let l = i + 1; l < np; l++) s -= L[l * k + i]! * z[p[l]!]!;
      z[p[i]!] = s / L[i * k + i]!;
    }
    return true;
  }

  dual(x: Float64Array, p: Int32Array, np: number, w: Float64Array, tol: Float64Array): void {
    const { Q, k, cData, cOff, fixedTol } = this;
    const scale = 10 * k * EPS;
    for (let j = 0; j < k; j++) {
      const cj = cData[cOff + j]!;
      let s = cj;
      let mag = Math.abs(cj);
      const row = j * k;
      for (let i = 0; i < np; i++) {
        const l = p[i]!;
        const t = Q[row + l]! * x[l]!;
        s -= t;
        mag += Math.abs(t);
      }
      w[j] = s;
      tol[j] = fixedTol ?? scale * mag;
    }
  }
}

function checkFinite(data: Float64Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new Error(`${MODULE}: ${what} has a non-finite entry at index ${i}: ${data[i]}`);
  }
}

/**
 * Solves min ‖A·x − b‖₂ subject to x ≥ 0 (Lawson–Hanson, sub-problems by Householder
 * QR; see the module comment). Same solution as `scipy.optimize.nnls(A, b)` when it
 * is unique (A of full column rank on the active set).
 *
 * @param A m×n matrix (row-major).
 * @param b length m.
 * @throws when the shapes disagree, an entry is not finite, or more than `maxIter`
 *   inner iterations are needed.
 * @example
 * const A = fromRows([[1, 0], [0, 1], [1, 1]]);
 * nnls(A, Float64Array.of(2, -1, 1)); // { x: Float64Array [1.5, 0], residual: 1.2247… } (√1.5)
 */
export function nnls(A: Matrix, b: Float64Array, options: NnlsOptions = {}): NnlsResult {
  const { rows: m, cols: n } = A;
  if (b.length !== m) throw new Error(`${MODULE}: b has length ${b.length}, A has ${m} rows`);
  if (A.data.length !== m * n) throw new Error(`${MODULE}: A.data has ${A.data.length} entries, not ${m}×${n}`);
  checkFinite(A.data, "A");
  checkFinite(b, "b");
  const maxIter = resolveMaxIter(n, options);
  const tol = resolveTol(options);
  const x = new Float64Array(n);
  activeSet(n, new QrSubProblem(A, b, tol), x, makeWork(n), maxIter, "nnls");
  let rr = 0;
  for (let i = 0; i < m; i++) {
    let s = -b[i]!;
    for (let j = 0; j < n; j++) s += A.data[i * n + j]! * x[j]!;
    rr += s * s;
  }
  return { x, residual: Math.sqrt(rr) };
}

/**
 * Solves min ‖A·x − b‖₂, x ≥ 0, given only its Gram form Q = AᵀA (k×k, symmetric
 * positive semi-definite) and c = Aᵀb (Lawson–Hanson with Cholesky sub-problems).
 * The residual needs bᵀb: pass `bb` to get ‖A·x − b‖ = √(bᵀb − 2cᵀx + xᵀQx) (this
 * formula loses digits when the residual is tiny against ‖b‖).
 *
 * @throws when the shapes disagree, an entry is not finite, or more than `maxIter`
 *   inner iterations are needed.
 * @example
 * // A = [[1, 0], [0, 1], [1, 1]], b = [2, -1, 1]: Q = AᵀA, c = Aᵀb
 * nnlsGram(fromRows([[2, 1], [1, 2]]), Float64Array.of(3, 0), { bb: 6 });
 * // { x: Float64Array [1.5, 0], residual: 1.2247… }
 */
export function nnlsGram(Q: Matrix, c: Float64Array, options: NnlsOptions & { bb?: number } = {}): NnlsResult {
  const k = Q.rows;
  if (Q.cols !== k) throw new Error(`${MODULE}: the Gram matrix must be square, got ${Q.rows}×${Q.cols}`);
  if (c.length !== k) throw new Error(`${MODULE}: c has length ${c.length}, Q is ${k}×${k}`);
  checkFinite(Q.data, "Q");
  checkFinite(c, "c");
  const maxIter = resolveMaxIter(k, options);
  const tol = resolveTol(options);
  const sub = new GramSubProblem(Q.data, k, tol);
  sub.cData = c;
  const x = new Float64Array(k);
  activeSet(k, sub, x, makeWork(k), maxIter, "nnlsGram");
  let residual = NaN;
  if (options.bb !== undefined) {
    let q = options.bb;
    for (let i = 0; i < k; i++) {
      let qi = 0;
      for (let j = 0; j < k; j++) qi += Q.data[i * k + j]! * x[j]!;
      q += x[i]! * (qi - 2 * c[i]!);
    }
    residual = Math.sqrt(Math.max(0, q));
  }
  return { x, residual };
}

/**
 * Solves N problems min ‖A·x_i − b_i‖₂, x_i ≥ 0, that share A, where b_i is row i of
 * B: the per-vertex transform V ≈ W·H with H fixed is `nnlsRows(transpose(H), V)`.
 * Forms Q = AᵀA once; each row then costs O(m·k) for c_i = Aᵀb_i and for the exact
 * residual, plus the Gram-form active-set run (see the module comment).
 *
 * @param A m×k (k small, e.g. the number of roles).
 * @param B N×m, one right-hand side per row.
 * @throws when `B.cols !== A.rows`, an entry is not finite, or a row needs more than
 *   `maxIter` inner iterations (the message names the row).
 * @example
 * const A = fromRows([[1, 0], [0, 1], [1, 1]]);
 * const { X, residuals } = nnlsRows(A, fromRows([[2, -1, 1], [1, 2, 3]]));
 * toRows(X);  // [[1.5, 0], [1, 2]]
 * residuals;  // Float64Array [1.2247…, 0]
 */
export function nnlsRows(A: Matrix, B: Matrix, options: NnlsOptions = {}): NnlsRowsResult {
  const { rows: m, cols: k } = A;
  const N = B.rows;
  if (B.cols !== m) throw new Error(`${MODULE}: B has ${B.cols} columns, A has ${m} rows`);
  if (A.data.length !== m * k) throw new Error(`${MODULE}: A.data has ${A.data.length} entries, not ${m}×${k}`);
  if (B.data.length !== N * m) throw new Error(`${MODULE}: B.data has ${B.data.length} entries, not ${N}×${m}`);
  checkFinite(A.data, "A");
  checkFinite(B.data, "B");
  const maxIter = resolveMaxIter(k, options);
  const tol = resolveTol(options);
  const a = A.data;
  const bData = B.data;
  // Q = AᵀA.
  const Q = new Float64Array(k * k);
  for (let i = 0; i < m; i++) {
    const row = i * k;
    for (let p = 0; p < k; p++) {
      const ap = a[row + p]!;
      if (ap === 0) continue;
      for (let q = p; q < k; q++) Q[p * k + q]! += ap * a[row + q]!;
    }
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) Q[p * k + q] = Q[q * k + p]!;
  // C = B·A (row i = Aᵀ b_i).
  const C = new Float64Array(N * k);
  for (let r = 0; r < N; r++) {
    const cb = r * k;
    const bb = r * m;
    for (let i = 0; i < m; i++) {
      const v = bData[bb + i]!;
      if (v === 0) continue;
      const row = i * k;
      for (let p = 0; p < k; p++) C[cb + p]! += v * a[row + p]!;
    }
  }
  const X = new Float64Array(N * k);
  const residuals = new Float64Array(N);
  const sub = new GramSubProblem(Q, k, tol);
  sub.cData = C;
  const work = makeWork(k);
  const x = new Float64Array(k);
  for (let r = 0; r < N; r++) {
    sub.cOff = r * k;
    activeSet(k, sub, x, work, maxIter, `row ${r}`);
    X.set(x, r * k);
    const bb = r * m;
    let rr = 0;
    for (let i = 0; i < m; i++) {
      let s = -bData[bb + i]!;
      const row = i * k;
      for (let p = 0; p < k; p++) s += a[row + p]! * x[p]!;
      rr += s * s;
    }
    residuals[r] = Math.sqrt(rr);
  }
  return { X: { rows: N, cols: k, data: X }, residuals };
}
