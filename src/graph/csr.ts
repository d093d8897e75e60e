/**
 * Compressed sparse row (CSR) form of an undirected weighted graph: the frozen
 * output of every builder and the input of every later algorithm (features,
 * roles). Vertex `i` is named `names[i]`; its neighbours are
 * `targets[offsets[i] .. offsets[i+1])`, sorted ascending, with their edge
 * weights in `weights` at the same positions.
 *
 * Undirected: an edge {u, v} with u != v appears twice (in row u and in row v);
 * a self-loop {u, u} appears once, in row u. Vertex ids follow `names`; builders
 * order vertices by name (JS string order), so the same graph always has the
 * same CSR, whatever the order its events came in.
 *
 * Source: the standard CSR layout (e.g. Saad, "Iterative Methods for Sparse
 * Linear Systems", §3.4); graphology-indices builds the same typed-array index.
 */

/** An undirected weighted graph in CSR form (see the module comment). */
export interface Csr {
  /** Vertex names, index = vertex id. */
  readonly names: readonly string[];
  /** Row pointers, length `names.length + 1`. */
  readonly offsets: Uint32Array;
  /** Neighbour ids, ascending within each row. */
  readonly targets: Uint32Array;
  /** Edge weights, parallel to `targets`. */
  readonly weights: Float64Array;
}

/** Options of {@link csrFromEdges}. */
export interface CsrFromEdgesOptions {
  /** Renumber vertices in name order (true) or keep the given ids (false). Default true. */
  sortByName?: boolean;
  /** Drop vertices without any edge. Default true (networkx-like: vertices come with edges). */
  dropIsolated?: boolean;
}

/** Defaults of {@link CsrFromEdgesOptions}. */
export const CSR_DEFAULTS: Required<CsrFromEdgesOptions> = { sortByName: true, dropIsolated: true };

/**
 * The ids `ids` ordered by `names[id]` (JS string order, UTF-16 code units).
 *
 * @example
 * nameOrder(["b", "c", "a"], [0, 1, 2]); // [2, 0, 1]
 */
export function nameOrder(names: readonly string[], ids: readonly number[]): number[] {
  return ids.slice().sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : a - b));
}

/** Number of vertices. */
export function vertexCount(g: Csr): number {
  return g.names.length;
}

/** Number of undirected edges (self-loops count once). */
export function edgeCount(g: Csr): number {
  let loops = 0;
  const n = g.names.length;
  for (let u = 0; u < n; u++) {
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) if (g.targets[k] === u) loops++;
  }
  return (g.targets.length + loops) / 2;
}

/** An empty graph. */
export function emptyCsr(): Csr {
  return { names: [], offsets: new Uint32Array(1), targets: new Uint32Array(0), weights: new Float64Array(0) };
}

/**
 * Builds a CSR from an edge list over vertex ids `0..names.length-1`. Pairs may
 * come in any orientation and repeat: the weights of repeated pairs add up.
 *
 * @example
 * const g = csrFromEdges(["b", "a"], Uint32Array.of(0, 1), Uint32Array.of(1, 0), Float64Array.of(2, 1));
 * g.names;   // ["a", "b"]
 * [...g.weights]; // [3, 3]: one edge {a, b} of weight 3, stored in both rows
 */
export function csrFromEdges(
  names: readonly string[],
  us: ArrayLike<number>,
  vs: ArrayLike<number>,
  ws: ArrayLike<number>,
  options: CsrFromEdgesOptions = {},
): Csr {
  const opts = { ...CSR_DEFAULTS, ...options };
  const n0 = names.length;
  const m = us.length;
  if (vs.length !== m || ws.length !== m) throw new Error("telemetry-lab/graph/csr: us, vs and ws differ in length");
  // 1. Which vertices survive, and their new ids.
  const keep = new Uint8Array(n0);
  for (let i = 0; i < m; i++) {
    const u = us[i]!;
    const v = vs[i]!;
    if (!(u >= 0 && u < n0 && v >= 0 && v < n0)) {
      throw new Error(`telemetry-lab/graph/csr: edge ${i} (${u}, ${v}) refers to a vertex outside 0..${n0 - 1}`);
    }
    keep[u] = 1;
    keep[v] = 1;
  }
  let order: number[] = [];
  for (let i = 0; i < n0; i++) if (keep[i] || !opts.dropIsolated) order.push(i);
  if (opts.sortByName) order = nameOrder(names, order);
  const newId = new Int32Array(n0).fill(-1);
  order.forEach((old, i) => (newId[old] = i));
  const n = order.length;
  const outNames = order.map((i) => names[i]!);
  // 2. Counting sort of the directed entries by target, then stable by row.
  let nnz = 0;
  for (let i = 0; i < m; i++) nnz += us[i] === vs[i] ? 1 : 2;
  const rowA = new Uint32Array(nnz);
  const colA = new Uint32Array(nnz);
  const wA = new Float64Array(nnz);
  {
    const count = new Uint32Array(n + 1);
    for (let i = 0; i < m; i++) {
      const u = newId[us[i]!]!;
      const v = newId[vs[i]!]!;
      count[v + 1]!++;
      if (u !== v) count[u + 1]!++;
    }
    for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
    for (let i = 0; i < m; i++) {
      const u = newId[us[i]!]!;
      const v = newId[vs[i]!]!;
      let p = count[v]!++;
      rowA[p] = u;
      colA[p] = v;
      wA[p] = ws[i]!;
      if (u !== v) {
        p = count[u]!++;
        rowA[p] = v;
        colA[p] = u;
        wA[p] = ws[i]!;
      }
    }
  }
  const offsets = new Uint32Array(n + 1);
  const targets = new Uint32Array(nnz);
  const weights = new Float64Array(nnz);
  for (let p = 0; p < nnz; p++) offsets[rowA[p]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  for (let p = 0; p < nnz; p++) {
    const q = fill[rowA[p]!]!++;
    targets[q] = colA[p]!;
    weights[q] = wA[p]!;
  }
  // 3. Merge repeated pairs (adjacent now) in place.
  let w = 0;
  let start = 0;
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    const rowStart = w;
    for (let k = start; k < end; k++) {
      if (w > rowStart && targets[w - 1] === targets[k]) {
        weights[w - 1]! += weights[k]!;
      } else {
        targets[w] = targets[k]!;
        weights[w] = weights[k]!;
        w++;
      }
    }
    start = end;
    offsets[u + 1] = w;
  }
  if (w === nnz) return { names: outNames, offsets, targets, weights };
  return { names: outNames, offsets, targets: targets.slice(0, w), weights: weights.slice(0, w) };
}

