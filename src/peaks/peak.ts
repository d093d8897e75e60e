/**
 * The peak rule: is a combination's local window a wave? Spec `peak-analyzer.md` §6 (VMware
 * telemetry-peak-analyzer, `get_peaks`).
 *
 * With `threshold = (-t) or G.threshold_suggested` (so `-t 0` means "not given") and
 * `gmax = G.samp_sub_count_max`, a combination that HAS a global row is a peak iff
 * `sub_count >= threshold` and at least one of
 *   1. `samp_sub_count_mean > 0.8 * gmax`                  (PEAK_GLOBAL_COUNT_WEIGHT)
 *   2. `samp_sub_ratio > 0.5`                               (PEAK_MIN_SAMP_SUB_RATIO)
 *   3. `samp_sub_count_max > samp_sub_count_mean + samp_sub_count_std`.
 * Combinations without a global row (first seen in this run) are skipped.
 */
import type { GlobalTable } from "./gst.js";
import type { LocalStats } from "./lst.js";
import { PyNum } from "./pyfloat.js";

/** Options of {@link findPeaks}. */
export interface PeakOptions {
  /** `-t`: overrides every threshold; 0 or undefined means "use the GST's". */
  threshold?: number | undefined;
  /** PEAK_GLOBAL_COUNT_WEIGHT. Default 0.8. */
  globalCountWeight?: number;
  /** PEAK_MIN_SAMP_SUB_RATIO. Default 0.5. */
  minSampSubRatio?: number;
}

/** Default options of {@link findPeaks}. */
export const DEFAULTS = { globalCountWeight: 0.8, minSampSubRatio: 0.5 } as const;

/** Which criteria held (any one, with the threshold, makes a peak). */
export interface PeakCriteria {
  /** 1: mean > 0.8 x global max. */
  readonly globalCount: boolean;
  /** 2: ratio > 0.5. */
  readonly ratio: boolean;
  /** 3: max > mean + std. */
  readonly spread: boolean;
}

/**
 * A detected peak: the original's `TelemetryPeak` (8 values: the local statistics of the
 * combination, then the two global ones) plus the combination and criteria.
 */
export interface Peak extends Omit<LocalStats, "crossStats"> {
  /** G.samp_sub_count_max as stored. */
  readonly globalSampSubCountMax: PyNum;
  /** The threshold actually used (`-t` if given). */
  readonly globalThresholdSuggested: PyNum;
  readonly criteria: PeakCriteria;
}

/** Names of the eight TelemetryPeak fields, in output order. */
export const PEAK_FIELDS = [
  "sub_count",
  "samp_count",
  "samp_sub_count_max",
  "samp_sub_count_mean",
  "samp_sub_count_std",
  "samp_sub_ratio",
  "global_samp_sub_count_max",
  "global_threshold_suggested",
] as const;

/** The eight values of a peak, in {@link PEAK_FIELDS} order. */
export function peakValues(p: Peak): PyNum[] {
  return [
    PyNum.int(p.subCount),
    PyNum.int(p.sampCount),
    PyNum.int(p.sampSubCountMax),
    p.sampSubCountMean,
    p.sampSubCountStd,
    p.sampSubRatio,
    p.globalSampSubCountMax,
    p.globalThresholdSuggested,
  ];
}

/**
 * Evaluates the rule for one combination against its global row values.
 *
 * @example
 * // README step 2: 11083 submissions, 3028 samples, max 426, gmax 2, threshold 629
 * evaluatePeak(stats, PyNum.int(629), PyNum.int(2));
 * // { isPeak: true, criteria: { globalCount: true, ratio: false, spread: true } }
 */
export function evaluatePeak(
  local: LocalStats,
  threshold: PyNum,
  gmax: PyNum,
  options: PeakOptions = {},
): { isPeak: boolean; criteria: PeakCriteria } {
  const w = options.globalCountWeight ?? DEFAULTS.globalCountWeight;
  const minRatio = options.minSampSubRatio ?? DEFAULTS.minSampSubRatio;
  const mean = local.sampSubCountMean.value;
  const criteria: PeakCriteria = {
    globalCount: mean > w * gmax.value,
    ratio: local.sampSubRatio.value > minRatio,
    spread: local.sampSubCountMax > mean + local.sampSubCountStd.value,
  };
  const isPeak = local.subCount >= threshold.value && (criteria.globalCount || criteria.ratio || criteria.spread);
  return { isPeak, criteria };
}

/**
 * Peaks of a local window against the global table as loaded BEFORE refresh, in LST order.
 *
 * @example
 * findPeaks(lst, gst, { threshold: 10 }).map((p) => p.path); // [["malicious", "ZipArchiveFile"]]
 */
export function findPeaks(local: readonly LocalStats[], gst: GlobalTable, options: PeakOptions = {}): Peak[] {
  const t = options.threshold;
  if (t !== undefined && !Number.isInteger(t)) throw new Error(`telemetry-lab/peaks/peak: threshold must be an integer, got ${t}`);
  const peaks: Peak[] = [];
  for (const l of local) {
    const g = gst.get(l.path);
    if (g === undefined) continue;
    const threshold = t ? PyNum.int(t) : g.thresholdSuggested;
    const gmax = g.sampSubCountMax;
    const { isPeak, criteria } = evaluatePeak(l, threshold, gmax, options);
    if (!isPeak) continue;
    peaks.push({
      path: l.path,
      subCount: l.subCount,
      sampCount: l.sampCount,
      sampSubCountMax: l.sampSubCountMax,
      sampSubCountMean: l.sampSubCountMean,
      sampSubCountStd: l.sampSubCountStd,
      sampSubRatio: l.sampSubRatio,
      globalSampSubCountMax: gmax,
      globalThresholdSuggested: threshold,
      criteria,
    });
  }
  return peaks;
}
