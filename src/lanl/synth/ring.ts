/**
 * Output assembly for the generator, without a string per line.
 *
 * Field values are interned once in a {@link Dictionary} (an arena of ASCII bytes);
 * an event is a short run of small integers in a per-second bucket (a field id, or a
 * non-negative integer value v stored as −(v + 1)). A {@link LineRing} of hour bins
 * turns events generated slightly out of order (a session's LogOff hours after its
 * LogOn) into bytes sorted by time, in memory bounded by the horizon rather than the
 * data set; draining copies the bytes of each field into an output Buffer.
 *
 * Within one second, lines are written in byte order, as in the real files
 * (`1,C1$@DOM1,…` < `1,C1001$@DOM1,…`; `1,U101@DOM1,…` < `1,U10@DOM1,…`), or, when
 * `byteOrder` is off (faster), in generation order.
 */

/**
 * Interned ASCII strings with their bytes in one arena. Each entry is stored followed by
 * a comma (`C586,`), so that writing a field is one copy; `lengths` include the comma.
 */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  arena = new Uint8Array(1 << 16);
  offsets = new Int32Array(1024);
  lengths = new Int32Array(1024);
  private used = 0;

  /**
   * Id of `s`, added if new. `s` must be ASCII without commas or newlines, unless
   * `composite` (several fields written as one, e.g. `Kerberos,Network,LogOn,Success`).
   */
  id(s: string, composite = false): number {
    let id = this.ids.get(s);
    if (id !== undefined) return id;
    id = this.names.length;
    if (id >= this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
      const l = new Int32Array(this.lengths.length * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    // 4 spare bytes at the end: drains copy 4 bytes at a time
    while (this.used + s.length + 5 > this.arena.length) {
      const a = new Uint8Array(this.arena.length * 2);
      a.set(this.arena);
      this.arena = a;
    }
    if (s.length > 128) throw new Error(`telemetry-lab/lanl/synth/ring: field value '${s}' is longer than 128 bytes`);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127 || (c === 44 && !composite) || c === 10) {
        throw new Error(`telemetry-lab/lanl/synth/ring: field value '${s}' is not ASCII without commas`);
      }
      this.arena[this.used + i] = c;
    }
    this.arena[this.used + s.length] = 44;
    this.offsets[id] = this.used;
    this.lengths[id] = s.length + 1;
    this.used += s.length + 1;
    this.names.push(s);
    this.ids.set(s, id);
    return id;
  }

  /** The string of an id. */
  name(id: number): string {
    return this.names[id]!;
  }

  /** Ids of many strings. */
  idsOf(strings: readonly string[]): Int32Array {
    return Int32Array.from(strings, (s) => this.id(s));
  }
}

/** Encodes a non-negative integer value as a field (see the module comment). */
export function num(v: number): number {
  return -(v > MAX_VALUE ? MAX_VALUE : v) - 1;
}

/** A field slot that writes nothing (not even its comma): the previous slot was composite. */
export const SKIP = -2147483648;

/** Something that takes 8-field lines (auth, flows). */
export interface Sink8 {
  push8(t: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): void;
}

/** Largest integer value a field can hold (int32 storage). */
export const MAX_VALUE = 2 ** 31 - 2;

/** Seconds per bin of the ring (one bin is sorted and written at a time). */
export const BIN_SECONDS = 3600;

/** Bytes of output per Buffer handed out by {@link LineRing.drainBin}. */
const CHUNK_BYTES = 1 << 22;

/**
 * The `time,` prefix of a line, as up to 12 bytes held in three 32-bit words, so that
 * each line copies it with three stores (set once per second of data).
 *
 * @example
 * const p = new TimePrefix(); p.set(86400); // "86400," : p.length === 6
 */
export class TimePrefix {
  private readonly bytes = new DataView(new ArrayBuffer(12));
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;
  /** Bytes of the prefix, comma included. */
  length = 0;

  /** Makes the prefix `t,` (t a non-negative integer below 10^11). */
  set(t: number): void {
    const tb = this.bytes;
    let tl = 1;
    for (let x = t; x >= 10; x = (x / 10) | 0) tl++;
    for (let x = t, q = tl - 1; q >= 0; q--, x = (x / 10) | 0) tb.setUint8(q, 48 + (x % 10));
    tb.setUint8(tl, 44);
    this.length = tl + 1;
    this.w0 = tb.getUint32(0, true);
    this.w1 = tb.getUint32(4, true);
    this.w2 = tb.getUint32(8, true);
  }

