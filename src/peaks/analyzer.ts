/**
 * The generic peak analyzer over N dimensions: one run of the Python telemetry-peak-analyzer
 * (VMware, BSD-2; spec `peak-analyzer.md` §8 "Run flow"), as a library call.
 *
 * 1. load the GST file (a missing file falls back to backend statistics over the
 *    `globalTableAgeDays` days before 'now'; an unreadable or corrupt file is an error);
 * 2. read the backend ONCE, building the local tables of the window (and the backend statistics
 *    when needed) in the same pass;
 * 3. local statistics; 4. peaks against the GST as loaded; 5. the `-o` file;
 * 6. refresh the GST and save it (atomically).
 * Log messages are the original's, in its order. With two dimensions the results are exactly
 * the original's; with N they follow the same rules per combination.
 */
import { resolve } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { analyzerByName, floorOf, type AnalyzerConfig } from "./analyzers.js";
import { JsonBackend, type Backend, type ScanSummary } from "./backend.js";
import { expandGlob } from "./glob.js";
import { DailyStatsAccumulator } from "./daily-stats.js";
import {
  GlobalTable,
  GlobalTableFileError,
  globalRowFromStats,
  loadGlobalTable,
  nestByPath,
  pyOsErrorText,
  refreshGlobalTable,
  serializeGlobalTable,
} from "./gst.js";
import { LocalTableBuilder, localStats, type LocalStats } from "./lst.js";
import { findPeaks, peakValues, PEAK_FIELDS, type Peak } from "./peak.js";
import { pyRound2 } from "./pyfloat.js";
import { dumpPyJson, type PyJson } from "./pyjson.js";
import { DAY, WallClock, formatNaive, parseDate, parseInstant } from "./wallclock.js";
import { resolveWindow } from "./window.js";

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** The analyzer: a config or a name (`FileTypePeakAnalyzer`, dotted name, `file`, `network`). Default file type. */
  analyzer?: AnalyzerConfig | string;
  /** Where records come from: a {@link Backend}, or glob pattern(s) for a {@link JsonBackend}. */
  input: Backend | string | readonly string[];
  /** `-s`: window start, "YYYY-MM-DD" or wall ms of a midnight. */
  start?: string | number | undefined;
  /** `-e`: window end (exclusive), "YYYY-MM-DD" or wall ms. */
  end?: string | number | undefined;
  /** `-d`: days. Default 1. */
  delta?: number;
  /** `-k`: delay in days. Default 0. */
  delay?: number;
  /** `-t`: threshold override (0 = none). */
  threshold?: number | undefined;
  /**
   * The GST: a file path (loaded, then saved back unless `saveGlobalTable` is false), a table
   * held in memory (used and NOT modified; the refreshed one is returned), or `null` to build
   * it from the backend. Default "global_table.json".
   */
  globalTable?: string | GlobalTable | null;
  /** Save the refreshed GST to the `globalTable` path. Default true. */
  saveGlobalTable?: boolean;
  /** `-o`: write the peaks JSON here. */
  output?: string | undefined;
  /** 'now' (`--now`): epoch ms, ISO-8601 text or Date. Default: the clock. */
  now?: number | string | Date | undefined;
  /** `--tz`: the zone in which days are cut. Default "UTC". */
  tz?: string;
  /** `--skip-bad-records`: count and skip bad records. Default false. */
  skipBadRecords?: boolean;
  /** Receives each log message (without the `INFO -> [...]` prefix), in order. */
  log?: (message: string) => void;
  /** Progress of the backend scan: records and bytes so far. */
  onProgress?: (records: number, bytes: number) => void;
}

/** Default options of {@link analyze}. */
export const DEFAULTS = { analyzer: "FileTypePeakAnalyzer", globalTable: "global_table.json", delta: 1, delay: 0, tz: "UTC" } as const;

/** Everything one run produced. */
export interface AnalyzeResult {
  readonly analyzer: AnalyzerConfig;
  /** The window in wall ms, and as Python prints it. */
  readonly window: { readonly start: number; readonly end: number; readonly startText: string; readonly endText: string };
  /** Where the GST came from. */
  readonly globalSource: "file" | "backend" | "memory";
  /** The GST as loaded (or built) before the run: the one peaks are judged against. */
  readonly globalBefore: GlobalTable;
  /** The refreshed GST. */
  readonly globalAfter: GlobalTable;
  /** Local statistics in LST order. */
  readonly local: readonly LocalStats[];
  /** Peaks in LST order. */
  readonly peaks: readonly Peak[];
  /** The `-o` JSON text (written only if `output` was given). */
  readonly outputText: string;
  /** The `global_table.json` text of the refreshed GST. */
  readonly globalTableText: string;
  /** The log messages, in order. */
  readonly messages: readonly string[];
  /** Records read and skipped. */
  readonly scan: ScanSummary;
  /** Key texts that came from JSON numbers (numeric sort in the files). */
  readonly numericKeys: ReadonlySet<string>;
}

