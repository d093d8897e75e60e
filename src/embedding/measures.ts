/**
 * Per-vertex structural measures that RolX's sense-making regresses on the role
 * memberships (NodeSense, `sense.ts`): degree, strength, triangles, local clustering,
 * PageRank, egonet size, egonet edges, egonet boundary edges and the mean degree of
 * the neighbours.
 *
 * Source: Henderson et al., "RolX: Structural Role Extraction & Mining in Large
 * Graphs", KDD 2012, §5 (sense-making with node measures). Every measure follows
 * networkx 2.8's definition on an undirected `nx.Graph` with `weight` attributes,
 * self-loops included, which the tests check against networkx itself:
 *
 * | name                  | networkx                                                  |
 * |-----------------------|-----------------------------------------------------------|
 * | `degree`              | `G.degree[v]` (a self-loop counts 2)                        |
 * | `strength`            | `G.degree(v, weight="weight")` (a self-loop's weight counts 2) |
 * | `triangles`           | `nx.triangles(G)[v]` (self-loops ignored)                  |
 * | `clustering`          | `nx.clustering(G)[v]`, unweighted: 2T/(d(d−1)) with d the neighbours other than v, 0 when d < 2 |
 * | `pagerank`            | `nx.pagerank(G, alpha=0.85, weight="weight")` (see {@link pagerank}) |
 * | `ego_size`            | `len(nx.ego_graph(G, v))` = 1 + d                          |
 * | `ego_edges`           | `nx.ego_graph(G, v).number_of_edges()` = d + T(v) + the self-loops of ego vertices |
 * | `ego_out_edges`       | `len(list(nx.edge_boundary(G, ego)))` = Σ_{u∈N(v)} d(u) − d(v) − 2·T(v) |
 * | `avg_neighbor_degree` | `nx.average_neighbor_degree(G)[v]` (unweighted; 0 for an isolated vertex) |
 *
 * Triangles use the degree-ordered orientation (Chiba and Nishizeki, SIAM J. Comput.
 * 14(1), 1985; Schank and Wagner, WEA 2005, "forward"): each edge points from the
 * endpoint of lower (degree, id) to the higher one, and a triangle is found once, at
 * its lowest vertex, by marking that vertex's out-neighbours. Out-degrees are at most
 * √(2m), so a hub of degree 10^5 costs O(m·√m) overall, never O(d²).
 */

import type { Csr } from "../graph/csr.js";
import type { Matrix } from "./matrix.js";

const MODULE = "telemetry-lab/embedding/measures";

/** The measures {@link vertexMeasures} can compute (see the module comment). */
export type MeasureName =
  | "degree"
  | "strength"
  | "triangles"
  | "clustering"
  | "pagerank"
  | "ego_size"
  | "ego_edges"
  | "ego_out_edges"
  | "avg_neighbor_degree";

/** All measures, in the default output order. */
export const MEASURE_NAMES: readonly MeasureName[] = Object.freeze([
  "degree",
  "strength",
  "triangles",
  "clustering",
  "pagerank",
  "ego_size",
  "ego_edges",
  "ego_out_edges",
  "avg_neighbor_degree",
] as const);

/** Options of {@link pagerank}. */
export interface PagerankOptions {
  /** Damping factor α (networkx `alpha`). Default 0.85. */
  damping?: number;
  /** Convergence: stop when ‖x − x_prev‖₁ < n·tol (networkx's rule). Default 1e-6. */
  tol?: number;
  /** Maximum number of power iterations. Default 100. */
  maxIter?: number;
}

/** Defaults of {@link PagerankOptions} (networkx's). */
export const PAGERANK_DEFAULTS: Readonly<Required<PagerankOptions>> = Object.freeze({
  damping: 0.85,
  tol: 1e-6,
  maxIter: 100,
});

/** Options of {@link vertexMeasures}. */
export interface MeasuresOptions {
  /** Measures to compute, in this output order. Default {@link MEASURE_NAMES}. */
  measures?: readonly MeasureName[];
  /** PageRank settings. Default {@link PAGERANK_DEFAULTS}. */
  pagerank?: PagerankOptions;
}

