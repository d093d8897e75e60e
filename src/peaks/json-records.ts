/**
 * Streaming JSON record reader: one top-level array of objects (the Python analyzer's format,
 * which it reads with `ijson.items(f, "item")`) or JSON Lines (one object per line), optionally
 * gzip-compressed (detected by its magic bytes, not the file name).
 *
 * Byte-level and field-selective: each object is scanned once, strings 4 bytes at a time (a
 * word test for '"' and '\\'); the wanted top-level keys are compared word by word, everything
 * else is skipped structurally. Two levels:
 * {@link scanJsonRecords} reports where each wanted value lies in the read buffer (kind and byte
 * span, nothing decoded: the caller decodes only what it keeps), {@link readJsonRecords} decodes
 * them into texts. Memory is one read chunk plus the record straddling it, whatever the file
 * size. Numbers keep their source text so that `70` and `70.0` stay distinguishable, as Python
 * (ijson int versus Decimal) distinguishes them.
 */
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { createGunzip } from "node:zlib";

/** Kind of a decoded field value (0 = field absent). */
export enum FieldKind {
  Missing = 0,
  String = 1,
  Number = 2,
  True = 3,
  False = 4,
  Null = 5,
  Complex = 6,
}

/**
 * The wanted fields of the current record. The view is reused from record to record: copy what
 * you keep.
 */
export interface RecordView {
  /** 1-based number of the record (array element or line object) in its file. */
  recordNumber: number;
  /** False when the array element is not a JSON object (then no field is set). */
  isObject: boolean;
  /** Per wanted field, its {@link FieldKind}. */
  readonly kinds: Uint8Array;
  /** Per wanted field: the decoded string, or the number's source text, or "" otherwise. */
  readonly texts: string[];
}

/** Options of {@link readJsonRecords}. */
export interface ReadJsonRecordsOptions {
  /** Read chunk size in bytes. Default 1 MiB. */
  chunkSize?: number;
  /** Called after each chunk with the number of (compressed) bytes read so far. */
  onBytes?: (bytes: number) => void;
}

/** Default options of {@link readJsonRecords}. */
export const DEFAULTS: Required<Omit<ReadJsonRecordsOptions, "onBytes">> = { chunkSize: 1 << 20 };

const INCOMPLETE = Symbol("incomplete");

/** Node's Buffer has direct decoders that skip `toString`'s argument handling. */
export type FastBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

