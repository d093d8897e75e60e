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
import { sameBytes, type FastBuffer } from "./json-records.js";

/** FNV-1a-style hash of bytes [s, e) of `words`, taken 4 bytes at a time (32-bit, signed). */
export function hashBytes(words: DataView, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  let i = s;
  for (; i + 4 <= e; i += 4) h = Math.imul(h ^ words.getInt32(i, true), 0x01000193);
  for (; i < e; i++) h = Math.imul(h ^ words.getUint8(i), 0x01000193);
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
 * const w = new DataView(b.buffer, b.byteOffset, b.length);
 * t.text(b, w, 1, 7) === t.text(b, w, 10, 16); // true (one decoded string)
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
  private pool = Buffer.alloc(4096);
  private poolWords = new DataView(this.pool.buffer, this.pool.byteOffset, this.pool.length);
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

  /** The string of the UTF-8 bytes [s, e) of `buf`; `words` views the same bytes. */
  text(buf: Buffer, words: DataView, s: number, e: number): string {
    const len = e - s;
    if (len > this.maxLength) return (buf as FastBuffer).utf8Slice(s, e);
    const h = hashBytes(words, s, e);
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const id = slots[slot] as number;
      if (id === 0) break;
      const k = id - 1;
      if (this.hashes[k] === h && this.lengths[k] === len && sameBytes(words, s, this.poolWords, this.offsets[k] as number, len)) {
        return this.strings[k] as string;
      }
      slot = (slot + 1) & mask;
    }
    const str = (buf as FastBuffer).utf8Slice(s, e);
    const k = this.strings.length;
    if (k < this.maxEntries) {
      if (this.poolUsed + len > this.pool.length) {
        const next = Buffer.alloc(Math.max(this.pool.length * 2, this.poolUsed + len));
        this.pool.copy(next, 0, 0, this.poolUsed);
        this.pool = next;
        this.poolWords = new DataView(next.buffer, next.byteOffset, next.length);
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
