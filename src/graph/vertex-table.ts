/**
 * Vertex table: interned vertex names (string -> dense int id), keyed by their
 * UTF-8 bytes so that the byte-level fast path (fields sliced out of a raw
 * line, never turned into JS strings) and the string path give the same ids.
 *
 * Names are stored once in a growing byte arena; an open-addressing hash
 * (linear probing, FNV-1a over the name bytes) maps bytes to ids. The fast path
 * interns `prefix + value` without concatenating: the hash state after the
 * prefix is precomputed by {@link VertexTable.prefix}. Strings are decoded
 * lazily ({@link VertexTable.name}), so a graph built from bytes pays for JS
 * strings only once per vertex, at freeze time.
 *
 * Source: the usual interning technique of columnar engines (e.g. Arrow
 * dictionary builders); FNV-1a from Fowler, Noll & Vo.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8");

/** Largest number of vertices a table holds (edge keys pack two ids in 53 bits). */
export const MAX_VERTICES = 2 ** 26;

/** A name prefix (e.g. `computer_source::`) prepared for {@link VertexTable.internPrefixed}. */
export interface VertexPrefix {
  /** UTF-8 bytes of the prefix, separator included. */
  readonly bytes: Uint8Array;
  /** FNV-1a state after hashing the prefix bytes. */
  readonly hash: number;
  /** The prefix as a string. */
  readonly text: string;
}

/** Hash state of FNV-1a after `bytes` (starting from `state`). */
function fnv(bytes: Uint8Array, start: number, end: number, state: number): number {
  let h = state;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h;
}

/**
 * Dense, insertion-ordered interning of vertex names.
 *
 * @example
 * const t = new VertexTable();
 * t.intern("computer_source::C586"); // 0
 * t.intern("computer_source::C586"); // 0
 * const p = t.prefix("computer_source::");
 * t.internPrefixed(p, Buffer.from("x,C586,y"), 2, 6); // 0 (same bytes)
 * t.name(0); // "computer_source::C586"
 */
export class VertexTable {
  private arena: Uint8Array;
  private arenaUsed = 0;
  /** offsets[i]..offsets[i+1] are the bytes of vertex i. */
  private offsets: Uint32Array;
  private hashes: Int32Array;
  /** Hash slots: vertex id + 1, 0 = empty. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private names: (string | undefined)[] = [];

  constructor(expectedVertices = 1024) {
    let cap = 16;
    while (cap < expectedVertices * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    this.offsets = new Uint32Array(Math.max(16, expectedVertices + 1));
    this.hashes = new Int32Array(Math.max(16, expectedVertices));
    this.arena = new Uint8Array(Math.max(1024, expectedVertices * 24));
  }

  /** Number of vertices interned. */
  get size(): number {
    return this.count;
  }

  /** Prepares a name prefix for {@link internPrefixed}. */
  prefix(text: string): VertexPrefix {
    const bytes = ENCODER.encode(text);
    return { bytes, hash: fnv(bytes, 0, bytes.length, FNV_OFFSET), text };
  }

  /** Id of `name`, interning it if new. */
  intern(name: string): number {
    const bytes = ENCODER.encode(name);
    const id = this.internBytes(EMPTY_PREFIX, bytes, 0, bytes.length);
    if (this.names[id] === undefined) this.names[id] = name;
    return id;
  }

  /** Id of `name` or -1 when absent (nothing interned). */
  find(name: string): number {
    const bytes = ENCODER.encode(name);
    return this.lookup(EMPTY_PREFIX, bytes, 0, bytes.length, fnv(bytes, 0, bytes.length, FNV_OFFSET) | 0);
  }

  /** Id of the name `prefix.text + bytes[start..end)` (UTF-8), interning it if new. */
  internPrefixed(prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number): number {
    return this.internBytes(prefix, bytes, start, end);
  }

  private lookup(prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number, h: number): number {
    const p = prefix.bytes;
    const plen = p.length;
    const len = plen + end - start;
    const slots = this.slots;
    const mask = this.mask;
    let s = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const id1 = slots[s]!;
      if (id1 === 0) return -1;
      const id = id1 - 1;
      if (this.hashes[id] === h) {
        const o = this.offsets[id]!;
        if (this.offsets[id + 1]! - o === len && this.sameBytes(o, p, bytes, start, end)) return id;
      }
      s = (s + 1) & mask;
    }
  }

  private sameBytes(o: number, p: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
    const a = this.arena;
    const plen = p.length;
    for (let i = 0; i < plen; i++) if (a[o + i] !== p[i]) return false;
    let k = o + plen;
    for (let i = start; i < end; i++, k++) if (a[k] !== bytes[i]) return false;
    return true;
  }

  private internBytes(prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number): number {
    const h = fnv(bytes, start, end, prefix.hash) | 0;
    const p = prefix.bytes;
    const plen = p.length;
    const len = plen + end - start;
    const slots = this.slots;
    const mask = this.mask;
    let s = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const id1 = slots[s]!;
      if (id1 === 0) break;
      const id = id1 - 1;
      if (this.hashes[id] === h) {
        const o = this.offsets[id]!;
        if (this.offsets[id + 1]! - o === len && this.sameBytes(o, p, bytes, start, end)) return id;
      }
      s = (s + 1) & mask;
    }
    // New vertex.
    const id = this.count;
    if (id >= MAX_VERTICES) throw new Error(`telemetry-lab/graph/vertex-table: more than ${MAX_VERTICES} vertices`);
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    if (id + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
      const gh = new Int32Array(this.hashes.length * 2);
      gh.set(this.hashes);
      this.hashes = gh;
    }
    const a = this.arena;
    let k = this.arenaUsed;
    for (let i = 0; i < plen; i++) a[k++] = p[i]!;
    for (let i = start; i < end; i++) a[k++] = bytes[i]!;
    this.arenaUsed = k;
    this.offsets[id + 1] = k;
    this.hashes[id] = h;
    slots[s] = id + 1;
    this.count = id + 1;
    if (this.count * 2 > slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      const h = this.hashes[id]!;
      let s = (h ^ (h >>> 15)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The name of vertex `id` (decoded once, then cached). */
  name(id: number): string {
    if (id < 0 || id >= this.count) throw new Error(`telemetry-lab/graph/vertex-table: no vertex ${id} (size ${this.count})`);
    let s = this.names[id];
    if (s === undefined) {
      s = DECODER.decode(this.arena.subarray(this.offsets[id]!, this.offsets[id + 1]!));
      this.names[id] = s;
    }
    return s;
  }

  /** All names, index = id. */
  allNames(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.name(i);
    return out;
  }

  /** Bytes held (arena, offsets, hashes, slots): for memory accounting. */
  get byteLength(): number {
    return this.arena.byteLength + this.offsets.byteLength + this.hashes.byteLength + this.slots.byteLength;
  }
}

const EMPTY_PREFIX: VertexPrefix = { bytes: new Uint8Array(0), hash: FNV_OFFSET, text: "" };
