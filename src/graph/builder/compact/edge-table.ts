/**
 * Edge-weight accumulator: an open-addressing hash (linear probing) from an
 * undirected vertex pair {u, v} to a float64 weight, over one Float64Array in
 * which each slot holds the packed key `min(u,v) * 2^26 + max(u,v)` next to its
 * weight (one cache line per probe). This is the hot loop of graph building:
 * an hour of LANL is about 25 M increments (lanl-method.md, checklist).
 *
 * Ids must be below {@link MAX_VERTICES} (2^26) so the packed key is an exact
 * double. Self-loops (u == v) are ordinary keys.
 */
import { MAX_VERTICES } from "./vertex-table.js";
import { nameOrder, type Csr } from "../../csr.js";

const SHIFT = MAX_VERTICES; // 2^26
/** 2^-26: multiplying by it is exact, unlike the slow floating `%` and `/`. */
const INV_SHIFT = 1 / MAX_VERTICES;
const EMPTY = -1;

/**
 * @example
 * const t = new EdgeTable();
 * t.add(3, 1, 1); t.add(1, 3, 2);
 * t.get(1, 3); // 3
 * t.size; // 1
 */
export class EdgeTable {
  private table: Float64Array;
  private mask: number;
  private count = 0;
  private limit: number;

  /** Slots to allocate on the first addition (the table is allocated lazily: a row-wise builder may never use it). */
  private initialCap: number;

  constructor(expectedEdges = 1024) {
    let cap = 16;
    while (cap * 0.6 < expectedEdges) cap *= 2;
    this.initialCap = cap;
    this.table = new Float64Array(0);
    this.mask = 0;
    this.limit = 0;
  }

