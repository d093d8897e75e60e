/**
 * Egonet statistics of every vertex of an undirected weighted graph, without building
 * any ego graph. The egonet of v is ego(v) = {v} ∪ N(v); its internal edges have both
 * ends in ego(v), its external (boundary) edges exactly one.
 *
 * Sources:
 * - K. Henderson et al., "It's Who You Know: Graph Mining Using Recursive Structural
 *   Features", KDD 2011 (egonet features: internal and external edge counts and weights).
 * - Triangles by the forward algorithm with degree ordering: T. Schank and D. Wagner,
 *   "Finding, Counting and Listing All Triangles in Large Graphs", WEA 2005; M. Latapy,
 *   "Main-memory triangle computations for very large (sparse (power-law)) graphs",
 *   Theor. Comput. Sci. 407, 2008. Each edge is oriented from the endpoint of lower
 *   (degree, id) to the higher one; a triangle is found once, from its lowest vertex, by
 *   marking that vertex's out-neighbours and scanning the out-lists of those
 *   out-neighbours. Cost O(Σ_v in(v)·out(v)) ≤ O(m^1.5): a hub's out-list only holds the
 *   few vertices of higher degree, so a vertex of degree 10^5 costs no more than its
 *   edges.
 *
 * Self-loops follow networkx (graphrole's graph library): a loop {v, v} is an internal
 * edge of every egonet containing v, never an external one, and not a neighbour for the
 * degree/triangle counts here (`degree` counts distinct neighbours other than v).
 *
 * With d(v) distinct neighbours other than v, s(v) the weight of v's non-loop edges,
 * t(v) the triangles through v and T(v) the weight of the edges opposite v in them:
 *
 *     internal count  = d(v) + t(v) + [loop at v] + Σ_{u∈N(v)\v} [loop at u]
 *     internal weight = s(v) + T(v) + loop(v)     + Σ_{u∈N(v)\v} loop(u)
 *     external count  = Σ_{u∈N(v)\v} d(u) − d(v) − 2 t(v)
 *     external weight = Σ_{u∈N(v)\v} s(u) − s(v) − 2 T(v)
 *
 * (each internal non-loop edge is counted twice by the sum over ego(v), each boundary
 * edge once). All of it is exact in floating point when the weights are integers (sums
 * below 2^53); with fractional weights the external weight can carry rounding error
 * relative to the larger neighbour strengths it is computed from, but it is exactly 0
 * whenever the (exact) external count is 0.
 */
import type { Csr } from "../graph/csr.js";

const MODULE = "telemetry-lab/embedding/egonet";

/** Options of {@link egonetStats}. */
export interface EgonetOptions {
  /**
   * Also return the support of every edge (its number of triangles), per CSR slot.
   * Default false.
   */
  support?: boolean;
}

/** Defaults of {@link EgonetOptions}. */
export const EGONET_DEFAULTS: Readonly<Required<EgonetOptions>> = Object.freeze({ support: false });

/** Per-vertex egonet statistics (index = vertex id); see the module comment. */
export interface EgonetStats {
  /** Distinct neighbours other than the vertex itself. */
  readonly degree: Float64Array;
  /** Total weight of the non-loop edges. */
  readonly strength: Float64Array;
  /** Weight of the self-loop (0 without one). */
  readonly loop: Float64Array;
  /** 1 where the vertex has a self-loop. */
  readonly hasLoop: Uint8Array;
  /** Triangles through the vertex. */
  readonly triangles: Float64Array;
  /** Σ over the triangles {v, a, b} through v of the weight of edge {a, b}. */
  readonly triangleWeight: Float64Array;
  /** Edges (self-loops included) with both ends in ego(v). */
  readonly internalCount: Float64Array;
  /** Their total weight. */
  readonly internalWeight: Float64Array;
  /** Edges with exactly one end in ego(v). */
  readonly externalCount: Float64Array;
  /** Their total weight. */
  readonly externalWeight: Float64Array;
  /**
   * With `support: true`: for CSR slot k (edge {u, targets[k]} in row u), the number of
   * common neighbours of its two ends (0 for a self-loop). Parallel to `g.targets`.
   */
  readonly support?: Float64Array;
}

