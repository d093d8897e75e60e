/**
 * Row-wise freezing of counted distinct events into CSR, without an edge hash
 * table (issue 13, "rows built directly").
 *
 * The compact fast path counts distinct events ({@link IdCounter}, or
 * {@link EventCounter} for line bodies); each keeps its vertex ids and its
 * count. Instead of adding every edge of every distinct event to an
 * open-addressing edge table and then freezing the table, each distinct event
 * is listed under each of its vertices (a counting sort of the incidences), and
 * each vertex's row is summed in a dense scratch array indexed by neighbour: no
 * hash probe is made. A row first reads all its events in one loop, so that
 * their cache misses overlap (an id-counted event's ids and count share one
 * row of memory; a copy of each event per incidence measured slower in a fresh
 * process: 64 MB more to fault in for a real-volume auth hour). Edges added otherwise (`addEdge`, `absorb`, events flushed
 * to the edge table) are merged into the same rows. The rows are symmetric, so
 * distributing each row, taken in name order, into the rows of its targets
 * writes the CSR arrays renumbered and sorted in one pass (a transpose), no sort.
 *
 * Hub factoring: the few vertices listed under very many distinct events (the
 * measured cardinality: at least {@link HUB_MIN_EVENTS} events, the
 * {@link MAX_HUBS} most frequent; in LANL auth the auth type, logon type,
 * orientation and result values) get no event list. Their edges to other
 * vertices are taken from those vertices' rows (transposed), and hub–hub edges
 * go to a small dense hub × hub matrix, so no row walks hundreds of thousands
 * of events. Those of a clique come from its hub tuple: the counts are summed
 * per distinct tuple of hubs while the incidences are filled, and each tuple's
 * pairs added once (a real-volume auth hour: 528 k distinct events, a few
 * thousand tuples).
 *
 * The result is exactly {@link EdgeTable.toCsr} of the same increments
 * (vertices without edges dropped, vertices in name order, targets ascending);
 * weights are sums of the same increments (exact for integral weights).
 * Scratch arrays live at module level and are reused by later calls in the same
 * thread (a pipeline worker builds many hours), as are the output arrays of a
 * CSR given back once written ({@link recycleCsr}).
 *
 * Source: the classic two-pass sparse accumulation ("SPA") of sparse matrix
 * products (Gilbert, Moler and Schreiber, SIAM J. Matrix Anal. Appl. 13(1), 1992).
 */
import type { Csr } from "../../csr.js";
import type { EdgeTable } from "./edge-table.js";

const MODULE = "telemetry-lab/graph/builder/compact/rows";

/** Fewest distinct events listing a vertex for it to be a hub. */
export const HUB_MIN_EVENTS = 256;
/** Most hubs (the hub × hub matrix is dense). */
export const MAX_HUBS = 128;

/** Pending counted events of one compiled plan, as {@link rowsToCsr} reads them. */
export interface EventRowsSource {
  /** Artifact fields per event. */
  readonly fields: number;
  /** Payload int32 words per event (>= `fields`). */
  readonly width: number;
  /** Distinct events pending. */
  readonly size: number;
  /** Event e's vertex ids at `payload[e * width, e * width + fields)`, -1 = dropped. */
  readonly payload: Int32Array;
  /** Event e's count (weight) at `counts[countAt + e * countStride]`. */
  readonly counts: Float64Array;
  readonly countAt: number;
  readonly countStride: number;
  /** Flattened field index pairs, or undefined for a clique over the fields. */
  readonly pairs: Int32Array | undefined;
  /** Duplicates counted as a set (see `ArchOptions.duplicates`). */
  readonly set: boolean;
  /** No two fields of an event can hold the same vertex (their types differ): no repeat to look for. Default false. */
  readonly distinct?: boolean;
}

// Scratch reused across calls (grown, never shrunk).
let iStart = new Uint32Array(0); // incidence row starts, by vertex (n0 + 1)
let iEvent = new Int32Array(0); // incidence: event index in its source
let iSource = new Int32Array(0); // incidence: source index (several sources)
/** Folds the values read ahead (for the reads not to be dropped as dead code). */
export let rowsSink = 0;
let acc = new Float64Array(0); // dense row accumulator, by old id
let stamp = new Int32Array(0); // touched mark (row id + 1), by old id
let touched = new Int32Array(0); // neighbours of the current row
let tTarget = new Int32Array(0);
let tWeight = new Float64Array(0);
let eStart = new Uint32Array(0); // edge-table entries by row
let eOther = new Int32Array(0);
let eWeight = new Float64Array(0);
let newId = new Int32Array(0);
let hubOf = new Int32Array(0); // hub index by old id, -1 = not a hub
let rowBegin = new Uint32Array(0); // temporary rows, by old id (any order)
let rowEnd = new Uint32Array(0);
let cursor = new Uint32Array(0); // output fill position, by new id
// Arrays of a CSR given back by its user ({@link recycleCsr}), for the next one of this thread.
let spareTargets: Uint32Array | undefined;
let spareWeights: Float64Array | undefined;
/** The buffers of the targets and weights arrays made by {@link rowsToCsr}. */
const ownBuffers = new WeakSet<ArrayBufferLike>();

