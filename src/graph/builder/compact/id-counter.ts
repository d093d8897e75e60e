/**
 * Distinct events counted on their interned vertex ids (issue 13, "distinct
 * events counted on interned ids rather than line bytes").
 *
 * An event's edges depend on its artifact ids only, so events with the same
 * ids add the same edges: counting distinct id tuples, each with its count,
 * gives exactly the graph of adding every event (as {@link EventCounter} does
 * for distinct line bodies). A lookup hashes `width` ints instead of a line's
 * bytes and compares the tuple in its entry's row, which also holds the count:
 * one row per entry, `stride` int32 words, the ids then (float64-aligned) the
 * count, so a repeated event touches its hash slot and one row. The hash table
 * is sized once per batch ({@link IdCounter.reserve}) and, with the rows,
 * given back for reuse by later counters of the thread ({@link IdCounter.release}).
 *
 * Source: open addressing with linear probing (Knuth, TAOCP vol. 3, 6.4);
 * MurmurHash3 mixing (Appleby, public domain).
 */

const MODULE = "telemetry-lab/graph/builder/compact/id-counter";

interface Released {
  rows: ArrayBuffer;
  slots: Int32Array;
}

/** Arrays given back by {@link IdCounter.release} (at most {@link POOL_SIZE}). */
const POOL: Released[] = [];
const POOL_SIZE = 8;

/**
 * @example
 * const c = new IdCounter(2);
 * c.add(Int32Array.of(3, 5)); // 0 (new entry)
 * c.add(Int32Array.of(3, 5)); // 0 (count 2)
 * c.size; // 1
 * c.count(0); // 2
 */
export class IdCounter {
  /** Ids per entry. */
  readonly width: number;
  /** Int32 words per entry row: `width` ids, padding to even, the count (float64). */
  readonly stride: number;
  /** Float64 index of entry 0's count in {@link IdCounter.countsView}; entry e's is `countAt + e * stride / 2`. */
  readonly countAt: number;
  private buffer: ArrayBuffer;
  /** Entry rows as int32 (ids at `e * stride`). */
  payload: Int32Array;
  /** Entry rows as float64 (counts). */
  countsView: Float64Array;
  private cap: number;
  /** Two ints per slot: entry + 1 (0 = empty), the tuple's hash. */
  private slots: Int32Array;
  private mask: number;
  private n = 0;

  constructor(width: number, expected = 1024) {
    if (!(Number.isInteger(width) && width >= 1)) throw new Error(`${MODULE}: width must be a positive integer, got ${width}`);
    this.width = width;
    this.stride = (width + 1 + 2) & ~1;
    this.countAt = ((width + 1) & ~1) >> 1;
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    // The largest released arrays when there are some (a worker's hours are alike: no growth, no
    // fresh arrays hour after hour; same results, only capacities differ).
    let bs = -1;
    let br = -1;
    for (let i = 0; i < POOL.length; i++) {
      if (bs < 0 || POOL[i]!.slots.length > POOL[bs]!.slots.length) bs = i;
      if (br < 0 || POOL[i]!.rows.byteLength > POOL[br]!.rows.byteLength) br = i;
    }
    if (bs >= 0 && POOL[bs]!.slots.length >= 2 * cap) {
      this.slots = POOL[bs]!.slots;
      POOL[bs]!.slots = new Int32Array(0);
      this.slots.fill(0);
    } else this.slots = new Int32Array(2 * cap);
    this.mask = (this.slots.length >> 1) - 1;
    const bytes = expected * this.stride * 4;
    if (br >= 0 && POOL[br]!.rows.byteLength >= bytes) {
      this.buffer = POOL[br]!.rows;
      POOL[br]!.rows = new ArrayBuffer(0);
    } else this.buffer = new ArrayBuffer(bytes);
    this.payload = new Int32Array(this.buffer);
    this.countsView = new Float64Array(this.buffer);
    this.cap = Math.floor(this.buffer.byteLength / (this.stride * 4));
    for (let i = POOL.length - 1; i >= 0; i--) if (POOL[i]!.rows.byteLength === 0 && POOL[i]!.slots.length === 0) POOL.splice(i, 1);
  }

  /** Number of distinct tuples. */
  get size(): number {
    return this.n;
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.buffer.byteLength + this.slots.byteLength;
  }

  /** Count of entry `e`. */
  count(e: number): number {
    return this.countsView[this.countAt + e * (this.stride >> 1)]!;
  }

  /** Counts `ids[0, width)` once more; returns its entry. */
  add(ids: Int32Array): number {
    return this.addHashed(ids, 0, this.hash(ids, 0));
  }

  /** Hash of the tuple `t[off, off + width)`. */
  hash(t: Int32Array, off: number): number {
    const w = this.width;
    let h = 0x2f693b7d;
    for (let i = off, end = off + w; i < end; i++) {
      let k = Math.imul(t[i]!, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    return h ^ (h >>> 13);
  }

  /**
   * Reads the slots that tuples of hashes `hs[0, m)` probe first (into
   * `entries`), then their entries' rows: done for a batch of tuples before
   * counting them, the batch's cache misses are in flight together instead of
   * one after the other. All slots are read before any row, so that no read
   * waits for another (a row's address comes from its slot): a real-volume
   * auth hour's lines phase, interleaved minima, 0.46 -> 0.42 CPU-s. Returns a
   * value to fold into a result (so that the reads are kept).
   */
  touchAll(hs: Int32Array, m: number, entries: Int32Array): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let j = 0; j < m; j++) entries[j] = slots[2 * (hs[j]! & mask)]!;
    const pl = this.payload;
    const stride = this.stride;
    let x = 0;
    for (let j = 0; j < m; j++) {
      const e1 = entries[j]!;
      if (e1 > 0) x ^= pl[(e1 - 1) * stride]!;
    }
    return x;
  }

