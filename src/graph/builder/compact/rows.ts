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
 * are summed per event in a small dense hub × hub matrix, so no row walks
 * hundreds of thousands of events.
 *
 * The result is exactly {@link EdgeTable.toCsr} of the same increments
 * (vertices without edges dropped, vertices in name order, targets ascending);
 * weights are sums of the same increments (exact for integral weights).
 * Scratch arrays live at module level and are reused by later calls in the same
 * thread (a pipeline worker builds many hours).
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

function capInt32(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2));
}
function capUint32(a: Uint32Array, n: number): Uint32Array {
  return a.length >= n ? a : new Uint32Array(Math.max(n, a.length * 2));
}
function capFloat64(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
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
  // Incidences: each event under each distinct vertex of it (counting sort by vertex).
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
  // Hubs: the most frequent vertices (measured), without event lists.
  hubOf = capInt32(hubOf, n0);
  const hub = hubOf;
  hub.fill(-1, 0, n0);
  let hubs: number[] = [];
  for (let v = 0; v < n0; v++) if (start[v + 1]! >= HUB_MIN_EVENTS) hubs.push(v);
  if (hubs.length > MAX_HUBS) hubs = hubs.sort((x, y) => start[y + 1]! - start[x + 1]! || x - y).slice(0, MAX_HUBS);
  const H = hubs.length;
  for (let k = 0; k < H; k++) {
    const v = hubs[k]!;
    hub[v] = k;
    ninc -= start[v + 1]!;
    start[v + 1] = 0;
  }
  for (let v = 0; v < n0; v++) start[v + 1]! += start[v]!;
  // Each incidence: its event's index (and source, with several).
  const multi = sources.length > 1;
  iEvent = capInt32(iEvent, ninc);
  if (multi) iSource = capInt32(iSource, ninc);
  const iev = iEvent;
  const isrc = iSource;
  {
    // Fill with a moving cursor per vertex (start shifted by one, restored below).
    for (let si = 0; si < sources.length; si++) {
      const s = sources[si]!;
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
          if (multi) isrc[k] = si;
        }
      }
    }
    for (let v = n0; v > 0; v--) start[v] = start[v - 1]!;
    start[0] = 0;
  }
  // Edge-table entries by row (both endpoints; a self-loop once).
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
  for (let v = 0; v < n0; v++) es[v + 1]! += es[v]!;
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
  for (let v = n0; v > 0; v--) es[v] = es[v - 1]!;
  es[0] = 0;

  // Hub x hub edges, per event (pairs whose two ends are hubs).
  const hm = new Float64Array(H * H);
  const ht = new Uint8Array(H * H);
  const addHub = (x: number, y: number, c: number): void => {
    if (x === y) {
      hm[x * H + x]! += c;
      ht[x * H + x] = 1;
    } else {
      hm[x * H + y]! += c;
      hm[y * H + x]! += c;
      ht[x * H + y] = 1;
      ht[y * H + x] = 1;
    }
  };
  const hk = new Int32Array(64);
  if (H > 0) {
    for (const s of sources) {
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
          for (let i = 0; i < nh; i++) for (let j = i + 1; j < nh; j++) addHub(hk[i]!, hk[j]!, c);
          continue;
        }
        const np = pairs.length;
        for (let q = 0; q < np; q += 2) {
          const x = p[o + pairs[q]!]!;
          const y = p[o + pairs[q + 1]!]!;
          if (x < 0 || y < 0 || hub[x]! < 0 || hub[y]! < 0) continue;
          if (s.set) {
            if (x === y) continue;
            let dup = false;
            for (let r = 0; r < q; r += 2) {
              const x2 = p[o + pairs[r]!]!;
              const y2 = p[o + pairs[r + 1]!]!;
              if (x2 >= 0 && y2 >= 0 && ((x2 === x && y2 === y) || (x2 === y && y2 === x))) dup = true;
            }
            if (dup) continue;
          }
          addHub(hub[x]!, hub[y]!, c);
        }
      }
    }
  }

  // Pass 1: each non-hub row summed in the dense accumulator; its hub entries counted per hub.
  acc = capFloat64(acc, n0);
  stamp = capInt32(stamp, n0);
  touched = capInt32(touched, n0);
  const a = acc;
  const mark = stamp;
  const tl = touched;
  mark.fill(0, 0, n0);
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
          if (mark[id] !== tag) {
            mark[id] = tag;
            a[id] = 0;
            tl[nt++] = id;
          }
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
          if (mark[id] !== tag) {
            mark[id] = tag;
            a[id] = 0;
            tl[nt++] = id;
          }
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
        if (s.set) {
          if (x === y) continue;
          let dup = false;
          for (let r = 0; r < q; r += 2) {
            const x2 = p[o + pairs[r]!]!;
            const y2 = p[o + pairs[r + 1]!]!;
            if (x2 >= 0 && y2 >= 0 && ((x2 === x && y2 === y) || (x2 === y && y2 === x))) dup = true;
          }
          if (dup) continue;
        }
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
      const v = eo[k]!;
      if (mark[v] !== tag) {
        mark[v] = tag;
        a[v] = 0;
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
      nnz++;
      const hv = hub[v]!;
      if (hv >= 0) hubDegree[hv]!++;
    }
    re[u] = nnz;
  }
  rowsSink ^= x;
  // Hub rows: edge-table entries between hubs into the matrix, then each hub's entries and matrix row.
  for (let k = 0; k < H; k++) {
    const h = hubs[k]!;
    for (let q = es[h]!, end = es[h + 1]!; q < end; q++) {
      const g = hub[eo[q]!]!;
      if (g < 0) continue; // from the other end's row
      hm[k * H + g]! += ew[q]!;
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
    for (let k = 0; k < H; k++) {
      let at = fillAt[k]!;
      for (let g = 0; g < H; g++) {
        if (ht[k * H + g] === 0) continue;
        tt[at] = hubs[g]!;
        tw[at] = hm[k * H + g]!;
        at++;
      }
      re[hubs[k]!] = at;
    }
    nnz += ndeg + H * H; // upper bound of the space used (rows are read by begin/end)
  }

  // Pass 2: kept vertices in name order. The rows are symmetric (entry v of row u has the same
  // weight as entry u of row v: the same increments in the same order), so distributing each row
  // u, taken in ascending new id, into the rows of its targets writes every row renumbered and
  // already sorted: one pass, no sort.
  let order: number[] = [];
  for (let u = 0; u < n0; u++) if (re[u]! > rb[u]!) order.push(u);
  order = sortIds(order);
  const n = order.length;
  newId = capInt32(newId, n0);
  const nid = newId;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const u = order[i]!;
    nid[u] = i;
    offsets[i + 1] = offsets[i]! + (re[u]! - rb[u]!);
  }
  const total = offsets[n]!;
  cursor = capUint32(cursor, n);
  const cur = cursor;
  cur.set(offsets.subarray(0, n));
  const targets = new Uint32Array(total);
  const weights = new Float64Array(total);
  const tt = tTarget;
  const tw = tWeight;
  for (let i = 0; i < n; i++) {
    const u = order[i]!;
    for (let k = rb[u]!, end = re[u]!; k < end; k++) {
      const at = cur[nid[tt[k]!]!]!++;
      targets[at] = i;
      weights[at] = tw[k]!;
    }
  }
  for (let i = 0; i < n; i++) {
    if (cur[i] !== offsets[i + 1]) throw new Error(`${MODULE}: row ${i} is not symmetric`);
  }
  return { names: order.map((i) => names[i]!), offsets, targets, weights };
}