/**
 * Gives the targets and weights arrays of a CSR that is no longer used (its
 * graph written, say) to the next {@link rowsToCsr} of this thread, which then
 * fills them instead of new ones: a real-volume auth hour's 50 MB are not
 * faulted in again. A pipeline worker does this hour after hour. The CSR must
 * not be read afterwards.
 *
 * @example
 * const g = builder.toCsr();
 * writeGraph(path, g);
 * recycleCsr(g); // g's arrays now belong to the next toCsr of this thread
 */
export function recycleCsr(csr: Csr): void {
  // Only arrays made here: their whole buffer is theirs (a recycled CSR's arrays are views of it).
  const t = csr.targets.buffer;
  const w = csr.weights.buffer;
  if (ownBuffers.has(t) && (spareTargets === undefined || t.byteLength > spareTargets.byteLength)) spareTargets = new Uint32Array(t);
  if (ownBuffers.has(w) && (spareWeights === undefined || w.byteLength > spareWeights.byteLength)) spareWeights = new Float64Array(w);
}

function capInt32(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2));
}
function capUint32(a: Uint32Array, n: number): Uint32Array {
  return a.length >= n ? a : new Uint32Array(Math.max(n, a.length * 2));
}
function capFloat64(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
}

/** Most hubs of one event whose hub pairs are summed per tuple ({@link TupleSums}); more are added pair by pair. */
const TUPLE_HUBS = 8;
/** Log2 of the slots a {@link TupleSums} starts with (it holds half as many tuples before it grows: 8,192). */
const TUPLE_BITS_AT_FIRST = 14;
const TUPLES_AT_FIRST = 1 << (TUPLE_BITS_AT_FIRST - 1);

/**
 * Sums of counts by hub tuple: up to {@link TUPLE_HUBS} hub indices (7 bits
 * each, below {@link MAX_HUBS}) and their number, packed in two int32 keys
 * (`lo`: the number in 4 bits and the first four indices; `hi`: the next
 * four). Open addressing, grown at half load; tuples are visited in the order
 * they were first added.
 */
class TupleSums {
  // Room for TUPLES_AT_FIRST tuples at half load: the usual hour never grows the table, so the
  // loop that fills it, compiled while it runs, does not meet a growth it has not seen and is not
  // compiled again (a real-volume auth hour: 1,694 tuples).
  private los = new Int32Array(2 * TUPLES_AT_FIRST);
  private his = new Int32Array(2 * TUPLES_AT_FIRST);
  private slots = new Int32Array(2 * TUPLES_AT_FIRST); // tuple + 1 by slot, 0 = empty
  private sums = new Float64Array(TUPLES_AT_FIRST);
  private lo = new Int32Array(TUPLES_AT_FIRST);
  private hi = new Int32Array(TUPLES_AT_FIRST);
  private bits = TUPLE_BITS_AT_FIRST;
  /** Distinct tuples. */
  size = 0;