enum State {
  Start,
  ArrayFirst,
  ArrayNext,
  ArrayElement,
  Lines,
  Done,
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** True when the file starts with the gzip magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(2);
    const got = readSync(fd, head, 0, 2, 0);
    return got === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** A syntax error in a record file, with file, record number and byte position. */
export class RecordSyntaxError extends Error {}

/**
 * The wanted fields of the current record as byte spans of the read buffer; nothing is decoded.
 * Valid only during the callback: the buffer and the arrays are reused.
 */
export interface RecordSpans {
  /** 1-based number of the record (array element or line object) in its file. */
  recordNumber: number;
  /** False when the array element is not a JSON object (then no field is set). */
  isObject: boolean;
  /** The bytes the spans point into. */
  buf: Buffer;
  /** The same bytes, read 4 at a time (little-endian words at any offset). */
  words: DataView;
  /** Per wanted field, its {@link FieldKind}. */
  readonly kinds: Uint8Array;
  /** Per wanted field: index of the value's first byte (a string's opening quote). */
  readonly starts: Int32Array;
  /** Per wanted field: index after the value's last byte (after a string's closing quote). */
  readonly ends: Int32Array;
  /** Per wanted string field: its decoded text when it has a backslash escape, else `undefined`. */
  readonly unescaped: (string | undefined)[];
  /** Per wanted number field: its value when it is a plain integer of at most 15 digits, else -1. */
  readonly ints: Float64Array;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True when bytes [s, e) are a JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`). */
function isJsonNumber(b: Buffer, s: number, e: number): boolean {
  let i = s;
  if (i < e && b[i] === 0x2d) i++;
  if (i >= e) return false;
  const c = b[i] as number;
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) {
    i++;
    while (i < e && isDigit(b[i] as number)) i++;
  } else return false;
  if (i < e && b[i] === 0x2e) {
    const d = ++i;
    while (i < e && isDigit(b[i] as number)) i++;
    if (i === d) return false;
  }
  if (i < e && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < e && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    const d = i;
    while (i < e && isDigit(b[i] as number)) i++;
    if (i === d) return false;
  }
  return i === e;
}

/** Kind of the scalar bytes [s, e): a number, `true`, `false`, `null`, or Missing when invalid. */
function scalarKind(b: Buffer, s: number, e: number): FieldKind {
  const n = e - s;
  const c = b[s];
  if (c === 0x74) return n === 4 && b[s + 1] === 0x72 && b[s + 2] === 0x75 && b[s + 3] === 0x65 ? FieldKind.True : FieldKind.Missing;
  if (c === 0x66) return n === 5 && b[s + 1] === 0x61 && b[s + 2] === 0x6c && b[s + 3] === 0x73 && b[s + 4] === 0x65 ? FieldKind.False : FieldKind.Missing;
  if (c === 0x6e) return n === 4 && b[s + 1] === 0x75 && b[s + 2] === 0x6c && b[s + 3] === 0x6c ? FieldKind.Null : FieldKind.Missing;
  return isJsonNumber(b, s, e) ? FieldKind.Number : FieldKind.Missing;
}

const EMPTY = Buffer.alloc(0);

/** Key positions per object whose keys are remembered from one object to the next. */
const MAX_KEYS_REMEMBERED = 256;

/** Whether bytes [a, a + len) of `x` equal bytes [b, b + len) of `y` (compared 4 at a time). */
export function sameBytes(x: DataView, a: number, y: DataView, b: number, len: number): boolean {
  if (len < 4) {
    for (let k = 0; k < len; k++) if (x.getUint8(a + k) !== y.getUint8(b + k)) return false;
    return true;
  }
  const last = len - 4;
  for (let k = 0; k < last; k += 4) if (x.getInt32(a + k, true) !== y.getInt32(b + k, true)) return false;
  return x.getInt32(a + last, true) === y.getInt32(b + last, true);
}

/**
 * Skips, 4 bytes at a time, string bytes that are neither '"' nor '\\' from `i`; returns an
 * index at or before the first such byte (or the last whole word's end).
 */
function skipPlain(words: DataView, i: number, end: number): number {
  while (i + 4 <= end) {
    const v = words.getInt32(i, true);
    const q = v ^ 0x22222222;
    const s = v ^ 0x5c5c5c5c;
    // a zero byte in q or s (Mycroft's test: exact for "is there one")
    if (((((q - 0x01010101) | 0) & ~q) | (((s - 0x01010101) | 0) & ~s)) & 0x80808080) return i;
    i += 4;
  }
  return i;
}

/**
 * Incremental parser: feed it chunks, it calls `onRecord` with the spans of every complete element.
 */
export class RecordParser {
  private state = State.Start;
  private carry: Buffer | null = null;
  private consumed = 0; // bytes before the current buffer
  private readonly keys: Buffer[];
  private readonly names: string[];
  private readonly spans: RecordSpans;
  private buf: Buffer = EMPTY;
  /** `buf` read 4 bytes at a time (little-endian words at any offset). */
  private words: DataView = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  private end = 0;
  /** Per wanted key: its bytes as little-endian 32-bit words (the last one zero-padded). */
  private readonly keyWords: Int32Array[];
  // The keys of the previous objects by position (bytes in tplBytes, wanted field or -1): records
  // of one producer repeat their layout, so a key is recognised by one comparison.
  private tplCount = 0;
  private readonly tplOff = new Int32Array(MAX_KEYS_REMEMBERED);
  private readonly tplLen = new Int32Array(MAX_KEYS_REMEMBERED);
  private readonly tplField = new Int32Array(MAX_KEYS_REMEMBERED);
  private tplBytes = Buffer.alloc(4096);
  private tplWords = new DataView(this.tplBytes.buffer, this.tplBytes.byteOffset, this.tplBytes.length);
  private tplUsed = 0;

  constructor(
    readonly file: string,
    fields: readonly string[],
    private readonly onRecord: (spans: RecordSpans) => void,
  ) {
    this.names = fields.slice();
    this.keys = fields.map((f) => Buffer.from(f, "utf8"));
    this.keyWords = this.keys.map((k) => {
      const padded = Buffer.alloc(Math.ceil(k.length / 4) * 4);
      k.copy(padded);
      return Int32Array.from({ length: padded.length / 4 }, (_, w) => padded.readInt32LE(w * 4));
    });
    const n = fields.length;
    this.spans = { recordNumber: 0, isObject: true, buf: EMPTY, words: new DataView(EMPTY.buffer, EMPTY.byteOffset, 0), kinds: new Uint8Array(n), starts: new Int32Array(n), ends: new Int32Array(n), unescaped: fields.map(() => undefined), ints: new Float64Array(n) };
  }

  private fail(message: string, at: number): never {
    throw new RecordSyntaxError(
      `telemetry-lab/peaks/json-records: ${this.file}: byte ${this.consumed + at}` +
        (this.spans.recordNumber > 0 ? ` (near record ${this.spans.recordNumber})` : "") +
        `: ${message}`,
    );
  }

  private ws(i: number): number {
    const b = this.buf;
    const end = this.end;
    while (i < end && isWs(b[i] as number)) i++;
    if (i >= end) throw INCOMPLETE;
    return i;
  }

  /** Whether the string last scanned by {@link stringEnd} had a backslash escape. */
  private escaped = false;

  /** Returns the index after the closing quote of the string starting at `i` (the quote). */
  private stringEnd(i: number): number {
    const b = this.buf;
    const end = this.end;
    let j = skipPlain(this.words, i + 1, end);
    let esc = false;
    while (j < end) {
      const c = b[j] as number;
      if (c === 0x22) {
        this.escaped = esc;
        return j + 1;
      }
      if (c === 0x5c) {
        esc = true;
        j += 2;
        continue;
      }
      j++;
    }
    throw INCOMPLETE;
  }

  /** Decodes the string [i, e) just scanned by {@link stringEnd} (i = opening quote). */
  private decodeString(i: number, e: number): string {
    const b = this.buf;
    if (!this.escaped) return (b as FastBuffer).utf8Slice(i + 1, e - 1);
    try {
      return JSON.parse(b.toString("utf8", i, e)) as string;
    } catch {
      return this.fail("invalid string escape", i);
    }
  }

  private scalarEnd(i: number): number {
    const b = this.buf;
    const end = this.end;
    while (i < end) {
      const c = b[i] as number;
      if (c === 0x2c || c === 0x7d || c === 0x5d || isWs(c)) return i;
      i++;
    }
    throw INCOMPLETE;
  }

  private skipValue(i: number): number {
    const b = this.buf;
    const c = b[i] as number;
    if (c === 0x22) return this.stringEnd(i);
    if (c === 0x7b || c === 0x5b) {
      let depth = 0;
      let j = i;
      const end = this.end;
      for (;;) {
        if (j >= end) throw INCOMPLETE;
        const d = b[j] as number;
        if (d === 0x22) {
          j = this.stringEnd(j);
          continue;
        }
        if (d === 0x7b || d === 0x5b) depth++;
        else if (d === 0x7d || d === 0x5d) {
          depth--;
          if (depth === 0) return j + 1;
        }
        j++;
      }
    }
    const e = this.scalarEnd(i);
    if (e === i) this.fail(`unexpected character '${String.fromCharCode(c)}'`, i);
    return e;
  }

  /** Remembers the key [s, e) (unescaped), wanted field `field` or -1, as the one at position `ordinal`. */
  private remember(ordinal: number, s: number, e: number, field: number): void {
    if (ordinal > this.tplCount || ordinal >= MAX_KEYS_REMEMBERED) return;
    const len = e - s;
    if (this.tplUsed + len > this.tplBytes.length) {
      if (this.tplBytes.length >= 1 << 16) {
        this.tplUsed = 0; // layouts keep changing: start over
        this.tplCount = 0;
        if (ordinal > 0) return;
      } else {
        const next = Buffer.alloc(this.tplBytes.length * 2);
        this.tplBytes.copy(next, 0, 0, this.tplUsed);
        this.tplBytes = next;
        this.tplWords = new DataView(next.buffer, next.byteOffset, next.length);
      }
    }
    this.buf.copy(this.tplBytes, this.tplUsed, s, e);
    this.tplOff[ordinal] = this.tplUsed;
    this.tplLen[ordinal] = len;
    this.tplField[ordinal] = field;
    this.tplUsed += len;
    if (ordinal === this.tplCount) this.tplCount++;
  }

  /** Index of the wanted field whose name is the unescaped bytes [s, e), or -1. */
  private matchKey(s: number, e: number): number {
    const len = e - s;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      if ((keys[k] as Buffer).length !== len) continue;
      const kw = this.keyWords[k] as Int32Array;
      const dv = this.words;
      const full = len >> 2;
      let w = 0;
      while (w < full && dv.getInt32(s + 4 * w, true) === kw[w]) w++;
      if (w < full) continue;
      const key = keys[k] as Buffer;
      let x = 4 * full;
      while (x < len && key[x] === this.buf[s + x]) x++;
      if (x === len) return k;
    }
    return -1;
  }

  private parseObject(i: number): number {
    const b = this.buf;
    const end = this.end;
    const sp = this.spans;
    const kinds = sp.kinds;
    for (let f = 0; f < kinds.length; f++) kinds[f] = FieldKind.Missing;
    i = this.ws(i + 1);
    if (b[i] === 0x7d) return i + 1;
    let ordinal = 0;
    for (;;) {
      if (b[i] !== 0x22) this.fail("expected a property name in double quotes", i);
      // the key: most often the one the previous object had at this position
      let field: number;
      let j: number;
      const tl = ordinal < this.tplCount ? (this.tplLen[ordinal] as number) : -1;
      if (tl >= 0 && i + 1 + tl < end && b[i + 1 + tl] === 0x22 && sameBytes(this.words, i + 1, this.tplWords, this.tplOff[ordinal] as number, tl)) {
        field = this.tplField[ordinal] as number;
        j = i + 1 + tl;
      } else {
        // its closing quote, found 4 bytes at a time
        j = skipPlain(this.words, i + 1, end);
        let esc = false;
        for (;;) {
          if (j >= end) throw INCOMPLETE;
          const c = b[j] as number;
          if (c === 0x22) break;
          if (c === 0x5c) {
            esc = true;
            j += 2;
            continue;
          }
          j++;
        }
        if (esc) {
          this.escaped = true;
          field = this.names.indexOf(this.decodeString(i, j + 1));
        } else {
          field = this.matchKey(i + 1, j);
          this.remember(ordinal, i + 1, j, field);
        }
      }
      ordinal++;
      i = j + 1;
      while (i < end && isWs(b[i] as number)) i++;
      if (i >= end) throw INCOMPLETE;
      if (b[i] !== 0x3a) this.fail("expected ':'", i);
      i = this.ws(i + 1);
      if (field < 0) {
        i = this.skipValue(i);
      } else {
        const c = b[i] as number;
        let e: number;
        if (c === 0x22) {
          e = this.stringEnd(i);
          kinds[field] = FieldKind.String;
          sp.unescaped[field] = this.escaped ? this.decodeString(i, e) : undefined;
        } else if (c === 0x7b || c === 0x5b) {
          e = this.skipValue(i);
          kinds[field] = FieldKind.Complex;
        } else {
          // a plain integer (no sign, fraction or exponent; at most 15 digits) is read on the way
          let v = 0;
          e = i;
          while (e < end) {
            const d = (b[e] as number) - 0x30;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
            e++;
          }
          const n = e - i;
          const after = e < end ? (b[e] as number) : 0x30;
          if (n > 0 && n <= 15 && (n === 1 || b[i] !== 0x30) && (after === 0x2c || after === 0x7d || after === 0x5d || isWs(after))) {
            kinds[field] = FieldKind.Number;
            sp.ints[field] = v;
          } else {
            e = this.scalarEnd(i);
            const k = scalarKind(b, i, e);
            if (k === FieldKind.Missing) this.fail(`invalid value '${(b as FastBuffer).latin1Slice(i, e).slice(0, 40)}'`, i);
            kinds[field] = k;
            sp.ints[field] = -1;
          }
        }
        sp.starts[field] = i;
        sp.ends[field] = e;
        i = e;
      }
      while (i < end && isWs(b[i] as number)) i++;
      if (i >= end) throw INCOMPLETE;
      const c = b[i];
      if (c === 0x2c) {
        i = this.ws(i + 1);
        continue;
      }
      if (c === 0x7d) return i + 1;
      this.fail("expected ',' or '}'", i);
    }
  }

  private element(i: number): number {
    const sp = this.spans;
    const saved = sp.recordNumber;
    sp.recordNumber = saved + 1;
    try {
      if (this.buf[i] === 0x7b) {
        const e = this.parseObject(i);
        sp.isObject = true;
        sp.buf = this.buf;
        sp.words = this.words;
        this.onRecord(sp);
        return e;
      }
      const e = this.skipValue(i);
      sp.isObject = false;
      sp.kinds.fill(0);
      sp.buf = this.buf;
      sp.words = this.words;
      this.onRecord(sp);
      return e;
    } catch (err) {
      if (err === INCOMPLETE) sp.recordNumber = saved;
      throw err;
    }
  }

  /** Feeds the next chunk of (decompressed) bytes. */
  push(chunk: Buffer): void {
    let base = this.consumed; // file offset of the first pending byte
    let pending = this.carry;
    this.carry = null;
    let start = 0;
    // A record straddling two chunks is completed on the carried bytes joined with the head of
    // the new chunk, not on a copy of the whole chunk.
    let off = 0;
    while (pending !== null && pending.length > 0) {
      const take = Math.min(chunk.length - off, Math.max(1 << 16, pending.length));
      const joined = Buffer.concat([pending, chunk.subarray(off, off + take)]);
      this.consumed = base;
      const mark = this.run(joined, 0);
      if (mark >= pending.length) {
        start = off + (mark - pending.length);
        base += pending.length - off; // file offset of chunk[0]
        pending = null;
        break;
      }
      off += take;
      base += mark;
      pending = joined.subarray(mark);
      if (off === chunk.length) {
        this.consumed = base;
        this.carry = pending;
        return;
      }
    }
    this.consumed = base;
    const mark = this.run(chunk, start);
    this.consumed = base + mark;
    this.carry = mark < chunk.length ? Buffer.from(chunk.subarray(mark)) : null;
  }

  /** Parses `buf` (starting at file offset `this.consumed`) from `from`; returns the index up to which it is consumed. */
  private run(buf: Buffer, from: number): number {
    this.buf = buf;
    this.words = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.end = buf.length;
    let i = from;
    if (from === 0 && this.consumed === 0 && this.state === State.Start && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      i = 3; // UTF-8 byte order mark
    }
    let mark = i;
    try {
      for (;;) {
        mark = i;
        if (this.state === State.Done) {
          while (i < this.end && isWs(buf[i] as number)) i++;
          if (i < this.end) this.fail("trailing data after the top-level array", i);
          mark = i;
          break;
        }
        i = this.ws(i);
        const c = buf[i];
        switch (this.state) {
          case State.Start:
            if (c === 0x5b) {
              this.state = State.ArrayFirst;
              i++;
            } else if (c === 0x7b) {
              this.state = State.Lines;
            } else {
              this.fail("expected '[' (a JSON array) or '{' (JSON Lines)", i);
            }
            break;
          case State.ArrayFirst:
            if (c === 0x5d) {
              this.state = State.Done;
              i++;
            } else {
              i = this.element(i);
              this.state = State.ArrayNext;
            }
            break;
          case State.ArrayElement:
            i = this.element(i);
            this.state = State.ArrayNext;
            break;
          case State.ArrayNext:
            if (c === 0x2c) {
              this.state = State.ArrayElement;
              i++;
            } else if (c === 0x5d) {
              this.state = State.Done;
              i++;
            } else {
              this.fail("expected ',' or ']' after an array element", i);
            }
            break;
          case State.Lines:
            if (c !== 0x7b) this.fail("expected '{' starting a JSON Lines record", i);
            i = this.element(i);
            break;
          default:
            break;
        }
      }
    } catch (err) {
      if (err !== INCOMPLETE) throw err;
    }
    return mark;
  }

  /** Signals the end of the input; throws if it ends inside a value or an open array. */
  finish(): void {
    const rest = this.carry;
    if (rest !== null) {
      let i = 0;
      while (i < rest.length && isWs(rest[i] as number)) i++;
      if (i < rest.length) {
        this.buf = rest;
        this.fail("unexpected end of file (truncated record)", i);
      }
    }
    if (this.state === State.ArrayFirst || this.state === State.ArrayNext || this.state === State.ArrayElement) {
      this.buf = EMPTY;
      this.fail("unexpected end of file (the top-level array is not closed)", 0);
    }
  }
}

/**
 * The text {@link readJsonRecords} gives for field `f` of the current record: a string decoded,
 * a number's source text, `true`/`false`/`null`, the first 200 bytes of an object or array.
 */
export function spanText(spans: RecordSpans, f: number): string {
  const b = spans.buf as FastBuffer;
  const s = spans.starts[f] as number;
  const e = spans.ends[f] as number;
  switch (spans.kinds[f]) {
    case FieldKind.Missing:
      return "";
    case FieldKind.String:
      return spans.unescaped[f] ?? b.utf8Slice(s + 1, e - 1);
    case FieldKind.Complex:
      return b.toString("utf8", s, Math.min(e, s + 200));
    default:
      return b.latin1Slice(s, e);
  }
}

/** Decodes spans into a {@link RecordView} (reused when given). */
export function viewOfSpans(spans: RecordSpans, view?: RecordView): RecordView {
  const n = spans.kinds.length;
  const v: RecordView = view ?? { recordNumber: 0, isObject: true, kinds: new Uint8Array(n), texts: new Array<string>(n).fill("") };
  v.recordNumber = spans.recordNumber;
  v.isObject = spans.isObject;
  v.kinds.set(spans.kinds);
  for (let f = 0; f < n; f++) if (spans.kinds[f] !== FieldKind.Missing) v.texts[f] = spanText(spans, f);
  return v;
}

/**
 * Reads one file of records, calling `onRecord` with the reused {@link RecordSpans} of each
 * record: the byte-level layer under {@link readJsonRecords}, for callers that decode only what
 * they keep.
 *
 * @example
 * await scanJsonRecords("feed.jsonl.gz", ["utc_timestamp", "file.sha1"], (r) => {
 *   console.log(r.recordNumber, r.kinds[0], spanText(r, 1)); // 1 2 "f111a4f6..."
 * });
 */
export async function scanJsonRecords(
  path: string,
  fields: readonly string[],
  onRecord: (spans: RecordSpans) => void,
  options: ReadJsonRecordsOptions = {},
): Promise<void> {
  const chunkSize = options.chunkSize ?? DEFAULTS.chunkSize;
  let gz: boolean;
  try {
    gz = isGzipFile(path);
  } catch (err) {
    throw new Error(`telemetry-lab/peaks/json-records: ${path}: cannot read: ${(err as Error).message}`);
  }
  const raw = createReadStream(path, { highWaterMark: chunkSize });
  let bytes = 0;
  if (options.onBytes !== undefined) {
    const onBytes = options.onBytes;
    raw.on("data", (c: Buffer | string) => {
      bytes += c.length;
      onBytes(bytes);
    });
  }
  // errors of the callback (a bad record, say) pass through as they are: only read and gzip
  // errors are reported as such
  let fromCallback = false;
  const parser = new RecordParser(path, fields, (spans) => {
    try {
      onRecord(spans);
    } catch (err) {
      fromCallback = true;
      throw err;
    }
  });
  const source = gz ? raw.pipe(createGunzip({ chunkSize: Math.max(chunkSize, 64 * 1024) })) : raw;
  if (gz) raw.on("error", (e) => source.destroy(e));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) parser.push(chunk);
  } catch (err) {
    raw.destroy();
    if (err instanceof RecordSyntaxError || fromCallback) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new Error(`telemetry-lab/peaks/json-records: ${path}: ${gz && e.code?.startsWith("Z_") ? "corrupt gzip data" : "cannot read"}: ${e.message}`);
  }
  parser.finish();
}

/**
 * Reads one file of records, calling `onRecord` with a reused {@link RecordView} per record.
 *
 * @example
 * await readJsonRecords("feed.jsonl.gz", ["utc_timestamp", "file.sha1"], (r) => {
 *   console.log(r.recordNumber, r.texts[0], r.texts[1]); // 1 "1630479599000" "f111a4f6..."
 * });
 */
export async function readJsonRecords(
  path: string,
  fields: readonly string[],
  onRecord: (view: RecordView) => void,
  options: ReadJsonRecordsOptions = {},
): Promise<void> {
  let view: RecordView | undefined;
  await scanJsonRecords(path, fields, (spans) => onRecord((view = viewOfSpans(spans, view))), options);
}
