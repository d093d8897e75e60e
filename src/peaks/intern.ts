/**
 * Interning of short byte strings: the same bytes give the same JS string object, decoded once.
 *
 * The dimension values of a telemetry feed (severities, file types, origins) are a few distinct
 * strings repeated millions of times. Decoding them from the read buffer per record would
 * allocate a fresh string each time (and make every `Map` lookup re-hash it); this table of
 * already decoded values, keyed by an FNV-1a hash of the bytes and checked byte by byte, returns
 * the one string instead. Bounded: past `maxEntries` distinct values (or for values longer
 * than `maxLength` bytes) it decodes without remembering, so memory never grows with the file.
 */
import type { FastBuffer } from "./json-records.js";

/** FNV-1a hash of bytes [s, e) (32-bit, signed). */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h;
}

/** Options of {@link ByteInterner}. */
export interface ByteInternerOptions {
  /** Distinct values remembered. Default 16384. */
  maxEntries?: number;
  /** Longest value remembered, in bytes. Default 128. */
  maxLength?: number;
}

/** Default options of {@link ByteInterner}. */
export const DEFAULTS: Required<ByteInternerOptions> = { maxEntries: 1 << 14, maxLength: 128 };

/**
 * A bounded intern table from UTF-8 bytes to strings.
 *
 * @example
 * const t = new ByteInterner();
 * const b = Buffer.from('"benign" "benign"');
 * t.text(b, 1, 7) === t.text(b, 10, 16); // true (one decoded string)
 */
export class ByteInterner {
  private readonly maxEntries: number;
  private readonly maxLength: number;
  private readonly mask: number;
  /** Open-addressing slots: entry index + 1, 0 = empty. */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly strings: string[] = [];
  private pool = new Uint8Array(4096);
  private poolUsed = 0;

  constructor(options: ByteInternerOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
    this.maxLength = options.maxLength ?? DEFAULTS.maxLength;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new Error(`telemetry-lab/peaks/intern: maxEntries must be a positive integer, got ${this.maxEntries}`);
    let size = 16;
    while (size < this.maxEntries * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(this.maxEntries);
    this.offsets = new Int32Array(this.maxEntries);
    this.lengths = new Int32Array(this.maxEntries);
  }

  /** Number of values remembered. */
  get size(): number {
    return this.strings.length;
  }

  /** The string of the UTF-8 bytes [s, e) of `buf`. */
  text(buf: Buffer, s: number, e: number): string {
    const len = e - s;
    if (len > this.maxLength) return (buf as FastBuffer).utf8Slice(s, e);
    const h = hashBytes(buf, s, e);
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const id = slots[slot] as number;
      if (id === 0) break;
      const k = id - 1;
      if (this.hashes[k] === h && this.lengths[k] === len) {
        const pool = this.pool;
        const off = this.offsets[k] as number;
        let x = 0;
        while (x < len && pool[off + x] === buf[s + x]) x++;
        if (x === len) return this.strings[k] as string;
      }
      slot = (slot + 1) & mask;
    }
    const str = (buf as FastBuffer).utf8Slice(s, e);
    const k = this.strings.length;
    if (k < this.maxEntries) {
      if (this.poolUsed + len > this.pool.length) {
        const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
        next.set(this.pool.subarray(0, this.poolUsed));
        this.pool = next;
      }
      this.pool.set(buf.subarray(s, e), this.poolUsed);
      this.offsets[k] = this.poolUsed;
      this.lengths[k] = len;
      this.hashes[k] = h;
      this.poolUsed += len;
      this.strings.push(str);
      slots[slot] = k + 1;
    }
    return str;
  }
}
