/**
 * The analyzer configurations: the Python original's `FileTypePeakAnalyzer` and
 * `NetworkTypePeakAnalyzer` (VMware telemetry-peak-analyzer, `analyzers/__init__.py`; spec
 * `peak-analyzer.md` §1, §9) as instances of one generic N-dimension analyzer, and name lookup
 * for `-a` (dotted class names or short names).
 */
import type { RecordSchema } from "./records.js";
import { validateSchema } from "./records.js";

/** Everything that makes one analyzer differ from another. */
export interface AnalyzerConfig extends RecordSchema {
  /** Class name shown in the log (`FileTypePeakAnalyzer`). */
  readonly name: string;
  /** Known values per dimension (metadata; only the Elasticsearch backend used them). */
  readonly dimensionValues: Readonly<Record<string, readonly string[]>>;
  /** Floor of threshold_suggested by FIRST-dimension value; other values have floor 0. */
  readonly floors: Readonly<Record<string, number>>;
  /** Age of the backend-built global window, in days (DEFAULT_GLOBAL_TABLE_AGE). Default 7. */
  readonly globalTableAgeDays: number;
  /** LOCAL_MIN_COUNT: the local ratio is 0 unless sub_count is above it. Default 50. */
  readonly localMinCount: number;
  /** PEAK_GLOBAL_COUNT_WEIGHT. Default 0.8. */
  readonly globalCountWeight: number;
  /** PEAK_MIN_SAMP_SUB_RATIO. Default 0.5. */
  readonly minSampSubRatio: number;
}

/** Defaults shared by the analyzers. */
export const DEFAULTS = { globalTableAgeDays: 7, localMinCount: 50, globalCountWeight: 0.8, minSampSubRatio: 0.5 } as const;

/** File-type waves: `task.severity` x `file.llfile_type`, samples `file.sha1`. */
export const FILE_TYPE_ANALYZER: AnalyzerConfig = Object.freeze({
  name: "FileTypePeakAnalyzer",
  timeField: "utc_timestamp",
  sampleField: "file.sha1",
  dimensions: ["task.severity", "file.llfile_type"],
  crossDimensions: ["source.user_id", "source.origin"],
  dimensionValues: { "task.severity": ["malicious", "benign"] },
  floors: { malicious: 90, benign: 500 },
  ...DEFAULTS,
});

/** Network waves: `event.impact` x `threat.name.keyword`, samples `event.id`; no floors. */
export const NETWORK_ANALYZER: AnalyzerConfig = Object.freeze({
  name: "NetworkTypePeakAnalyzer",
  timeField: "utc_timestamp",
  sampleField: "event.id",
  dimensions: ["event.impact", "threat.name.keyword"],
  crossDimensions: ["source.user_id"],
  dimensionValues: { "event.impact": ["70", "30"] },
  floors: {},
  ...DEFAULTS,
});

/** Names accepted by {@link analyzerByName}. */
export const ANALYZER_NAMES: Readonly<Record<string, AnalyzerConfig>> = {
  "telemetry_peak_analyzer.analyzers.FileTypePeakAnalyzer": FILE_TYPE_ANALYZER,
  FileTypePeakAnalyzer: FILE_TYPE_ANALYZER,
  file: FILE_TYPE_ANALYZER,
  "file-type": FILE_TYPE_ANALYZER,
  filetype: FILE_TYPE_ANALYZER,
  "telemetry_peak_analyzer.analyzers.NetworkTypePeakAnalyzer": NETWORK_ANALYZER,
  NetworkTypePeakAnalyzer: NETWORK_ANALYZER,
  network: NETWORK_ANALYZER,
};

/**
 * The analyzer for a `-a` value: the original's dotted class name, the class name, or a short
 * name (`file`, `network`).
 *
 * @example
 * analyzerByName("telemetry_peak_analyzer.analyzers.NetworkTypePeakAnalyzer").sampleField; // "event.id"
 * analyzerByName("file").name; // "FileTypePeakAnalyzer"
 */
export function analyzerByName(name: string): AnalyzerConfig {
  const a = ANALYZER_NAMES[name];
  if (a === undefined) {
    throw new Error(
      `telemetry-lab/peaks/analyzers: unknown analyzer '${name}' (known: FileTypePeakAnalyzer, NetworkTypePeakAnalyzer, ` +
        `their dotted names telemetry_peak_analyzer.analyzers.<Class>, or file, network)`,
    );
  }
  return a;
}

/**
 * A custom analyzer over any dimensions (N >= 1), e.g. three dimensions.
 *
 * @example
 * const a = defineAnalyzer({ name: "Triple", timeField: "utc_timestamp", sampleField: "file.sha1",
 *   dimensions: ["task.severity", "file.llfile_type", "source.origin"], crossDimensions: [] });
 * a.floors; // {}
 */
export function defineAnalyzer(config: Partial<AnalyzerConfig> & RecordSchema & { name: string }): AnalyzerConfig {
  const full: AnalyzerConfig = {
    dimensionValues: {},
    floors: {},
    ...DEFAULTS,
    ...config,
  };
  validateSchema(full);
  for (const [k, v] of Object.entries(full.floors)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`telemetry-lab/peaks/analyzers: floor of '${k}' must be a number`);
  }
  if (!Number.isInteger(full.globalTableAgeDays) || full.globalTableAgeDays < 1) {
    throw new Error("telemetry-lab/peaks/analyzers: globalTableAgeDays must be a positive integer");
  }
  return Object.freeze(full);
}

/** The floor of a combination (by its first dimension value). */
export function floorOf(config: AnalyzerConfig, path: readonly string[]): number {
  const key = path[0] as string;
  return Object.prototype.hasOwnProperty.call(config.floors, key) ? (config.floors[key] as number) : 0;
}
