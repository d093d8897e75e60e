/**
 * NNDSVD: non-negative double singular value decomposition, the SVD-based starting
 * point of NMF (`nmf.ts`), with its two variants that fill the zeros it leaves.
 *
 * Source: C. Boutsidis and E. Gallopoulos, "SVD based initialization: A head start
 * for nonnegative matrix factorization", Pattern Recognition 41(4), 2008, as
 * implemented by scikit-learn 1.2 (`sklearn/decomposition/_nmf.py`, `_initialize_nmf`),
 * whose behaviour is reproduced here:
 *
 * 1. The leading k singular triplets (σ_j, u_j, v_j) of V (n×f).
 * 2. W[:,0] = √σ₀·|u₀|, H[0,:] = √σ₀·|v₀|.
 * 3. For j ≥ 1, split u_j and v_j into positive parts (x₊, y₊) and negative parts
 *    (x₋, y₋, as magnitudes); m₊ = ‖x₊‖‖y₊‖, m₋ = ‖x₋‖‖y₋‖. If m₊ > m₋ take
 *    (x₊/‖x₊‖, y₊/‖y₊‖, s = m₊), else the negative pair with s = m₋; then
 *    W[:,j] = √(σ_j·s)·u and H[j,:] = √(σ_j·s)·v.
 * 4. Entries below 1e-6 become 0. `nndsvda` replaces every zero by mean(V);
 *    `nndsvdar` by |mean(V)·N(0,1)/100| (W's zeros in row order, then H's).
 *
 * Swapping the signs of a pair (u_j, v_j) swaps (x₊, y₊) with (x₋, y₋), so the result
 * does not depend on the SVD's sign convention except when m₊ = m₋ exactly; the sign
 * rule of scikit-learn's `svd_flip` is applied anyway (the largest |entry| of each u_j
 * is positive; of each v_j when n < f, as `randomized_svd` transposes wide matrices).
 *
 * The SVD: scikit-learn uses `randomized_svd` (10 oversamples, 4 or 7 power
 * iterations), which on matrices with a few dozen columns is exact to round-off. Here
 * it is computed exactly from the Gram matrix VᵀV (f×f) by cyclic Jacobi rotations,
 * v_j its eigenvectors, σ_j = √λ_j, u_j = V·v_j/σ_j: O(n·f²) for the Gram matrix,
 * O(f³) per Jacobi sweep, so meant for f up to a few hundred. Squaring V costs
 * accuracy in u_j and v_j of about ε·σ₀²/(σ_j·gap_j), negligible for the starting point.
 * `nndsvdar`'s random numbers come from the project's PRNG (`src/random/prng.ts`),
 * so that variant is seeded and reproducible but not numpy-identical.
 */
import { Prng } from "../random/prng.js";
import { gemmRows } from "./gemm.js";
import { gram, type Matrix } from "./matrix.js";

const MODULE = "telemetry-lab/embedding/nndsvd";

/** The three NNDSVD variants of scikit-learn's `init`. */
export type NndsvdVariant = "nndsvd" | "nndsvda" | "nndsvdar";

/** Options of {@link nndsvd}. */
export interface NndsvdOptions {
  /** Which zeros filling (default `nndsvd`: none). */
  variant?: NndsvdVariant;
  /** Seed of the PRNG used by `nndsvdar` (default 0). */
  seed?: number;
  /** Entries below this become 0 before filling (scikit-learn's `eps`, default 1e-6). */
  eps?: number;
}

/** Defaults of {@link NndsvdOptions}. */
export const NNDSVD_DEFAULTS: Readonly<Required<NndsvdOptions>> = Object.freeze({
  variant: "nndsvd",
  seed: 0,
  eps: 1e-6,
});

/** Eigen-decomposition of a symmetric matrix: values descending, vectors as the rows of `vectors`. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  readonly values: Float64Array;
  /** m×m; row j is the unit eigenvector of `values[j]`. */
  readonly vectors: Matrix;
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations
 * (Rutishauser's scheme: rotate every off-diagonal pair per sweep, until the
 * off-diagonal part is zero to round-off). Accurate for small eigenvalues too;
 * O(m³) per sweep, typically 6–10 sweeps. Only the upper triangle is read.
 *
 * @throws when A is not square or holds a non-finite entry.
 * @example
 * const e = symmetricEigen(fromRows([[2, 1], [1, 2]]));
 * e.values;              // Float64Array [3, 1]
 * toRows(e.vectors)[0];  // [0.7071…, 0.7071…]
 */