/** Defaults of {@link MeasuresOptions}. */
export const MEASURES_DEFAULTS: Readonly<{ measures: readonly MeasureName[]; pagerank: Readonly<Required<PagerankOptions>> }> =
  Object.freeze({ measures: MEASURE_NAMES, pagerank: PAGERANK_DEFAULTS });

/** Vertex measures as columns (the shape of ReFeX's `FeatureTable`, without generations). */
export interface MeasureTable {
  /** Vertex names, row order (= Csr order). */
  readonly nodes: readonly string[];
  /** Measure names, column order. */
  readonly names: readonly MeasureName[];
  /** One column per measure, length `nodes.length`. */
  readonly columns: readonly Float64Array[];
}

/** Result of {@link pagerank}. */
export interface PagerankResult {
  /** PageRank of every vertex (sums to 1). */
  readonly scores: Float64Array;
  /** Power iterations run. */
  readonly iterations: number;
  /** Whether the tolerance was met within `maxIter` (networkx raises when not; this returns the last iterate). */
  readonly converged: boolean;
}

/** Self-loop flag per vertex (rows are sorted, so a loop is found by binary search). */
function selfLoops(g: Csr): Uint8Array {
  const n = g.names.length;
  const loop = new Uint8Array(n);
  const { offsets, targets } = g;
  for (let u = 0; u < n; u++) {
    let lo = offsets[u]!;
    let hi = offsets[u + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = targets[mid]!;
      if (t === u) {
        loop[u] = 1;
        break;
      }
      if (t < u) lo = mid + 1;
      else hi = mid;
    }
  }
  return loop;
}

/** Number of neighbours other than the vertex itself. */
function simpleDegrees(g: Csr, loop: Uint8Array): Uint32Array {
  const n = g.names.length;
  const d = new Uint32Array(n);
  for (let u = 0; u < n; u++) d[u] = g.offsets[u + 1]! - g.offsets[u]! - loop[u]!;
  return d;
}

function triangleCore(g: Csr, d: Uint32Array): Float64Array {
  const n = g.names.length;
  const { offsets, targets } = g;
  // Degree-ordered orientation u → v when (d[u], u) < (d[v], v); self-loops dropped.
  const outOff = new Uint32Array(n + 1);
  for (let u = 0; u < n; u++) {
    const du = d[u]!;
    let c = 0;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
      const v = targets[k]!;
      const dv = d[v]!;
      if (du < dv || (du === dv && u < v)) c++;
    }
    outOff[u + 1] = outOff[u]! + c;
  }
  const out = new Uint32Array(outOff[n]!);
  for (let u = 0; u < n; u++) {
    const du = d[u]!;
    let p = outOff[u]!;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
      const v = targets[k]!;
      const dv = d[v]!;
      if (du < dv || (du === dv && u < v)) out[p++] = v;
    }
  }
  const tri = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    const a = outOff[u]!;
    const b = outOff[u + 1]!;
    if (b - a < 2) continue;
    for (let p = a; p < b; p++) mark[out[p]!] = u;
    let tu = 0;
    for (let p = a; p < b; p++) {
      const v = out[p]!;
      let tv = 0;
      for (let q = outOff[v]!; q < outOff[v + 1]!; q++) {
        const w = out[q]!;
        if (mark[w] === u) {
          tv++;
          tri[w]!++;
        }
      }
      tu += tv;
      tri[v]! += tv;
    }
    tri[u]! += tu;
  }
  return tri;
}

/**
 * Triangles through every vertex (networkx `nx.triangles`; self-loops ignored), by
 * the degree-ordered forward algorithm (see the module comment).
 *
 * @example
 * // triangle a–b–c with a pendant d on c
 * triangleCounts(g); // Float64Array [1, 1, 1, 0]
 */
export function triangleCounts(g: Csr): Float64Array {
  return triangleCore(g, simpleDegrees(g, selfLoops(g)));
}