function toWall(v: string | number | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return v;
  const ms = parseDate(v);
  if (ms === undefined) throw new Error(`telemetry-lab/peaks/analyzer: ${what} '${v}' is not a YYYY-MM-DD date`);
  return ms;
}

function toEpoch(now: number | string | Date | undefined): number {
  if (now === undefined) return Date.now();
  if (typeof now === "number") return now;
  if (now instanceof Date) return now.getTime();
  return parseInstant(now);
}

/** The text lines logged for one peak: the header and the eight `round(v, 2)` values. */
export function peakLogLines(peak: Peak): string[] {
  const values = peakValues(peak);
  return [`TelemetryPeak(${peak.path.join(", ")})`, ...PEAK_FIELDS.map((f, i) => `\t${f}: ${pyRound2(values[i] as never).toString()}`)];
}

/**
 * The `-o` file text: `{d0: {d1: [8 values]}}`, unrounded, Python json layout.
 *
 * @example
 * serializePeaks([]); // "{}"
 */
export function serializePeaks(peaks: readonly Peak[], numericKeys?: ReadonlySet<string>): string {
  const tree = nestByPath(peaks.map((p) => ({ path: p.path, value: peakValues(p) as PyJson })));
  return dumpPyJson(tree, numericKeys === undefined ? {} : { numericKeys });
}

/**
 * Runs the analyzer once. Throws on bad input (naming file, record and field), on an unreadable
 * or corrupt GST file (which is left untouched), and on an invalid window.
 *
 * @example
 * const r = await analyze({ input: "../shared/datasets/telemetry-peak-analyzer/telemetry_example_2.json",
 *   start: "2021-09-01", end: "2021-09-02", globalTable: null, now: "2021-09-02T00:00:00Z" });
 * r.peaks.length;                 // number of peaks
 * r.globalAfter.size;             // rows of the refreshed GST
 */
