/**
 * A backend that reads another backend ONCE and keeps its records in compact columns (typed
 * arrays of interned value ids), so that a chain of daily runs over the same feed (a notebook
 * walkthrough, a parameter sweep) does not re-parse the files each day. Memory is about
 * 8 + 4 x (2 + dimensions + cross dimensions) bytes per record plus the distinct values: use it
 * for feeds that fit in memory; the plain {@link JsonBackend} streams any size.
 */
import type { Backend, ScanOptions, ScanSummary } from "./backend.js";
import { newTypedRecord, schemaFields, type RecordSchema, type TypedRecord } from "./records.js";

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

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
  private readonly times = new GrowableFloat64();
  private readonly columns: GrowableInt32[];
  private readonly fields: string;
  private messages: string[] = [];
  /** What the initial scan saw (bad records skipped, if asked). */
  summary: ScanSummary = { records: 0, badRecords: 0 };

  private constructor(
    source: Backend,
    readonly schema: RecordSchema,
  ) {
    this.name = source.name;
    this.columns = Array.from({ length: 1 + schema.dimensions.length + schema.crossDimensions.length }, () => new GrowableInt32());
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
    (cols[0] as GrowableInt32).push(this.intern(r.sample, false));
    const nd = r.dims.length;
    for (let d = 0; d < nd; d++) (cols[1 + d] as GrowableInt32).push(this.intern(r.dims[d] as string, r.dimIsNumber[d] as boolean));
    for (let c = 0; c < r.cross.length; c++) (cols[1 + nd + c] as GrowableInt32).push(this.intern(r.cross[c] as string, false));
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
      if (options.onProgress !== undefined && (i & 0xffff) === 0xffff) options.onProgress(i + 1, 0);
    }
    return { records: n, badRecords: this.summary.badRecords, ...(this.summary.firstBadRecord !== undefined ? { firstBadRecord: this.summary.firstBadRecord } : {}) };
  }
}
