/**
 * Assembly of the frozen graph: the CSR of everything a compact builder holds,
 * built row by row with a sparse accumulator, then ordered by one permuted
 * transposition. This is the freeze of the fast path: the distinct event bodies
 * (`src/graph/event-counter.ts`) never go through an edge hash. For each vertex
 * x (in name order), the accumulator sums the weights of x's neighbours from
 *
 * - clique bodies: every body holding x (found through an incidence index, a
 *   counting sort of (body, position) by vertex id) adds its count to each of
 *   its other kept ids (networkx semantics: position pairs, a repeated id is a
 *   self-loop counted once per pair);
 * - an {@link EdgeTable} (string-path additions, pair plans), as adjacency lists;
 * - frozen graphs (absorbed CSRs, or the builder's consolidated past), through a
 *   row map.
 *
 * Rows come out in name order with their targets unordered; since the graph is
 * symmetric, transposing (distributing each entry (x, y) to row y in increasing
 * x) yields every row's targets in ascending order. Integral weights (event
 * counts) are exact in any summation order; the order here is fixed by the
 * inputs, so the output is deterministic.
 *
 * Source: F. G. Gustavson, "Two fast algorithms for sparse matrices:
 * multiplication and permuted transposition", ACM TOMS 4(3), 1978 (the sparse
 * accumulator and the permuted transposition).
 */
import type { Csr } from "./csr.js";
import type { EdgeTable } from "./edge-table.js";

const MODULE = "telemetry-lab/graph/assemble";

/**
 * Distinct event bodies of a clique plan: `size` rows of `width` vertex ids in
 * `payload` (-1 = no artifact) with a weight each in `counts`.
 */
export interface CliqueBodies {
  readonly width: number;
  readonly size: number;
  readonly payload: Int32Array;
  readonly counts: Float64Array;
}

/** A frozen graph whose row `r` is vertex `ids[r]` of the table being assembled. */
export interface MappedCsr {
  readonly csr: Csr;
  readonly ids: Int32Array;
}

/** What {@link assembleCsr} merges. */
export interface AssemblySources {
  /** Vertex ids are `0 .. vertexCount - 1`. */
  readonly vertexCount: number;
  readonly bodies: readonly CliqueBodies[];
  readonly edges?: EdgeTable;
  readonly graphs: readonly MappedCsr[];
}

/** Options of {@link assembleCsr}. */
export interface AssembleOptions {
  /** Vertex names by id (for the output's `names`). */
  names: readonly string[];
  /** Orders vertex ids by name (the output's vertex order). */
  sortIds: (ids: number[]) => number[];
}

/** Growable pair of parallel typed arrays (targets, weights). */
class EntryBuffer {
  targets = new Int32Array(1 << 16);
  weights = new Float64Array(1 << 16);
  grow(need: number): void {
    let cap = this.targets.length;
    while (cap < need) cap *= 2;
    const t = new Int32Array(cap);
    t.set(this.targets);
    this.targets = t;
    const w = new Float64Array(cap);
    w.set(this.weights);
    this.weights = w;
  }
}

/**
 * The CSR (vertices with at least one edge, in name order; targets ascending)
 * of the union of `src`'s sources, weights added, with the vertex id of each row.
 *
 * @example
 * const bodies = { width: 3, size: 2, payload: Int32Array.of(0, 1, 2, 0, 1, -1), counts: Float64Array.of(2, 1) };
 * const { csr: g, ids } = assembleCsr({ vertexCount: 3, bodies: [bodies], graphs: [] }, { names: ["a", "b", "c"], sortIds: (ids) => ids });
 * [...g.offsets]; // [0, 2, 4, 6]; [...ids] = [0, 1, 2]
 * [...g.weights]; // [3, 2, 3, 2, 2, 2]: {a, b} = 2 + 1; {a, c} = {b, c} = 2
 */
