/**
 * Byte-level parsing of LANL cyber1 lines (`time,field,field,...`, no quoting).
 *
 * Format from LANL's data description: comma-separated, no header, integer seconds in
 * the first field, `?` for a missing value. The hot-path functions work on a byte range
 * of a Buffer and allocate nothing: {@link lineTime} validates a line and returns its
 * time, {@link splitFields} records field offsets into a reusable {@link LineFields}.
 * Reasons for rejection are only built as strings on the (rare) error path, by
 * {@link rejectReason}.
 */
import { schemaOf } from "./schema.js";

const COMMA = 44;
const CR = 13;
const ZERO = 48;
const NINE = 57;

/** Largest time accepted: 15 digits stays an exact double. */
const MAX_TIME_DIGITS = 15;

/** Status codes returned (negated) by {@link lineTime}. */
export const REJECT = Object.freeze({
  EMPTY: -1,
  BAD_TIME: -2,
  FIELD_COUNT: -3,
});

/** Field offsets of one line, reused from line to line. */
export interface LineFields {
  /** Fields found on the last line split (may exceed the capacity; offsets beyond it are not stored). */
  count: number;
  /** Start offset (inclusive) of field i in the buffer. */
  readonly starts: Int32Array;
  /** End offset (exclusive) of field i in the buffer. */
  readonly ends: Int32Array;
}

/**
 * Allocates reusable field offsets for lines of up to `capacity` fields.
 *
 * @example
 * const f = createLineFields(9);
 */
export function createLineFields(capacity = 16): LineFields {
  return { count: 0, starts: new Int32Array(capacity), ends: new Int32Array(capacity) };
}

/** End of the line's content: `end` without one trailing `\r`. */
function contentEnd(buf: Uint8Array, start: number, end: number): number {
  return end > start && buf[end - 1] === CR ? end - 1 : end;
}

/**
 * Parses the non-negative integer in `buf[start, end)`; returns -1 when the range is
 * empty, holds a non-digit, or has more than 15 digits.
 *
 * @example
 * parseTime(Buffer.from("150885,U620@DOM1"), 0, 6); // 150885
 */
export function parseTime(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > MAX_TIME_DIGITS) return -1;
  let t = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return -1;
    t = t * 10 + (c - ZERO);
  }
  return t;
}

/**
 * Validates one line (`buf[start, end)`, without its `\n`; a trailing `\r` is ignored)
 * against a field count and returns its time, or a negative {@link REJECT} code.
 * Allocation-free; for hot loops.
 *
 * @example
 * const b = Buffer.from("2,C4653,C5030");
 * lineTime(b, 0, b.length, 3); // 2
 * lineTime(b, 0, b.length, 9); // -3 (REJECT.FIELD_COUNT)
 */
export function lineTime(buf: Uint8Array, start: number, end: number, fieldCount: number): number {
  const e = contentEnd(buf, start, end);
  if (e <= start) return REJECT.EMPTY;
  let fields = 1;
  let firstComma = -1;
  for (let i = start; i < e; i++) {
    if (buf[i] === COMMA) {
      if (firstComma < 0) firstComma = i;
      fields++;
    }
  }
  const t = parseTime(buf, start, firstComma < 0 ? e : firstComma);
  if (t < 0) return REJECT.BAD_TIME;
  if (fields !== fieldCount) return REJECT.FIELD_COUNT;
  return t;
}

/**
 * Splits a line into field offsets (no strings created). Returns the number of fields;
 * offsets are stored for the first `out.starts.length` of them.
 *
 * @example
 * const b = Buffer.from("2,C4653,C5030"), f = createLineFields(3);
 * splitFields(b, 0, b.length, f);           // 3
 * b.toString("latin1", f.starts[1], f.ends[1]); // "C4653"
 */
export function splitFields(buf: Uint8Array, start: number, end: number, out: LineFields): number {
  const e = contentEnd(buf, start, end);
  const cap = out.starts.length;
  let n = 0;
  let fieldStart = start;
  for (let i = start; i < e; i++) {
    if (buf[i] === COMMA) {
      if (n < cap) {
        out.starts[n] = fieldStart;
        out.ends[n] = i;
      }
      n++;
      fieldStart = i + 1;
    }
  }
  if (n < cap) {
    out.starts[n] = fieldStart;
    out.ends[n] = e;
  }
  n++;
  out.count = n;
  return n;
}