export function symmetricEigen(A: Matrix): SymmetricEigen {
  const m = A.rows;
  if (A.cols !== m) throw new Error(`${MODULE}: symmetricEigen needs a square matrix, got ${A.rows}×${A.cols}`);
  const a = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    for (let q = p; q < m; q++) {
      const v = A.data[p * m + q]!;
      if (!Number.isFinite(v)) throw new Error(`${MODULE}: symmetricEigen: entry (${p}, ${q}) is ${v}`);
      a[p * m + q] = v;
      a[q * m + p] = v;
    }
  }
  // V: columns are eigenvectors (accumulated rotations).
  const V = new Float64Array(m * m);
  for (let p = 0; p < m; p++) V[p * m + p] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < m; p++) {
      diag += a[p * m + p]! * a[p * m + p]!;
      for (let q = p + 1; q < m; q++) off += a[p * m + q]! * a[p * m + q]!;
    }
    if (off === 0 || off <= 1e-36 * diag) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q]!;
        if (apq === 0) continue;
        const app = a[p * m + p]!;
        const aqq = a[q * m + q]!;
        // Skip rotations that cannot change the diagonal any more.
        if (sweep > 3 && Math.abs(apq) * 1e17 < Math.min(Math.abs(app), Math.abs(aqq))) {
          a[p * m + q] = 0;
          a[q * m + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        const tau = s / (1 + c);
        a[p * m + p] = app - t * apq;
        a[q * m + q] = aqq + t * apq;
        a[p * m + q] = 0;
        a[q * m + p] = 0;
        for (let r = 0; r < m; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * m + p]!;
          const arq = a[r * m + q]!;
          const nrp = arp - s * (arq + tau * arp);
          const nrq = arq + s * (arp - tau * arq);
          a[r * m + p] = nrp;
          a[p * m + r] = nrp;
          a[r * m + q] = nrq;
          a[q * m + r] = nrq;
        }
        for (let r = 0; r < m; r++) {
          const vrp = V[r * m + p]!;
          const vrq = V[r * m + q]!;
          V[r * m + p] = vrp - s * (vrq + tau * vrp);
          V[r * m + q] = vrq + s * (vrp - tau * vrq);
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => a[j * m + j]! - a[i * m + i]! || i - j);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const src = order[j]!;
    values[j] = a[src * m + src]!;
    for (let r = 0; r < m; r++) vectors[j * m + r] = V[r * m + src]!;
  }
  return { values, vectors: { rows: m, cols: m, data: vectors } };
}

/** The leading singular triplets of a matrix. */
export interface TruncatedSvd {
  /** n×k, column j = u_j. */
  readonly U: Matrix;
  /** σ_0 ≥ σ_1 ≥ … ≥ 0, length k. */
  readonly S: Float64Array;
  /** k×f, row j = v_j. */
  readonly Vt: Matrix;
}

/**
 * The k leading singular triplets of V (n×f, k ≤ min(n, f)) from the eigenvectors
 * of VᵀV, with scikit-learn's `svd_flip` sign rule (see the module comment). A
 * singular value at round-off level (σ_j ≤ σ₀·f·ε) gets u_j = 0.
 *
 * @throws when k is not in 1..min(n, f).
 * @example
 * const { S } = truncatedSvd(fromRows([[3, 0], [0, 4], [0, 0]]), 2);
 * S; // Float64Array [4, 3]
 */
export function truncatedSvd(V: Matrix, k: number): TruncatedSvd {
  const { rows: n, cols: f, data: X } = V;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, f)) {
    throw new Error(`${MODULE}: k must be an integer in 1..min(n, f) = ${Math.min(n, f)}, got ${k}`);
  }
  const eig = symmetricEigen(gram(V));
  const S = new Float64Array(k);
  const Vt = new Float64Array(k * f);
  const U = new Float64Array(n * k);
  const tiny = Math.sqrt(Math.max(0, eig.values[0]!)) * f * 2.220446049250313e-16;
  for (let j = 0; j < k; j++) {
    S[j] = Math.sqrt(Math.max(0, eig.values[j]!));
    for (let c = 0; c < f; c++) Vt[j * f + c] = eig.vectors.data[j * f + c]!;
  }
  // U = V·[v_0 … v_{k-1}] / σ, in chunks of rows through the product kernel (Bt = the v_j as columns).
  const CHUNK = 1024;
  const heap = new Float64Array(CHUNK * f + f * k + CHUNK * k);
  const bOff = CHUNK * f;
  const cOff = bOff + f * k;
  for (let c = 0; c < f; c++) for (let j = 0; j < k; j++) heap[bOff + c * k + j] = Vt[j * f + c]!;
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const rows = Math.min(CHUNK, n - r0);
    heap.set(X.subarray(r0 * f, (r0 + rows) * f), 0);
    gemmRows(heap, 0, bOff, cOff, rows, f, k);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) {
        const s = S[j]!;
        U[(r0 + r) * k + j] = s > tiny ? heap[cOff + r * k + j]! / s : 0;
      }
    }
  }
  // svd_flip: make the largest |entry| (first one on ties) of u_j (of v_j when n < f) positive.
  const uBased = n >= f;
  for (let j = 0; j < k; j++) {
    let best = 0;
    let bestAbs = -1;
    let sign = 1;
    if (uBased) {
      for (let i = 0; i < n; i++) {
        const a = Math.abs(U[i * k + j]!);
        if (a > bestAbs) {
          bestAbs = a;
          best = i;
        }
      }
      sign = U[best * k + j]! < 0 ? -1 : 1;
    } else {
      for (let c = 0; c < f; c++) {
        const a = Math.abs(Vt[j * f + c]!);
        if (a > bestAbs) {
          bestAbs = a;
          best = c;
        }
      }
      sign = Vt[j * f + best]! < 0 ? -1 : 1;
    }
    if (sign < 0) {
      for (let i = 0; i < n; i++) U[i * k + j] = -U[i * k + j]!;
      for (let c = 0; c < f; c++) Vt[j * f + c] = -Vt[j * f + c]!;
    }
  }
  return { U: { rows: n, cols: k, data: U }, S, Vt: { rows: k, cols: f, data: Vt } };
}