  private static slot(lo: number, hi: number, bits: number): number {
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits);
  }

  add(lo: number, hi: number, c: number): void {
    const mask = (1 << this.bits) - 1;
    let h = TupleSums.slot(lo, hi, this.bits);
    for (;;) {
      const e = this.slots[h]!;
      if (e === 0) break;
      if (this.los[h] === lo && this.his[h] === hi) {
        this.sums[e - 1]! += c;
        return;
      }
      h = (h + 1) & mask;
    }
    if (this.size === this.sums.length) {
      const n = this.size * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
      this.sums = grow(this.sums, new Float64Array(n));
      this.lo = grow(this.lo, new Int32Array(n));
      this.hi = grow(this.hi, new Int32Array(n));
    }
    this.lo[this.size] = lo;
    this.hi[this.size] = hi;
    this.sums[this.size] = c;
    this.size++;
    this.los[h] = lo;
    this.his[h] = hi;
    this.slots[h] = this.size;
    if (2 * this.size > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.bits++;
    this.los = new Int32Array(1 << this.bits);
    this.his = new Int32Array(1 << this.bits);
    this.slots = new Int32Array(1 << this.bits);
    const mask = (1 << this.bits) - 1;
    for (let e = 0; e < this.size; e++) {
      const lo = this.lo[e]!;
      const hi = this.hi[e]!;
      let h = TupleSums.slot(lo, hi, this.bits);
      while (this.slots[h] !== 0) h = (h + 1) & mask;
      this.los[h] = lo;
      this.his[h] = hi;
      this.slots[h] = e + 1;
    }
  }

  /** Tuple `t`'s hub indices into `out` (its number returned) and its summed count via `sum`. */
  hubs(t: number, out: Int32Array): number {
    const lo = this.lo[t]!;
    const hi = this.hi[t]!;
    const nh = lo & 15;
    for (let i = 0; i < nh; i++) out[i] = i < 4 ? (lo >>> (4 + 7 * i)) & 127 : (hi >>> (7 * (i - 4))) & 127;
    return nh;
  }

  sum(t: number): number {
    return this.sums[t]!;
  }
}

/**
 * Whether pair `q` of an event (the ids at `p[o + pairs[q]]`, `p[o + pairs[q + 1]]`)
 * repeats an earlier pair of it with both ids kept, in either order (`duplicates: "set"`).
 *
 * @example
 * repeatsPair(Int32Array.of(4, 7, 4), 0, Int32Array.of(0, 1, 1, 2), 2); // true: (7, 4) is (4, 7)
 */
export function repeatsPair(p: Int32Array, o: number, pairs: Int32Array, q: number): boolean {
  const x = p[o + pairs[q]!]!;
  const y = p[o + pairs[q + 1]!]!;
  for (let r = 0; r < q; r += 2) {
    const x2 = p[o + pairs[r]!]!;
    const y2 = p[o + pairs[r + 1]!]!;
    if (x2 >= 0 && y2 >= 0 && ((x2 === x && y2 === y) || (x2 === y && y2 === x))) return true;
  }
  return false;
}

/** The hub × hub edges: a dense matrix of weights and of touched flags. */
class HubMatrix {
  readonly weight: Float64Array;
  readonly touched: Uint8Array;
  /** Hub indices of one event or tuple (scratch). */
  readonly scratch: Int32Array;
  constructor(readonly hubs: number, maxFields: number) {
    this.weight = new Float64Array(hubs * hubs);
    this.touched = new Uint8Array(hubs * hubs);
    this.scratch = new Int32Array(Math.max(64, maxFields));
  }
  add(x: number, y: number, c: number): void {
    const H = this.hubs;
    if (x === y) {
      this.weight[x * H + x]! += c;
      this.touched[x * H + x] = 1;
    } else {
      this.weight[x * H + y]! += c;
      this.weight[y * H + x]! += c;
      this.touched[x * H + y] = 1;
      this.touched[y * H + x] = 1;
    }
  }
}

/**
 * CSR of the pending events of `sources` plus the edges of `edges`, over the
 * vertices `names` (index = vertex id), in the order given by `sortIds`.
 *
 * @example
 * // Through the builder: new CompactBuilder() + addText(...) then toCsr() calls it.
 * rowsToCsr(names, [], edgeTable, (ids) => ids); // same CSR as edgeTable.toCsr(names, true, ...)
 */
export function rowsToCsr(
  names: readonly string[],
  sources: readonly EventRowsSource[],
  edges: EdgeTable,
  sortIds: (ids: number[]) => number[],
): Csr {
  const n0 = names.length;
  const counted = countIncidences(sources, n0);
  const hubs = selectHubs(n0);
  const ninc = counted - hubs.events;
  const H = hubs.ids.length;
  const hm = new HubMatrix(H, Math.max(0, ...sources.map((s) => s.fields)));
  // Sources whose hub pairs the fill counts: cliques without repeated vertices (the others' below).
  const inFill = sources.map((s) => H > 0 && s.pairs === undefined && s.distinct === true);
  fillIncidences(sources, n0, ninc, inFill, hm);
  const nEntries = edgeRows(edges, n0);
  if (H > 0) hubPairs(sources, inFill, hm);
  const rows = sumRows(sources, n0, ninc, nEntries, H);
  hubRows(n0, hubs.ids, hm, rows);
  return transpose(names, n0, sortIds);
}