export function assembleCsr(src: AssemblySources, options: AssembleOptions): MappedCsr {
  const nv = src.vertexCount;
  const has = new Uint8Array(nv);
  // Incidence index of every body source: positions (r << shift | i) grouped by vertex id.
  const incidences = src.bodies.map((b) => indexBodies(b, nv, has));
  // Edge-table adjacency (both directions, a self-loop once).
  const adj = src.edges !== undefined && src.edges.size > 0 ? adjacency(src.edges, nv, has) : undefined;
  // Row of each frozen graph per vertex id.
  const rowsOf = src.graphs.map((g) => {
    const row = new Int32Array(nv).fill(-1);
    const { offsets, names } = g.csr;
    if (g.ids.length !== names.length) throw new Error(`${MODULE}: row map has ${g.ids.length} ids for ${names.length} vertices`);
    for (let r = 0; r < names.length; r++) {
      const x = g.ids[r]!;
      if (!(x >= 0 && x < nv)) throw new Error(`${MODULE}: row ${r} maps to vertex ${x}, outside 0..${nv - 1}`);
      if (offsets[r + 1]! > offsets[r]!) {
        row[x] = r;
        has[x] = 1;
      }
    }
    return row;
  });

  const kept: number[] = [];
  for (let x = 0; x < nv; x++) if (has[x] === 1) kept.push(x);
  const order = options.sortIds(kept);
  const n = order.length;
  const newId = new Int32Array(nv).fill(-1);
  for (let k = 0; k < n; k++) newId[order[k]!] = k;

  // Rows in name order, targets unordered (sparse accumulator).
  const mark = new Int32Array(nv).fill(-1);
  const acc = new Float64Array(nv);
  const touched = new Int32Array(nv);
  const offsets = new Uint32Array(n + 1);
  const out = new EntryBuffer();
  let nnz = 0;
  for (let k = 0; k < n; k++) {
    const x = order[k]!;
    let nt = 0;
    for (let s = 0; s < incidences.length; s++) {
      const inc = incidences[s]!;
      const b = src.bodies[s]!;
      const w = b.width;
      const payload = b.payload;
      const counts = b.counts;
      const shift = inc.shift;
      const low = (1 << shift) - 1;
      const list = inc.list;
      for (let q = inc.start[x]!, qe = inc.start[x + 1]!; q < qe; q++) {
        const p = list[q]!;
        const r = p >>> shift;
        const i = p & low;
        const base = r * w;
        const c = counts[r]!;
        for (let j = 0; j < w; j++) {
          if (j === i) continue;
          const y = payload[base + j]!;
          if (y < 0 || (y === x && j < i)) continue;
          if (mark[y] !== k) {
            mark[y] = k;
            acc[y] = c;
            touched[nt++] = y;
          } else acc[y] += c;
        }
      }
    }
    if (adj !== undefined) {
      for (let q = adj.start[x]!, qe = adj.start[x + 1]!; q < qe; q++) {
        const y = adj.targets[q]!;
        if (mark[y] !== k) {
          mark[y] = k;
          acc[y] = adj.weights[q]!;
          touched[nt++] = y;
        } else acc[y] += adj.weights[q]!;
      }
    }
    for (let s = 0; s < rowsOf.length; s++) {
      const r = rowsOf[s]![x]!;
      if (r < 0) continue;
      const { offsets: go, targets: gt, weights: gw } = src.graphs[s]!.csr;
      const ids = src.graphs[s]!.ids;
      for (let q = go[r]!, qe = go[r + 1]!; q < qe; q++) {
        const y = ids[gt[q]!]!;
        if (mark[y] !== k) {
          mark[y] = k;
          acc[y] = gw[q]!;
          touched[nt++] = y;
        } else acc[y] += gw[q]!;
      }
    }
    if (nnz + nt > out.targets.length) out.grow(nnz + nt);
    const ot = out.targets;
    const ow = out.weights;
    for (let q = 0; q < nt; q++) {
      const y = touched[q]!;
      if (newId[y]! < 0) throw new Error(`${MODULE}: the merged graph is not symmetric at vertex '${options.names[y]}' (an absorbed graph is corrupt)`);
      ot[nnz] = newId[y]!;
      ow[nnz] = acc[y]!;
      nnz++;
    }
    offsets[k + 1] = nnz;
  }

  // Permuted transposition: entry (k, t) goes to row t in increasing k, so rows come out sorted.
  const targets = new Uint32Array(nnz);
  const weights = new Float64Array(nnz);
  const fill = offsets.slice(0, n);
  const ot = out.targets;
  const ow = out.weights;
  for (let k = 0; k < n; k++) {
    for (let q = offsets[k]!, qe = offsets[k + 1]!; q < qe; q++) {
      const t = ot[q]!;
      const pos = fill[t]!++;
      if (pos >= offsets[t + 1]!) throw new Error(`${MODULE}: the merged graph is not symmetric at vertex '${options.names[order[t]!]}' (an absorbed graph is corrupt)`);
      targets[pos] = k;
      weights[pos] = ow[q]!;
    }
  }
  const names = new Array<string>(n);
  for (let k = 0; k < n; k++) names[k] = options.names[order[k]!]!;
  return { csr: { names, offsets, targets, weights }, ids: Int32Array.from(order) };
}