  private allocate(): void {
    const cap = this.initialCap;
    this.table = new Float64Array(cap * 2).fill(EMPTY);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * 0.6);
  }

  /** Number of distinct edges. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.table.byteLength;
  }

  /** Adds `w` to the weight of {u, v} (creating the edge at 0 first). Ids are not checked. */
  add(u: number, v: number, w: number): void {
    if (u > v) this.addOrdered(v, u, w);
    else this.addOrdered(u, v, w);
  }

  /**
   * Adds `w` to the key (u, v) taken as ordered: (u, v) and (v, u) are
   * different keys. For ordered pair tables (e.g. vertex x combination); an
   * undirected edge table must use {@link add}.
   */
  addOrdered(u: number, v: number, w: number): void {
    if (this.table.length === 0) this.allocate();
    let h = (Math.imul(u, 0x9e3779b1) + v) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    const key = u * SHIFT + v;
    const table = this.table;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const k = table[2 * s]!;
      if (k === key) {
        table[2 * s + 1]! += w;
        return;
      }
      if (k === EMPTY) {
        table[2 * s] = key;
        table[2 * s + 1] = w;
        if (++this.count > this.limit) this.grow();
        return;
      }
      s = (s + 1) & mask;
    }
  }

  /** Weight of {u, v}, or 0 when absent. */
  get(u: number, v: number): number {
    if (u > v) {
      const t = u;
      u = v;
      v = t;
    }
    let h = (Math.imul(u, 0x9e3779b1) + v) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    const key = u * SHIFT + v;
    const table = this.table;
    if (table.length === 0) return 0;
    let s = h & this.mask;
    for (;;) {
      const k = table[2 * s]!;
      if (k === key) return table[2 * s + 1]!;
      if (k === EMPTY) return 0;
      s = (s + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    const table = new Float64Array(cap * 2).fill(EMPTY);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const key = old[i]!;
      if (key === EMPTY) continue;
      const u = Math.floor(key * INV_SHIFT);
      const v = key - u * SHIFT;
      let h = (Math.imul(u, 0x9e3779b1) + v) | 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h ^= h >>> 13;
      let s = h & mask;
      while (table[2 * s] !== EMPTY) s = (s + 1) & mask;
      table[2 * s] = key;
      table[2 * s + 1] = old[i + 1]!;
    }
    this.table = table;
    this.mask = mask;
    this.limit = Math.floor(cap * 0.6);
  }

  /** Forgets every key (keeps the allocated memory). */
  clear(): void {
    this.table.fill(EMPTY);
    this.count = 0;
  }

  /** Calls `fn(u, v, w)` for every edge (u <= v), in slot order. */
  forEach(fn: (u: number, v: number, w: number) => void): void {
    const t = this.table;
    for (let i = 0; i < t.length; i += 2) {
      const key = t[i]!;
      if (key === EMPTY) continue;
      const u = Math.floor(key * INV_SHIFT);
      fn(u, key - u * SHIFT, t[i + 1]!);
    }
  }

  /** The edges as parallel arrays (u <= v), in slot order. */
  toArrays(): { us: Uint32Array; vs: Uint32Array; ws: Float64Array } {
    const us = new Uint32Array(this.count);
    const vs = new Uint32Array(this.count);
    const ws = new Float64Array(this.count);
    const t = this.table;
    let j = 0;
    for (let i = 0; i < t.length; i += 2) {
      const key = t[i]!;
      if (key === EMPTY) continue;
      const u = Math.floor(key * INV_SHIFT);
      us[j] = u;
      vs[j] = key - u * SHIFT;
      ws[j] = t[i + 1]!;
      j++;
    }
    return { us, vs, ws };
  }

  /**
   * Freezes the table into CSR over `names` (index = vertex id), dropping
   * vertices without edges and numbering the others in name order (or in id
   * order with `sortByName: false`). Straight from the slots: one stable
   * two-pass distribution (by target, then by row), no intermediate edge list.
   * `sortIds` orders the kept ids by name (default {@link nameOrder}; the
   * vertex table has a faster one giving the same order).
   */
  toCsr(names: readonly string[], sortByName = true, sortIds: (ids: number[]) => number[] = (ids) => nameOrder(names, ids)): Csr {
    const t = this.table;
    const n0 = names.length;
    // Entries per vertex (symmetric: row length = column length), by old id.
    const deg = new Uint32Array(n0);
    for (let i = 0; i < t.length; i += 2) {
      const key = t[i]!;
      if (key === EMPTY) continue;
      const u = Math.floor(key * INV_SHIFT);
      const v = key - u * SHIFT;
      if (u >= n0 || v >= n0) throw new Error(`telemetry-lab/graph/edge-table: edge (${u}, ${v}) refers to a vertex outside 0..${n0 - 1}`);
      deg[u]!++;
      if (u !== v) deg[v]!++;
    }
    let order: number[] = [];
    for (let i = 0; i < n0; i++) if (deg[i]! > 0) order.push(i);
    if (sortByName) order = sortIds(order);
    const n = order.length;
    const newId = new Int32Array(n0);
    for (let i = 0; i < n; i++) newId[order[i]!] = i;
    const start = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) start[i + 1] = start[i]! + deg[order[i]!]!;
    const nnz = start[n]!;
    // Pass 1: bucket by target, remembering the row and the weight side by side (one cache line per entry).
    const rw = new Float64Array(2 * nnz);
    const fill = start.slice(0, n);
    for (let i = 0; i < t.length; i += 2) {
      const key = t[i]!;
      if (key === EMPTY) continue;
      const u0 = Math.floor(key * INV_SHIFT);
      const u = newId[u0]!;
      const v = newId[key - u0 * SHIFT]!;
      const w = t[i + 1]!;
      let p = 2 * fill[v]!++;
      rw[p] = u;
      rw[p + 1] = w;
      if (u !== v) {
        p = 2 * fill[u]!++;
        rw[p] = v;
        rw[p + 1] = w;
      }
    }
    // Pass 2: targets in ascending order, distributed to their rows.
    const targets = new Uint32Array(nnz);
    const weights = new Float64Array(nnz);
    fill.set(start.subarray(0, n));
    for (let v = 0; v < n; v++) {
      for (let p = 2 * start[v]!, end = 2 * start[v + 1]!; p < end; p += 2) {
        const q = fill[rw[p]!]!++;
        targets[q] = v;
        weights[q] = rw[p + 1]!;
      }
    }
    return { names: order.map((i) => names[i]!), offsets: start, targets, weights };
  }
}
