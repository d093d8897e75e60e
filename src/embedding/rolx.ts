/**
 * RolX: structural roles from a node × feature matrix V (ReFeX features) by non-negative
 * factorisation V ≈ G·F (G node × role, F role × feature), the number of roles chosen by
 * minimum description length; mixed memberships (rows of G normalised to sum 1) and hard
 * roles (argmax).
 *
 * Source: K. Henderson, B. Gallagher, T. Eliassi-Rad, H. Tong, S. Basu, L. Akoglu,
 * D. Koutra, C. Faloutsos, L. Li, "RolX: Structural Role Extraction & Mining in Large
 * Graphs", KDD 2012. Two presets follow its two reference implementations:
 *
 * `graphrole` (default): graphrole 1.1.1's `RoleExtractor` (dkaslovsky/GraphRole,
 * `roles/extract.py`, `factor.py`, `description_length.py`).
 * - Grid: roles 2..min(min(n, f), 8) × bits 1..8. For each roles count k, scikit-learn
 *   `NMF(k, solver='mu', init='nndsvda')` (Frobenius loss, 200 iterations, tol 1e-4;
 *   `nmf.ts`), fitted once per k. graphrole refits it for every bits value; those refits
 *   differ only by round-off (scikit-learn's NNDSVDa start takes a randomized SVD, unseeded;
 *   `nndsvd.ts` takes the exact one).
 * - Each cell quantises the entries of G and of F separately into 2^bits levels with
 *   scikit-learn `KMeans(2^bits, random_state=1)` (k-means++, 10 restarts, Lloyd), which
 *   `quantize.ts` (`method: "sklearn"`) reproduces operation by operation, numpy's MT19937
 *   included: on scikit-learn's own factors it returns the same levels bit for bit. That
 *   costs O(2^bits·n·k) per restart, so above `sklearnMaxEntries` entries of G the
 *   optimal 1-D k-means (`method: "auto"`) is used instead: the same partition whenever
 *   k-means++ finds the optimum; where it stops short the error costs differ (up to tens of
 *   percent in a cell), and the choice can differ when two cells are within a fraction of
 *   a percent. Measured on 49 matrices (graphrole features of networkx graphs, synthetic
 *   heavy-tailed ones; 200–500 rows): graphrole's (roles, bits) chosen 49 times of 49 with
 *   the reproduction, 45 of 49 with the optimum; k = 4 hard roles differing from
 *   graphrole's on 17 of 15,161 vertices (2 matrices), against 195. The remaining
 *   differences come from ties broken by round-off (vertices with identical features give
 *   equal k-means++ candidates; graphrole's own reruns disagree on such a matrix).
 * - A cell where 2^bits exceeds the number of entries of F (or G) is skipped: scikit-learn
 *   raises a ValueError there and graphrole skips the cell. With fewer distinct values
 *   than levels every distinct value becomes its own level (scikit-learn gives the same,
 *   with a warning graphrole silences).
 * - Costs (`mdl.ts`): encoding ⌈log₂ max(#distinct Gq, #distinct Fq)⌉·(|G| + |F|); error
 *   the KL divergence over the entries with V ≠ 0; each cost grid divided row by row (per
 *   roles count) by its L2 norm over the bits; the smallest sum wins, the first in
 *   roles-then-bits order on ties.
 * - With `roles` given: bits = ⌊log₂(roles·min(n, f))⌋, no grid search.
 * - Output: graphrole's factors are the quantised ones (`node_role_factor` is Gq,
 *   `roles` its argmax, `role_percentage` its normalised rows), so `factors` defaults to
 *   `"quantized"` here.
 *
 * `llnl`: LLNL refex-rolx `NMF_MDL_Quantized.m` (K. Henderson).
 * - r = 1, 2, … up to min(n, f); Frobenius multiplicative-update NMF per r, F's rows
 *   normalised to sum 1 and G's columns scaled to match (as `NMF_LS_new.m`); r ≥ f gives
 *   the exact G = V, F = I (as `NMF_LS_new.m`).
 * - Lloyd–Max quantisation (`quantize.ts` `lloydMax`) of F and of G into ⌈log₂ n⌉ levels;
 *   model cost the Huffman cost of the level indices with log₂(log₂ n) bits per table
 *   entry (`huffman.ts`); error cost 0.5·log₂(e)·Σ(V − GqFq)²/var(V); total = their sum.
 * - The search stops after 5 consecutive r worse than the best so far.
 * - Output: the unquantised NMF factors of the best r (`factors: "nmf"`).
 * - Deviations: NMF starts from NNDSVD with scikit-learn's stopping rule (at most 1000
 *   iterations) instead of LLNL's random start scaled by max V and its ΣΔ² < 1e-5 test;
 *   `lloydMax`'s own deviations (fixed-point stop; emptied levels dropped); Huffman ties
 *   broken by creation order. A grid entry's `bits` is the table bits per symbol,
 *   log₂(levels) (LLNL's `symBits`, not an integer in general).
 *
 * New graphs with the roles held fixed: `roleMemberships` solves V' ≈ G'·F with F fixed
 * (`nmfTransform`, multiplicative updates on G only, as scikit-learn's `NMF.transform` and
 * LLNL's `NMF_LS_FixedF.m`).
 */

