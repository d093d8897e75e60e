/**
 * Description-length costs of a quantised RolX model V ≈ G·F (minimum description
 * length: model bits + error bits), in the two forms RolX is used in.
 *
 * Sources:
 * - K. Henderson, B. Gallagher, T. Eliassi-Rad, H. Tong, S. Basu, L. Akoglu, D. Koutra,
 *   C. Faloutsos, L. Li, "RolX: Structural Role Extraction & Mining in Large Graphs",
 *   KDD 2012, §2.3 (model selection by MDL).
 * - graphrole 1.1.1 (dkaslovsky/GraphRole, `roles/description_length.py`,
 *   `roles/extract.py`): encoding cost ⌈log₂ max(#distinct values of Gq, #distinct values
 *   of Fq)⌉ · (|G| + |F|); error cost the generalised KL divergence
 *   Σ V·ln(V/V̂) − V + V̂ over the entries with V ≠ 0 only (natural log, so in nats; the
 *   entries with V = 0 skip their +V̂ term); each cost matrix over the (roles × bits) grid is
 *   divided row by row by its L2 norm over the bits (empty cells skipped), and the argmin
 *   of the sum of the two rescaled matrices wins (the first in roles-then-bits order).
 * - LLNL refex-rolx `NMF_MDL_Quantized.m` (K. Henderson): model cost = Huffman cost of the
 *   quantised indices of F plus that of G (`huffman.ts`); error cost the Gaussian code
 *   length 0.5·log₂(e)·Σ (V − V̂)² / var(V), var the sample variance (n − 1) of all
 *   entries of V.
 *
 * V̂ = Gq·Fq is computed one row at a time (no n × f temporary).
 */

import { huffmanCost } from "./huffman.js";
import type { Matrix } from "./matrix.js";

const MODULE = "telemetry-lab/embedding/mdl";

function checkProduct(V: Matrix, G: Matrix, F: Matrix): void {
  if (G.rows !== V.rows || F.cols !== V.cols || G.cols !== F.rows) {
    throw new Error(
      `${MODULE}: V is ${V.rows}×${V.cols} but G is ${G.rows}×${G.cols} and F is ${F.rows}×${F.cols} (need G: n×k, F: k×f)`,
    );
  }
}

/**
 * Number of distinct values (numpy's `len(np.unique(x))`: NaN counted once; +0 and −0 equal).
 *
 * @example
 * distinctCount(Float64Array.from([0, -0, 1, 1, 2.5])); // 3
 */
export function distinctCount(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  let c = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || !(s[i] === s[i - 1] || (Number.isNaN(s[i]!) && Number.isNaN(s[i - 1]!)))) c++;
  return c;
}

/**
 * graphrole's encoding cost of a quantised model: ⌈log₂ max(#distinct Gq, #distinct Fq)⌉
 * bits per entry of G and F (0 when both hold a single value).
 *
 * @example
 * // Gq 3×2 with 3 distinct values, Fq 2×2 with 2: ⌈log₂ 3⌉ · (6 + 4) = 20
 * graphroleEncodingCost(fromRows([[0, 1], [1, 2], [0, 0]]), fromRows([[5, 5], [5, 7]])); // 20
 */
export function graphroleEncodingCost(Gq: Matrix, Fq: Matrix): number {
  const levels = Math.max(distinctCount(Gq.data), distinctCount(Fq.data));
  return Math.ceil(Math.log2(levels)) * (Gq.data.length + Fq.data.length);
}

/**
 * graphrole's error cost: Σ over the entries with V ≠ 0 of V·ln(V/V̂) − V + V̂, V̂ = G·F
 * (Infinity when some V ≠ 0 has V̂ = 0).
 *
 * @throws when the shapes do not match.
 * @example
 * // V = [[1, 0], [2, 2]], G = [[1], [1]], F = [[1, 1]]: V̂ = 1 everywhere;
 * // (1·ln 1 − 1 + 1) + skip + (2 ln 2 − 2 + 1)·2 = 4 ln 2 − 2
 * klErrorCost(fromRows([[1, 0], [2, 2]]), fromRows([[1], [1]]), fromRows([[1, 1]])); // 0.7725887…
 */