export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const messages: string[] = [];
  const log = (m: string): void => {
    messages.push(m);
    options.log?.(m);
  };
  const config = typeof options.analyzer === "object" ? options.analyzer : analyzerByName(options.analyzer ?? DEFAULTS.analyzer);
  const clock = new WallClock({ zone: options.tz ?? DEFAULTS.tz });
  const now = toEpoch(options.now);
  if (!Number.isFinite(now)) throw new Error("telemetry-lab/peaks/analyzer: 'now' is not a valid time");
  const window = resolveWindow({
    start: toWall(options.start, "start date"),
    end: toWall(options.end, "end date"),
    delta: options.delta ?? DEFAULTS.delta,
    delay: options.delay ?? DEFAULTS.delay,
    now,
  });
  const threshold = options.threshold;
  if (threshold !== undefined && !Number.isInteger(threshold)) throw new Error(`telemetry-lab/peaks/analyzer: threshold must be an integer, got ${threshold}`);
  const startText = formatNaive(window.start);
  const endText = formatNaive(window.end);
  // A pattern that matches no file is an error (the original analysed an empty data set and
  // overwrote the global table with {}): checked before anything is logged or written.
  if (typeof options.input === "string" || Array.isArray(options.input)) {
    for (const pattern of typeof options.input === "string" ? [options.input] : (options.input as readonly string[])) {
      if (expandGlob(pattern).length === 0) throw new Error(`telemetry-lab/peaks/analyzer: no file matches the input pattern '${pattern}'`);
    }
  }
  log(`Loading Peak Analyzer from ${startText} to ${endText} with t=${threshold === undefined ? "None" : String(threshold)}`);

  const input = options.input;
  const backendName = typeof input === "object" && !Array.isArray(input) ? (input as Backend).name : "JsonBackend";
  log(`Loading backend '${backendName}'`);
  const backend: Backend = typeof input === "object" && !Array.isArray(input) ? (input as Backend) : new JsonBackend(input as string | readonly string[]);
  for (const m of backend.loadMessages()) log(m);
  log(`Loading analyzer '${config.name}' with backend '${backend.name}'`);

  // 1. GST
  const gstOption = options.globalTable === undefined ? DEFAULTS.globalTable : options.globalTable;
  const gstPath = typeof gstOption === "string" ? resolve(gstOption) : undefined;
  const nd = config.dimensions.length;
  let globalBefore: GlobalTable | undefined;
  let globalSource: AnalyzeResult["globalSource"];
  if (gstOption instanceof GlobalTable) {
    if (gstOption.dimensions !== nd) throw new Error(`telemetry-lab/peaks/analyzer: the global table has ${gstOption.dimensions} dimensions, the analyzer ${nd}`);
    log("Loading global tables from memory");
    globalBefore = gstOption;
    globalSource = "memory";
  } else {
    if (gstPath !== undefined) {
      log(`Loading global tables from file '${gstPath}'`);
      try {
        globalBefore = loadGlobalTable(gstPath, nd);
      } catch (err) {
        if (!(err instanceof GlobalTableFileError) || err.code !== "ENOENT") throw err;
        log(`\tFailed: ${pyOsErrorText({ code: "ENOENT" } as NodeJS.ErrnoException, gstPath)}`);
      }
    }
    globalSource = globalBefore === undefined ? "backend" : "file";
    if (globalBefore === undefined) log("Loading global tables from the backend");
  }

  // 2. one pass over the backend
  const lt = new LocalTableBuilder(nd, config.crossDimensions.length);
  const globalEnd = now; // naive UTC 'now', compared with zone wall times (the original's quirk)
  const globalStart = now - config.globalTableAgeDays * DAY;
  const daily = globalBefore === undefined ? new DailyStatsAccumulator(globalStart, globalEnd) : undefined;
  const { start, end } = window;
  // Only records in the local window or on the dates of the backend statistics matter: the
  // backend still reads, checks and counts every record, but decodes only these.
  const keep = (time: number): boolean => {
    const wall = clock.wall(time);
    return (wall >= start && wall < end) || (daily !== undefined && daily.covers(wall));
  };
  const scan = await backend.scan(
    config,
    (r) => {
      const wall = clock.wall(r.time);
      if (wall >= start && wall < end) lt.add(r.dims, r.sample, r.cross, r.dimIsNumber);
      if (daily !== undefined) daily.add(wall, r.dims, r.sample);
    },
    { skipBadRecords: options.skipBadRecords ?? false, keep, ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}) },
  );
  if (globalBefore === undefined) {
    const built = new GlobalTable(nd);
    for (const row of (daily as DailyStatsAccumulator).rows()) {
      built.set(row.path, globalRowFromStats(row, globalStart, globalEnd, floorOf(config, row.path)));
    }
    globalBefore = built;
  }

  // 3. local statistics
  log("Loading local tables");
  if (options.skipBadRecords) {
    log(`Skipped ${scan.badRecords} bad records${scan.firstBadRecord !== undefined ? ` (first: ${scan.firstBadRecord})` : ""}`);
  }
  const local = lt.tables().map((t) => localStats(t, { localMinCount: config.localMinCount }, config.crossDimensions));

  // 4. peaks
  const peaks = findPeaks(local, globalBefore, {
    threshold,
    globalCountWeight: config.globalCountWeight,
    minSampSubRatio: config.minSampSubRatio,
  });
  log("Getting peaks");
  for (const p of peaks) for (const line of peakLogLines(p)) log(line);

  // 5. -o
  const outputText = serializePeaks(peaks, lt.numericKeys);
  if (options.output !== undefined) {
    const out = resolve(options.output);
    log(`Saving output to: ${out}`);
    writeFileAtomic(out, outputText);
  }

  // 6. refresh and save
  log("Refreshing global tables");
  const globalAfter = refreshGlobalTable(globalBefore, local, start, end, { floorOf: (path) => floorOf(config, path) });
  const globalTableText = serializeGlobalTable(globalAfter, lt.numericKeys);
  if (gstPath !== undefined && options.saveGlobalTable !== false) {
    log(`Saving global tables to '${gstPath}'`);
    writeFileAtomic(gstPath, globalTableText);
  }
  return {
    analyzer: config,
    window: { start, end, startText, endText },
    globalSource,
    globalBefore,
    globalAfter,
    local,
    peaks,
    outputText,
    globalTableText,
    messages,
    scan,
    numericKeys: lt.numericKeys,
  };
}