/** Incidences: each event under each distinct vertex of it (counting sort by vertex), counted into `iStart`. */
function countIncidences(sources: readonly EventRowsSource[], n0: number): number {
  iStart = capUint32(iStart, n0 + 1);
  const start = iStart;
  start.fill(0, 0, n0 + 1);
  let ninc = 0;
  for (const s of sources) {
    const w = s.width;
    const nf = s.fields;
    const p = s.payload;
    const repeats = s.distinct !== true;
    for (let e = 0, o = 0; e < s.size; e++, o += w) {
      for (let i = 0; i < nf; i++) {
        const id = p[o + i]!;
        if (id < 0) continue;
        if (repeats) {
          let dup = false;
          for (let j = 0; j < i; j++) if (p[o + j] === id) dup = true;
          if (dup) continue;
        }
        if (id >= n0) throw new Error(`${MODULE}: event vertex ${id} outside 0..${n0 - 1}`);
        start[id + 1]!++;
        ninc++;
      }
    }
  }
  return ninc;
}

/** Hubs: the most frequent vertices (measured), without event lists: `hubOf` set, their counts zeroed, `iStart` summed. */
function selectHubs(n0: number): { ids: number[]; events: number } {
  const start = iStart;
  hubOf = capInt32(hubOf, n0);
  const hub = hubOf;
  hub.fill(-1, 0, n0);
  let hubs = frequent(start, n0);
  if (hubs.length > MAX_HUBS) hubs = hubs.sort((x, y) => start[y + 1]! - start[x + 1]! || x - y).slice(0, MAX_HUBS);
  const H = hubs.length;
  let events = 0;
  for (let k = 0; k < H; k++) {
    const v = hubs[k]!;
    hub[v] = k;
    events += start[v + 1]!;
    start[v + 1] = 0;
  }
  prefixSums(start, n0);
  return { ids: hubs, events };
}

/** The vertices v < n listed under at least {@link HUB_MIN_EVENTS} events (`count[v + 1]`). */
function frequent(count: Uint32Array, n: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < n; v++) if (count[v + 1]! >= HUB_MIN_EVENTS) out.push(v);
  return out;
}

/** `a[v + 1] += a[v]` for v < n: counts at 1..n become starts at 0..n. */
function prefixSums(a: Uint32Array, n: number): void {
  for (let v = 0; v < n; v++) a[v + 1]! += a[v]!;
}

/**
 * Each incidence: its event's index (and source, with several) into `iEvent`
 * (`iSource`); hub tuples of `inFill` sources into `hm`. One function per loop,
 * here and below: a function runs once per graph, and a loop of it that V8
 * compiles while it runs (on-stack replacement) then leaves the compiled code
 * at the next loop, which it has not seen run, to be compiled again, whole.
 */
function fillIncidences(sources: readonly EventRowsSource[], n0: number, ninc: number, inFill: boolean[], hm: HubMatrix): void {
  const multi = sources.length > 1;
  iEvent = capInt32(iEvent, ninc);
  if (multi) iSource = capInt32(iSource, ninc);
  const tuples = new TupleSums();
  // Fill with a moving cursor per vertex (start shifted by one, restored below).
  for (let si = 0; si < sources.length; si++) {
    if (inFill[si]) fillWithTuples(sources[si]!, multi ? si : -1, tuples, hm);
    else fillSource(sources[si]!, multi ? si : -1);
  }
  const start = iStart;
  start.copyWithin(1, 0, n0);
  start[0] = 0;
  addTuplePairs(tuples, hm);
}

/**
 * The incidences of one clique source without repeated vertices (source index
 * `si`, -1 = the only one), and each event's hub tuple (its hub indices in
 * field order) with its count; the sums are of integral counts, so exact in any
 * order.
 */
function fillWithTuples(s: EventRowsSource, si: number, tuples: TupleSums, hm: HubMatrix): void {
  const start = iStart;
  const hub = hubOf;
  const iev = iEvent;
  const isrc = iSource;
  const hk = hm.scratch;
  const w = s.width;
  const nf = s.fields;
  const p = s.payload;
  const counts = s.counts;
  const cs = s.countStride;
  for (let e = 0, o = 0, co = s.countAt; e < s.size; e++, o += w, co += cs) {
    let kept = 0;
    let nh = 0;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < nf; i++) {
      const id = p[o + i]!;
      if (id < 0) continue;
      kept++;
      const h = hub[id]!;
      if (h >= 0) {
        if (nh < 4) lo |= h << (4 + 7 * nh);
        else if (nh < TUPLE_HUBS) hi |= h << (7 * (nh - 4));
        hk[nh++] = h;
        continue;
      }
      const k = start[id]!++;
      iev[k] = e;
      if (si >= 0) isrc[k] = si;
    }
    if (kept < 2 || nh < 2) continue;
    if (nh <= TUPLE_HUBS) tuples.add(lo | nh, hi, counts[co]!);
    else for (let i = 0; i < nh; i++) for (let j = i + 1; j < nh; j++) hm.add(hk[i]!, hk[j]!, counts[co]!);
  }
}

