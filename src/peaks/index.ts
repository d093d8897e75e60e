/**
 * telemetry-lab peaks: a TypeScript port of VMware's Python telemetry-peak-analyzer (BSD-2),
 * exact on its files and numbers, generalised to N dimensions. See `analyzer.ts` for one run,
 * and `../cli/peaks.ts` for the command line.
 *
 * @example
 * import { analyze } from "./src/peaks/index.js";
 * const r = await analyze({ input: "data/peaks/*.jsonl.gz", start: "2021-09-04", end: "2021-09-05",
 *   globalTable: "data/peaks/global_table.json" });
 * r.peaks.map((p) => p.path.join("/")); // ["malicious/ZipArchiveFile"]
 */
export { analyze, serializePeaks, peakLogLines, DEFAULTS, type AnalyzeOptions, type AnalyzeResult } from "./analyzer.js";
export {
  FILE_TYPE_ANALYZER,
  NETWORK_ANALYZER,
  ANALYZER_NAMES,
  analyzerByName,
  defineAnalyzer,
  floorOf,
  type AnalyzerConfig,
} from "./analyzers.js";
export { JsonBackend, MemoryBackend, BadRecordError, type Backend, type ScanOptions, type ScanSummary } from "./backend.js";
export { CachedBackend } from "./cached-backend.js";
export { DailyStatsAccumulator, type DailyStatsRow } from "./daily-stats.js";
export {
  GlobalTable,
  GlobalTableFileError,
  GLOBAL_ROW_FIELDS,
  inferGlobalRow,
  updateGlobalRow,
  globalRowFromStats,
  refreshGlobalTable,
  loadGlobalTable,
  parseGlobalTable,
  saveGlobalTable,
  serializeGlobalTable,
  type GlobalRow,
  type GlobalEntry,
} from "./gst.js";
export { LocalTableBuilder, localStats, type LocalStats, type LocalTable, type LocalStatsOptions } from "./lst.js";
export { findPeaks, evaluatePeak, peakValues, PEAK_FIELDS, type Peak, type PeakCriteria, type PeakOptions } from "./peak.js";
export { PyNum, pyFloatRepr, pyRepr, roundDigits, roundHalfEven, pyRound2, sampleStdevOfInts } from "./pyfloat.js";
export { dumpPyJson, parsePyJson } from "./pyjson.js";
export { WallClock, formatNaive, formatDate, parseDate, parseInstant } from "./wallclock.js";
export { resolveWindow, InvalidIntervalError, type Window } from "./window.js";
export { expandGlob, expandGlobAbsolute } from "./glob.js";
export { readJsonRecords, scanJsonRecords, spanText, type RecordSpans, type RecordView } from "./json-records.js";
export { formatLogLine } from "./log.js";
export * from "./tables.js";
