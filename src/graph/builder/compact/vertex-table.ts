/**
 * Vertex table: interned vertex names (string -> dense int id), keyed by their
 * UTF-8 bytes so that the byte-level fast path (fields sliced out of a raw
 * line, never turned into JS strings) and the string path give the same ids.
 *
 * A name `type::value` is held as (prefix id of `type::`, value bytes): the
 * fast path interns a field with its field's prefix without concatenating, and
 * a lookup compares one int and the value bytes. The string path splits a name
 * at its first `::` (names without `::` have the empty prefix), so a prefix may
 * contain `::` only at its end. Values live in one growing byte arena; an
 * open-addressing hash (linear probing, MurmurHash3 of the value seeded by the
 * prefix) maps them to ids. Each slot holds the id next to its hash, so a probe
 * touches one cache line and the vertex arrays only on a hash match.
 * Strings are decoded lazily ({@link VertexTable.name}).
 *
 * Source: the usual interning of columnar engines (e.g. Arrow dictionary
 * builders); MurmurHash3 (Appleby).
 */
import { hashBytes } from "./hash.js";
import { nameOrder } from "../../csr.js";

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8");
const MODULE = "telemetry-lab/graph/vertex-table";

/** Largest number of vertices a table holds (edge keys pack two ids in 53 bits). */
export const MAX_VERTICES = 2 ** 26;

/** A name prefix (e.g. `computer_source::`) prepared for {@link VertexTable.internPrefixed}. */
export interface VertexPrefix {
  /** Prefix id within its table. */
  readonly id: number;
  /** Hash seed of values under this prefix. */
  readonly seed: number;
  /** The prefix as a string (`""` or ending in `::`). */
  readonly text: string;
}

function seedOf(id: number): number {
  let h = Math.imul(id + 1, 0x9e3779b1);
  h ^= h >>> 15;
  return Math.imul(h, 0x85ebca6b) | 0;
}

/** Checks that each of `ids` is a vertex (below `count`) and marks its prefix in `used`. */
function markPrefixes(ids: readonly number[], count: number, prefixOf: Int32Array, used: Uint8Array): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < count)) throw new Error(`${MODULE}: no vertex ${id} (size ${count})`);
    used[prefixOf[id]!] = 1;
  }
}

/** Radix keys of `ids` ({@link VertexTable.nameOrder}): hi = prefix rank (6 bits) | bytes 0, 1; lo = bytes 2..5 (7 bits each; missing bytes 0). */
function radixKeys(ids: readonly number[], offsets: Uint32Array, prefixOf: Int32Array, rank: Int32Array, arena: Uint8Array, hi: Int32Array, lo: Int32Array): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const o = offsets[id]!;
    const len = offsets[id + 1]! - o;
    let h = rank[prefixOf[id]!]!;
    for (let k = 0; k < 2; k++) h = (h << 7) | (k < len ? arena[o + k]! : 0);
    let l = 0;
    for (let k = 2; k < 6; k++) l = (l << 7) | (k < len ? arena[o + k]! : 0);
    hi[i] = h;
    lo[i] = l;
  }
}

/** One stable counting-sort pass of the positions `perm` into `next`, on `bits` bits of `key` from `shift`. */
function radixPass(key: Int32Array, shift: number, bits: number, perm: Int32Array, next: Int32Array): void {
  const mask = (1 << bits) - 1;
  const count = new Int32Array(mask + 2);
  countDigits(key, shift, mask, perm, count);
  for (let d = 0; d <= mask; d++) count[d + 1]! += count[d]!;
  placeByDigit(key, shift, mask, perm, next, count);
}

/** `count[digit + 1]` for each position's digit. */
function countDigits(key: Int32Array, shift: number, mask: number, perm: Int32Array, count: Int32Array): void {
  for (let i = 0; i < perm.length; i++) count[((key[perm[i]!]! >>> shift) & mask) + 1]!++;
}