/** The incidences of one other source (source index `si`, -1 = the only one): each distinct non-hub vertex of each event. */
function fillSource(s: EventRowsSource, si: number): void {
  const start = iStart;
  const hub = hubOf;
  const iev = iEvent;
  const isrc = iSource;
  const w = s.width;
  const nf = s.fields;
  const p = s.payload;
  const repeats = s.distinct !== true;
  for (let e = 0, o = 0; e < s.size; e++, o += w) {
    for (let i = 0; i < nf; i++) {
      const id = p[o + i]!;
      if (id < 0 || hub[id]! >= 0) continue;
      if (repeats) {
        let dup = false;
        for (let j = 0; j < i; j++) if (p[o + j] === id) dup = true;
        if (dup) continue;
      }
      const k = start[id]!++;
      iev[k] = e;
      if (si >= 0) isrc[k] = si;
    }
  }
}

/** The hub tuples: each one's pairs with its summed count. */
function addTuplePairs(tuples: TupleSums, hm: HubMatrix): void {
  const hk = hm.scratch;
  for (let t = 0; t < tuples.size; t++) {
    const nh = tuples.hubs(t, hk);
    const c = tuples.sum(t);
    for (let i = 0; i < nh; i++) for (let j = i + 1; j < nh; j++) hm.add(hk[i]!, hk[j]!, c);
  }
}

/** Edge-table entries by row (both endpoints; a self-loop once) into `eStart`, `eOther`, `eWeight`; returns their number. */
function edgeRows(edges: EdgeTable, n0: number): number {
  const { us, vs, ws } = edges.toArrays();
  const ne = us.length;
  eStart = capUint32(eStart, n0 + 1);
  const es = eStart;
  es.fill(0, 0, n0 + 1);
  for (let k = 0; k < ne; k++) {
    const u = us[k]!;
    const v = vs[k]!;
    if (u >= n0 || v >= n0) throw new Error(`${MODULE}: edge (${u}, ${v}) refers to a vertex outside 0..${n0 - 1}`);
    es[u + 1]!++;
    if (u !== v) es[v + 1]!++;
  }
  prefixSums(es, n0);
  const nEntries = es[n0]!;
  eOther = capInt32(eOther, nEntries);
  eWeight = capFloat64(eWeight, nEntries);
  const eo = eOther;
  const ew = eWeight;
  for (let k = 0; k < ne; k++) {
    const u = us[k]!;
    const v = vs[k]!;
    let q = es[u]!++;
    eo[q] = v;
    ew[q] = ws[k]!;
    if (u !== v) {
      q = es[v]!++;
      eo[q] = u;
      ew[q] = ws[k]!;
    }
  }
  es.copyWithin(1, 0, n0);
  es[0] = 0;
  return nEntries;
}

/** Hub x hub edges of the sources not counted by tuple, per event (pairs whose two ends are hubs). */
function hubPairs(sources: readonly EventRowsSource[], inFill: boolean[], hm: HubMatrix): void {
  const hub = hubOf;
  const hk = hm.scratch;
  for (let si = 0; si < sources.length; si++) {
    const s = sources[si]!;
    if (inFill[si]) continue;
    const w = s.width;
    const nf = s.fields;
    const p = s.payload;
    const pairs = s.pairs;
    const counts = s.counts;
    const cs = s.countStride;
    for (let e = 0, o = 0, co = s.countAt; e < s.size; e++, o += w, co += cs) {
      const c = counts[co]!;
      if (pairs === undefined) {
        let nh = 0;
        let kept = 0;
        for (let i = 0; i < nf; i++) {
          const id = p[o + i]!;
          if (id < 0) continue;
          if (s.set) {
            let dup = false;
            for (let j = 0; j < i; j++) if (p[o + j] === id) dup = true;
            if (dup) continue;
          }
          kept++;
          const k = hub[id]!;
          if (k >= 0) {
            if (nh === hk.length) throw new Error(`${MODULE}: more than ${hk.length} hub fields in an event`);
            hk[nh++] = k;
          }
        }
        if (kept < 2) continue;
        for (let i = 0; i < nh; i++) for (let j = i + 1; j < nh; j++) hm.add(hk[i]!, hk[j]!, c);
        continue;
      }
      const np = pairs.length;
      for (let q = 0; q < np; q += 2) {
        const x = p[o + pairs[q]!]!;
        const y = p[o + pairs[q + 1]!]!;
        if (x < 0 || y < 0 || hub[x]! < 0 || hub[y]! < 0) continue;
        if (s.set && (x === y || repeatsPair(p, o, pairs, q))) continue;
        hm.add(hub[x]!, hub[y]!, c);
      }
    }
  }
}