/**
 * Egonet statistics of every vertex (see the module comment for the definitions).
 *
 * @throws when the CSR arrays are inconsistent (offsets not matching targets/weights).
 * @example
 * // triangle a-b-c with a pendant d on c, unit weights
 * const g = csrFromEdges(["a", "b", "c", "d"], [0, 0, 1, 2], [1, 2, 2, 3], [1, 1, 1, 1]);
 * const s = egonetStats(g);
 * [...s.internalCount]; // [3, 3, 4, 1]
 * [...s.externalCount]; // [1, 1, 0, 2]
 * [...s.triangles];     // [1, 1, 1, 0]
 */
export function egonetStats(g: Csr, options: EgonetOptions = {}): EgonetStats {
  const opts = { ...EGONET_DEFAULTS, ...options };
  const n = g.names.length;
  const { offsets, targets, weights } = g;
  if (offsets.length !== n + 1 || targets.length !== weights.length || offsets[n] !== targets.length) {
    throw new Error(
      `${MODULE}: inconsistent CSR (${n} names, ${offsets.length} offsets, ${targets.length} targets, ${weights.length} weights)`,
    );
  }
  const degree = new Float64Array(n);
  const strength = new Float64Array(n);
  const loop = new Float64Array(n);
  const hasLoop = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    let d = 0;
    let s = 0;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
      if (targets[k] === v) {
        hasLoop[v] = 1;
        loop[v] = weights[k]!;
      } else {
        d++;
        s += weights[k]!;
      }
    }
    degree[v] = d;
    strength[v] = s;
  }

  const tri = triangleStats(g, degree, opts.support);

  const internalCount = new Float64Array(n);
  const internalWeight = new Float64Array(n);
  const externalCount = new Float64Array(n);
  const externalWeight = new Float64Array(n);
  const { triangles, triangleWeight } = tri;
  for (let v = 0; v < n; v++) {
    let sd = 0;
    let ss = 0;
    let sl = 0;
    let slw = 0;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
      const u = targets[k]!;
      if (u === v) continue;
      sd += degree[u]!;
      ss += strength[u]!;
      sl += hasLoop[u]!;
      slw += loop[u]!;
    }
    const d = degree[v]!;
    const t = triangles[v]!;
    internalCount[v] = d + t + hasLoop[v]! + sl;
    internalWeight[v] = strength[v]! + triangleWeight[v]! + loop[v]! + slw;
    const xc = sd - d - 2 * t;
    externalCount[v] = xc;
    externalWeight[v] = xc === 0 ? 0 : ss - strength[v]! - 2 * triangleWeight[v]!;
  }
  const out: EgonetStats = {
    degree,
    strength,
    loop,
    hasLoop,
    triangles,
    triangleWeight,
    internalCount,
    internalWeight,
    externalCount,
    externalWeight,
  };
  return tri.support ? { ...out, support: tri.support } : out;
}

interface TriangleStats {
  triangles: Float64Array;
  triangleWeight: Float64Array;
  support?: Float64Array;
}

/**
 * Forward algorithm over the degree-ordered orientation (see the module comment). The work
 * runs in rank space (vertices renumbered by (degree, id)), so the out-lists point at the
 * few high-degree vertices packed at the end of the arrays: far fewer cache misses.
 */
