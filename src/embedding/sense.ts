/**
 * Sense-making for RolX roles: what each role means in terms of familiar vertex
 * measures (NodeSense) and of the roles of its neighbours (NeighborSense), and a short
 * text per role built from both ("high degree, low clustering, next to role 2").
 *
 * Source: Henderson et al., "RolX: Structural Role Extraction & Mining in Large
 * Graphs", KDD 2012, §5 (sense-making). The paper's outline is followed; the exact
 * normalisations below are ours (the paper's are recalled, not verified — see
 * `../shared/research/lanl-method.md` §1c item 5) and are stated precisely here.
 *
 * **NodeSense.** P (n×r) are the role memberships (rows of G scaled to sum 1, done
 * here unless `normalizeRows: false`), M (n×m) the vertex measures (`measures.ts`).
 * E (r×m) ≥ 0 solves min ‖P·E − M‖_F, one non-negative least squares problem per
 * measure column (Lawson–Hanson, `nnls.ts`): E[k][j] is the value of measure j that
 * the model predicts for a vertex purely in role k. It is normalised against the
 * *average role*: the membership mix p̄ = the mean of the non-zero rows of P (the
 * population's role mix, summing to 1), whose predicted measure is
 * default[j] = Σ_k p̄_k·E[k][j] (≈ the mean of measure j when the fit is good). Then
 *
 *     normalized[k][j] = E[k][j] / default[j],
 *
 * so 1 means "as the average vertex", 3 "three times the average", 0.2 "a fifth of it".
 * A measure whose default is 0 (all its E entries are 0, e.g. triangles on a bipartite
 * graph) gets NaN: no information. `relErr[j]` = ‖P·E_j − M_j‖/‖M_j‖ says how much of
 * measure j the roles explain at all.
 *
 * **NeighborSense.** With A the adjacency (edge weights when `weighted`, else 1;
 * self-loops left out unless `selfLoops`), the role-to-role edge mass is
 *
 *     C = Pᵀ·A·P   (r×r, symmetric): C[a][b] = Σ_{v,u} P[v][a]·A[v][u]·P[u][b],
 *
 * the membership-weighted number of edge ends going from role a to role b. Its rows
 * normalised give `distribution[a][b]` = the share of role-a vertices' neighbours that
 * are in role b (row-stochastic). `lift[a][b]` = distribution[a][b] / share[b], where
 * share[b] = Σ_a C[a][b] / Σ C is the share of role b among all edge ends: > 1 means
 * role a is next to role b more often than a random edge end would be (the same null
 * model as modularity's). `method: "nnls"` replaces C by the regression the paper
 * describes for NeighborSense: the neighbour-role matrix N = A·P (n×r) regressed on P
 * by NNLS, N ≈ P·E′, and E′'s rows normalised; lift is computed from it the same way.
 */

import type { Csr } from "../graph/csr.js";
import { matrix, type Matrix } from "./matrix.js";
import type { MeasureTable } from "./measures.js";
import { nnls, nnlsRows } from "./nnls.js";

const MODULE = "telemetry-lab/embedding/sense";

/** Options of {@link nodeSense}. */
export interface NodeSenseOptions {
  /** Measure names when M is a Matrix. Default `measure_0`, `measure_1`, … (a MeasureTable brings its own). */
  measureNames?: readonly string[];
  /** Scale each row of G to sum 1 first (memberships). Default true. */
  normalizeRows?: boolean;
  /**
   * `gram` (default): the Gram-form NNLS over all columns at once (`nnlsRows`, fast);
   * `qr`: Householder QR per column (`nnls`), slower, for nearly collinear roles.
   */
  solver?: "gram" | "qr";
}

/** Defaults of {@link NodeSenseOptions}. */
export const NODE_SENSE_DEFAULTS: Readonly<{ normalizeRows: boolean; solver: "gram" | "qr" }> = Object.freeze({
  normalizeRows: true,
  solver: "gram",
});

/** Result of {@link nodeSense}. */
export interface NodeSense {
  /** Number of roles r. */
  readonly roles: number;
  /** Measure names, column order. */
  readonly measures: readonly string[];
  /** E (r×m) ≥ 0 with P·E ≈ M: the measure values of a vertex purely in each role. */
  readonly raw: Matrix;
  /** E[k][j] / default[j] (r×m): 1 = as the average role; NaN when default[j] = 0. */
  readonly normalized: Matrix;
  /** The average role's predicted measures, default[j] = Σ_k p̄_k·E[k][j] (length m). */
  readonly defaults: Float64Array;
  /** The average membership mix p̄ (length r, sums to 1; zeros when no row has a membership). */
  readonly meanMembership: Float64Array;
  /** ‖P·E_j − M_j‖₂ / ‖M_j‖₂ per measure (0 for an all-zero measure). */
  readonly relErr: Float64Array;
}