  /** Writes the prefix at `o` (12 bytes written, `length` kept); returns the offset after it. */
  write(ov: DataView, o: number): number {
    ov.setUint32(o, this.w0, true);
    ov.setUint32(o + 4, this.w1, true);
    ov.setUint32(o + 8, this.w2, true);
    return o + this.length;
  }
}

/**
 * Lines of one stream waiting to be written: hour bins of fixed-size int32 records
 * (`time, field ids…`), appended in any order, counting-sorted by second when the bin is
 * drained, then each second's lines sorted by bytes. No allocation per event.
 */
export class LineRing implements Sink8 {
  private readonly bins: Int32Array[];
  private readonly fill: Int32Array;
  private readonly record: number;
  private order = new Int32Array(1024);
  private readonly counts = new Int32Array(BIN_SECONDS + 1);
  private out = Buffer.allocUnsafe(CHUNK_BYTES + 65536);
  private scratch = Buffer.allocUnsafe(65536);
  private lineStarts = new Int32Array(1024);
  private sortIdx = new Int32Array(1024);
  private readonly time = new TimePrefix();
  /** Events accepted so far. */
  pushed = 0;

  /**
   * @param dict the dictionary the field ids refer to.
   * @param fields fields per line after `time`.
   * @param horizonBins bins kept (an event may be pushed up to horizonBins − 1 bins ahead).
   * @param tEnd first second not generated (events at or after it are dropped).
   */
  constructor(
    readonly dict: Dictionary,
    readonly fields: number,
    readonly horizonBins: number,
    readonly tEnd: number,
    /** Sort each second's lines in byte order (as LANL's files are); otherwise generation order. */
    readonly byteOrder = true,
  ) {
    this.record = fields + 1;
    this.bins = Array.from({ length: horizonBins }, () => new Int32Array(this.record * 1024));
    this.fill = new Int32Array(horizonBins);
  }

  /** Empties every bin without writing (the ring is reused for another range of hours). */
  clear(): void {
    this.fill.fill(0);
  }

  private slot(t: number): number {
    const b = Math.floor(t / BIN_SECONDS) % this.horizonBins;
    let bin = this.bins[b]!;
    const at = this.fill[b]!;
    if (at + this.record > bin.length) {
      const bigger = new Int32Array(bin.length * 2);
      bigger.set(bin);
      this.bins[b] = bin = bigger;
    }
    this.fill[b] = at + this.record;
    bin[at] = t;
    this.pushed++;
    return at;
  }

  /** An 8-field line (auth, flows) at second `t` (LANL times start at 1: 0 becomes 1). */
  push8(t: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): void {
    if (t >= this.tEnd) return;
    if (t < 1) t = 1;
    const at = this.slot(t);
    const r = this.bins[Math.floor(t / BIN_SECONDS) % this.horizonBins]!;
    r[at + 1] = a;
    r[at + 2] = b;
    r[at + 3] = c;
    r[at + 4] = d;
    r[at + 5] = e;
    r[at + 6] = f;
    r[at + 7] = g;
    r[at + 8] = h;
  }

  /** A 5-slot line (auth, with composite slots; see {@link AuthWriter} in vocabulary.ts). */
  push5(t: number, a: number, b: number, c: number, d: number, e: number): void {
    if (t >= this.tEnd) return;
    if (t < 1) t = 1;
    const at = this.slot(t);
    const r = this.bins[Math.floor(t / BIN_SECONDS) % this.horizonBins]!;
    r[at + 1] = a;
    r[at + 2] = b;
    r[at + 3] = c;
    r[at + 4] = d;
    r[at + 5] = e;
  }

  /** A 4-field line (proc). */
  push4(t: number, a: number, b: number, c: number, d: number): void {
    if (t >= this.tEnd) return;
    if (t < 1) t = 1;
    const at = this.slot(t);
    const r = this.bins[Math.floor(t / BIN_SECONDS) % this.horizonBins]!;
    r[at + 1] = a;
    r[at + 2] = b;
    r[at + 3] = c;
    r[at + 4] = d;
  }