import { argmaxRows, matrix, rowNormalize, type Matrix } from "./matrix.js";
import { gaussianErrorCost, graphroleEncodingCost, huffmanModelCost, klErrorCost, rescaleRows } from "./mdl.js";
import { nmf, nmfTransform, type NmfInit, type NmfResult, type NmfTransformOptions } from "./nmf.js";
import { lloydMax, quantizeLadder, type QuantizeOptions } from "./quantize.js";

const MODULE = "telemetry-lab/embedding/rolx";

/** The two model-selection procedures (module comment). */
export type RolxPreset = "graphrole" | "llnl";

/** One (roles, bits) cell tried by the model selection. */
export interface RolxGridEntry {
  roles: number;
  bits: number;
  /** ‖V − G·F‖_F / ‖V‖_F of the unquantised NMF with this many roles. */
  nmfRelErr: number;
  /** Model bits (graphrole: encoding cost; llnl: Huffman cost). */
  encodingCost?: number;
  /** Error bits (graphrole: KL divergence in nats; llnl: Gaussian code length in bits). */
  errorCost?: number;
  /** graphrole: the sum of the row-rescaled costs (the selection criterion); llnl: model + error bits. */
  totalCost?: number;
  /** Why the cell was not evaluated. */
  skipped?: string;
}

/** A fitted role model: enough to compute memberships of new vertices (`roleMemberships`). */
export interface RolxModel {
  preset: RolxPreset;
  roles: number;
  bits: number;
  /** ‖V − G·F‖_F / ‖V‖_F of the unquantised NMF with the chosen number of roles. */
  nmfRelErr: number;
  grid: RolxGridEntry[];
  /** Role × feature matrix. */
  F: Matrix;
  /** Feature names, the columns of F (and of V). */
  features: readonly string[];
}

/** What `rolx` returns. */
export interface RolxResult {
  model: RolxModel;
  /** Node × role factor. */
  G: Matrix;
  /** G with rows normalised to sum 1 (all-zero rows stay zero). */
  memberships: Matrix;
  /** Hard role of each node: the argmax of its row of G (ties to the lowest role). */
  hard: Int32Array;
}

/** Options of `rolx`. Unset fields take the preset's defaults (`ROLX_PRESETS`). */
export interface RolxOptions {
  preset?: RolxPreset;
  /** A fixed number of roles (no search). */
  roles?: number;
  /** Smallest and largest roles count searched (the largest is also capped at min(n, f)). */
  minRoles?: number;
  maxRoles?: number;
  /** graphrole: the bits range of the grid. */
  minBits?: number;
  maxBits?: number;
  /** Output the quantised factors (graphrole's output) or the NMF factors (LLNL's). */
  factors?: "quantized" | "nmf";
  /** llnl: stop after this many consecutive roles counts worse than the best. */
  patience?: number;
  /** llnl: quantisation bins (default log₂ n, LLNL's; levels = ⌈bins⌉, table bits log₂ bins). */
  bins?: number;
  /** NMF start, iteration cap and tolerance. */
  init?: NmfInit;
  maxIter?: number;
  tol?: number;
  /** graphrole: options of the 1-D quantiser (`quantize.ts`); overrides the method chosen by `sklearnMaxEntries`. */
  quantizer?: QuantizeOptions;
  /** graphrole: reproduce scikit-learn's KMeans while G has at most this many entries (n × roles), else optimal 1-D k-means. */
  sklearnMaxEntries?: number;
  /** Seed of the NMF's random start (and of the quantiser's restarts). */
  seed?: number;
  /** NMF worker threads (0: automatic). */
  workers?: number;
}