/** Options of {@link neighborSense}. */
export interface NeighborSenseOptions {
  /** Weight each edge by its weight (true) or count it once (false). Default false. */
  weighted?: boolean;
  /** Count a self-loop as the vertex being its own neighbour. Default false. */
  selfLoops?: boolean;
  /** Scale each row of the memberships to sum 1 first. Default true. */
  normalizeRows?: boolean;
  /** `aggregate` (default): C = PᵀAP; `nnls`: the paper's regression of A·P on P. */
  method?: "aggregate" | "nnls";
}

/** Defaults of {@link NeighborSenseOptions}. */
export const NEIGHBOR_SENSE_DEFAULTS: Readonly<Required<NeighborSenseOptions>> = Object.freeze({
  weighted: false,
  selfLoops: false,
  normalizeRows: true,
  method: "aggregate",
});

/** Result of {@link neighborSense}. */
export interface NeighborSense {
  /** Number of roles r. */
  readonly roles: number;
  /** The role-to-role mass (r×r): C = PᵀAP (`aggregate`) or E′ (`nnls`). */
  readonly mass: Matrix;
  /** Rows of `mass` scaled to sum 1 (a row of zeros stays zeros): the neighbours' role mix per role. */
  readonly distribution: Matrix;
  /** distribution[a][b] / share[b]: > 1 when role a is next to role b more than chance. NaN when share[b] = 0. */
  readonly lift: Matrix;
  /** share[b] = column sum of `mass` / total: each role's share of all neighbour slots. */
  readonly share: Float64Array;
}

/** Options of {@link describeRoles}. */
export interface DescribeRolesOptions {
  /** A ratio ≥ threshold reads "high", ≤ 1/threshold "low". Default 1.5. */
  threshold?: number;
  /** At most this many measure terms per role, strongest |log ratio| first. Default 3. */
  maxTerms?: number;
  /** Role names for the labels and the neighbour terms. Default `role 0`, `role 1`, … */
  roleNames?: readonly string[];
  /** When given, adds "next to X" for the neighbour role of largest lift ≥ threshold. */
  neighbors?: NeighborSense;
  /** Digits after the point in the ratios of the text. Default 1. */
  digits?: number;
}

/** Defaults of {@link DescribeRolesOptions}. */
export const DESCRIBE_ROLES_DEFAULTS: Readonly<{ threshold: number; maxTerms: number; digits: number }> = Object.freeze({
  threshold: 1.5,
  maxTerms: 3,
  digits: 1,
});

/** A measure or neighbour role with its ratio, as used in a {@link RoleDescription}. */
export interface RoleTerm {
  readonly name: string;
  readonly ratio: number;
}

/** The description of one role by {@link describeRoles}. */
export interface RoleDescription {
  readonly role: number;
  readonly label: string;
  /** Measures with normalized ≥ threshold, strongest first. */
  readonly high: readonly RoleTerm[];
  /** Measures with normalized ≤ 1/threshold, strongest first. */
  readonly low: readonly RoleTerm[];
  /** The neighbour role of largest lift ≥ threshold, if neighbours were given. */
  readonly nextTo?: RoleTerm;
  /** E.g. "high degree (4.2×), low clustering (0.1×), next to role 2 (2.3×)", or "average" when no term passes. */
  readonly text: string;
}

function isMatrix(x: Matrix | MeasureTable): x is Matrix {
  return (x as Matrix).data instanceof Float64Array && typeof (x as Matrix).rows === "number";
}

function tableMatrix(t: MeasureTable): Matrix {
  const n = t.nodes.length;
  const m = t.columns.length;
  const data = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    const col = t.columns[j]!;
    if (col.length !== n) throw new Error(`${MODULE}: measure '${t.names[j]}' has ${col.length} values, not ${n}`);
    for (let i = 0; i < n; i++) data[i * m + j] = col[i]!;
  }
  return { rows: n, cols: m, data };
}