/** Pass 1 (see {@link rowsToCsr}): each non-hub row summed, into `tTarget`/`tWeight` at `rowBegin..rowEnd`. */
function sumRows(sources: readonly EventRowsSource[], n0: number, ninc: number, nEntries: number, H: number): { nnz: number; hubDegree: Int32Array } {
  const start = iStart;
  const hub = hubOf;
  const iev = iEvent;
  const isrc = iSource;
  const multi = sources.length > 1;
  const es = eStart;
  const eo = eOther;
  const ew = eWeight;
  acc = capFloat64(acc, n0);
  stamp = capInt32(stamp, n0);
  touched = capInt32(touched, n0);
  const a = acc;
  const mark = stamp;
  const tl = touched;
  mark.fill(0, 0, n0);
  // The accumulator is all zeros between rows (each row's entries are zeroed as they are written
  // out), so a plain row (positive counts) tells a first touch by a zero: no mark to read.
  a.fill(0, 0, n0);
  rowBegin = capUint32(rowBegin, n0);
  rowEnd = capUint32(rowEnd, n0);
  const rb = rowBegin;
  const re = rowEnd;
  let nnz = 0;
  // Room for about three neighbours per incidence (a real-volume auth hour: 2.7) and the hub rows, to grow rarely.
  tTarget = capInt32(tTarget, Math.max(1024, 3 * ninc + nEntries + H * H));
  tWeight = capFloat64(tWeight, Math.max(1024, 3 * ninc + nEntries + H * H));
  const hubDegree = new Int32Array(H); // entries of each hub's row from the non-hub rows
  const s0 = sources[0]!;
  const allPlain = sources.every((s) => s.pairs === undefined && !s.set && s.distinct === true);
  const plain = sources.length === 1 && allPlain;
  const pp = plain ? s0.payload : new Int32Array(0);
  const pc = plain ? s0.counts : new Float64Array(0);
  const pca = plain ? s0.countAt : 0;
  const pcs = plain ? s0.countStride : 0;
  const pw = plain ? s0.width : 0;
  const pf = plain ? s0.fields : 0;
  let x = 0;
  for (let u = 0; u < n0; u++) {
    if (hub[u]! >= 0) continue;
    const tag = u + 1;
    let nt = 0;
    const k0 = start[u]!;
    const k1 = start[u + 1]!;
    // The row's events read ahead in one loop: their cache misses overlap.
    for (let k = k0; k < k1; k++) {
      const s = multi ? sources[isrc[k]!]! : s0;
      x ^= s.payload[iev[k]! * s.width]!;
    }
    if (plain) {
      // One source, a clique, no vertex twice in an event: u is once in each of its events, so each
      // other kept vertex gets the event's count (an event without one adds nothing).
      for (let k = k0; k < k1; k++) {
        const e = iev[k]!;
        const c = pc[pca + e * pcs]!;
        for (let i = e * pw, end = i + pf; i < end; i++) {
          const id = pp[i]!;
          if (id < 0 || id === u) continue;
          if (a[id] === 0) tl[nt++] = id;
          a[id]! += c;
        }
      }
    } else if (allPlain) {
      // The same with several sources, each plain.
      for (let k = k0; k < k1; k++) {
        const s = sources[isrc[k]!]!;
        const e = iev[k]!;
        const c = s.counts[s.countAt + e * s.countStride]!;
        const p = s.payload;
        for (let i = e * s.width, end = i + s.fields; i < end; i++) {
          const id = p[i]!;
          if (id < 0 || id === u) continue;
          if (a[id] === 0) tl[nt++] = id;
          a[id]! += c;
        }
      }
    } else for (let k = k0; k < k1; k++) {
      const s = multi ? sources[isrc[k]!]! : s0;
      const e = iev[k]!;
      const c = s.counts[s.countAt + e * s.countStride]!;
      const p = s.payload;
      const o = e * s.width;
      const nf = s.fields;
      const pairs = s.pairs;
      if (pairs === undefined) {
        // Clique over the kept ids (networkx positions; `set`: distinct ids only).
        let m = 0;
        let kept = 0;
        for (let i = 0; i < nf; i++) {
          const id = p[o + i]!;
          if (id < 0) continue;
          if (s.set) {
            let dup = false;
            for (let j = 0; j < i; j++) if (p[o + j] === id) dup = true;
            if (dup) continue;
          }
          kept++;
          if (id === u) m++;
        }
        if (kept < 2) continue;
        for (let i = 0; i < nf; i++) {
          const id = p[o + i]!;
          if (id < 0 || id === u) continue;
          if (s.set) {
            let dup = false;
            for (let j = 0; j < i; j++) if (p[o + j] === id) dup = true;
            if (dup) continue;
          }
          if (mark[id] !== tag) {
            mark[id] = tag;
            a[id] = 0;
            tl[nt++] = id;
          }
          a[id]! += c * m;
        }
        if (m >= 2) {
          if (mark[u] !== tag) {
            mark[u] = tag;
            a[u] = 0;
            tl[nt++] = u;
          }
          a[u]! += (c * m * (m - 1)) / 2;
        }
        continue;
      }
      const np = pairs.length;
      for (let q = 0; q < np; q += 2) {
        const x = p[o + pairs[q]!]!;
        const y = p[o + pairs[q + 1]!]!;
        if (x < 0 || y < 0 || (x !== u && y !== u)) continue;
        if (s.set && (x === y || repeatsPair(p, o, pairs, q))) continue;
        const other = x === u ? y : x;
        if (mark[other] !== tag) {
          mark[other] = tag;
          a[other] = 0;
          tl[nt++] = other;
        }
        a[other]! += c;
      }
    }
    for (let k = es[u]!, end = es[u + 1]!; k < end; k++) {
      // Untouched: not marked by a general row, not summed by a plain one (any weight here).
      const v = eo[k]!;
      if (mark[v] !== tag && a[v] === 0) {
        mark[v] = tag;
        tl[nt++] = v;
      }
      a[v]! += ew[k]!;
    }
    if (nnz + nt > tTarget.length) {
      const t2 = new Int32Array(Math.max(nnz + nt, tTarget.length * 2));
      t2.set(tTarget.subarray(0, nnz));
      tTarget = t2;
      const w2 = new Float64Array(t2.length);
      w2.set(tWeight.subarray(0, nnz));
      tWeight = w2;
    }
    const tt = tTarget;
    const tw = tWeight;
    rb[u] = nnz;
    for (let k = 0; k < nt; k++) {
      const v = tl[k]!;
      tt[nnz] = v;
      tw[nnz] = a[v]!;
      a[v] = 0;
      nnz++;
      const hv = hub[v]!;
      if (hv >= 0) hubDegree[hv]!++;
    }
    re[u] = nnz;
    rowsSink ^= x; // in the loop: nothing after it but the return (see fillIncidences)
  }
  return { nnz, hubDegree };
}