  /** Counts the tuple `t[off, off + width)` of hash `h` ({@link IdCounter.hash}) once more; returns its entry. Hot path. */
  addHashed(t: Int32Array, off: number, h: number): number {
    const w = this.width;
    const pl = this.payload;
    const stride = this.stride;
    const slots = this.slots;
    const mask = this.mask;
    let p = h & mask;
    for (;;) {
      const e1 = slots[2 * p]!;
      if (e1 === 0) break;
      if (slots[2 * p + 1] === h) {
        const o = (e1 - 1) * stride;
        let i = 0;
        while (i < w && pl[o + i] === t[off + i]) i++;
        if (i === w) {
          this.countsView[(o >> 1) + this.countAt]!++;
          return e1 - 1;
        }
      }
      p = (p + 1) & mask;
    }
    const e = this.n;
    if (e >= this.cap) this.growEntries();
    const o = e * stride;
    const rows = this.payload;
    for (let i = 0; i < w; i++) rows[o + i] = t[off + i]!;
    this.countsView[(o >> 1) + this.countAt] = 1;
    slots[2 * p] = e + 1;
    slots[2 * p + 1] = h;
    this.n = e + 1;
    if (this.n * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    return e;
  }

  /** Makes room for `entries` more tuples without growing on the way (only ever grows). */
  reserve(entries: number): void {
    const need = this.n + entries;
    let cap = this.mask + 1;
    while (cap < need * 2) cap *= 2;
    if (cap > this.mask + 1) this.rehash(cap);
    if (this.cap < need && this.n === 0) this.takeRows(need);
    if (this.cap < need) this.growEntries(need);
  }

  private growEntries(min = 0): void {
    const cap = Math.max(16, this.cap * 2, min);
    const buffer = new ArrayBuffer(cap * this.stride * 4);
    new Int32Array(buffer).set(this.payload.subarray(0, this.n * this.stride));
    this.buffer = buffer;
    this.payload = new Int32Array(buffer);
    this.countsView = new Float64Array(buffer);
    this.cap = cap;
  }

  private rehash(cap: number): void {
    const old = this.slots;
    // The smallest released table that is large enough when there is one (same results: only
    // capacities differ; fresh tables hour after hour cost page faults and garbage collections).
    let best = -1;
    for (let i = 0; i < POOL.length; i++) {
      const n = POOL[i]!.slots.length;
      if (n >= 2 * cap && (best < 0 || n < POOL[best]!.slots.length)) best = i;
    }
    let slots: Int32Array;
    if (best >= 0) {
      slots = POOL[best]!.slots;
      POOL[best]!.slots = new Int32Array(0);
      slots.fill(0);
    } else {
      // Written through once: a fresh page read first (a probe, a touch) and written later faults
      // twice (the zero page, then its copy); a real-volume auth hour's 16 MB are 4 k faults fewer.
      slots = new Int32Array(2 * cap).fill(0);
    }
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      let p = old[i + 1]! & mask;
      while (slots[2 * p] !== 0) p = (p + 1) & mask;
      slots[2 * p] = old[i]!;
      slots[2 * p + 1] = old[i + 1]!;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Takes released rows of at least `entries` entries when there are some (the smallest; before the first entry). */
  private takeRows(entries: number): void {
    const bytes = entries * this.stride * 4;
    let best = -1;
    for (let i = 0; i < POOL.length; i++) {
      const r = POOL[i]!.rows;
      if (r.byteLength >= bytes && (best < 0 || r.byteLength < POOL[best]!.rows.byteLength)) best = i;
    }
    if (best >= 0) {
      const r = POOL[best]!.rows;
      POOL[best]!.rows = new ArrayBuffer(0);
      this.buffer = r;
      this.payload = new Int32Array(r);
      this.countsView = new Float64Array(r);
      this.cap = Math.floor(r.byteLength / (this.stride * 4));
    }
    for (let i = POOL.length - 1; i >= 0; i--) if (POOL[i]!.rows.byteLength === 0 && POOL[i]!.slots.length === 0) POOL.splice(i, 1);
  }

  /** Forgets every entry and gives the arrays back for reuse by later counters of this thread. */
  release(): void {
    POOL.push({ rows: this.buffer, slots: this.slots });
    if (POOL.length > POOL_SIZE) POOL.shift();
    this.slots = new Int32Array(2 * 16);
    this.mask = 15;
    this.buffer = new ArrayBuffer(16 * this.stride * 4);
    this.payload = new Int32Array(this.buffer);
    this.countsView = new Float64Array(this.buffer);
    this.cap = 16;
    this.n = 0;
  }

  /** Forgets every entry (keeps the allocated memory). */
  clear(): void {
    this.slots.fill(0);
    this.n = 0;
  }
}