/**
 * Local clustering coefficient, unweighted (networkx `nx.clustering(G)`):
 * 2·T(v) / (d(d − 1)), d = neighbours other than v; 0 when d < 2.
 *
 * @param triangles precomputed {@link triangleCounts}, if at hand.
 * @example
 * // triangle a–b–c with a pendant d on c
 * clusteringCoefficients(g); // Float64Array [1, 1, 0.333…, 0]
 */
export function clusteringCoefficients(g: Csr, triangles?: Float64Array): Float64Array {
  const n = g.names.length;
  const d = simpleDegrees(g, selfLoops(g));
  const tri = triangles ?? triangleCore(g, d);
  if (tri.length !== n) throw new Error(`${MODULE}: triangles has length ${tri.length}, the graph has ${n} vertices`);
  const c = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const du = d[u]!;
    if (du >= 2 && tri[u]! > 0) c[u] = (2 * tri[u]!) / (du * (du - 1));
  }
  return c;
}

/**
 * Weighted PageRank by power iteration, networkx 2.8's `nx.pagerank(G, alpha,
 * max_iter, tol, weight="weight")`: a vertex's rank flows to its neighbours in
 * proportion to the edge weights (a self-loop's weight counts once in the vertex's
 * out-weight, as in networkx's adjacency matrix); the rank of dangling vertices (zero
 * out-weight) is spread uniformly; x₀ and the teleport vector are uniform; stop when
 * ‖x − x_prev‖₁ < n·tol. Unlike networkx, failing to converge within `maxIter` does not
 * throw: the last iterate comes back with `converged: false`.
 *
 * @throws when `damping` is outside [0, 1], `tol` is negative or `maxIter` is not a
 *   non-negative integer.
 * @example
 * pagerank(starWith3Leaves).scores; // Float64Array [0.4797…, 0.1734…, 0.1734…, 0.1734…] (hub first)
 */
export function pagerank(g: Csr, options: PagerankOptions = {}): PagerankResult {
  const { damping, tol, maxIter } = { ...PAGERANK_DEFAULTS, ...options };
  if (!(damping >= 0 && damping <= 1)) throw new Error(`${MODULE}: pagerank damping must be in [0, 1], got ${damping}`);
  if (!(tol >= 0)) throw new Error(`${MODULE}: pagerank tol must be >= 0, got ${tol}`);
  if (!Number.isSafeInteger(maxIter) || maxIter < 0) {
    throw new Error(`${MODULE}: pagerank maxIter must be a non-negative integer, got ${maxIter}`);
  }
  const n = g.names.length;
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, converged: true };
  const { offsets, targets, weights } = g;
  const invOut = new Float64Array(n); // 1 / out-weight, 0 for dangling vertices
  for (let u = 0; u < n; u++) {
    let s = 0;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) s += weights[k]!;
    if (s !== 0) invOut[u] = 1 / s;
  }
  let x = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  const y = new Float64Array(n);
  for (let it = 1; it <= maxIter; it++) {
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      const iu = invOut[u]!;
      if (iu === 0) dangling += x[u]!;
      y[u] = x[u]! * iu;
    }
    const base = (damping * dangling) / n + (1 - damping) / n;
    let err = 0;
    // The adjacency is symmetric: the rank v receives is Σ_{u ∈ row v} w_uv · x_u / out_u.
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let k = offsets[v]!; k < offsets[v + 1]!; k++) s += weights[k]! * y[targets[k]!]!;
      const nv = damping * s + base;
      next[v] = nv;
      err += Math.abs(nv - x[v]!);
    }
    const t = x;
    x = next;
    next = t;
    if (err < n * tol) return { scores: x, iterations: it, converged: true };
  }
  return { scores: x, iterations: maxIter, converged: false };
}