/** Per-preset defaults of `rolx`. */
export const ROLX_PRESETS = Object.freeze({
  graphrole: Object.freeze({
    minRoles: 2,
    maxRoles: 8,
    minBits: 1,
    maxBits: 8,
    factors: "quantized" as "quantized" | "nmf",
    patience: Infinity,
    init: "nndsvda" as NmfInit,
    maxIter: 200,
    tol: 1e-4,
    sklearnMaxEntries: 32768,
  }),
  llnl: Object.freeze({
    minRoles: 1,
    maxRoles: Infinity,
    minBits: 1,
    maxBits: 8,
    factors: "nmf" as "quantized" | "nmf",
    patience: 5,
    init: "nndsvd" as NmfInit,
    maxIter: 1000,
    tol: 1e-4,
    sklearnMaxEntries: 0,
  }),
});

/** Defaults of `rolx` shared by both presets. */
export const ROLX_DEFAULTS = Object.freeze({ preset: "graphrole" as RolxPreset, seed: 0, workers: 0 });

function checkV(V: Matrix, features: readonly string[]): void {
  if (V.rows < 1 || V.cols < 1) throw new Error(`${MODULE}: V is ${V.rows}×${V.cols}; it needs at least one row and one column`);
  if (V.data.length !== V.rows * V.cols) throw new Error(`${MODULE}: V has ${V.data.length} entries for ${V.rows}×${V.cols}`);
  if (features.length !== V.cols) throw new Error(`${MODULE}: ${features.length} feature names for ${V.cols} columns of V`);
  const d = V.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (!(x >= 0) || x === Infinity) {
      throw new Error(`${MODULE}: V[${Math.floor(i / V.cols)}][${i % V.cols}] (${features[i % V.cols]}) is ${x}; entries must be finite and ≥ 0`);
    }
  }
}

function result(preset: RolxPreset, fit: { roles: number; bits: number; nmfRelErr: number; G: Matrix; F: Matrix }, grid: RolxGridEntry[], features: readonly string[]): RolxResult {
  const model: RolxModel = { preset, roles: fit.roles, bits: fit.bits, nmfRelErr: fit.nmfRelErr, grid, F: fit.F, features: [...features] };
  return { model, G: fit.G, memberships: rowNormalize(fit.G), hard: argmaxRows(fit.G) };
}

type Resolved = Required<Omit<RolxOptions, "roles" | "quantizer">> & { roles?: number; quantizer: QuantizeOptions };

function graphroleRolx(V: Matrix, features: readonly string[], o: Resolved): RolxResult {
  const { rows: n, cols: f } = V;
  const fitK = (k: number): NmfResult => nmf(V, { k, loss: "frobenius", init: o.init, maxIter: o.maxIter, tol: o.tol, seed: o.seed, workers: o.workers });
  const largestG = n * (o.roles ?? Math.min(n, f, o.maxRoles));
  const quantOpts: QuantizeOptions = { seed: o.seed, method: largestG <= o.sklearnMaxEntries ? "sklearn" : "auto", ...o.quantizer };
  const quantized = (fit: NmfResult, levels: number[]): Array<{ Gq: Matrix; Fq: Matrix }> => {
    const g = quantizeLadder(fit.W.data, levels, quantOpts);
    const h = quantizeLadder(fit.H.data, levels, quantOpts);
    return levels.map((_, t) => ({ Gq: matrix(fit.W.rows, fit.W.cols, g[t]!.values), Fq: matrix(fit.H.rows, fit.H.cols, h[t]!.values) }));
  };
  const out = (k: number, bits: number, fit: NmfResult, grid: RolxGridEntry[]): RolxResult => {
    const { Gq, Fq } = quantized(fit, [2 ** bits])[0]!;
    const quant = o.factors === "quantized";
    return result("graphrole", { roles: k, bits, nmfRelErr: fit.relErr, G: quant ? Gq : fit.W, F: quant ? Fq : fit.H }, grid, features);
  };

  if (o.roles !== undefined) {
    const k = o.roles;
    if (!Number.isInteger(k) || k < 1 || k > Math.min(n, f)) {
      throw new Error(`${MODULE}: roles must be an integer in 1..min(n, f) = ${Math.min(n, f)}, got ${k}`);
    }
    // graphrole: factors hold k·(n + f) numbers, "so encode with approximately log2(k·min(n, f)) bits"
    const bits = Math.max(0, Math.floor(Math.log2(k * Math.min(n, f))));
    const fit = fitK(k);
    const { Gq, Fq } = quantized(fit, [2 ** bits])[0]!;
    const entry: RolxGridEntry = { roles: k, bits, nmfRelErr: fit.relErr, encodingCost: graphroleEncodingCost(Gq, Fq), errorCost: klErrorCost(V, Gq, Fq) };
    return out(k, bits, fit, [entry]);
  }

  const maxK = Math.min(n, f, o.maxRoles);
  if (maxK < o.minRoles) {
    throw new Error(`${MODULE}: V is ${n}×${f}: the roles range ${o.minRoles}..min(min(n, f), ${o.maxRoles}) is empty`);
  }
  const ks: number[] = [];
  for (let k = o.minRoles; k <= maxK; k++) ks.push(k);
  const bitsList: number[] = [];
  for (let b = o.minBits; b <= o.maxBits; b++) bitsList.push(b);
  const B = bitsList.length;
  const enc = new Float64Array(ks.length * B).fill(NaN);
  const err = new Float64Array(ks.length * B).fill(NaN);
  const grid: RolxGridEntry[] = [];
  const fits: NmfResult[] = [];
  ks.forEach((k, r) => {
    const fit = fitK(k);
    fits.push(fit);
    const ok = bitsList.filter((b) => 2 ** b <= fit.H.data.length && 2 ** b <= fit.W.data.length);
    const q = quantized(fit, ok.map((b) => 2 ** b));
    bitsList.forEach((b, c) => {
      const t = ok.indexOf(b);
      if (t < 0) {
        const m = Math.min(fit.H.data.length, fit.W.data.length);
        grid.push({
          roles: k,
          bits: b,
          nmfRelErr: fit.relErr,
          skipped: `2^${b} = ${2 ** b} levels > ${m} entries of ${m === fit.H.data.length ? "F" : "G"} (scikit-learn's KMeans raises; graphrole skips the cell)`,
        });
        return;
      }
      enc[r * B + c] = graphroleEncodingCost(q[t]!.Gq, q[t]!.Fq);
      err[r * B + c] = klErrorCost(V, q[t]!.Gq, q[t]!.Fq);
      grid.push({ roles: k, bits: b, nmfRelErr: fit.relErr, encodingCost: enc[r * B + c]!, errorCost: err[r * B + c]! });
    });
  });
  const e1 = rescaleRows(enc, ks.length, B);
  const e2 = rescaleRows(err, ks.length, B);
  let best = -1;
  for (let t = 0; t < ks.length * B; t++) {
    const total = e1[t]! + e2[t]!;
    if (!Number.isNaN(enc[t]!)) grid[t]!.totalCost = total;
    if (!Number.isNaN(total) && (best < 0 || total < e1[best]! + e2[best]!)) best = t;
  }
  if (best < 0) throw new Error(`${MODULE}: no (roles, bits) cell of the grid has a finite cost (V is ${n}×${f})`);
  const r = Math.floor(best / B);
  return out(ks[r]!, bitsList[best % B]!, fits[r]!, grid);
}