/**
 * Splits only the first `k` fields of a line, as {@link splitFields} would
 * record them, and returns where field `k` starts (the rest of the line, from
 * there, is not read), or -1 when the line has `k` fields or fewer. For a
 * caller that recognises the rest of a line whole (a cached tail of fields).
 *
 * @example
 * const b = Buffer.from("2,C4653,C5030,x"), f = createLineFields(4);
 * splitPrefix(b, 0, b.length, f, 2); // 8 (field 2, "C5030", starts there)
 * b.toString("latin1", f.starts[1], f.ends[1]); // "C4653"
 */
export function splitPrefix(buf: Uint8Array, start: number, end: number, out: LineFields, k: number): number {
  if (k > out.starts.length) throw new Error(`telemetry-lab/lanl/parse: splitPrefix: ${k} fields, room for ${out.starts.length}`);
  if (k === 0) return start;
  const starts = out.starts;
  const ends = out.ends;
  let n = 0;
  let fieldStart = start;
  for (let i = start; i < end; i++) {
    if (buf[i] === COMMA) {
      starts[n] = fieldStart;
      ends[n] = i;
      fieldStart = i + 1;
      if (++n === k) return fieldStart;
    }
  }
  return -1;
}

/**
 * Why a line fails validation against `fieldCount`, or `undefined` when it passes.
 * For the error path only (builds strings).
 *
 * @example
 * const b = Buffer.from("x,C1,C2");
 * rejectReason(b, 0, b.length, 3); // "time is not a non-negative integer: 'x'"
 */
export function rejectReason(buf: Uint8Array, start: number, end: number, fieldCount: number): string | undefined {
  const status = lineTime(buf, start, end, fieldCount);
  if (status >= 0) return undefined;
  const e = contentEnd(buf, start, end);
  if (status === REJECT.EMPTY) return "empty line";
  if (status === REJECT.BAD_TIME) {
    let comma = start;
    while (comma < e && buf[comma] !== COMMA) comma++;
    const text = Buffer.from(buf.buffer, buf.byteOffset + start, Math.min(comma - start, 40)).toString("latin1");
    return `time is not a non-negative integer: '${text}'`;
  }
  let fields = 1;
  for (let i = start; i < e; i++) if (buf[i] === COMMA) fields++;
  return `expected ${fieldCount} fields, got ${fields}`;
}

/** A parsed line as strings (the convenient, allocating form). */
export interface ParsedLine {
  time: number;
  /** The fields after `time`. */
  fields: string[];
}

/**
 * Parses one line of a stream into strings; for tests, tables and edges, not hot loops.
 *
 * @throws with the reason (`expected 9 fields, got 7`, ...), prefixed by `where` when given.
 * @example
 * parseLine("1,C1$@DOM1,C1,P16,Start", "proc");
 * // { time: 1, fields: ["C1$@DOM1", "C1", "P16", "Start"] }
 */
export function parseLine(line: string | Uint8Array, stream: string, where?: string): ParsedLine {
  const buf = typeof line === "string" ? Buffer.from(line, "latin1") : line;
  const { fieldCount } = schemaOf(stream);
  const time = lineTime(buf, 0, buf.length, fieldCount);
  if (time < 0) {
    const reason = rejectReason(buf, 0, buf.length, fieldCount);
    throw new Error(`telemetry-lab/lanl/parse: ${where ? where + ": " : ""}${stream} line: ${reason}`);
  }
  const f = createLineFields(fieldCount);
  splitFields(buf, 0, buf.length, f);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const fields: string[] = [];
  for (let i = 1; i < fieldCount; i++) fields.push(b.toString("latin1", f.starts[i], f.ends[i]));
  return { time, fields };
}

/**
 * The string value of field `i` after {@link splitFields}.
 *
 * @example
 * fieldString(buf, fields, 4); // "C586"
 */
export function fieldString(buf: Buffer, fields: LineFields, i: number): string {
  return buf.toString("latin1", fields.starts[i], fields.ends[i]);
}