/**
 * Calls `fn(u, v, w)` once per undirected edge, with u <= v, in row order.
 *
 * @example
 * forEachEdge(g, (u, v, w) => console.log(g.names[u], g.names[v], w)); // a b 3
 */
export function forEachEdge(g: Csr, fn: (u: number, v: number, w: number) => void): void {
  const n = g.names.length;
  for (let u = 0; u < n; u++) {
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) {
      const v = g.targets[k]!;
      if (v >= u) fn(u, v, g.weights[k]!);
    }
  }
}

/** The edges (u <= v) as parallel arrays, in row order. */
export function edgeArrays(g: Csr): { us: Uint32Array; vs: Uint32Array; ws: Float64Array } {
  const m = edgeCount(g);
  const us = new Uint32Array(m);
  const vs = new Uint32Array(m);
  const ws = new Float64Array(m);
  let i = 0;
  forEachEdge(g, (u, v, w) => {
    us[i] = u;
    vs[i] = v;
    ws[i] = w;
    i++;
  });
  return { us, vs, ws };
}

/** Position of v in row u (binary search), or -1 when {u, v} is not an edge. */
export function findEdge(g: Csr, u: number, v: number): number {
  let lo = g.offsets[u]!;
  let hi = g.offsets[u + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = g.targets[mid]!;
    if (t === v) return mid;
    if (t < v) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/** Weight of {u, v}, 0 when absent. */
export function edgeWeight(g: Csr, u: number, v: number): number {
  const k = findEdge(g, u, v);
  return k < 0 ? 0 : g.weights[k]!;
}

/** The same graph with vertices renumbered in name order (no-op if already so). */
export function sortByName(g: Csr): Csr {
  let sorted = true;
  for (let i = 1; i < g.names.length && sorted; i++) if (!(g.names[i - 1]! < g.names[i]!)) sorted = false;
  if (sorted) return g;
  const { us, vs, ws } = edgeArrays(g);
  return csrFromEdges(g.names, us, vs, ws, { sortByName: true, dropIsolated: false });
}

/**
 * First difference between two graphs, compared by vertex names (ids may
 * differ), or undefined when they have the same vertices, edges and weights.
 *
 * @example
 * csrDiff(a, a); // undefined
 * csrDiff(a, b); // "edge {x, y}: weight 2 vs 3"
 */
export function csrDiff(a: Csr, b: Csr, tolerance = 0): string | undefined {
  if (a.names.length !== b.names.length) return `vertex count ${a.names.length} vs ${b.names.length}`;
  const idB = new Map<string, number>();
  b.names.forEach((s, i) => idB.set(s, i));
  if (idB.size !== b.names.length) return "second graph has repeated vertex names";
  const map = new Int32Array(a.names.length);
  for (let i = 0; i < a.names.length; i++) {
    const j = idB.get(a.names[i]!);
    if (j === undefined) return `vertex '${a.names[i]}' missing from the second graph`;
    map[i] = j;
  }
  for (let u = 0; u < a.names.length; u++) {
    const du = a.offsets[u + 1]! - a.offsets[u]!;
    const bu = map[u]!;
    const dbu = b.offsets[bu + 1]! - b.offsets[bu]!;
    if (du !== dbu) return `vertex '${a.names[u]}': degree ${du} vs ${dbu}`;
    for (let k = a.offsets[u]!; k < a.offsets[u + 1]!; k++) {
      const v = a.targets[k]!;
      const wa = a.weights[k]!;
      const kb = findEdge(b, bu, map[v]!);
      if (kb < 0) return `edge {${a.names[u]}, ${a.names[v]}} missing from the second graph`;
      const wb = b.weights[kb]!;
      if (!(Math.abs(wa - wb) <= tolerance)) return `edge {${a.names[u]}, ${a.names[v]}}: weight ${wa} vs ${wb}`;
    }
  }
  return undefined;
}

/** True when the graphs have the same vertex names, edges and weights. */
export function csrEquals(a: Csr, b: Csr): boolean {
  return csrDiff(a, b) === undefined;
}

/** Weighted degree (strength) of every vertex; a self-loop counts its weight once. */
export function strengths(g: Csr): Float64Array {
  const n = g.names.length;
  const s = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let acc = 0;
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) acc += g.weights[k]!;
    s[u] = acc;
  }
  return s;
}

/** Degree (number of distinct neighbours, self included if looped) of every vertex. */
export function degrees(g: Csr): Uint32Array {
  const n = g.names.length;
  const d = new Uint32Array(n);
  for (let u = 0; u < n; u++) d[u] = g.offsets[u + 1]! - g.offsets[u]!;
  return d;
}
