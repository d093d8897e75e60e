/**
 * The CSR of distinct clique bodies whose positions hold disjoint vertex
 * types: the freeze of the seed's architecture (`all-category-no-attr`: every
 * field its own type, `computer_source::` apart from `computer_destination::`),
 * block by block.
 *
 * With one type per position, the graph's adjacency matrix is made of blocks,
 * one per pair of positions (i, j): M_ij = Σ over bodies of count · e(x_i) e(x_j)ᵀ.
 * Names sort by their `type::` prefix first, so each position's vertices are one
 * contiguous range of the name order, and a block's rows and columns are
 * local indices in two small ranges. Each block is accumulated on its own,
 * with a working set that fits the cache:
 *
 * - small blocks (a hub field against anything: auth type, logon type, ...)
 *   in a dense array, read out in row-major order;
 * - large blocks (user × computer, ...) by a stable two-key counting sort of
 *   the bodies (by column, then by row), read out as runs.
 *
 * Both give a block's entries sorted by (row, column). Rows of the CSR are then
 * filled block by block in increasing column range, so every row's targets come
 * out ascending with no further sort. Weights are sums of event counts
 * (integers), exact in any order.
 *
 * Source: the blocked layout is the usual one of multi-partite co-occurrence
 * matrices; counting sort and its stability (Knuth, TAOCP vol. 3, §5.2).
 * Bodies that break the precondition (a vertex at two positions) are left to
 * the general assembly (`src/graph/assemble.ts`).
 */
import type { CliqueBodies, MappedCsr } from "./assemble.js";

/** Options of {@link typedCliqueCsr}. */
export interface TypedCliqueOptions {
  /** Vertex ids are `0 .. vertexCount - 1`. */
  vertexCount: number;
  /** Vertex names by id. */
  names: readonly string[];
  /** Orders vertex ids by name. */
  sortIds: (ids: number[]) => number[];
}

/** Largest number of values of a position accumulated densely per row (hub fields); others use a sparse accumulator. */
const DENSE_MAX = 32;
/** Radix digit width of the row sort (2048 buckets: the write cursors stay in cache). */
const DIGIT = 11;

/**
 * The CSR of `b` (vertices in name order, targets ascending) with each row's
 * vertex id, or `undefined` when the precondition fails (a vertex at two
 * positions, a non-integral count).
 *
 * @example
 * // positions: 0 = "a::*", 1 = "b::*"; bodies (a::1, b::1) x2 and (a::1, b::2) x1
 * const b = { width: 2, size: 2, payload: Int32Array.of(0, 1, 0, 2), counts: Float64Array.of(2, 1) };
 * const m = typedCliqueCsr(b, { vertexCount: 3, names: ["a::1", "b::1", "b::2"], sortIds: (ids) => ids });
 * [...m!.csr.offsets]; // [0, 2, 3, 4]
 * [...m!.csr.weights]; // [2, 1, 2, 1]
 */
