/**
 * Streaming JSON record reader: one top-level array of objects (the Python analyzer's format,
 * which it reads with `ijson.items(f, "item")`) or JSON Lines (one object per line), optionally
 * gzip-compressed (detected by its magic bytes, not the file name).
 *
 * Byte-level and field-selective: each object is scanned once; only the wanted top-level fields
 * are decoded, everything else is skipped structurally. Memory is one read chunk plus the record
 * straddling it, whatever the file size. Numbers keep their source text so that `70` and `70.0`
 * stay distinguishable, as Python (ijson int versus Decimal) distinguishes them.
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
type FastBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

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
 * Incremental parser: feed it chunks, it calls `onRecord` for every complete element.
 */
export class RecordParser {
  private state = State.Start;
  private carry: Buffer | null = null;
  private consumed = 0; // bytes before the current buffer
  private readonly keys: Buffer[];
  private readonly keyLengths: Uint8Array;
  private readonly view: RecordView;
  private buf: Buffer = Buffer.alloc(0);
  private end = 0;

  constructor(
    readonly file: string,
    fields: readonly string[],
    private readonly onRecord: (view: RecordView) => void,
  ) {
    this.keys = fields.map((f) => Buffer.from(f, "utf8"));
    this.keyLengths = new Uint8Array(Math.max(0, ...this.keys.map((k) => k.length)) + 1);
    for (const k of this.keys) this.keyLengths[k.length] = 1;
    this.view = { recordNumber: 0, isObject: true, kinds: new Uint8Array(fields.length), texts: fields.map(() => "") };
  }

  private fail(message: string, at: number): never {
    throw new RecordSyntaxError(
      `telemetry-lab/peaks/json-records: ${this.file}: byte ${this.consumed + at}` +
        (this.view.recordNumber > 0 ? ` (near record ${this.view.recordNumber})` : "") +
        `: ${message}`,
    );
  }

  private ws(i: number): number {
    const b = this.buf;
    while (i < this.end && isWs(b[i] as number)) i++;
    if (i >= this.end) throw INCOMPLETE;
    return i;
  }

  /** Whether the string last scanned by {@link stringEnd} had a backslash escape. */
  private escaped = false;

  /** Returns the index after the closing quote of the string starting at `i` (the quote). */
  private stringEnd(i: number): number {
    const b = this.buf;
    const end = this.end;
    let j = i + 1;
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
    while (i < this.end) {
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
      for (;;) {
        if (j >= this.end) throw INCOMPLETE;
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

  private matchKey(s: number, e: number): number {
    const len = e - s;
    if (len >= this.keyLengths.length || this.keyLengths[len] === 0) return -1;
    const b = this.buf;
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as Buffer;
      if (key.length !== len || key[0] !== b[s]) continue;
      let ok = true;
      for (let x = 0; x < len; x++) {
        if (key[x] !== b[s + x]) {
          ok = false;
          break;
        }
      }
      if (ok) return k;
    }
    return -1;
  }

  private parseObject(i: number): number {
    const b = this.buf;
    const view = this.view;
    view.kinds.fill(0);
    i = this.ws(i + 1);
    if (b[i] === 0x7d) return i + 1;
    for (;;) {
      if (b[i] !== 0x22) this.fail("expected a property name in double quotes", i);
      const ke = this.stringEnd(i);
      let field: number;
      if (this.escaped) {
        const name = this.decodeString(i, ke);
        field = this.keys.findIndex((k) => k.toString("utf8") === name);
      } else {
        field = this.matchKey(i + 1, ke - 1);
      }
      i = this.ws(ke);
      if (b[i] !== 0x3a) this.fail("expected ':'", i);
      i = this.ws(i + 1);
      if (field < 0) {
        i = this.skipValue(i);
      } else {
        const c = b[i] as number;
        if (c === 0x22) {
          const e = this.stringEnd(i);
          view.kinds[field] = FieldKind.String;
          view.texts[field] = this.decodeString(i, e);
          i = e;
        } else if (c === 0x7b || c === 0x5b) {
          const e = this.skipValue(i);
          view.kinds[field] = FieldKind.Complex;
          view.texts[field] = b.toString("utf8", i, Math.min(e, i + 200));
          i = e;
        } else {
          const e = this.scalarEnd(i);
          const text = (b as FastBuffer).latin1Slice(i, e);
          if (text === "true") view.kinds[field] = FieldKind.True;
          else if (text === "false") view.kinds[field] = FieldKind.False;
          else if (text === "null") view.kinds[field] = FieldKind.Null;
          else if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(text)) view.kinds[field] = FieldKind.Number;
          else this.fail(`invalid value '${text.slice(0, 40)}'`, i);
          view.texts[field] = text;
          i = e;
        }
      }
      i = this.ws(i);
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
    const view = this.view;
    const next = view.recordNumber + 1;
    const saved = view.recordNumber;
    view.recordNumber = next;
    try {
      if (this.buf[i] === 0x7b) {
        const e = this.parseObject(i);
        view.isObject = true;
        this.onRecord(view);
        return e;
      }
      const e = this.skipValue(i);
      view.isObject = false;
      view.kinds.fill(0);
      this.onRecord(view);
      return e;
    } catch (err) {
      if (err === INCOMPLETE) view.recordNumber = saved;
      throw err;
    }
  }

  /** Feeds the next chunk of (decompressed) bytes. */
  push(chunk: Buffer): void {
    let buf: Buffer;
    if (this.carry !== null && this.carry.length > 0) {
      buf = Buffer.concat([this.carry, chunk]);
    } else {
      buf = chunk;
    }
    this.carry = null;
    this.buf = buf;
    this.end = buf.length;
    let i = 0;
    if (this.consumed === 0 && this.state === State.Start && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
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
    this.consumed += mark;
    this.carry = mark < buf.length ? Buffer.from(buf.subarray(mark)) : null;
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
      this.buf = Buffer.alloc(0);
      this.fail("unexpected end of file (the top-level array is not closed)", 0);
    }
  }
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
  const parser = new RecordParser(path, fields, onRecord);
  const source = gz ? raw.pipe(createGunzip({ chunkSize: Math.max(chunkSize, 64 * 1024) })) : raw;
  if (gz) raw.on("error", (e) => source.destroy(e));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) parser.push(chunk);
  } catch (err) {
    raw.destroy();
    if (err instanceof RecordSyntaxError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new Error(`telemetry-lab/peaks/json-records: ${path}: ${gz && e.code?.startsWith("Z_") ? "corrupt gzip data" : "cannot read"}: ${e.message}`);
  }
  parser.finish();
}
