/**
 * A growable hash set of unordered vertex pairs {u, v} (u, v < 2^32 − 1): the memory of
 * which vertices have ever been neighbours, for the first-seen-edge novelty score.
 *
 * Source: open addressing with linear probing (Knuth, TAOCP vol. 3, §6.4, algorithm L);
 * the key is the ordered pair (min, max), stored as two adjacent words of one
 * Uint32Array (one cache line per probe; min stored + 1, so 0 marks an empty slot), hashed by the murmur3 finaliser
 * (Appleby, MurmurHash3 `fmix32`) of a multiplicative mix of both words. The table
 * doubles when it is 70 % full. Memory: 8 bytes per slot, so about 11–23 bytes per
 * stored pair (e.g. 1e8 distinct pairs: 1.5–2 GiB, near the 2^30-slot limit of 7.5e8 pairs); nothing is ever removed.
 */

const MODULE = "telemetry-lab/dynamics/pair-set";

/** Options of {@link PairSet}. */
export interface PairSetOptions {
  /** Initial number of slots (rounded up to a power of two). Default 1024. */
  capacity?: number;
}

/** Defaults of {@link PairSetOptions}. */
export const PAIR_SET_DEFAULTS = Object.freeze({ capacity: 1024 });

const MAX_LOAD = 0.7;

/**
 * A set of unordered pairs of 32-bit ids.
 *
 * @example
 * const s = new PairSet();
 * s.add(3, 1); // true  (new)
 * s.add(1, 3); // false (same pair)
 * s.has(1, 3); // true
 * s.size;      // 1
 */
export class PairSet {
  /** Slot i holds min + 1 at 2i and max at 2i + 1. */
  private keys: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(options: PairSetOptions = {}) {
    const c = options.capacity ?? PAIR_SET_DEFAULTS.capacity;
    if (!Number.isSafeInteger(c) || c < 1 || c > 2 ** 30) throw new Error(`${MODULE}: capacity must be an integer in [1, 2^30], got ${c}`);
    let cap = 16;
    while (cap < c) cap *= 2;
    this.keys = new Uint32Array(2 * cap);
    this.mask = cap - 1;
  }

  /** Number of distinct pairs. */
  get size(): number {
    return this.count;
  }

  /** Number of slots. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Whether {u, v} is in the set. */
  has(u: number, v: number): boolean {
    const a = (u < v ? u : v) + 1;
    const b = u < v ? v : u;
    const { keys, mask } = this;
    let i = hash(a, b) & mask;
    for (;;) {
      const x = keys[2 * i]!;
      if (x === 0) return false;
      if (x === a && keys[2 * i + 1] === b) return true;
      i = (i + 1) & mask;
    }
  }

  /** Adds {u, v}; true when it was not in the set. */
  add(u: number, v: number): boolean {
    if (u >= 0xffffffff || v >= 0xffffffff || u < 0 || v < 0) throw new Error(`${MODULE}: ids must be in [0, 2^32 − 1), got ${u}, ${v}`);
    const a = (u < v ? u : v) + 1;
    const b = u < v ? v : u;
    const { keys, mask } = this;
    let i = hash(a, b) & mask;
    for (;;) {
      const x = keys[2 * i]!;
      if (x === 0) break;
      if (x === a && keys[2 * i + 1] === b) return false;
      i = (i + 1) & mask;
    }
    keys[2 * i] = a;
    keys[2 * i + 1] = b;
    this.count += 1;
    if (this.count > MAX_LOAD * (mask + 1)) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.keys;
    const cap = old.length; // = 2 × the old capacity
    if (cap > 2 ** 30) throw new Error(`${MODULE}: more than ${Math.floor(MAX_LOAD * 2 ** 30)} pairs`);
    const keys = new Uint32Array(2 * cap);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      const a = old[j]!;
      if (a === 0) continue;
      const b = old[j + 1]!;
      let i = hash(a, b) & mask;
      while (keys[2 * i] !== 0) i = (i + 1) & mask;
      keys[2 * i] = a;
      keys[2 * i + 1] = b;
    }
    this.keys = keys;
    this.mask = mask;
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (b >>> 15), 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