/** Hub rows: edge-table entries between hubs into the matrix, then each hub's entries and matrix row. */
function hubRows(n0: number, hubs: number[], hm: HubMatrix, rows: { nnz: number; hubDegree: Int32Array }): void {
  const H = hubs.length;
  const hub = hubOf;
  const es = eStart;
  const eo = eOther;
  const ew = eWeight;
  const rb = rowBegin;
  const re = rowEnd;
  const hmw = hm.weight;
  const ht = hm.touched;
  const { hubDegree } = rows;
  let nnz = rows.nnz;
  for (let k = 0; k < H; k++) {
    const h = hubs[k]!;
    for (let q = es[h]!, end = es[h + 1]!; q < end; q++) {
      const g = hub[eo[q]!]!;
      if (g < 0) continue; // from the other end's row
      hmw[k * H + g]! += ew[q]!;
      ht[k * H + g] = 1;
    }
  }
  if (H > 0) {
    // Each hub's row: its entries in the non-hub rows (a scan of those, in id order), then its matrix row.
    let ndeg = 0;
    for (let k = 0; k < H; k++) ndeg += hubDegree[k]!;
    const need = nnz + ndeg + H * H;
    if (need > tTarget.length) {
      const t2 = new Int32Array(need);
      t2.set(tTarget.subarray(0, nnz));
      tTarget = t2;
      const w2 = new Float64Array(need);
      w2.set(tWeight.subarray(0, nnz));
      tWeight = w2;
    }
    const tt = tTarget;
    const tw = tWeight;
    const fillAt = new Uint32Array(H);
    for (let k = 0, at = nnz; k < H; k++) {
      rb[hubs[k]!] = at;
      fillAt[k] = at;
      at += hubDegree[k]! + H;
    }
    gatherHubRows(n0, fillAt);
    for (let k = 0; k < H; k++) {
      let at = fillAt[k]!;
      for (let g = 0; g < H; g++) {
        if (ht[k * H + g] === 0) continue;
        tt[at] = hubs[g]!;
        tw[at] = hmw[k * H + g]!;
        at++;
      }
      re[hubs[k]!] = at;
    }
    nnz += ndeg + H * H; // upper bound of the space used (rows are read by begin/end)
  }
  rows.nnz = nnz;
}

