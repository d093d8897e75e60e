/**
 * The ids of a run of low-cardinality fields, cached by the run's bytes
 * (issue 13, hub factoring on the parsing side).
 *
 * Real event lines end in a few category fields whose values repeat (auth:
 * `?,Network,LogOff,Success`; one real-volume hour has 25 distinct such
 * tails). Interning them one by one costs a lookup per field; this cache maps
 * the whole run's bytes (the fields with their separating commas) to the ids
 * its fields were given the first time, so a repeated run costs one hash of a
 * few words and one compare. The ids depend on the bytes only (missing values,
 * NA spellings and dropping are decided on the bytes), so a hit gives exactly
 * the ids field-by-field interning would. The cache is bounded
 * ({@link GROUP_CACHE_LIMIT} runs): past it, new runs are interned field by
 * field, not cached.
 *
 * Source: open addressing with linear probing (Knuth, TAOCP vol. 3, 6.4);
 * MurmurHash3 mixing ({@link hashBytes}) of a sample of the run's words.
 */
import { finalMix, hashBytes, mixWord } from "./hash.js";

const MODULE = "telemetry-lab/graph/builder/compact/group-cache";

const SEED = 0x3c6ef372;

/** Murmur-style hash of `len` (>= 4) and the words at the start, middle and end of the bytes at `s` of `dv`. */
function sampleHash(dv: DataView, s: number, len: number): number {
  let h = mixWord(SEED ^ len, dv.getInt32(s, true));
  h = mixWord(h, dv.getInt32(s + ((len - 4) >> 1), true));
  return finalMix(mixWord(h, dv.getInt32(s + len - 4, true)));
}

/** Most distinct runs a cache holds. */
export const GROUP_CACHE_LIMIT = 4096;

/**
 * @example
 * const g = new GroupCache(2);
 * const buf = Buffer.from("x,Network,LogOff");
 * g.find(buf, 2, 16); // -1 (absent)
 * g.insert(buf, 2, 16, Int32Array.of(7, 9)); // 0
 * g.find(buf, 2, 16); // 0; g.ids[0], g.ids[1] are 7, 9
 */
export class GroupCache {
  /** Ids per run. */
  readonly width: number;
  /** Run r's ids at `ids[r * width, (r + 1) * width)`. */
  readonly ids: Int32Array;
  private readonly keyStart: Int32Array;
  private keyBytes: Uint8Array;
  private keyUsed = 0;
  /** Two ints per slot: run + 1 (0 = empty), hash. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private n = 0;
  /** Hash of the last {@link find} (for its {@link insert}). */
  private lastHash = 0;
  /** Word views (little-endian, unaligned reads) of the last buffer looked in and of the keys. */
  private view = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;
  private keyView: DataView;

  constructor(width: number) {
    if (!(Number.isInteger(width) && width >= 1)) throw new Error(`${MODULE}: width must be a positive integer, got ${width}`);
    this.width = width;
    this.ids = new Int32Array(GROUP_CACHE_LIMIT * width);
    this.keyStart = new Int32Array(GROUP_CACHE_LIMIT + 1);
    this.keyBytes = new Uint8Array(1024);
    this.keyView = new DataView(this.keyBytes.buffer);
    this.slots = new Int32Array(4 * GROUP_CACHE_LIMIT);
    this.mask = 2 * GROUP_CACHE_LIMIT - 1;
  }

  /** Runs cached. */
  get size(): number {
    return this.n;
  }

  /** Whether no more runs can be cached. */
  get full(): boolean {
    return this.n >= GROUP_CACHE_LIMIT;
  }

  /** The run whose bytes are `buf[s, e)`, or -1. Hot path. */
  find(buf: Uint8Array, s: number, e: number): number {
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const dv = this.view;
    const len = e - s;
    // The runs are few and each hit is compared whole, so the hash samples three words (first,
    // middle, last) and the length, read four bytes at a time.
    const h = len < 4 ? hashBytes(buf, s, e, SEED) : sampleHash(dv, s, len);
    this.lastHash = h;
    const slots = this.slots;
    const mask = this.mask;
    let p = h & mask;
    for (;;) {
      const r1 = slots[2 * p]!;
      if (r1 === 0) return -1;
      if (slots[2 * p + 1] === h) {
        const r = r1 - 1;
        const k0 = this.keyStart[r]!;
        if (this.keyStart[r + 1]! - k0 === len) {
          const kv = this.keyView;
          let i = 0;
          while (i + 4 <= len && kv.getInt32(k0 + i, true) === dv.getInt32(s + i, true)) i += 4;
          if (i + 4 > len) {
            const kb = this.keyBytes;
            while (i < len && kb[k0 + i] === buf[s + i]) i++;
            if (i === len) return r;
          }
        }
      }
      p = (p + 1) & mask;
    }
  }

  /**
   * Caches the run `buf[s, e)`, which the last {@link find} looked up and did
   * not find, with its ids `ids[off, off + width)`; returns the run, or -1 when
   * the cache is full.
   */
  insert(buf: Uint8Array, s: number, e: number, ids: Int32Array, off = 0): number {
    if (this.n >= GROUP_CACHE_LIMIT) return -1;
    const h = this.lastHash;
    const len = e - s;
    if (this.keyUsed + len > this.keyBytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.keyBytes.length, this.keyUsed + len));
      grown.set(this.keyBytes.subarray(0, this.keyUsed));
      this.keyBytes = grown;
      this.keyView = new DataView(grown.buffer);
    }
    const r = this.n;
    this.keyBytes.set(buf.subarray(s, e), this.keyUsed);
    this.keyUsed += len;
    this.keyStart[r + 1] = this.keyUsed;
    for (let i = 0; i < this.width; i++) this.ids[r * this.width + i] = ids[off + i]!;
    const slots = this.slots;
    let p = h & this.mask;
    while (slots[2 * p] !== 0) p = (p + 1) & this.mask;
    slots[2 * p] = r + 1;
    slots[2 * p + 1] = h;
    this.n = r + 1;
    return r;
  }
}