function checkMemberships(G: Matrix, what: string): void {
  if (G.data.length !== G.rows * G.cols) throw new Error(`${MODULE}: ${what} data has ${G.data.length} entries, not ${G.rows}×${G.cols}`);
  for (let i = 0; i < G.data.length; i++) {
    const v = G.data[i]!;
    if (!(v >= 0 && v < Infinity)) {
      throw new Error(`${MODULE}: ${what} must be finite and non-negative; entry (${Math.floor(i / G.cols)}, ${i % G.cols}) is ${v}`);
    }
  }
}

/** Rows scaled to sum 1 (zero rows stay zero), as a new matrix. */
function normalizedRows(G: Matrix): Matrix {
  const { rows, cols, data } = G;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += data[i * cols + k]!;
    if (s > 0) for (let k = 0; k < cols; k++) out[i * cols + k] = data[i * cols + k]! / s;
  }
  return { rows, cols, data: out };
}

/**
 * NodeSense: the measures explained by the roles, E ≥ 0 with P·E ≈ M, and E
 * normalised against the average role (definitions in the module comment).
 *
 * @param G n×r role memberships (or RolX's G; rows are scaled to sum 1 by default).
 * @param M n×m measures, or a `MeasureTable` from `vertexMeasures` (its names are used).
 * @throws when the row counts differ, G has negative or non-finite entries, M has
 *   non-finite entries, or the number of names does not match.
 * @example
 * // two pure roles: vertices 0–1 in role 0 (degree 10, clustering 0), vertices 2–3 in role 1 (degree 2, clustering 1)
 * const s = nodeSense(fromRows([[1, 0], [1, 0], [0, 1], [0, 1]]), fromRows([[10, 0], [10, 0], [2, 1], [2, 1]]), { measureNames: ["degree", "clustering"] });
 * toRows(s.raw);        // [[10, 0], [2, 1]]
 * s.defaults;           // Float64Array [6, 0.5]
 * toRows(s.normalized); // [[1.666…, 0], [0.333…, 2]]
 */
export function nodeSense(G: Matrix, M: Matrix | MeasureTable, options: NodeSenseOptions = {}): NodeSense {
  const opts = { ...NODE_SENSE_DEFAULTS, ...options };
  const Mm = isMatrix(M) ? M : tableMatrix(M);
  const names = isMatrix(M)
    ? (options.measureNames ?? Array.from({ length: Mm.cols }, (_, j) => `measure_${j}`))
    : (options.measureNames ?? M.names);
  if (names.length !== Mm.cols) throw new Error(`${MODULE}: ${names.length} measure names for ${Mm.cols} measures`);
  if (G.rows !== Mm.rows) throw new Error(`${MODULE}: G has ${G.rows} rows, the measures ${Mm.rows}`);
  checkMemberships(G, "G");
  for (let i = 0; i < Mm.data.length; i++) {
    if (!Number.isFinite(Mm.data[i]!)) {
      throw new Error(`${MODULE}: measure '${names[i % Mm.cols]}' of row ${Math.floor(i / Mm.cols)} is ${Mm.data[i]}`);
    }
  }
  const P = opts.normalizeRows ? normalizedRows(G) : G;
  const n = P.rows;
  const r = P.cols;
  const m = Mm.cols;
  // Mᵀ: one measure per row, so that nnlsRows solves every column against the same P.
  const Mt = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) Mt[j * n + i] = Mm.data[i * m + j]!;
  const E = new Float64Array(r * m);
  const residuals = new Float64Array(m);
  if (opts.solver === "qr") {
    for (let j = 0; j < m; j++) {
      const { x, residual } = nnls(P, Mt.subarray(j * n, (j + 1) * n));
      for (let k = 0; k < r; k++) E[k * m + j] = x[k]!;
      residuals[j] = residual;
    }
  } else if (opts.solver === "gram") {
    const { X, residuals: res } = nnlsRows(P, matrix(m, n, Mt));
    for (let j = 0; j < m; j++) for (let k = 0; k < r; k++) E[k * m + j] = X.data[j * r + k]!;
    residuals.set(res);
  } else {
    throw new Error(`${MODULE}: solver must be 'gram' or 'qr', got '${String(opts.solver)}'`);
  }
  // The average role: mean of the non-zero membership rows, scaled to sum 1.
  const mean = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < r; k++) s += P.data[i * r + k]!;
    if (s > 0) for (let k = 0; k < r; k++) mean[k]! += P.data[i * r + k]! / s;
  }
  let total = 0;
  for (let k = 0; k < r; k++) total += mean[k]!;
  if (total > 0) for (let k = 0; k < r; k++) mean[k]! /= total;
  const defaults = new Float64Array(m);
  const relErr = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let d = 0;
    for (let k = 0; k < r; k++) d += mean[k]! * E[k * m + j]!;
    defaults[j] = d;
    let norm = 0;
    for (let i = 0; i < n; i++) norm += Mt[j * n + i]! ** 2;
    relErr[j] = norm > 0 ? residuals[j]! / Math.sqrt(norm) : 0;
  }
  const normalized = new Float64Array(r * m);
  for (let k = 0; k < r; k++) {
    for (let j = 0; j < m; j++) normalized[k * m + j] = defaults[j]! > 0 ? E[k * m + j]! / defaults[j]! : NaN;
  }
  return {
    roles: r,
    measures: names.slice(),
    raw: { rows: r, cols: m, data: E },
    normalized: { rows: r, cols: m, data: normalized },
    defaults,
    meanMembership: mean,
    relErr,
  };
}

