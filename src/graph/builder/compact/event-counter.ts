/**
 * Distinct event bodies with their counts: the fast path's first stage.
 *
 * An hour of LANL repeats itself: in the real auth sample
 * (`../shared/datasets/lanl/auth_sample_human_days0-2.txt`), 58% of the lines
 * of a few minutes repeat an earlier line's fields exactly (machine accounts
 * re-authenticating, log-on/log-off pairs). Since an event's artifacts depend on
 * its fields only (never on its time), a repeated body adds the same edges
 * again; counting distinct bodies and adding each one's edges once, with its
 * count as weight, gives exactly the same weighted graph at a fraction of the
 * cost: a repeated line costs one hash and one compare of its bytes.
 *
 * A body is the line after its time field. Each entry keeps its bytes (for the
 * compare), its count and `width` int32 slots of payload (the vertex ids found
 * when the body was first seen). A hash slot holds the entry, its hash and
 * where its bytes are (one cache line per probe, then the bytes), and a failed {@link EventCounter.find} remembers
 * where the body goes, so the {@link EventCounter.insert} that follows does not
 * probe again.
 */
import { hashBytes } from "./hash.js";

/** Arrays of one released counter. */
interface Released {
  arena: Uint8Array;
  counts: Float64Array;
  payload: Int32Array;
  slots: Int32Array;
}

/**
 * Arrays given back by {@link EventCounter.release}, taken by later counters
 * of the same thread (a pipeline worker builds hour after hour: fresh arrays
 * would cost their page faults again every hour). At most {@link POOL_SIZE}.
 */
const POOL: Released[] = [];
const POOL_SIZE = 8;

/**
 * @example
 * const c = new EventCounter(2);
 * const b = Buffer.from("C1,C2");
 * const e = c.insert(b, 0, 5, c.hash(b, 0, 5)); // new entry 0, count 1
 * c.find(b, 0, 5, c.hash(b, 0, 5)); // 0
 */
export class EventCounter {
  /** Payload slots per entry. */
  readonly width: number;
  private arena: Uint8Array;
  private used = 0;
  /** Count per entry. */
  counts: Float64Array;
  /** Payload: `width` ints per entry. */
  payload: Int32Array;
  /** Entries the counts and payload hold. */
  private cap: number;
  /** Four ints per slot: entry + 1 (0 = empty), the body's hash, its arena offset and length. */
  private slots: Int32Array;
  private mask: number;
  private n = 0;
  /** Empty slot found by the last failed find (-1 = none), for the hash `hintHash`. */
  private hint = -1;
  private hintHash = 0;

  constructor(width: number, expected = 4096) {
    this.width = width;
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    // The largest released arrays when there are some (same results: only capacities differ).
    let best = -1;
    for (let i = 0; i < POOL.length; i++) if (best < 0 || POOL[i]!.slots.length > POOL[best]!.slots.length) best = i;
    const r = best >= 0 && POOL[best]!.slots.length >= 4 * cap ? POOL.splice(best, 1)[0]! : undefined;
    if (r !== undefined) {
      r.slots.fill(0);
      this.slots = r.slots;
      this.mask = r.slots.length / 4 - 1;
      this.arena = r.arena;
      this.counts = r.counts;
      this.payload = r.payload;
      this.cap = Math.min(r.counts.length, Math.floor(r.payload.length / Math.max(1, width)));
    } else {
      this.slots = new Int32Array(4 * cap);
      this.mask = cap - 1;
      this.arena = new Uint8Array(expected * 64);
      this.counts = new Float64Array(expected);
      this.payload = new Int32Array(expected * Math.max(1, width));
      this.cap = expected;
    }
  }

  /**
   * Forgets every entry and gives the arrays back for reuse by later counters
   * of this thread; the counter stays usable (with small fresh arrays).
   */
  release(): void {
    POOL.push({ arena: this.arena, counts: this.counts, payload: this.payload, slots: this.slots });
    if (POOL.length > POOL_SIZE) {
      let small = 0;
      for (let i = 1; i < POOL.length; i++) if (POOL[i]!.slots.length < POOL[small]!.slots.length) small = i;
      POOL.splice(small, 1);
    }
    this.slots = new Int32Array(4 * 16);
    this.mask = 15;
    this.arena = new Uint8Array(1024);
    this.counts = new Float64Array(16);
    this.payload = new Int32Array(16 * Math.max(1, this.width));
    this.cap = 16;
    this.n = 0;
    this.used = 0;
    this.hint = -1;
  }