export function klErrorCost(V: Matrix, G: Matrix, F: Matrix): number {
  checkProduct(V, G, F);
  const n = V.rows;
  const f = V.cols;
  const k = G.cols;
  const v = V.data;
  const g = G.data;
  const fd = F.data;
  const row = new Float64Array(f);
  let total = 0;
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let r = 0; r < k; r++) {
      const gir = g[i * k + r]!;
      if (gir === 0) continue;
      const base = r * f;
      for (let j = 0; j < f; j++) row[j]! += gir * fd[base + j]!;
    }
    const vb = i * f;
    for (let j = 0; j < f; j++) {
      const x = v[vb + j]!;
      if (x !== 0) total += x * Math.log(x / row[j]!) - x + row[j]!;
    }
  }
  return total;
}

/**
 * LLNL's Gaussian error cost 0.5·log₂(e)·Σ (V − G·F)² / var(V), var the sample variance
 * (divisor n·f − 1) of all entries of V.
 *
 * @throws when the shapes do not match or V has fewer than 2 entries.
 * @example
 * // V = [[1, 3]] (var 2), G = [[1]], F = [[2, 2]]: Σ err² = 2 -> 0.5·log₂(e)·2/2
 * gaussianErrorCost(fromRows([[1, 3]]), fromRows([[1]]), fromRows([[2, 2]])); // 0.7213475…
 */
export function gaussianErrorCost(V: Matrix, G: Matrix, F: Matrix): number {
  checkProduct(V, G, F);
  const v = V.data;
  const N = v.length;
  if (N < 2) throw new Error(`${MODULE}: the Gaussian error cost needs at least 2 entries of V, got ${N}`);
  let mean = 0;
  for (let i = 0; i < N; i++) mean += v[i]!;
  mean /= N;
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (v[i]! - mean) ** 2;
  const variance = ss / (N - 1);
  const n = V.rows;
  const f = V.cols;
  const k = G.cols;
  const g = G.data;
  const fd = F.data;
  const row = new Float64Array(f);
  let err = 0;
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let r = 0; r < k; r++) {
      const gir = g[i * k + r]!;
      if (gir === 0) continue;
      const base = r * f;
      for (let j = 0; j < f; j++) row[j]! += gir * fd[base + j]!;
    }
    for (let j = 0; j < f; j++) err += (v[i * f + j]! - row[j]!) ** 2;
  }
  return (0.5 * Math.LOG2E * err) / variance;
}

/**
 * LLNL's model cost: the Huffman cost (`huffmanCost`, no position bits) of the quantised
 * level indices of G plus that of F, each code table entry costing `symbolBits`.
 *
 * @example
 * // G indices [0, 0, 1]: lengths 1, 1 -> table 2·(1.5 + 1) + entries 3 = 8;
 * // F indices [2, 2]: one symbol, length 0 -> 1.5
 * huffmanModelCost(Int32Array.from([0, 0, 1]), Int32Array.from([2, 2]), 1.5); // 9.5
 */
export function huffmanModelCost(gLabels: ArrayLike<number>, fLabels: ArrayLike<number>, symbolBits: number): number {
  return huffmanCost(gLabels, { symbolBits }) + huffmanCost(fLabels, { symbolBits });
}

/**
 * graphrole's rescaling of a (roles × bits) cost grid: each row divided by its L2 norm
 * over the finite cells (NaN cells are skipped in the norm and stay NaN; a row without a
 * finite cell, or with norm 0, becomes NaN as in numpy). Returns a new array.
 *
 * @example
 * rescaleRows(Float64Array.from([3, 4, NaN, 0, 0, 0]), 2, 3); // Float64Array [0.6, 0.8, NaN, NaN, NaN, NaN]
 */
export function rescaleRows(costs: Float64Array, rows: number, cols: number): Float64Array {
  if (costs.length !== rows * cols) throw new Error(`${MODULE}: cost grid has ${costs.length} cells, expected ${rows}×${cols}`);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const c = costs[i * cols + j]!;
      if (!Number.isNaN(c)) s += c * c;
    }
    const norm = Math.sqrt(s);
    for (let j = 0; j < cols; j++) out[i * cols + j] = costs[i * cols + j]! / norm;
  }
  return out;
}