/** Counting sort of the kept positions of bodies with two or more kept ids, by vertex id. */
function indexBodies(b: CliqueBodies, nv: number, has: Uint8Array): { start: Int32Array; list: Int32Array; shift: number } {
  const w = b.width;
  const size = b.size;
  const payload = b.payload;
  let shift = 0;
  while (1 << shift < w) shift++;
  if (size > 0 && (size - 1) * 2 ** shift >= 2 ** 31) throw new Error(`${MODULE}: ${size} bodies of width ${w} exceed the incidence index`);
  const start = new Int32Array(nv + 1);
  let total = 0;
  for (let r = 0, base = 0; r < size; r++, base += w) {
    let c = 0;
    for (let j = 0; j < w; j++) if (payload[base + j]! >= 0) c++;
    if (c < 2) continue;
    for (let j = 0; j < w; j++) {
      const x = payload[base + j]!;
      if (x < 0) continue;
      if (x >= nv) throw new Error(`${MODULE}: body ${r} refers to vertex ${x}, outside 0..${nv - 1}`);
      start[x + 1]!++;
      has[x] = 1;
    }
    total += c;
  }
  for (let x = 0; x < nv; x++) start[x + 1]! += start[x]!;
  const fill = start.slice(0, nv);
  const list = new Int32Array(total);
  for (let r = 0, base = 0; r < size; r++, base += w) {
    let c = 0;
    for (let j = 0; j < w; j++) if (payload[base + j]! >= 0) c++;
    if (c < 2) continue;
    for (let j = 0; j < w; j++) {
      const x = payload[base + j]!;
      if (x >= 0) list[fill[x]!++] = (r << shift) | j;
    }
  }
  return { start, list, shift };
}

/** Both directions of every edge of `t` (a self-loop once), grouped by vertex id. */
function adjacency(t: EdgeTable, nv: number, has: Uint8Array): { start: Int32Array; targets: Int32Array; weights: Float64Array } {
  const { us, vs, ws } = t.toArrays();
  const m = us.length;
  const start = new Int32Array(nv + 1);
  for (let e = 0; e < m; e++) {
    const u = us[e]!;
    const v = vs[e]!;
    if (u >= nv || v >= nv) throw new Error(`${MODULE}: edge (${u}, ${v}) refers to a vertex outside 0..${nv - 1}`);
    start[u + 1]!++;
    if (u !== v) start[v + 1]!++;
    has[u] = 1;
    has[v] = 1;
  }
  for (let x = 0; x < nv; x++) start[x + 1]! += start[x]!;
  const fill = start.slice(0, nv);
  const targets = new Int32Array(start[nv]!);
  const weights = new Float64Array(start[nv]!);
  for (let e = 0; e < m; e++) {
    const u = us[e]!;
    const v = vs[e]!;
    let p = fill[u]!++;
    targets[p] = v;
    weights[p] = ws[e]!;
    if (u !== v) {
      p = fill[v]!++;
      targets[p] = u;
      weights[p] = ws[e]!;
    }
  }
  return { start, targets, weights };
}
