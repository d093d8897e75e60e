/**
 * The peak analyzer's daily routine, as the original README's two-step walkthrough describes
 * it (VMware telemetry-peak-analyzer, README "Test"): step 1 builds the initial global table
 * (GST) from a global window of the first days, step 2 is then run once per day: detect peaks
 * in the day's local window against the GST, and slide the GST forward.
 *
 * Each step is one {@link analyze} run with exactly the original's rules; the GST is chained in
 * memory, so the result equals running the CLI day after day with one `global_table.json`.
 * The records are read from the source once and replayed from memory for every step
 * ({@link CachedBackend}), so a walk over N days costs one pass over the files.
 */
import { analyze, type AnalyzeResult } from "./analyzer.js";
import { analyzerByName, type AnalyzerConfig } from "./analyzers.js";
import { JsonBackend, type Backend } from "./backend.js";
import { CachedBackend } from "./cached-backend.js";
import { DAY as DAY_MS, formatDate, parseDate } from "./wallclock.js";

/** Options of {@link dailyWalk}. */
export interface DailyWalkOptions {
  /** Glob(s) of JSON / JSON Lines (optionally gzip) files, or a backend. */
  input: string | readonly string[] | Backend;
  /** Analyzer config or name. Default the file-type analyzer. */
  analyzer?: AnalyzerConfig | string;
  /** First day of the global window, "YYYY-MM-DD". Default: the day of the earliest record. */
  start?: string;
  /** Days in the initial global window (step 1). Default 3, as in the README (2020-11-01 to 11-04). */
  initialDays?: number;
  /** Number of daily local windows after it. Default: up to the day of the latest record. */
  days?: number;
  /** `-t` override for every step. Default none. */
  threshold?: number;
  /** Receives every step's log messages. */
  log?: (message: string) => void;
}

/** Defaults of {@link DailyWalkOptions}. */
export const DEFAULTS = { analyzer: "FileTypePeakAnalyzer", initialDays: 3 } as const;

/** One step of the walk: its window and the analyzer's result. */
export interface WalkStep {
  /** "initial" for step 1, "daily" afterwards. */
  kind: "initial" | "daily";
  /** Window start and end (exclusive), "YYYY-MM-DD". */
  start: string;
  end: string;
  result: AnalyzeResult;
}

function dayMs(text: string): number {
  const ms = parseDate(text);
  if (ms === undefined) throw new Error(`telemetry-lab/peaks/walk: '${text}' is not a date YYYY-MM-DD`);
  return ms;
}

/**
 * Runs step 1 (initial GST over `initialDays` days, inferred from the local table because the
 * backend's own global window, the 7 days before 'now', is empty: 'now' is the walk's start,
 * as for historical data in the original) and then one daily step per day, chaining the GST.
 * Days are cut in UTC.
 *
 * @example
 * const walk = await dailyWalk({ input: "data/peaks/telemetry.json" });
 * walk.steps[0].start + " .. " + walk.steps[0].end;           // "2021-09-01 .. 2021-09-04"
 * walk.steps.filter((s) => s.result.peaks.length > 0).length; // days with peaks
 */
export async function dailyWalk(options: DailyWalkOptions): Promise<{ backend: CachedBackend; analyzer: AnalyzerConfig; steps: WalkStep[] }> {
  const analyzer = typeof options.analyzer === "object" ? options.analyzer : analyzerByName(options.analyzer ?? DEFAULTS.analyzer);
  const initialDays = options.initialDays ?? DEFAULTS.initialDays;
  if (!Number.isInteger(initialDays) || initialDays < 1) throw new Error(`telemetry-lab/peaks/walk: initialDays must be a positive integer, got ${initialDays}`);
  const source = typeof options.input === "object" && !Array.isArray(options.input) ? (options.input as Backend) : new JsonBackend(options.input as string | readonly string[]);
  const backend = source instanceof CachedBackend ? source : await CachedBackend.load(source, analyzer);
  const range = backend.timeRange();
  if (range === undefined) throw new Error("telemetry-lab/peaks/walk: the input holds no records");
  const first = options.start !== undefined ? dayMs(options.start) : Math.floor(range.min / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(range.max / DAY_MS) * DAY_MS;
  const days = options.days ?? Math.max(0, Math.round((lastDay - first) / DAY_MS) + 1 - initialDays);
  const steps: WalkStep[] = [];
  const run = async (kind: WalkStep["kind"], s: number, e: number, gst: AnalyzeResult["globalAfter"] | null): Promise<AnalyzeResult> => {
    const result = await analyze({
      analyzer,
      input: backend,
      start: formatDate(s),
      end: formatDate(e),
      globalTable: gst,
      now: s,
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.log !== undefined ? { log: options.log } : {}),
    });
    steps.push({ kind, start: formatDate(s), end: formatDate(e), result });
    return result;
  };
  let r = await run("initial", first, first + initialDays * DAY_MS, null);
  for (let d = 0; d < days; d++) {
    const s = first + (initialDays + d) * DAY_MS;
    r = await run("daily", s, s + DAY_MS, r.globalAfter);
  }
  return { backend, analyzer, steps };
}