/**
 * The measures of every vertex (see the module comment for their networkx definitions).
 * Triangles are counted once and shared by `triangles`, `clustering`, `ego_edges` and
 * `ego_out_edges`.
 *
 * @throws when a measure name is unknown or repeated, or on bad PageRank options.
 * @example
 * // triangle a–b–c with a pendant d on c (unit weights)
 * const t = vertexMeasures(g, { measures: ["degree", "triangles", "clustering", "ego_edges"] });
 * t.names;   // ["degree", "triangles", "clustering", "ego_edges"]
 * t.columns; // [[2, 2, 3, 1], [1, 1, 1, 0], [1, 1, 0.333…, 0], [3, 3, 4, 1]]
 */
export function vertexMeasures(g: Csr, options: MeasuresOptions = {}): MeasureTable {
  const names = options.measures ?? MEASURES_DEFAULTS.measures;
  const seen = new Set<string>();
  for (const name of names) {
    if (!(MEASURE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`${MODULE}: unknown measure '${name}'; expected one of ${MEASURE_NAMES.join(", ")}`);
    }
    if (seen.has(name)) throw new Error(`${MODULE}: measure '${name}' is listed twice`);
    seen.add(name);
  }
  const n = g.names.length;
  const { offsets, targets, weights } = g;
  const loop = selfLoops(g);
  const d = simpleDegrees(g, loop);
  const needTri = names.some((m) => m === "triangles" || m === "clustering" || m === "ego_edges" || m === "ego_out_edges");
  const tri = needTri ? triangleCore(g, d) : new Float64Array(0);
  const columns = names.map((name): Float64Array => {
    const col = new Float64Array(n);
    switch (name) {
      case "degree":
        for (let u = 0; u < n; u++) col[u] = d[u]! + 2 * loop[u]!;
        return col;
      case "strength":
        for (let u = 0; u < n; u++) {
          let s = 0;
          for (let k = offsets[u]!; k < offsets[u + 1]!; k++) s += targets[k] === u ? 2 * weights[k]! : weights[k]!;
          col[u] = s;
        }
        return col;
      case "triangles":
        col.set(tri);
        return col;
      case "clustering":
        return clusteringCoefficients(g, tri);
      case "pagerank":
        return pagerank(g, options.pagerank).scores;
      case "ego_size":
        for (let u = 0; u < n; u++) col[u] = 1 + d[u]!;
        return col;
      case "ego_edges":
        for (let u = 0; u < n; u++) {
          let loops = 0;
          for (let k = offsets[u]!; k < offsets[u + 1]!; k++) loops += loop[targets[k]!]!; // includes u's own loop
          col[u] = d[u]! + tri[u]! + loops;
        }
        return col;
      case "ego_out_edges":
        for (let u = 0; u < n; u++) {
          let s = 0;
          for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
            const v = targets[k]!;
            if (v !== u) s += d[v]!;
          }
          col[u] = s - d[u]! - 2 * tri[u]!;
        }
        return col;
      case "avg_neighbor_degree":
        for (let u = 0; u < n; u++) {
          const du = d[u]! + 2 * loop[u]!;
          if (du === 0) continue;
          let s = 0;
          for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
            const v = targets[k]!;
            s += d[v]! + 2 * loop[v]!;
          }
          col[u] = s / du;
        }
        return col;
    }
  });
  return { nodes: g.names, names: names.slice(), columns };
}

/**
 * The table as an n×m matrix (rows = vertices, columns = measures), for `nodeSense`.
 *
 * @example
 * measureMatrix(vertexMeasures(g, { measures: ["degree", "triangles"] })); // { rows: 4, cols: 2, data: [2, 1, 2, 1, 3, 1, 1, 0] }
 */
export function measureMatrix(t: MeasureTable): Matrix {
  const n = t.nodes.length;
  const m = t.columns.length;
  const data = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    const col = t.columns[j]!;
    if (col.length !== n) throw new Error(`${MODULE}: column '${t.names[j]}' has ${col.length} values, not ${n}`);
    for (let i = 0; i < n; i++) data[i * m + j] = col[i]!;
  }
  return { rows: n, cols: m, data };
}
