/**
 * Plain-record views of the analyzer's tables (LST, GST, peaks) for notebooks and DataFrames:
 * one object per combination, dimension names as columns, numbers as JS numbers.
 */
import { GLOBAL_ROW_FIELDS, rowToJson, type GlobalTable } from "./gst.js";
import type { LocalStats } from "./lst.js";
import { PEAK_FIELDS, peakValues, type Peak } from "./peak.js";
import { PyNum } from "./pyfloat.js";

type Row = Record<string, string | number | boolean>;

function dims(path: readonly string[], names: readonly string[]): Row {
  const rec: Row = {};
  path.forEach((v, i) => {
    rec[names[i] ?? `dim${i}`] = v;
  });
  return rec;
}

/**
 * The LST as records.
 *
 * @example
 * localStatsRecords(result.local, result.analyzer.dimensions)[0];
 * // { "task.severity": "malicious", "file.llfile_type": "PeExeFile", sub_count: 252, samp_count: 221, ... }
 */
export function localStatsRecords(local: readonly LocalStats[], dimensionNames: readonly string[]): Row[] {
  return local.map((l) => ({
    ...dims(l.path, dimensionNames),
    sub_count: l.subCount,
    samp_count: l.sampCount,
    samp_sub_count_max: l.sampSubCountMax,
    samp_sub_count_mean: l.sampSubCountMean.value,
    samp_sub_count_std: l.sampSubCountStd.value,
    samp_sub_ratio: l.sampSubRatio.value,
  }));
}

/**
 * The GST as records (timestamps as Python prints them).
 *
 * @example
 * globalTableRecords(result.globalAfter, result.analyzer.dimensions)[0].threshold_suggested; // 500
 */
export function globalTableRecords(gst: GlobalTable, dimensionNames: readonly string[]): Row[] {
  return [...gst].map((e) => {
    const rec = dims(e.path, dimensionNames);
    const values = rowToJson(e.row);
    GLOBAL_ROW_FIELDS.forEach((f, i) => {
      const v = values[i];
      rec[f] = v instanceof PyNum ? v.value : (v as string);
    });
    return rec;
  });
}

/**
 * Peaks as records, with which criteria fired.
 *
 * @example
 * peakRecords(result.peaks, result.analyzer.dimensions)[0].criterion_global_count; // true
 */
export function peakRecords(peaks: readonly Peak[], dimensionNames: readonly string[]): Row[] {
  return peaks.map((p) => {
    const rec = dims(p.path, dimensionNames);
    const values = peakValues(p);
    PEAK_FIELDS.forEach((f, i) => {
      rec[f] = (values[i] as PyNum).value;
    });
    rec.criterion_global_count = p.criteria.globalCount;
    rec.criterion_ratio = p.criteria.ratio;
    rec.criterion_spread = p.criteria.spread;
    return rec;
  });
}
