/**
 * Telemetry records and their dimensions: which fields a record must carry (the index, the
 * dimensions, the cross dimensions), and how raw JSON values become table keys.
 *
 * Spec `peak-analyzer.md` §1 (VMware telemetry-peak-analyzer): a record is one submission; the
 * index is `[timestamp field (epoch ms), sample field]`; the dimensions split the feed into one
 * series per combination of values. Here any number N >= 1 of dimensions is allowed.
 *
 * Keys: a dimension value becomes the text Python's `json.dump` would write as an object key
 * (strings as-is, ints as digits, `true`/`false`/`null`), so that a value such as integer 70 in
 * the feed and key "70" in a saved table are the same series (the original mixes them up).
 */
import { FieldKind, type FastBuffer, type RecordSpans, type RecordView } from "./json-records.js";
import { ByteInterner } from "./intern.js";

/** Which fields of a record the analyzer reads. */
export interface RecordSchema {
  /** index[0]: the epoch-milliseconds timestamp field, e.g. `utc_timestamp`. */
  timeField: string;
  /** index[1]: the sample identity field, e.g. `file.sha1`. */
  sampleField: string;
  /** The dimensions, N >= 1 fields, e.g. `["task.severity", "file.llfile_type"]`. */
  dimensions: readonly string[];
  /** Cross dimensions: required and counted, never used in a decision. */
  crossDimensions: readonly string[];
}

/** One record reduced to what the analyzer needs (an object reused from record to record). */
export interface TypedRecord {
  /** Epoch milliseconds. */
  time: number;
  /** Key text of each dimension value. */
  dims: string[];
  /** Per dimension: the value was a JSON number (Python int), which sorts numerically. */
  dimIsNumber: boolean[];
  /** Key of the sample identity (distinct per distinct JSON value). */
  sample: string;
  /** Key text of each cross-dimension value. */
  cross: string[];
}

/** The fields to extract, in the order [time, sample, ...dimensions, ...crossDimensions]. */
export function schemaFields(schema: RecordSchema): string[] {
  return [schema.timeField, schema.sampleField, ...schema.dimensions, ...schema.crossDimensions];
}

/** Checks a schema: N >= 1 dimensions, no field used twice. */
export function validateSchema(schema: RecordSchema): void {
  if (schema.dimensions.length < 1) throw new Error("telemetry-lab/peaks/records: at least one dimension is required");
  const all = schemaFields(schema);
  const seen = new Set<string>();
  for (const f of all) {
    if (typeof f !== "string" || f.length === 0) throw new Error("telemetry-lab/peaks/records: field names must be non-empty strings");
    if (seen.has(f)) throw new Error(`telemetry-lab/peaks/records: field '${f}' is used twice in the schema`);
    seen.add(f);
  }
}

/**
 * Key text of a JSON value used as a dimension (Python `json.dump` key conversion), or
 * `undefined` for objects and arrays (unhashable in Python).
 *
 * @example
 * keyText(FieldKind.String, "benign"); // "benign"
 * keyText(FieldKind.Number, "70");     // "70"
 * keyText(FieldKind.True, "true");     // "true"
 */
export function keyText(kind: FieldKind, text: string): string | undefined {
  switch (kind) {
    case FieldKind.String:
      return text;
    case FieldKind.Number:
      return text === "-0" ? "0" : text;
    case FieldKind.True:
      return "true";
    case FieldKind.False:
      return "false";
    case FieldKind.Null:
      return "null";
    default:
      return undefined;
  }
}

/** Key of a sample identity: strings as-is, other scalars tagged so that "1" and 1 differ. */
export function sampleKeyText(kind: FieldKind, text: string): string | undefined {
  switch (kind) {
    case FieldKind.String:
      return text;
    case FieldKind.Number:
      return "\u0000#" + String(Number(text));
    case FieldKind.True:
    case FieldKind.False:
    case FieldKind.Null:
      return "\u0000" + text;
    default:
      return undefined;
  }
}

const KIND_NAMES = ["missing", "a string", "a number", "true", "false", "null", "an object or array"];

