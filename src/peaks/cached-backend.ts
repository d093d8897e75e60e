/**
 * A backend that reads another backend ONCE and keeps its records in compact columns (typed
 * arrays of interned value ids), so that a chain of daily runs over the same feed (a notebook
 * walkthrough, a parameter sweep) does not re-parse the files each day. Memory is about
 * 8 + 4 x (2 + dimensions + cross dimensions) bytes per record plus the distinct values: use it
 * for feeds that fit in memory; the plain {@link JsonBackend} streams any size.
 */
import type { Backend, ScanOptions, ScanSummary } from "./backend.js";
import { newTypedRecord, schemaFields, type RecordSchema, type TypedRecord } from "./records.js";

/** A typed array that grows by doubling. */
class Growable<T extends Int32Array | Float64Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

const int32s = (n: number): Int32Array => new Int32Array(n);

/**
 * Records of a backend held in memory, replayed in the same order.
 *
 * @example
 * const feed = await CachedBackend.load(new JsonBackend("data/peaks/feed.jsonl.gz"), FILE_TYPE_ANALYZER);
 * for (const day of days) await analyze({ input: feed, start: day, ... }); // one parse in total
 */
export class CachedBackend implements Backend {
  readonly name: string;
  private readonly values: string[] = [];
  private readonly isNumber: boolean[] = [];
  private readonly ids = new Map<string, number>();
  private readonly times = new Growable((n) => new Float64Array(n));
  private readonly columns: Growable<Int32Array>[];
  private readonly fields: string;
  private messages: string[] = [];
  /** What the initial scan saw (bad records skipped, if asked). */
  summary: ScanSummary = { records: 0, badRecords: 0 };

  private constructor(
    source: Backend,
    readonly schema: RecordSchema,
  ) {
    this.name = source.name;
    this.columns = Array.from({ length: 1 + schema.dimensions.length + schema.crossDimensions.length }, () => new Growable(int32s));
    this.fields = JSON.stringify(schemaFields(schema));
  }

  /** Reads `source` once with `schema`'s fields. */
  static async load(source: Backend, schema: RecordSchema, options: ScanOptions = {}): Promise<CachedBackend> {
    const cache = new CachedBackend(source, schema);
    cache.messages = source.loadMessages();
    cache.summary = await source.scan(schema, (r) => cache.append(r), options);
    return cache;
  }

  /** Number of records held. */
  get size(): number {
    return this.times.length;
  }

  /**
   * Earliest and latest record time (epoch ms), or `undefined` when no record is held.
   *
   * @example
   * feed.timeRange(); // { min: 1630454402000, max: 1632268799000 }
   */
  timeRange(): { min: number; max: number } | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const times = this.times.data;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = times[i] as number;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    return { min, max };
  }

  private intern(text: string, numeric: boolean): number {
    const key = numeric ? "\u0001" + text : text;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(text);
      this.isNumber.push(numeric);
      this.ids.set(key, id);
    }
    return id;
  }

  private append(r: TypedRecord): void {
    this.times.push(r.time);
    const cols = this.columns;
    (cols[0] as Growable<Int32Array>).push(this.intern(r.sample, false));
    const nd = r.dims.length;
    for (let d = 0; d < nd; d++) (cols[1 + d] as Growable<Int32Array>).push(this.intern(r.dims[d] as string, r.dimIsNumber[d] as boolean));
    for (let c = 0; c < r.cross.length; c++) (cols[1 + nd + c] as Growable<Int32Array>).push(this.intern(r.cross[c] as string, false));
  }

  loadMessages(): string[] {
    return this.messages.slice();
  }

  async scan(schema: RecordSchema, onRecord: (r: TypedRecord) => void, options: ScanOptions = {}): Promise<ScanSummary> {
    if (JSON.stringify(schemaFields(schema)) !== this.fields) {
      throw new Error(`telemetry-lab/peaks/cached-backend: cached with fields ${this.fields}, asked for ${JSON.stringify(schemaFields(schema))}`);
    }
    const rec = newTypedRecord(schema);
    const n = this.times.length;
    const times = this.times.data;
    const cols = this.columns.map((c) => c.data);
    const nd = schema.dimensions.length;
    const nc = schema.crossDimensions.length;
    const values = this.values;
    const isNumber = this.isNumber;
    const keep = options.keep;
    for (let i = 0; i < n; i++) {
      if (options.onProgress !== undefined && (i & 0xffff) === 0 && i > 0) options.onProgress(i, 0);
      const time = times[i] as number;
      if (keep !== undefined && !keep(time)) continue;
      rec.time = time;
      rec.sample = values[(cols[0] as Int32Array)[i] as number] as string;
      for (let d = 0; d < nd; d++) {
        const id = (cols[1 + d] as Int32Array)[i] as number;
        rec.dims[d] = values[id] as string;
        rec.dimIsNumber[d] = isNumber[id] as boolean;
      }
      for (let c = 0; c < nc; c++) rec.cross[c] = values[(cols[1 + nd + c] as Int32Array)[i] as number] as string;
      onRecord(rec);
    }
    return { records: n, badRecords: this.summary.badRecords, ...(this.summary.firstBadRecord !== undefined ? { firstBadRecord: this.summary.firstBadRecord } : {}) };
  }
}