function triangleStats(g: Csr, degree: Float64Array, withSupport: boolean): TriangleStats {
  const n = g.names.length;
  const { offsets, targets, weights } = g;
  // rank: vertices ordered by (degree, id), by a counting sort on the degree.
  let maxDeg = 0;
  for (let v = 0; v < n; v++) if (degree[v]! > maxDeg) maxDeg = degree[v]!;
  const bucket = new Uint32Array(maxDeg + 2);
  for (let v = 0; v < n; v++) bucket[degree[v]! + 1]!++;
  for (let i = 0; i <= maxDeg; i++) bucket[i + 1]! += bucket[i]!;
  const rank = new Uint32Array(n);
  const order = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    const r = bucket[degree[v]!]!++;
    rank[v] = r;
    order[r] = v;
  }
  // Oriented out-lists in rank space (to higher rank), with the CSR slot of each oriented edge.
  const oOff = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) {
    const v = order[r]!;
    let c = 0;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) if (rank[targets[k]!]! > r) c++;
    oOff[r + 1] = oOff[r]! + c;
  }
  const mo = oOff[n]!;
  const oTgt = new Uint32Array(mo);
  const oW = new Float64Array(mo);
  const oSlot = withSupport ? new Uint32Array(mo) : undefined;
  for (let r = 0; r < n; r++) {
    const v = order[r]!;
    let p = oOff[r]!;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
      const ru = rank[targets[k]!]!;
      if (ru > r) {
        oTgt[p] = ru;
        oW[p] = weights[k]!;
        if (oSlot) oSlot[p] = k;
        p++;
      }
    }
  }
  const triR = new Float64Array(n);
  const triWR = new Float64Array(n);
  const sup = withSupport ? new Uint32Array(mo) : undefined;
  const stamp = new Int32Array(n).fill(-1);
  const markW = new Float64Array(n);
  const markPos = withSupport ? new Uint32Array(n) : undefined;
  for (let u = 0; u < n; u++) {
    const a = oOff[u]!;
    const b = oOff[u + 1]!;
    if (b - a < 2) continue;
    for (let k = a; k < b; k++) {
      const w = oTgt[k]!;
      stamp[w] = u;
      markW[w] = oW[k]!;
      if (markPos) markPos[w] = k;
    }
    let tu = 0;
    let twu = 0;
    for (let k = a; k < b; k++) {
      const v = oTgt[k]!;
      const wuv = oW[k]!;
      let tv = 0;
      let twv = 0;
      for (let j = oOff[v]!, e = oOff[v + 1]!; j < e; j++) {
        const w = oTgt[j]!;
        if (stamp[w] !== u) continue;
        // triangle u < v < w (in rank order)
        const wuw = markW[w]!;
        const wvw = oW[j]!;
        tv++;
        twv += wuw;
        twu += wvw;
        triR[w]!++;
        triWR[w]! += wuv;
        if (sup) {
          sup[k]!++;
          sup[markPos![w]!]!++;
          sup[j]!++;
        }
      }
      tu += tv;
      triR[v]! += tv;
      triWR[v]! += twv;
    }
    triR[u]! += tu;
    triWR[u]! += twu;
  }
  const triangles = new Float64Array(n);
  const triangleWeight = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    triangles[v] = triR[rank[v]!]!;
    triangleWeight[v] = triWR[rank[v]!]!;
  }
  if (!sup) return { triangles, triangleWeight };
  // Spread the oriented supports onto both CSR slots of each edge.
  const support = new Float64Array(targets.length);
  const rev = reverseSlots(g);
  for (let p = 0; p < mo; p++) {
    const k = oSlot![p]!;
    support[k] = sup[p]!;
    support[rev[k]!] = sup[p]!;
  }
  return { triangles, triangleWeight, support };
}

/**
 * For every CSR slot k of edge (u → v), the slot of (v → u); a self-loop maps to itself.
 * Rows are scanned in ascending u; within row v the entries with target < v come first, in
 * ascending target, so one cursor per row pairs them up in O(nnz).
 */
function reverseSlots(g: Csr): Uint32Array {
  const n = g.names.length;
  const { offsets, targets } = g;
  const rev = new Uint32Array(targets.length);
  const cursor = offsets.slice(0, n);
  for (let u = 0; u < n; u++) {
    for (let k = offsets[u]!, end = offsets[u + 1]!; k < end; k++) {
      const v = targets[k]!;
      if (v < u) continue;
      if (v === u) {
        rev[k] = k;
        continue;
      }
      const r = cursor[v]!++;
      if (targets[r] !== u) {
        throw new Error(`${MODULE}: CSR is not symmetric (edge ${g.names[u]} -> ${g.names[v]} has no reverse entry)`);
      }
      rev[k] = r;
      rev[r] = k;
    }
  }
  return rev;
}