/** The hub entries of the non-hub rows, in id order, into the hub rows (at `fillAt`, by hub index). */
function gatherHubRows(n0: number, fillAt: Uint32Array): void {
  const hub = hubOf;
  const rb = rowBegin;
  const re = rowEnd;
  const tt = tTarget;
  const tw = tWeight;
  for (let u = 0; u < n0; u++) {
    if (hub[u]! >= 0) continue;
    for (let q = rb[u]!, end = re[u]!; q < end; q++) {
      const k = hub[tt[q]!]!;
      if (k < 0) continue;
      const at = fillAt[k]!++;
      tt[at] = u;
      tw[at] = tw[q]!;
    }
  }
}

/** Pass 2 (see {@link rowsToCsr}): the rows renumbered in name order, sorted by a transpose. */
function transpose(names: readonly string[], n0: number, sortIds: (ids: number[]) => number[]): Csr {
  // Pass 2: kept vertices in name order. The rows are symmetric (entry v of row u has the same
  // weight as entry u of row v: the same increments in the same order), so distributing each row
  // u, taken in ascending new id, into the rows of its targets writes every row renumbered and
  // already sorted: one pass, no sort.
  const order = sortIds(keptRows(n0));
  const n = order.length;
  newId = capInt32(newId, n0);
  const offsets = new Uint32Array(n + 1);
  renumber(order, offsets);
  const total = offsets[n]!;
  cursor = capUint32(cursor, n);
  cursor.set(offsets.subarray(0, n));
  // Every position is written below (each row filled to its end: checked), so recycled arrays need no clearing.
  const targets = spareTargets !== undefined && spareTargets.length >= total ? spareTargets.subarray(0, total) : new Uint32Array(total);
  const weights = spareWeights !== undefined && spareWeights.length >= total ? spareWeights.subarray(0, total) : new Float64Array(total);
  spareTargets = undefined;
  spareWeights = undefined;
  ownBuffers.add(targets.buffer);
  ownBuffers.add(weights.buffer);
  distribute(order, targets, weights);
  const cur = cursor;
  for (let i = 0; i < n; i++) {
    if (cur[i] !== offsets[i + 1]) throw new Error(`${MODULE}: row ${i} is not symmetric`);
  }
  return { names: order.map((i) => names[i]!), offsets, targets, weights };
}

/** The vertices with a non-empty row, in id order. */
function keptRows(n0: number): number[] {
  const rb = rowBegin;
  const re = rowEnd;
  const order: number[] = [];
  for (let u = 0; u < n0; u++) if (re[u]! > rb[u]!) order.push(u);
  return order;
}

/** New ids (`newId`, by position in `order`) and the rows' offsets in that order. */
function renumber(order: number[], offsets: Uint32Array): void {
  const rb = rowBegin;
  const re = rowEnd;
  const nid = newId;
  for (let i = 0; i < order.length; i++) {
    const u = order[i]!;
    nid[u] = i;
    offsets[i + 1] = offsets[i]! + (re[u]! - rb[u]!);
  }
}

/** Each row, in new id order, into the rows of its targets (at their cursors). */
function distribute(order: number[], targets: Uint32Array, weights: Float64Array): void {
  const rb = rowBegin;
  const re = rowEnd;
  const nid = newId;
  const cur = cursor;
  const tt = tTarget;
  const tw = tWeight;
  for (let i = 0; i < order.length; i++) {
    const u = order[i]!;
    for (let k = rb[u]!, end = re[u]!; k < end; k++) {
      const at = cur[nid[tt[k]!]!]!++;
      targets[at] = i;
      weights[at] = tw[k]!;
    }
  }
}