/**
 * NeighborSense: for each role, the role mix of its neighbours and its lift over
 * chance (definitions in the module comment).
 *
 * @param g the graph whose vertices are the rows of `memberships` (Csr order).
 * @param memberships n×r role memberships (rows scaled to sum 1 by default).
 * @throws when the row count differs from the vertex count or a membership is
 *   negative or not finite.
 * @example
 * // a path a–b–c–d with a, d in role 0 (ends) and b, c in role 1 (middle)
 * const s = neighborSense(path4, fromRows([[1, 0], [0, 1], [0, 1], [1, 0]]));
 * toRows(s.mass);         // [[0, 2], [2, 2]]
 * toRows(s.distribution); // [[0, 1], [0.5, 0.5]]
 * toRows(s.lift);         // [[0, 1.5], [1.5, 0.75]]   (share = [1/3, 2/3])
 */
export function neighborSense(g: Csr, memberships: Matrix, options: NeighborSenseOptions = {}): NeighborSense {
  const opts = { ...NEIGHBOR_SENSE_DEFAULTS, ...options };
  const n = g.names.length;
  if (memberships.rows !== n) throw new Error(`${MODULE}: memberships have ${memberships.rows} rows, the graph ${n} vertices`);
  if (opts.method !== "aggregate" && opts.method !== "nnls") {
    throw new Error(`${MODULE}: method must be 'aggregate' or 'nnls', got '${String(opts.method)}'`);
  }
  checkMemberships(memberships, "memberships");
  const P = opts.normalizeRows ? normalizedRows(memberships) : memberships;
  const r = P.cols;
  const p = P.data;
  const { offsets, targets, weights } = g;
  // N = A·P: each vertex's neighbour-role mass.
  const N = new Float64Array(n * r);
  for (let v = 0; v < n; v++) {
    const base = v * r;
    for (let k = offsets[v]!; k < offsets[v + 1]!; k++) {
      const u = targets[k]!;
      if (u === v && !opts.selfLoops) continue;
      const w = opts.weighted ? weights[k]! : 1;
      if (w === 0) continue;
      const ub = u * r;
      for (let b = 0; b < r; b++) N[base + b]! += w * p[ub + b]!;
    }
  }
  const C = new Float64Array(r * r);
  if (opts.method === "aggregate") {
    for (let v = 0; v < n; v++) {
      const base = v * r;
      for (let a = 0; a < r; a++) {
        const pa = p[base + a]!;
        if (pa === 0) continue;
        for (let b = 0; b < r; b++) C[a * r + b]! += pa * N[base + b]!;
      }
    }
  } else {
    // N ≈ P·E′ column by column: row b of Nᵀ is the mass of role b next to each vertex.
    const Nt = new Float64Array(r * n);
    for (let v = 0; v < n; v++) for (let b = 0; b < r; b++) Nt[b * n + v] = N[v * r + b]!;
    const { X } = nnlsRows(P, matrix(r, n, Nt));
    for (let b = 0; b < r; b++) for (let a = 0; a < r; a++) C[a * r + b] = X.data[b * r + a]!;
  }
  const distribution = new Float64Array(r * r);
  const share = new Float64Array(r);
  let total = 0;
  for (let a = 0; a < r; a++) {
    let s = 0;
    for (let b = 0; b < r; b++) s += C[a * r + b]!;
    if (s > 0) for (let b = 0; b < r; b++) distribution[a * r + b] = C[a * r + b]! / s;
    for (let b = 0; b < r; b++) share[b]! += C[a * r + b]!;
    total += s;
  }
  if (total > 0) for (let b = 0; b < r; b++) share[b]! /= total;
  const lift = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) lift[a * r + b] = share[b]! > 0 ? distribution[a * r + b]! / share[b]! : NaN;
  }
  return {
    roles: r,
    mass: { rows: r, cols: r, data: C },
    distribution: { rows: r, cols: r, data: distribution },
    lift: { rows: r, cols: r, data: lift },
    share,
  };
}