  /** A 2-field line (dns). */
  push2(t: number, a: number, b: number): void {
    if (t >= this.tEnd) return;
    if (t < 1) t = 1;
    const at = this.slot(t);
    const r = this.bins[Math.floor(t / BIN_SECONDS) % this.horizonBins]!;
    r[at + 1] = a;
    r[at + 2] = b;
  }

  /**
   * Empties the bin of hour `hour` (absolute index: seconds `[hour·3600, hour·3600 + 3600)`);
   * when `emit`, writes its lines sorted by time, and in byte order within a second
   * (`time,f1,…,fn\n`), and passes them to `sink` in Buffers of a few MB (fresh Buffers,
   * safe to keep).
   */
  drainBin(hour: number, emit: boolean, sink: (bytes: Buffer, lines: number) => void): void {
    const b = hour % this.horizonBins;
    const bin = this.bins[b]!;
    const len = this.fill[b]!;
    this.fill[b] = 0;
    if (!emit || len === 0) return;
    const rec = this.record;
    const n = len / rec;
    const base = hour * BIN_SECONDS;
    // counting sort of record indices by second
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < len; i += rec) counts[bin[i]! - base + 1]!++;
    for (let s = 1; s <= BIN_SECONDS; s++) counts[s]! += counts[s - 1]!;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, this.order.length * 2));
    const order = this.order;
    for (let i = 0; i < len; i += rec) order[counts[bin[i]! - base]!++] = i;

    if (this.byteOrder) this.writeSorted(bin, order, n, sink);
    else this.writePlain(bin, order, n, sink);
  }

  private copyOut(out: Buffer, size: number): Buffer {
    // a fresh Buffer the sink may keep (not zero-filled: every byte is copied over)
    const chunk = Buffer.allocUnsafe(size);
    out.copy(chunk, 0, 0, size);
    return chunk;
  }

  /**
   * Writes the fields of line `p` of `bin` at `out[o]` (dictionary entries with their
   * comma, or small integers), ends the line, and returns the new offset.
   */
  private writeFields(bin: Int32Array, p: number, out: Buffer, ov: DataView, av: DataView, o: number): number {
    const { offsets, lengths } = this.dict;
    const fields = this.fields;
    for (let f = 1; f <= fields; f++) {
      const id = bin[p + f]!;
      if (id >= 0) {
        // entry with its comma, 4 bytes at a time, then step back over the overshoot
        let s = offsets[id]!;
        const end = s + lengths[id]!;
        while (s < end) {
          ov.setUint32(o, av.getUint32(s, true), true);
          s += 4;
          o += 4;
        }
        o -= s - end;
      } else if (id !== SKIP) {
        let v = -id - 1;
        let l = 1;
        for (let x = v; x >= 10; x = (x / 10) | 0) l++;
        for (let q = o + l - 1; q >= o; q--) {
          out[q] = 48 + (v % 10);
          v = (v / 10) | 0;
        }
        o += l;
        out[o++] = 44;
      }
    }
    out[o - 1] = 10; // the last field's comma becomes the newline
    return o;
  }

  /** Writes the lines in `order` (generation order within a second): the fast path. */
  private writePlain(bin: Int32Array, order: Int32Array, n: number, sink: (bytes: Buffer, lines: number) => void): void {
    const { arena } = this.dict;
    const av = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    const out = this.out;
    const ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let o = 0;
    let lines = 0;
    let lastT = -1;
    const time = this.time;
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      const t = bin[p]!;
      if (t !== lastT) {
        lastT = t;
        time.set(t);
      }
      o = time.write(ov, o);
      o = this.writeFields(bin, p, out, ov, av, o);
      lines++;
      if (o >= CHUNK_BYTES) {
        sink(this.copyOut(out, o), lines);
        o = 0;
        lines = 0;
      }
    }
    if (o > 0) sink(this.copyOut(out, o), lines);
  }

  /** Writes the lines in `order`, each second's lines sorted by bytes. */
  private writeSorted(bin: Int32Array, order: Int32Array, n: number, sink: (bytes: Buffer, lines: number) => void): void {
    const { arena } = this.dict;
    const av = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    let out = this.out;
    let ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let o = 0;
    let lines = 0;
    let lastT = -1;
    const time = this.time;
    // lines of the current second, sorted in byte order when the second is complete
    let secLines = 0;
    let lineStarts = this.lineStarts;
    for (let k = 0; k <= n; k++) {
      const p = k < n ? order[k]! : -1;
      const t = k < n ? bin[p]! : -2;
      if (t !== lastT) {
        if (secLines > 1 && this.byteOrder) this.sortSecond(out, ov, o, secLines, time.length);
        if (o >= CHUNK_BYTES || k === n) {
          if (o > 0) sink(this.copyOut(out, o), lines);
          o = 0;
          lines = 0;
        }
        if (k === n) break;
        secLines = 0;
        lastT = t;
        time.set(t);
      }
      if (o + 4096 > out.length) {
        const bigger = Buffer.allocUnsafe(out.length * 2);
        out.copy(bigger, 0, 0, o);
        this.out = out = bigger;
        ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
      }
      if (secLines >= lineStarts.length) {
        const ls = new Int32Array(lineStarts.length * 2);
        ls.set(lineStarts);
        this.lineStarts = lineStarts = ls;
      }
      lineStarts[secLines++] = o;
      o = time.write(ov, o);
      o = this.writeFields(bin, p, out, ov, av, o);
      lines++;
    }
  }

  /**
   * Reorders the last `count` lines of `out` (ending at `end`, starts in `lineStarts`,
   * all beginning with the same `prefix` bytes) into byte order, as in LANL's files.
   * Insertion sort (a second holds few lines) comparing big-endian 32-bit words.
   */
  private sortSecond(out: Buffer, ov: DataView, end: number, count: number, prefix: number): void {
    const starts = this.lineStarts;
    if (this.sortIdx.length < count) this.sortIdx = new Int32Array(Math.max(count, this.sortIdx.length * 2));
    const idx = this.sortIdx;
    let moved = false;
    if (count > 24) {
      // many lines in one second (large scales): O(k log k)
      const a: number[] = [];
      for (let i = 0; i < count; i++) a.push(starts[i]!);
      a.sort((x, y) => compareLines(ov, x + prefix, y + prefix));
      for (let i = 0; i < count; i++) {
        if (a[i] !== starts[i]) moved = true;
        idx[i] = a[i]!;
      }
    } else idx[0] = starts[0]!;
    for (let i = count > 24 ? count : 1; i < count; i++) {
      const a = starts[i]!;
      let j = i - 1;
      while (j >= 0 && compareLines(ov, idx[j]! + prefix, a + prefix) > 0) {
        idx[j + 1] = idx[j]!;
        j--;
      }
      if (j + 1 !== i) moved = true;
      idx[j + 1] = a;
    }
    if (!moved) return;
    const from = starts[0]!;
    const size = end - from;
    if (this.scratch.length < size + 8) this.scratch = Buffer.allocUnsafe(Math.max(size + 8, this.scratch.length * 2));
    const scratch = this.scratch;
    out.copy(scratch, 0, from, end);
    const sv = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
    let o = from;
    for (let k = 0; k < count; k++) {
      // the line in the scratch copy, up to and including its newline
      let s = idx[k]! - from;
      let e = s;
      while (scratch[e] !== 10) e++;
      const stop = e + 1;
      while (s < stop) {
        ov.setUint32(o, sv.getUint32(s, true), true);
        s += 4;
        o += 4;
      }
      o -= s - stop;
    }
  }
}

/**
 * Byte-order comparison of two lines ending in `\n`, four bytes at a time (big-endian
 * words compare like their bytes; `\n` sorts before every printable byte).
 */
function compareLines(v: DataView, i: number, j: number): number {
  for (;;) {
    const x = v.getUint32(i, false);
    const y = v.getUint32(j, false);
    if (x !== y) {
      // the first differing byte decides, unless a newline came before it
      for (let b = 24; b >= 0; b -= 8) {
        const p = (x >>> b) & 255;
        const q = (y >>> b) & 255;
        if (p !== q) return p - q;
        if (p === 10) return 0;
      }
    }
    // equal words: stop when they hold the newline
    const n = x ^ 0x0a0a0a0a;
    if (((n - 0x01010101) & ~n & 0x80808080) !== 0) return 0;
    i += 4;
    j += 4;
  }
}