/** Mean of all entries (sum in row order divided by the count). */
function meanOf(X: Float64Array): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) s += X[i]!;
  return s / X.length;
}

/**
 * NNDSVD starting point (W ≥ 0, n×k; H ≥ 0, k×f) for V ≈ W·H, as scikit-learn 1.2's
 * `_initialize_nmf` with `init` = `nndsvd`, `nndsvda` or `nndsvdar` (module comment).
 * V must be non-negative (checked by the caller, `nmf`).
 *
 * @throws when k is not in 1..min(n, f).
 * @example
 * const { W, H } = nndsvd(fromRows([[1, 0], [0, 2], [1, 1]]), 1, { variant: "nndsvda" });
 * toRows(W); // [[0.19…], [1.26…], [0.82…]]  (√σ₀·|u₀|)
 */
export function nndsvd(V: Matrix, k: number, options: NndsvdOptions = {}): { W: Matrix; H: Matrix } {
  const variant = options.variant ?? NNDSVD_DEFAULTS.variant;
  const eps = options.eps ?? NNDSVD_DEFAULTS.eps;
  const { rows: n, cols: f } = V;
  const { U, S, Vt } = truncatedSvd(V, k);
  const W = new Float64Array(n * k);
  const H = new Float64Array(k * f);
  const u = U.data;
  const vt = Vt.data;
  const s0 = Math.sqrt(S[0]!);
  for (let i = 0; i < n; i++) W[i * k] = s0 * Math.abs(u[i * k]!);
  for (let c = 0; c < f; c++) H[c] = s0 * Math.abs(vt[c]!);
  for (let j = 1; j < k; j++) {
    let xp = 0;
    let xn = 0;
    let yp = 0;
    let yn = 0;
    for (let i = 0; i < n; i++) {
      const x = u[i * k + j]!;
      if (x > 0) xp += x * x;
      else xn += x * x;
    }
    for (let c = 0; c < f; c++) {
      const y = vt[j * f + c]!;
      if (y > 0) yp += y * y;
      else yn += y * y;
    }
    const xpN = Math.sqrt(xp);
    const xnN = Math.sqrt(xn);
    const ypN = Math.sqrt(yp);
    const ynN = Math.sqrt(yn);
    const mp = xpN * ypN;
    const mn = xnN * ynN;
    const positive = mp > mn;
    const sigma = positive ? mp : mn;
    const xN = positive ? xpN : xnN;
    const yN = positive ? ypN : ynN;
    // A zero singular value (or an all-zero part) leaves the component at 0, as scikit-learn's λ = 0.
    if (!(xN > 0) || !(yN > 0)) continue;
    const lbd = Math.sqrt(S[j]! * sigma);
    for (let i = 0; i < n; i++) {
      const x = u[i * k + j]!;
      const part = positive ? Math.max(x, 0) : Math.abs(Math.min(x, 0));
      W[i * k + j] = lbd * (part / xN);
    }
    for (let c = 0; c < f; c++) {
      const y = vt[j * f + c]!;
      const part = positive ? Math.max(y, 0) : Math.abs(Math.min(y, 0));
      H[j * f + c] = lbd * (part / yN);
    }
  }
  for (let i = 0; i < W.length; i++) if (W[i]! < eps) W[i] = 0;
  for (let i = 0; i < H.length; i++) if (H[i]! < eps) H[i] = 0;
  if (variant === "nndsvda") {
    const avg = meanOf(V.data);
    for (let i = 0; i < W.length; i++) if (W[i] === 0) W[i] = avg;
    for (let i = 0; i < H.length; i++) if (H[i] === 0) H[i] = avg;
  } else if (variant === "nndsvdar") {
    const avg = meanOf(V.data);
    const rng = new Prng(options.seed ?? NNDSVD_DEFAULTS.seed);
    for (let i = 0; i < W.length; i++) if (W[i] === 0) W[i] = Math.abs((avg * rng.normal()) / 100);
    for (let i = 0; i < H.length; i++) if (H[i] === 0) H[i] = Math.abs((avg * rng.normal()) / 100);
  } else if (variant !== "nndsvd") {
    throw new Error(`${MODULE}: unknown variant '${String(variant)}'; expected nndsvd, nndsvda or nndsvdar`);
  }
  return { W: { rows: n, cols: k, data: W }, H: { rows: k, cols: f, data: H } };
}