/**
 * A short text per role from NodeSense (and NeighborSense when given): the measures
 * whose normalized value is ≥ `threshold` ("high") or ≤ 1/`threshold` ("low"),
 * strongest |log ratio| first, at most `maxTerms` of them, then "next to X" for the
 * neighbour role of largest lift if it is ≥ `threshold`. NaN ratios are skipped; a role
 * with no term reads "average".
 *
 * @throws when `threshold` is not > 1, `maxTerms` not a non-negative integer, or the
 *   role names or neighbour sense do not match the number of roles.
 * @example
 * describeRoles(nodeSense(G, M, { measureNames: ["degree", "clustering"] })).map((d) => d.text);
 * // ["high degree (1.7×), low clustering (0.0×)", "high clustering (2.0×), low degree (0.3×)"]
 */
export function describeRoles(sense: NodeSense, options: DescribeRolesOptions = {}): RoleDescription[] {
  const { threshold, maxTerms, digits } = { ...DESCRIBE_ROLES_DEFAULTS, ...options };
  if (!(threshold > 1)) throw new Error(`${MODULE}: threshold must be > 1, got ${threshold}`);
  if (!Number.isSafeInteger(maxTerms) || maxTerms < 0) throw new Error(`${MODULE}: maxTerms must be a non-negative integer, got ${maxTerms}`);
  const r = sense.roles;
  const m = sense.measures.length;
  const roleNames = options.roleNames ?? Array.from({ length: r }, (_, k) => `role ${k}`);
  if (roleNames.length !== r) throw new Error(`${MODULE}: ${roleNames.length} role names for ${r} roles`);
  const nb = options.neighbors;
  if (nb && nb.roles !== r) throw new Error(`${MODULE}: the neighbour sense has ${nb.roles} roles, the node sense ${r}`);
  const fmt = (x: number): string => `${x.toFixed(digits)}×`;
  const out: RoleDescription[] = [];
  for (let k = 0; k < r; k++) {
    const terms: { name: string; ratio: number; strength: number }[] = [];
    for (let j = 0; j < m; j++) {
      const ratio = sense.normalized.data[k * m + j]!;
      if (Number.isNaN(ratio)) continue;
      if (ratio >= threshold || ratio <= 1 / threshold) {
        terms.push({ name: sense.measures[j]!, ratio, strength: ratio > 0 ? Math.abs(Math.log(ratio)) : Infinity });
      }
    }
    terms.sort((x, y) => y.strength - x.strength || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const kept = terms.slice(0, maxTerms);
    const high = kept.filter((t) => t.ratio >= threshold).map(({ name, ratio }) => ({ name, ratio }));
    const low = kept.filter((t) => t.ratio < threshold).map(({ name, ratio }) => ({ name, ratio }));
    const parts = [...high.map((t) => `high ${t.name} (${fmt(t.ratio)})`), ...low.map((t) => `low ${t.name} (${fmt(t.ratio)})`)];
    let nextTo: RoleTerm | undefined;
    if (nb) {
      let best = -1;
      for (let b = 0; b < r; b++) {
        const l = nb.lift.data[k * r + b]!;
        if (l >= threshold && (best < 0 || l > nb.lift.data[k * r + best]!)) best = b;
      }
      if (best >= 0) {
        nextTo = { name: roleNames[best]!, ratio: nb.lift.data[k * r + best]! };
        parts.push(`next to ${nextTo.name} (${fmt(nextTo.ratio)})`);
      }
    }
    const description: RoleDescription = {
      role: k,
      label: roleNames[k]!,
      high,
      low,
      ...(nextTo ? { nextTo } : {}),
      text: parts.length > 0 ? parts.join(", ") : "average",
    };
    out.push(description);
  }
  return out;
}