/**
 * Fills `out` from a record view whose fields are in {@link schemaFields} order; returns an
 * error text (`field 'x' missing`, `field 'utc_timestamp' is not a timestamp: ...`) or `null`.
 */
export function typeRecord(view: RecordView, schema: RecordSchema, out: TypedRecord): string | null {
  if (!view.isObject) return "not a JSON object";
  const kinds = view.kinds;
  const texts = view.texts;
  const nd = schema.dimensions.length;
  // Python reads index, dimension and cross-dimension fields; report the first missing one.
  for (let f = 0; f < kinds.length; f++) {
    if (kinds[f] === FieldKind.Missing) return `field '${fieldName(schema, f)}' missing`;
  }
  if (kinds[0] !== FieldKind.Number) {
    return `field '${schema.timeField}' is not a timestamp (epoch milliseconds): ${KIND_NAMES[kinds[0] as number]} ${JSON.stringify(texts[0]).slice(0, 60)}`;
  }
  const time = Number(texts[0]);
  if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) {
    return `field '${schema.timeField}' is not a timestamp (epoch milliseconds): ${texts[0]}`;
  }
  out.time = time;
  const sample = sampleKeyText(kinds[1] as FieldKind, texts[1] as string);
  if (sample === undefined) return `field '${schema.sampleField}' is ${KIND_NAMES[kinds[1] as number]}, not a scalar`;
  out.sample = sample;
  for (let d = 0; d < nd; d++) {
    const k = kinds[2 + d] as FieldKind;
    const key = keyText(k, texts[2 + d] as string);
    if (key === undefined) return `field '${schema.dimensions[d]}' is ${KIND_NAMES[k]}, not a scalar`;
    out.dims[d] = key;
    out.dimIsNumber[d] = k === FieldKind.Number;
  }
  for (let c = 0; c < schema.crossDimensions.length; c++) {
    const k = kinds[2 + nd + c] as FieldKind;
    const key = keyText(k, texts[2 + nd + c] as string);
    out.cross[c] = key ?? (texts[2 + nd + c] as string);
  }
  return null;
}

/** What {@link SpanTyper.type} did with a record. */
export enum Typed {
  /** The fast path cannot decide (escapes, unusual values, a bad record): use {@link typeRecord}. */
  Undecided = -1,
  /** A valid record whose time `keep` rejected: only `out.time` is set. */
  Dropped = 0,
  /** A valid record, `out` filled. */
  Kept = 1,
}

/**
 * The hot path of {@link typeRecord} for records read from files: types the byte spans of a
 * record straight from the read buffer. Dimension and cross-dimension values come from a
 * bounded intern table (no string per record), the timestamp is parsed from its digits, and
 * nothing at all is decoded for a record whose time `keep` rejects. It decides only records
 * that are plainly valid (integer timestamp of at most 15 digits, unescaped string sample,
 * scalar dimensions other than `-0`); for any other record it answers {@link Typed.Undecided}
 * and the caller decodes the record and applies {@link typeRecord}, so results and error
 * messages are exactly those of {@link typeRecord}.
 *
 * @example
 * const typer = new SpanTyper(FILE_TYPE_ANALYZER);
 * typer.type(spans, rec);                 // Typed.Kept, rec filled
 * typer.type(spans, rec, (t) => t >= t0); // Typed.Dropped for an earlier record
 */
export class SpanTyper {
  private readonly interner = new ByteInterner();
  private readonly nd: number;
  private readonly nc: number;

  constructor(readonly schema: RecordSchema) {
    this.nd = schema.dimensions.length;
    this.nc = schema.crossDimensions.length;
  }