/** LLNL's factor normalisation: rows of F sum to 1, G's columns scaled to keep G·F. */
function normalizeLlnl(W: Matrix, H: Matrix): { G: Matrix; F: Matrix } {
  const { rows: k, cols: f } = H;
  const n = W.rows;
  const F = new Float64Array(H.data);
  const G = new Float64Array(W.data);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let j = 0; j < f; j++) s += F[r * f + j]!;
    const d = Math.max(s, 1e-20);
    for (let j = 0; j < f; j++) F[r * f + j]! /= d;
    for (let i = 0; i < n; i++) G[i * k + r]! *= d;
  }
  return { G: matrix(n, k, G), F: matrix(k, f, F) };
}

function llnlRolx(V: Matrix, features: readonly string[], o: Resolved): RolxResult {
  const { rows: n, cols: f } = V;
  const bins = o.bins;
  if (!(bins >= 1) || !Number.isFinite(bins)) throw new Error(`${MODULE}: bins must be ≥ 1, got ${bins} (default log2(n) needs n ≥ 2)`);
  const symbolBits = Math.log2(bins);
  const grid: RolxGridEntry[] = [];
  const fitR = (r: number): { G: Matrix; F: Matrix; relErr: number } => {
    if (r >= f) {
      // NMF_LS_new.m: r ≥ d gives G = V, F = I exactly
      const I = new Float64Array(f * f);
      for (let j = 0; j < f; j++) I[j * f + j] = 1;
      return { G: matrix(n, f, new Float64Array(V.data)), F: matrix(f, f, I), relErr: 0 };
    }
    const fit = nmf(V, { k: r, loss: "frobenius", init: o.init, maxIter: o.maxIter, tol: o.tol, seed: o.seed, workers: o.workers });
    return { ...normalizeLlnl(fit.W, fit.H), relErr: fit.relErr };
  };
  const tryRoles = (r: number): { entry: RolxGridEntry; G: Matrix; F: Matrix; Gq: Matrix; Fq: Matrix } => {
    const { G, F, relErr } = fitR(r);
    const fq = lloydMax(F.data, bins);
    const gq = lloydMax(G.data, bins);
    const Gq = matrix(G.rows, G.cols, gq.values);
    const Fq = matrix(F.rows, F.cols, fq.values);
    const encodingCost = huffmanModelCost(gq.labels, fq.labels, symbolBits);
    const errorCost = gaussianErrorCost(V, Gq, Fq);
    return { entry: { roles: r, bits: symbolBits, nmfRelErr: relErr, encodingCost, errorCost, totalCost: encodingCost + errorCost }, G, F, Gq, Fq };
  };
  const pick = (t: ReturnType<typeof tryRoles>): RolxResult =>
    result(
      "llnl",
      { roles: t.entry.roles, bits: symbolBits, nmfRelErr: t.entry.nmfRelErr, G: o.factors === "quantized" ? t.Gq : t.G, F: o.factors === "quantized" ? t.Fq : t.F },
      grid,
      features,
    );

  if (o.roles !== undefined) {
    const r = o.roles;
    if (!Number.isInteger(r) || r < 1 || r > Math.min(n, f)) throw new Error(`${MODULE}: roles must be an integer in 1..min(n, f) = ${Math.min(n, f)}, got ${r}`);
    const t = tryRoles(r);
    grid.push(t.entry);
    return pick(t);
  }
  const maxR = Math.min(n, f, o.maxRoles);
  if (maxR < o.minRoles) throw new Error(`${MODULE}: V is ${n}×${f}: the roles range ${o.minRoles}..min(n, f, ${o.maxRoles}) is empty`);
  let best: ReturnType<typeof tryRoles> | undefined;
  let worse = 0;
  for (let r = o.minRoles; r <= maxR; r++) {
    const t = tryRoles(r);
    grid.push(t.entry);
    if (best === undefined || t.entry.totalCost! < best.entry.totalCost!) {
      best = t;
      worse = 0;
    } else if (++worse >= o.patience) break;
  }
  return pick(best!);
}