  /** Number of distinct bodies. */
  get size(): number {
    return this.n;
  }

  /** Bytes held. */
  get byteLength(): number {
    return this.arena.byteLength + this.counts.byteLength + this.payload.byteLength + this.slots.byteLength;
  }

  /** Hash of `buf[s, e)` ({@link hashBytes}). */
  hash(buf: Uint8Array, s: number, e: number): number {
    return hashBytes(buf, s, e, 0x9747b28c);
  }

  /** Entry of the body `buf[s, e)` with hash `h`, or -1. */
  find(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const slots = this.slots;
    const mask = this.mask;
    let p = h & mask;
    for (;;) {
      const id1 = slots[4 * p]!;
      if (id1 === 0) {
        this.hint = p;
        this.hintHash = h;
        return -1;
      }
      if (slots[4 * p + 1] === h && slots[4 * p + 3] === len) {
        const a = this.arena;
        let o = slots[4 * p + 2]!;
        let i = s;
        while (i < e && a[o] === buf[i]) {
          o++;
          i++;
        }
        if (i === e) return id1 - 1;
      }
      p = (p + 1) & mask;
    }
  }

  /** Inserts a body not present (call {@link find} first), count 1; returns its entry. */
  insert(buf: Uint8Array, s: number, e: number, h: number): number {
    const id = this.n;
    const len = e - s;
    if (id >= this.cap) this.growEntries();
    if (this.used + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    const arena = this.arena;
    const start = this.used;
    if (len > 24) arena.set(buf.subarray(s, e), start); // native copy beats a byte loop on a line
    else for (let i = s, o = start; i < e; i++, o++) arena[o] = buf[i]!;
    this.counts[id] = 1;
    this.used += len;
    const slots = this.slots;
    let p = this.hint;
    // The hint is the first empty slot on h's probe path when still empty (slots only fill).
    if (p < 0 || this.hintHash !== h || slots[4 * p] !== 0) {
      p = h & this.mask;
      while (slots[4 * p] !== 0) p = (p + 1) & this.mask;
    }
    this.hint = -1;
    slots[4 * p] = id + 1;
    slots[4 * p + 1] = h;
    slots[4 * p + 2] = start;
    slots[4 * p + 3] = len;
    this.n = id + 1;
    if (this.n * 2 > this.mask + 1) this.rehash();
    return id;
  }

  /**
   * Makes room for `entries` more distinct bodies of `bytes` more bytes without
   * growing on the way (pre-sizing from a batch's size; only ever grows).
   */
  reserve(entries: number, bytes: number): void {
    const need = this.n + entries;
    while (this.cap < need) this.growEntries();
    while (this.mask + 1 < need * 2) this.rehash();
    if (this.arena.length < this.used + bytes) {
      const grown = new Uint8Array(this.used + bytes);
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
  }

  private growEntries(): void {
    const cap = Math.max(16, this.cap * 2);
    const cs = new Float64Array(cap);
    cs.set(this.counts.subarray(0, this.n));
    this.counts = cs;
    const pl = new Int32Array(cap * Math.max(1, this.width));
    pl.set(this.payload.subarray(0, this.n * Math.max(1, this.width)));
    this.payload = pl;
    this.cap = cap;
  }

  private rehash(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(4 * cap);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i] === 0) continue;
      let p = old[i + 1]! & mask;
      while (slots[4 * p] !== 0) p = (p + 1) & mask;
      slots[4 * p] = old[i]!;
      slots[4 * p + 1] = old[i + 1]!;
      slots[4 * p + 2] = old[i + 2]!;
      slots[4 * p + 3] = old[i + 3]!;
    }
    this.slots = slots;
    this.mask = mask;
    this.hint = -1;
  }

  /** Forgets every entry (keeps the allocated memory). */
  clear(): void {
    this.slots.fill(0);
    this.n = 0;
    this.used = 0;
    this.hint = -1;
  }
}