  /** Types `sp` (fields in {@link schemaFields} order) into `out`; see {@link Typed}. */
  type(sp: RecordSpans, out: TypedRecord, keep?: (time: number) => boolean): Typed {
    if (!sp.isObject) return Typed.Undecided;
    const kinds = sp.kinds;
    const starts = sp.starts;
    const ends = sp.ends;
    const b = sp.buf;
    const time = sp.ints[0] as number;
    if (kinds[0] !== FieldKind.Number || time < 0) return Typed.Undecided; // sign, fraction, exponent, > 15 digits
    if (kinds[1] !== FieldKind.String || sp.unescaped[1] !== undefined) return Typed.Undecided;
    const n = kinds.length;
    for (let f = 2; f < n; f++) {
      const k = kinds[f];
      if (k === FieldKind.String) {
        if (sp.unescaped[f] !== undefined) return Typed.Undecided;
      } else if (k === FieldKind.Number) {
        const s = starts[f] as number;
        if (b[s] === 0x2d && b[s + 1] === 0x30 && ends[f] === s + 2) return Typed.Undecided; // "-0"
      } else if (k === FieldKind.Missing || k === FieldKind.Complex) {
        return Typed.Undecided;
      }
    }
    out.time = time;
    if (keep !== undefined && !keep(time)) return Typed.Dropped;
    out.sample = (b as FastBuffer).utf8Slice((starts[1] as number) + 1, (ends[1] as number) - 1);
    const nd = this.nd;
    for (let d = 0; d < nd; d++) {
      const k = kinds[2 + d] as FieldKind;
      out.dims[d] = this.key(b, sp.words, k, starts[2 + d] as number, ends[2 + d] as number);
      out.dimIsNumber[d] = k === FieldKind.Number;
    }
    for (let c = 0; c < this.nc; c++) {
      const f = 2 + nd + c;
      out.cross[c] = this.key(b, sp.words, kinds[f] as FieldKind, starts[f] as number, ends[f] as number);
    }
    return Typed.Kept;
  }

  /** {@link keyText} of a scalar span, from the intern table. */
  private key(b: Buffer, words: DataView, k: FieldKind, s: number, e: number): string {
    switch (k) {
      case FieldKind.String:
        return this.interner.text(b, words, s + 1, e - 1);
      case FieldKind.Number:
        return this.interner.text(b, words, s, e);
      case FieldKind.True:
        return "true";
      case FieldKind.False:
        return "false";
      default:
        return "null";
    }
  }
}

function fieldName(schema: RecordSchema, f: number): string {
  return schemaFields(schema)[f] as string;
}

/** A fresh {@link TypedRecord} sized for `schema`. */
export function newTypedRecord(schema: RecordSchema): TypedRecord {
  return {
    time: 0,
    dims: schema.dimensions.map(() => ""),
    dimIsNumber: schema.dimensions.map(() => false),
    sample: "",
    cross: schema.crossDimensions.map(() => ""),
  };
}

/**
 * Converts a plain JS object (e.g. from a notebook) into a {@link RecordView} for the schema's
 * fields, so in-memory records follow exactly the same rules as file records.
 */
export function viewOfObject(obj: unknown, fields: readonly string[], recordNumber: number, view?: RecordView): RecordView {
  const v: RecordView = view ?? { recordNumber, isObject: true, kinds: new Uint8Array(fields.length), texts: fields.map(() => "") };
  v.recordNumber = recordNumber;
  v.kinds.fill(0);
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    v.isObject = false;
    return v;
  }
  v.isObject = true;
  const rec = obj as Record<string, unknown>;
  fields.forEach((f, i) => {
    if (!Object.prototype.hasOwnProperty.call(rec, f)) return;
    const x = rec[f];
    if (typeof x === "string") {
      v.kinds[i] = FieldKind.String;
      v.texts[i] = x;
    } else if (typeof x === "number") {
      v.kinds[i] = Number.isFinite(x) ? FieldKind.Number : FieldKind.Complex;
      v.texts[i] = String(x);
    } else if (typeof x === "bigint") {
      v.kinds[i] = FieldKind.Number;
      v.texts[i] = x.toString();
    } else if (x === true) v.kinds[i] = FieldKind.True;
    else if (x === false) v.kinds[i] = FieldKind.False;
    else if (x === null) v.kinds[i] = FieldKind.Null;
    else if (x !== undefined) v.kinds[i] = FieldKind.Complex;
  });
  return v;
}
