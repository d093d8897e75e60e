/**
 * Telemetry backends: where records come from. A backend streams every record once per run,
 * validated and reduced to a {@link TypedRecord}; the analyzer computes the local table and, when
 * needed, the backend statistics for the global table from that single stream.
 *
 * The Python original (VMware telemetry-peak-analyzer, `backends/__init__.py`) re-reads its JSON
 * files once per pass (1 + number of dates); here `JsonBackend` reads each file exactly once.
 * The Elasticsearch "Tina" backends need a private client and are not provided.
 */
import { expandGlobAbsolute } from "./glob.js";
import { scanJsonRecords, viewOfSpans, type RecordSpans, type RecordView } from "./json-records.js";
import { SpanTyper, Typed, newTypedRecord, schemaFields, typeRecord, viewOfObject, type RecordSchema, type TypedRecord } from "./records.js";

/** Options of {@link Backend.scan}. */
export interface ScanOptions {
  /** Count and skip bad records instead of failing on the first one. Default false. */
  skipBadRecords?: boolean;
  /** Progress callback: records so far, bytes read so far. */
  onProgress?: (records: number, bytes: number) => void;
  /**
   * Deliver only records whose time (epoch ms) passes. Every record is still read, checked and
   * counted; a backend may skip decoding the others. Default: deliver all.
   */
  keep?: (time: number) => boolean;
}

/** What a scan saw. */
export interface ScanSummary {
  /** Records delivered. */
  records: number;
  /** Records skipped as bad (only with `skipBadRecords`). */
  badRecords: number;
  /** The first bad record's description (file, record number, field). */
  firstBadRecord?: string;
}

/** A source of telemetry records. */
export interface Backend {
  /** Class name used in log lines (`JsonBackend`). */
  readonly name: string;
  /** Log lines printed when the backend is loaded (after `Loading backend '<name>'`). */
  loadMessages(): string[];
  /** Streams every record once, in source order. */
  scan(schema: RecordSchema, onRecord: (r: TypedRecord) => void, options?: ScanOptions): Promise<ScanSummary>;
}

/** A bad record: file, 1-based record number, and what was wrong. */
export class BadRecordError extends Error {
  constructor(
    readonly file: string,
    readonly recordNumber: number,
    readonly reason: string,
  ) {
    super(`telemetry-lab/peaks/backend: ${file}: record ${recordNumber}: ${reason}`);
  }
}

/** Options of {@link JsonBackend}. */
export interface JsonBackendOptions {
  /** Read chunk size in bytes. Default 1 MiB. */
  chunkSize?: number;
}

/**
 * Reads JSON files: one top-level array of objects (the original's format), JSON Lines, or gzip
 * of either. The input is a glob, expanded once, sorted; each match is made absolute.
 *
 * @example
 * const backend = new JsonBackend("data/peaks/*.jsonl.gz");
 * backend.loadMessages(); // ["Loaded files:", "\t/abs/data/peaks/feed-1.jsonl.gz", ...]
 */
export class JsonBackend implements Backend {
  readonly name = "JsonBackend";
  /** The absolute paths of the matched files, sorted. */
  readonly files: string[];

  constructor(
    input: string | readonly string[],
    private readonly options: JsonBackendOptions = {},
  ) {
    const patterns = typeof input === "string" ? [input] : input;
    this.files = patterns.flatMap((p) => expandGlobAbsolute(p));
  }

  loadMessages(): string[] {
    return ["Loaded files:", ...this.files.map((f) => `\t${f}`)];
  }

  async scan(schema: RecordSchema, onRecord: (r: TypedRecord) => void, options: ScanOptions = {}): Promise<ScanSummary> {
    const fields = schemaFields(schema);
    const rec = newTypedRecord(schema);
    const typer = new SpanTyper(schema);
    const keep = options.keep;
    const summary: ScanSummary = { records: 0, badRecords: 0 };
    let view: RecordView | undefined;
    let bytesBefore = 0;
    for (const file of this.files) {
      let fileBytes = 0;
      const handle = (spans: RecordSpans): void => {
        let typed = typer.type(spans, rec, keep);
        if (typed === Typed.Undecided) {
          view = viewOfSpans(spans, view);
          const err = typeRecord(view, schema, rec);
          if (err !== null) {
            badRecord(summary, file, view.recordNumber, err, options);
            return;
          }
          typed = keep === undefined || keep(rec.time) ? Typed.Kept : Typed.Dropped;
        }
        summary.records += 1;
        if (typed === Typed.Kept) onRecord(rec);
        if (options.onProgress !== undefined && (summary.records & 0xffff) === 0) options.onProgress(summary.records, bytesBefore + fileBytes);
      };
      await scanJsonRecords(file, fields, handle, {
        ...(this.options.chunkSize !== undefined ? { chunkSize: this.options.chunkSize } : {}),
        onBytes: (b) => {
          fileBytes = b;
        },
      });
      bytesBefore += fileBytes;
      options.onProgress?.(summary.records, bytesBefore);
    }
    return summary;
  }
}

/** Counts a bad record when skipping them, else throws it as a {@link BadRecordError}. */
function badRecord(summary: ScanSummary, file: string, recordNumber: number, reason: string, options: ScanOptions): void {
  const bad = new BadRecordError(file, recordNumber, reason);
  if (!options.skipBadRecords) throw bad;
  summary.badRecords += 1;
  if (summary.firstBadRecord === undefined) summary.firstBadRecord = bad.message.replace("telemetry-lab/peaks/backend: ", "");
}

/**
 * Records held in memory (plain objects, e.g. built in a notebook or a test), following the same
 * validation rules as files.
 *
 * @example
 * const backend = new MemoryBackend([{ utc_timestamp: 1630454400000, "file.sha1": "a", ... }]);
 */
export class MemoryBackend implements Backend {
  constructor(
    readonly records: readonly unknown[],
    readonly name = "MemoryBackend",
    /** Name used as the "file" in error messages. */
    readonly label = "<memory>",
  ) {}

  loadMessages(): string[] {
    return ["Loaded files:"];
  }

  async scan(schema: RecordSchema, onRecord: (r: TypedRecord) => void, options: ScanOptions = {}): Promise<ScanSummary> {
    const fields = schemaFields(schema);
    const rec = newTypedRecord(schema);
    const summary: ScanSummary = { records: 0, badRecords: 0 };
    let view: RecordView | undefined;
    this.records.forEach((obj, i) => {
      view = viewOfObject(obj, fields, i + 1, view);
      const err = typeRecord(view, schema, rec);
      if (err !== null) {
        badRecord(summary, this.label, i + 1, err, options);
        return;
      }
      summary.records += 1;
      if (options.keep === undefined || options.keep(rec.time)) onRecord(rec);
    });
    return summary;
  }
}