export function typedCliqueCsr(b: CliqueBodies, options: TypedCliqueOptions): MappedCsr | undefined {
  const w = b.width;
  const size = b.size;
  const payload = b.payload;
  const counts = b.counts;
  const nv = options.vertexCount;
  if (w > 127) return undefined;
  // Bodies with an edge, and the position of every vertex.
  const pos = new Int8Array(nv).fill(-1);
  const valid = new Int32Array(size);
  let nb = 0;
  for (let r = 0, base = 0; r < size; r++, base += w) {
    let c = 0;
    for (let j = 0; j < w; j++) if (payload[base + j]! >= 0) c++;
    if (c < 2) continue;
    const count = counts[r]!;
    if (!(count >= 1 && count < 2 ** 31 && Math.floor(count) === count)) return undefined;
    valid[nb++] = r;
    for (let j = 0; j < w; j++) {
      const x = payload[base + j]!;
      if (x < 0) continue;
      if (!(x < nv)) throw new Error(`telemetry-lab/graph/typed-cliques: body ${r} refers to vertex ${x}, outside 0..${nv - 1}`);
      const p = pos[x]!;
      if (p === -1) pos[x] = j;
      else if (p !== j) return undefined;
    }
  }
  const kept: number[] = [];
  for (let x = 0; x < nv; x++) if (pos[x]! >= 0) kept.push(x);
  const order = options.sortIds(kept);
  const n = order.length;
  // Each position's vertices must be one contiguous range of the name order.
  const lo = new Int32Array(w).fill(-1);
  const cnt = new Int32Array(w);
  for (let k = 0; k < n; k++) {
    const j = pos[order[k]!]!;
    if (lo[j] === -1) lo[j] = k;
    else if (k !== lo[j]! + cnt[j]!) return undefined;
    cnt[j]!++;
  }
  const local = new Int32Array(nv);
  for (let k = 0; k < n; k++) {
    const x = order[k]!;
    local[x] = k - lo[pos[x]!]!;
  }
  // Rows: the local index per position (-1 = no artifact), then the count.
  const rw = w + 1;
  const rows = new Int32Array(rw * nb);
  for (let t = 0, o = 0; t < nb; t++, o += rw) {
    const r = valid[t]!;
    for (let j = 0, base = r * w; j < w; j++) {
      const x = payload[base + j]!;
      rows[o + j] = x < 0 ? -1 : local[x]!;
    }
    rows[o + w] = counts[r]!;
  }
  // Two scratch buffers for the radix passes; `rows` stays unsorted.
  const spare = new Int32Array(rw * nb);
  const third = new Int32Array(rw * nb);
  // Accumulators per position: dense for a handful of values, sparse (mark, sum, touched) otherwise.
  const acc = Array.from({ length: w }, (_, j) => new Float64Array(cnt[j]!));
  const mark = Array.from({ length: w }, (_, j) => (cnt[j]! > DENSE_MAX ? new Int32Array(cnt[j]!).fill(-1) : new Int32Array(0)));
  const touched = Array.from({ length: w }, (_, j) => (cnt[j]! > DENSE_MAX ? new Int32Array(cnt[j]!) : new Int32Array(0)));
  const nt = new Int32Array(w);
  const fields = Array.from({ length: w }, (_, j) => j).filter((j) => cnt[j]! > 0).sort((x, y) => lo[x]! - lo[y]!);
  const offsets = new Uint32Array(n + 1);
  let cap = Math.max(1024, 4 * nb);
  let targets = new Uint32Array(cap);
  let weights = new Float64Array(cap);
  let nnz = 0;
  let stamp = 0;
  for (const i of fields) {
    // Rows with position i, sorted by its local index (LSD radix, stable).
    let m = 0;
    const ni = cnt[i]!;
    let bits = 1;
    while (1 << bits < ni) bits++;
    {
      // First pass also drops the rows without position i.
      const digits = Math.min(DIGIT, bits);
      const hist = new Int32Array((1 << digits) + 1);
      const mask = (1 << digits) - 1;
      for (let o = i; o < rw * nb; o += rw) {
        const a = rows[o]!;
        if (a >= 0) {
          hist[(a & mask) + 1]!++;
          m++;
        }
      }
      for (let d = 0; d < mask + 1; d++) hist[d + 1]! += hist[d]!;
      for (let o = 0; o < rw * nb; o += rw) {
        const a = rows[o + i]!;
        if (a < 0) continue;
        const q = hist[a & mask]!++ * rw;
        for (let j = 0; j < rw; j++) spare[q + j] = rows[o + j]!;
      }
    }
    let src = spare;
    let dst = third;
    for (let shift = DIGIT; shift < bits; shift += DIGIT) {
      const digits = Math.min(DIGIT, bits - shift);
      const mask = (1 << digits) - 1;
      const hist = new Int32Array((1 << digits) + 1);
      for (let o = i; o < rw * m; o += rw) hist[((src[o]! >>> shift) & mask) + 1]!++;
      for (let d = 0; d < mask + 1; d++) hist[d + 1]! += hist[d]!;
      for (let o = 0; o < rw * m; o += rw) {
        const q = hist[(src[o + i]! >>> shift) & mask]!++ * rw;
        for (let j = 0; j < rw; j++) dst[q + j] = src[o + j]!;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    // Sweep: one group of rows per vertex of position i; its row of the CSR is written in target order.
    const base = lo[i]!;
    for (let o = 0; o < rw * m; ) {
      const a = src[o + i]!;
      stamp++;
      let e = o;
      for (; e < rw * m && src[e + i] === a; e += rw) {
        const c = src[e + w]!;
        for (let j = 0; j < w; j++) {
          if (j === i) continue;
          const v = src[e + j]!;
          if (v < 0) continue;
          const aj = acc[j]!;
          if (cnt[j]! <= DENSE_MAX) aj[v]! += c;
          else {
            const mj = mark[j]!;
            if (mj[v] !== stamp) {
              mj[v] = stamp;
              aj[v] = c;
              touched[j]![nt[j]!++] = v;
            } else aj[v]! += c;
          }
        }
      }
      // Emit: target positions in name order, each one's values ascending.
      let need = nnz;
      for (const j of fields) if (j !== i) need += cnt[j]! <= DENSE_MAX ? cnt[j]! : nt[j]!;
      if (need > cap) {
        while (cap < need) cap = Math.ceil(cap * 1.5);
        const t2 = new Uint32Array(cap);
        t2.set(targets.subarray(0, nnz));
        targets = t2;
        const w2 = new Float64Array(cap);
        w2.set(weights.subarray(0, nnz));
        weights = w2;
      }
      for (const j of fields) {
        if (j === i) continue;
        const aj = acc[j]!;
        const lj = lo[j]!;
        if (cnt[j]! <= DENSE_MAX) {
          for (let v = 0; v < aj.length; v++) {
            const x = aj[v]!;
            if (x !== 0) {
              targets[nnz] = lj + v;
              weights[nnz++] = x;
              aj[v] = 0;
            }
          }
        } else {
          const k = nt[j]!;
          const tj = touched[j]!;
          if (k > 16) tj.subarray(0, k).sort();
          else {
            for (let p = 1; p < k; p++) {
              const v = tj[p]!;
              let q = p - 1;
              while (q >= 0 && tj[q]! > v) {
                tj[q + 1] = tj[q]!;
                q--;
              }
              tj[q + 1] = v;
            }
          }
          for (let p = 0; p < k; p++) {
            const v = tj[p]!;
            targets[nnz] = lj + v;
            weights[nnz++] = aj[v]!;
          }
          nt[j] = 0;
        }
      }
      offsets[base + a + 1] = nnz;
      o = e;
    }
  }
  const names = new Array<string>(n);
  for (let k = 0; k < n; k++) names[k] = options.names[order[k]!]!;
  return {
    csr: { names, offsets, targets: nnz === cap ? targets : targets.slice(0, nnz), weights: nnz === cap ? weights : weights.slice(0, nnz) },
    ids: Int32Array.from(order),
  };
}
