/**
 * Dense real matrices for the embedding modules (ReFeX feature tables, NMF factors,
 * RolX role memberships): a `Float64Array` in row-major order with explicit `rows`
 * and `cols`, so entry (i, j) is `data[i * cols + j]` — the layout of a C-ordered
 * numpy array, which is what scikit-learn's NMF (the reference for `nmf.ts`) works on.
 *
 * Only the handful of operations the embedding stages need lives here; every loop
 * runs over the flat typed array, no per-element objects.
 */

const MODULE = "telemetry-lab/embedding/matrix";

/** A dense row-major matrix: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

function checkDims(rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new Error(`${MODULE}: dimensions must be non-negative integers, got ${rows}×${cols}`);
  }
}

/**
 * A `rows × cols` matrix over `data` (used as is, not copied), or filled with zeros.
 *
 * @throws when the dimensions are not non-negative integers or `data` has the wrong length.
 * @example
 * const m = matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
 * m.data[1 * m.cols + 2]; // 6
 * matrix(2, 2).data;      // Float64Array [0, 0, 0, 0]
 */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  checkDims(rows, cols);
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new Error(`${MODULE}: data has ${data.length} entries, a ${rows}×${cols} matrix needs ${rows * cols}`);
  }
  return { rows, cols, data };
}

/**
 * A matrix from an array of equally long rows (copied).
 *
 * @throws when the rows differ in length.
 * @example
 * fromRows([[1, 2], [3, 4]]); // { rows: 2, cols: 2, data: Float64Array [1, 2, 3, 4] }
 */
export function fromRows(rowsIn: readonly (readonly number[] | Float64Array)[]): Matrix {
  const rows = rowsIn.length;
  const cols = rows === 0 ? 0 : rowsIn[0]!.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = rowsIn[i]!;
    if (r.length !== cols) throw new Error(`${MODULE}: row ${i} has ${r.length} entries, row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  }
  return { rows, cols, data };
}

/**
 * The rows as plain arrays (for printing, JSON and tests).
 *
 * @example
 * toRows(matrix(2, 2, Float64Array.from([1, 2, 3, 4]))); // [[1, 2], [3, 4]]
 */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/**
 * The transpose, as a new matrix.
 *
 * @example
 * toRows(transpose(fromRows([[1, 2, 3], [4, 5, 6]]))); // [[1, 4], [2, 5], [3, 6]]
 */
export function transpose(m: Matrix): Matrix {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[base + j]!;
  }
  return { rows: cols, cols: rows, data: out };
}

/**
 * The product `A · B` (i-k-j loop order, so the inner loop runs along rows of B and C).
 *
 * @throws when `A.cols !== B.rows`.
 * @example
 * toRows(matmul(fromRows([[1, 2], [3, 4]]), fromRows([[5], [6]]))); // [[17], [39]]
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`${MODULE}: cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const n = a.rows;
  const m = a.cols;
  const p = b.cols;
  const A = a.data;
  const B = b.data;
  const C = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let k = 0; k < m; k++) {
      const aik = A[i * m + k]!;
      if (aik === 0) continue;
      const bk = k * p;
      for (let j = 0; j < p; j++) C[ci + j] += aik * B[bk + j]!;
    }
  }
  return { rows: n, cols: p, data: C };
}

/**
 * The Gram matrix `Aᵀ·A` (cols × cols, symmetric). Rows are taken in chunks of 256
 * (so each chunk stays in cache while its 2×2 register tiles run over it); each entry
 * is the sum over chunks, in order, of the chunk's products summed in row order.
 *
 * @example
 * toRows(gram(fromRows([[1, 2], [3, 4]]))); // [[10, 14], [14, 20]]
 */
export function gram(a: Matrix): Matrix {
  const { rows, cols: f, data: A } = a;
  const G = new Float64Array(f * f);
  const CHUNK = 256;
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const end = Math.min(rows, r0 + CHUNK) * f;
    for (let p = 0; p < f; p += 2) {
      const p2 = p + 1 < f;
      for (let q = p; q < f; q += 2) {
        const q2 = q + 1 < f;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        if (p2 && q2) {
          for (let o = r0 * f; o < end; o += f) {
            const a0 = A[o + p]!;
            const a1 = A[o + p + 1]!;
            const b0 = A[o + q]!;
            const b1 = A[o + q + 1]!;
            s00 += a0 * b0;
            s01 += a0 * b1;
            s10 += a1 * b0;
            s11 += a1 * b1;
          }
        } else {
          for (let o = r0 * f; o < end; o += f) {
            const a0 = A[o + p]!;
            const a1 = p2 ? A[o + p + 1]! : 0;
            const b0 = A[o + q]!;
            const b1 = q2 ? A[o + q + 1]! : 0;
            s00 += a0 * b0;
            s01 += a0 * b1;
            s10 += a1 * b0;
            s11 += a1 * b1;
          }
        }
        G[p * f + q]! += s00;
        if (q2) G[p * f + q + 1]! += s01;
        if (p2 && q > p) G[(p + 1) * f + q]! += s10;
        if (p2 && q2) G[(p + 1) * f + q + 1]! += s11;
      }
    }
  }
  // Mirror the upper triangle.
  for (let p = 0; p < f; p++) for (let q = p + 1; q < f; q++) G[q * f + p] = G[p * f + q]!;
  return { rows: f, cols: f, data: G };
}

/**
 * The Frobenius norm sqrt(Σ a_ij²).
 *
 * @example
 * frobeniusNorm(fromRows([[3, 0], [0, 4]])); // 5
 */
export function frobeniusNorm(m: Matrix): number {
  const d = m.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

/**
 * Each row divided by its sum (L1 normalisation of non-negative rows, e.g. role
 * memberships from G). A row summing to zero stays all zeros. Returns a new matrix.
 *
 * @example
 * toRows(rowNormalize(fromRows([[1, 3], [0, 0], [2, 2]]))); // [[0.25, 0.75], [0, 0], [0.5, 0.5]]
 */
export function rowNormalize(m: Matrix): Matrix {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[base + j]!;
    if (s === 0) continue;
    for (let j = 0; j < cols; j++) out[base + j] = data[base + j]! / s;
  }
  return { rows, cols, data: out };
}

/**
 * The column index of each row's largest entry (numpy `argmax(axis=1)`: ties go to
 * the lowest index; a NaN wins as in numpy; a row of a 0-column matrix gives -1).
 *
 * @example
 * argmaxRows(fromRows([[1, 5, 5], [7, 0, 1]])); // Int32Array [1, 0]
 */
export function argmaxRows(m: Matrix): Int32Array {
  const { rows, cols, data } = m;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (cols === 0) {
      out[i] = -1;
      continue;
    }
    const base = i * cols;
    let best = 0;
    let bv = data[base]!;
    if (!Number.isNaN(bv)) {
      for (let j = 1; j < cols; j++) {
        const v = data[base + j]!;
        if (Number.isNaN(v)) {
          best = j;
          break;
        }
        if (v > bv) {
          bv = v;
          best = j;
        }
      }
    }
    out[i] = best;
  }
  return out;
}