/** Each position of `perm` into `next` at its digit's start (`count`, advanced). */
function placeByDigit(key: Int32Array, shift: number, mask: number, perm: Int32Array, next: Int32Array, count: Int32Array): void {
  for (let i = 0; i < perm.length; i++) {
    const q = perm[i]!;
    next[count[(key[q]! >>> shift) & mask]!++] = q;
  }
}

/**
 * Dense, insertion-ordered interning of vertex names.
 *
 * @example
 * const t = new VertexTable();
 * t.intern("computer_source::C586"); // 0
 * t.intern("computer_source::C586"); // 0
 * const p = t.prefix("computer_source::");
 * t.internPrefixed(p, Buffer.from("x,C586,y"), 2, 6); // 0 (same name)
 * t.name(0); // "computer_source::C586"
 */
export class VertexTable {
  private arena: Uint8Array;
  private arenaUsed = 0;
  /** Whether every value byte is ASCII (then a value decodes as latin1, and sorts as its bytes). */
  private ascii = true;
  /** offsets[i]..offsets[i+1] are the value bytes of vertex i. */
  private offsets: Uint32Array;
  private prefixOf: Int32Array;
  /** Hash slots, two ints each: vertex id + 1 (0 = empty), then the name's hash. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private names: (string | undefined)[] = [];
  private prefixes: VertexPrefix[] = [];
  private prefixByText = new Map<string, VertexPrefix>();

  constructor(expectedVertices = 1024) {
    let cap = 16;
    while (cap < expectedVertices * 2) cap *= 2;
    this.slots = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.offsets = new Uint32Array(Math.max(16, expectedVertices + 1));
    this.prefixOf = new Int32Array(this.offsets.length);
    this.arena = new Uint8Array(Math.max(1024, expectedVertices * 16));
    this.prefix("");
  }

  /** Number of vertices interned. */
  get size(): number {
    return this.count;
  }

  /**
   * The prefix `text` (`""`, or `type::` with no other `::`), registered once.
   *
   * @throws when `text` has a `::` other than at its end.
   */
  prefix(text: string): VertexPrefix {
    let p = this.prefixByText.get(text);
    if (p !== undefined) return p;
    if (text !== "" && (!text.endsWith("::") || text.indexOf("::") !== text.length - 2)) {
      throw new Error(`${MODULE}: prefix '${text}' must end in '::' and contain no other '::'`);
    }
    p = Object.freeze({ id: this.prefixes.length, seed: seedOf(this.prefixes.length), text });
    this.prefixes.push(p);
    this.prefixByText.set(text, p);
    return p;
  }

  private split(name: string): [VertexPrefix, Uint8Array] {
    const i = name.indexOf("::");
    if (i < 0) return [this.prefixes[0]!, ENCODER.encode(name)];
    return [this.prefix(name.slice(0, i + 2)), ENCODER.encode(name.slice(i + 2))];
  }

  /** Id of `name`, interning it if new. */
  intern(name: string): number {
    const [p, bytes] = this.split(name);
    const id = this.internPrefixed(p, bytes, 0, bytes.length);
    if (this.names[id] === undefined) this.names[id] = name;
    return id;
  }

  /** Id of `name` or -1 when absent (nothing interned). */
  find(name: string): number {
    const i = name.indexOf("::");
    const p = i < 0 ? this.prefixes[0] : this.prefixByText.get(name.slice(0, i + 2));
    if (p === undefined) return -1;
    const bytes = ENCODER.encode(i < 0 ? name : name.slice(i + 2));
    return this.lookup(p, bytes, 0, bytes.length);
  }