/**
 * Roles of the rows of V (module comment): the number of roles chosen by MDL (or fixed
 * with `roles`), memberships and hard roles, and the model (F and the grid of costs).
 *
 * @throws when V has a negative or non-finite entry, the names do not match its columns,
 *   the roles range is empty (graphrole needs min(n, f) ≥ 2), or `roles` is out of range.
 * @example
 * // 300 nodes × 10 features (e.g. `featureMatrix(refex(g))`)
 * const r = rolx(V, names);
 * r.model.roles, r.model.bits; // e.g. 7, 3 — the cell with the smallest rescaled cost
 * r.model.grid.length;         // 56 cells (7 roles counts × 8 bits), some `skipped`
 * r.memberships;               // 300 × 7, rows sum to 1
 * r.hard;                      // Int32Array of 300 role indices
 */
export function rolx(V: Matrix, features: readonly string[], options: RolxOptions = {}): RolxResult {
  const preset = options.preset ?? ROLX_DEFAULTS.preset;
  if (preset !== "graphrole" && preset !== "llnl") throw new Error(`${MODULE}: unknown preset '${String(preset)}'; expected graphrole or llnl`);
  checkV(V, features);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = {
    ...ROLX_DEFAULTS,
    ...ROLX_PRESETS[preset],
    bins: Math.log2(V.rows),
    quantizer: {},
    ...defined,
  } as Resolved;
  return preset === "graphrole" ? graphroleRolx(V, features, o) : llnlRolx(V, features, o);
}

/** Options of `roleMemberships` (`nmfTransform`'s; the loss defaults to Frobenius, both presets' NMF loss). */
export type RoleMembershipsOptions = NmfTransformOptions;

/**
 * Role memberships of (new) vertices with the model's F held fixed: G = argmin over
 * G ≥ 0 of ‖V − G·F‖ (`nmfTransform`, multiplicative updates on G by default), its rows
 * normalised and their argmax. V's columns must be the model's features, in order.
 *
 * @throws when V's column count differs from the model's features.
 * @example
 * const fit = rolx(Vtrain, names);
 * const { memberships, hard } = roleMemberships(VnextHour, fit.model);
 */
export function roleMemberships(V: Matrix, model: RolxModel, options: RoleMembershipsOptions = {}): { G: Matrix; memberships: Matrix; hard: Int32Array } {
  if (V.cols !== model.F.cols) {
    throw new Error(`${MODULE}: V has ${V.cols} columns but the model has ${model.F.cols} features (${model.features.slice(0, 3).join(", ")}…)`);
  }
  const G = nmfTransform(V, model.F, { loss: "frobenius", ...options });
  return { G, memberships: rowNormalize(G), hard: argmaxRows(G) };
}