  private lookup(prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end, prefix.seed);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const id1 = slots[2 * s]!;
      if (id1 === 0) return -1;
      const id = id1 - 1;
      if (slots[2 * s + 1] === h && this.prefixOf[id] === prefix.id && this.same(id, bytes, start, end)) return id;
      s = (s + 1) & mask;
    }
  }

  /**
   * Whether vertex `id` is the name `prefix.text + bytes[start..end)`: a cheap
   * check of a remembered id before a lookup (e.g. a field's previous value).
   */
  matches(id: number, prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number): boolean {
    return id >= 0 && id < this.count && this.prefixOf[id] === prefix.id && this.same(id, bytes, start, end);
  }

  private same(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    let o = this.offsets[id]!;
    if (this.offsets[id + 1]! - o !== end - start) return false;
    const a = this.arena;
    for (let i = start; i < end; i++, o++) if (a[o] !== bytes[i]) return false;
    return true;
  }

  /** Id of the name `prefix.text + bytes[start..end)` (UTF-8), interning it if new. Hot path. */
  internPrefixed(prefix: VertexPrefix, bytes: Uint8Array, start: number, end: number): number {
    const h = hashBytes(bytes, start, end, prefix.seed);
    const pid = prefix.id;
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const id1 = slots[2 * s]!;
      if (id1 === 0) break;
      const id = id1 - 1;
      if (slots[2 * s + 1] === h && this.prefixOf[id] === pid && this.same(id, bytes, start, end)) return id;
      s = (s + 1) & mask;
    }
    // New vertex.
    const id = this.count;
    if (id >= MAX_VERTICES) throw new Error(`${MODULE}: more than ${MAX_VERTICES} vertices`);
    if (this.prefixes[pid] !== prefix) throw new Error(`${MODULE}: prefix '${prefix.text}' belongs to another table`);
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    if (id + 2 > this.offsets.length) {
      const cap = this.offsets.length * 2;
      const o = new Uint32Array(cap);
      o.set(this.offsets);
      this.offsets = o;
      const ps = new Int32Array(cap);
      ps.set(this.prefixOf);
      this.prefixOf = ps;
    }
    const a = this.arena;
    let k = this.arenaUsed;
    let high = 0;
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      high |= b;
      a[k++] = b;
    }
    if (high >= 0x80) this.ascii = false;
    this.arenaUsed = k;
    this.offsets[id + 1] = k;
    this.prefixOf[id] = pid;
    slots[2 * s] = id + 1;
    slots[2 * s + 1] = h;
    this.count = id + 1;
    if (this.count * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    // Written through once: probed pages would fault twice (read, then written; see IdCounter).
    const slots = new Int32Array(2 * cap).fill(0);
    const mask = cap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const id1 = old[i]!;
      if (id1 === 0) continue;
      const h = old[i + 1]!;
      let s = h & mask;
      while (slots[2 * s] !== 0) s = (s + 1) & mask;
      slots[2 * s] = id1;
      slots[2 * s + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The name of vertex `id` (decoded once, then cached). */
  name(id: number): string {
    if (!(id >= 0 && id < this.count)) throw new Error(`${MODULE}: no vertex ${id} (size ${this.count})`);
    let s = this.names[id];
    if (s === undefined) {
      s = this.decode(id, this.latin1View());
      this.names[id] = s;
    }
    return s;
  }

  /** A Buffer view of the arena when every value is ASCII (latin1 then decodes exactly), else undefined. */
  private latin1View(): Buffer | undefined {
    const a = this.arena;
    return this.ascii ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : undefined;
  }

  /** The name of vertex `id`, decoded from the arena (as latin1 through `view`, or as UTF-8). */
  private decode(id: number, view: Buffer | undefined): string {
    const o0 = this.offsets[id]!;
    const o1 = this.offsets[id + 1]!;
    const text = view !== undefined ? view.toString("latin1", o0, o1) : DECODER.decode(this.arena.subarray(o0, o1));
    return this.prefixes[this.prefixOf[id]!]!.text + text;
  }

  /** All names, index = id. */
  allNames(): string[] {
    const out = new Array<string>(this.count);
    const view = this.latin1View(); // one view of the arena for all
    const names = this.names;
    for (let i = 0; i < this.count; i++) out[i] = names[i] ??= this.decode(i, view);
    return out;
  }

  /**
   * The ids `ids` ordered by name, exactly as {@link nameOrder} (JS string
   * order) orders them, without a comparator call per comparison when it can:
   * when every name has a non-empty prefix and every value byte is ASCII, the
   * order is (prefix text, value bytes) (no valid prefix is a proper prefix of
   * another), so a stable LSD radix sort on (prefix rank, first six value
   * bytes) orders the ids, and only runs sharing that key are compared as
   * strings. Otherwise it falls back to {@link nameOrder}.
   *
   * @example
   * const t = new VertexTable();
   * ["b::x", "a::y", "a::x"].forEach((n) => t.intern(n));
   * t.nameOrder([0, 1, 2]); // [2, 1, 0]
   */
  nameOrder(ids: readonly number[], names: readonly string[] = this.allNames()): number[] {
    const n = ids.length;
    const np = this.prefixes.length;
    const used = new Uint8Array(np);
    markPrefixes(ids, this.count, this.prefixOf, used);
    const arena = this.arena;
    if (used[0] === 1 || !this.ascii || np > 64 || n < 64) return nameOrder(names, ids);
    // Prefix ranks in string order (the texts are distinct and none is a proper prefix of another).
    const byText = this.prefixes.map((p) => p.id).sort((a, b) => (this.prefixes[a]!.text < this.prefixes[b]!.text ? -1 : 1));
    const rank = new Int32Array(np);
    byText.forEach((pid, r) => (rank[pid] = r));
    // Key: hi = rank (6 bits) | b0 | b1 (7 bits each), lo = b2..b5 (7 bits each); missing bytes are 0.
    const hi = new Int32Array(n);
    const lo = new Int32Array(n);
    radixKeys(ids, this.offsets, this.prefixOf, rank, arena, hi, lo);
    // Stable LSD radix sort of positions: lo low 14 bits, lo high 14 bits, hi low 10 bits, hi high
    // 10 bits. (One function per loop: V8 compiles each once, not the whole method per loop.)
    let perm = Int32Array.from({ length: n }, (_, i) => i);
    let next = new Int32Array(n);
    const passes: [Int32Array, number, number][] = [
      [lo, 0, 14],
      [lo, 14, 14],
      [hi, 0, 10],
      [hi, 10, 10],
    ];
    for (const [key, shift, bits] of passes) {
      radixPass(key, shift, bits, perm, next);
      const t = perm;
      perm = next;
      next = t;
    }
    return this.orderRuns(ids, perm, hi, lo);
  }

  /** The ids in the order of `perm`, each run of equal keys (same prefix and first six bytes) ordered by the rest of its values' bytes (ASCII: as the strings). */
  private orderRuns(ids: readonly number[], perm: Int32Array, hi: Int32Array, lo: Int32Array): number[] {
    const n = perm.length;
    const out = new Array<number>(n);
    for (let i = 0; i < n; ) {
      const q = perm[i]!;
      let j = i + 1;
      while (j < n && hi[perm[j]!] === hi[q] && lo[perm[j]!] === lo[q]) j++;
      if (j - i === 1) out[i] = ids[q]!;
      else {
        const run: number[] = [];
        for (let k = i; k < j; k++) run.push(ids[perm[k]!]!);
        run.sort((x, y) => this.compareValues(x, y));
        for (let k = i; k < j; k++) out[k] = run[k - i]!;
      }
      i = j;
    }
    return out;
  }

  /** Byte order of the values of vertices `x` and `y` (a proper prefix first). */
  private compareValues(x: number, y: number): number {
    const a = this.arena;
    let i = this.offsets[x]!;
    const ie = this.offsets[x + 1]!;
    let j = this.offsets[y]!;
    const je = this.offsets[y + 1]!;
    for (; i < ie && j < je; i++, j++) if (a[i] !== a[j]) return a[i]! - a[j]!;
    return ie - i - (je - j);
  }

  /** Bytes held (arena, offsets, prefix ids, slots): for memory accounting. */
  get byteLength(): number {
    return this.arena.byteLength + this.offsets.byteLength + this.prefixOf.byteLength + this.slots.byteLength;
  }
}
