/**
 * Local statistics table (LST): per combination of dimension values, the submissions of each
 * sample in the local window, and their statistics.
 *
 * Spec `peak-analyzer.md` §4 (VMware telemetry-peak-analyzer, `get_local_tables` and
 * `get_local_tables_stats`). Combinations are ordered by first occurrence of the first
 * dimension's value, then of the second within it, and so on (the original's nested dict order),
 * which fixes the order of peaks in the log.
 *
 * | stat | formula |
 * |---|---|
 * | sub_count | submissions |
 * | samp_count | distinct samples |
 * | samp_sub_count_max | max submissions of one sample |
 * | samp_sub_count_mean | `statistics.mean` (int when exact) |
 * | samp_sub_count_std | `statistics.stdev`, correctly rounded; 0.0 below two samples |
 * | samp_sub_ratio | `round(max / sub_count, 2)` if sub_count > 50, else 0.0 |
 */
import { leafLevel, leavesOf, type KeyTree } from "./key-tree.js";
import { PyNum, pyMeanOfInts, roundDigits, sampleStdevOfInts } from "./pyfloat.js";

/** Options of {@link localStats}. */
export interface LocalStatsOptions {
  /** LOCAL_MIN_COUNT: the ratio is computed only when sub_count is strictly above. Default 50. */
  localMinCount?: number;
}

/** Default options of {@link localStats}. */
export const DEFAULTS: Required<LocalStatsOptions> = { localMinCount: 50 };

/** Accumulated submissions of one combination. */
export interface LocalTable {
  /** The dimension values (key text), one per dimension. */
  readonly path: readonly string[];
  /** Sample key -> number of submissions, in first-occurrence order. */
  readonly samples: Map<string, number>;
  /** Per cross dimension: value -> submissions. */
  readonly cross: Map<string, number>[];
  /** Submissions so far. */
  sub: number;
}

/** Statistics of one combination in the local window. */
export interface LocalStats {
  /** The dimension values (key text). */
  readonly path: readonly string[];
  readonly subCount: number;
  readonly sampCount: number;
  readonly sampSubCountMax: number;
  /** int when the mean is exact, else float. */
  readonly sampSubCountMean: PyNum;
  /** Always a float. */
  readonly sampSubCountStd: PyNum;
  /** Always a float. */
  readonly sampSubRatio: PyNum;
  /** Per cross dimension name: value -> submissions (informational). */
  readonly crossStats: Readonly<Record<string, ReadonlyMap<string, number>>>;
}

type Level = KeyTree<LocalTable>;

/**
 * Builds local tables record by record (nested maps, one level per dimension).
 *
 * @example
 * const b = new LocalTableBuilder(2, 0);
 * b.add(["benign", "PeExeFile"], "sha-a", []);
 * b.add(["benign", "PeExeFile"], "sha-a", []);
 * b.tables()[0].samples; // Map { "sha-a" => 2 }
 */
export class LocalTableBuilder {
  private readonly root: Level = new Map();
  /** Key texts that came from JSON numbers (sorted numerically when written). */
  readonly numericKeys = new Set<string>();
  private count = 0;

  constructor(
    readonly dimensions: number,
    readonly crossDimensions: number,
  ) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error("telemetry-lab/peaks/lst: at least one dimension is required");
  }

  /** Number of combinations. */
  get size(): number {
    return this.count;
  }

  /** Adds one submission. `dims` is copied only when a new combination is created. */
  add(dims: readonly string[], sample: string, cross: readonly string[], dimIsNumber?: readonly boolean[]): void {
    const last = this.dimensions - 1;
    const level = leafLevel(this.root, dims, this.dimensions, dimIsNumber, this.numericKeys);
    const leafKey = dims[last] as string;
    let table = level.get(leafKey) as LocalTable | undefined;
    if (table === undefined) {
      table = { path: dims.slice(0, this.dimensions), samples: new Map(), cross: Array.from({ length: this.crossDimensions }, () => new Map()), sub: 0 };
      level.set(leafKey, table);
      if (dimIsNumber?.[last]) this.numericKeys.add(leafKey);
      this.count += 1;
    }
    table.sub += 1;
    const samples = table.samples;
    samples.set(sample, (samples.get(sample) ?? 0) + 1);
    for (let c = 0; c < this.crossDimensions; c++) {
      const m = table.cross[c] as Map<string, number>;
      const v = cross[c] as string;
      m.set(v, (m.get(v) ?? 0) + 1);
    }
  }

  /** The tables in LST order (depth-first over first-occurrence order). */
  tables(): LocalTable[] {
    return leavesOf(this.root);
  }
}

/**
 * Statistics of one local table (spec §4).
 *
 * @example
 * // 3 samples submitted 1, 1 and 7 times (9 submissions: ratio 0 because 9 <= 50)
 * const s = localStats({ path: ["benign", "X"], samples: new Map([["a", 1], ["b", 1], ["c", 7]]), cross: [], sub: 9 });
 * [s.subCount, s.sampCount, s.sampSubCountMax, String(s.sampSubCountMean), String(s.sampSubCountStd), String(s.sampSubRatio)];
 * // [9, 3, 7, "3", "3.4641016151377544", "0.0"]
 */
export function localStats(table: LocalTable, options: LocalStatsOptions = {}, crossNames: readonly string[] = []): LocalStats {
  const minCount = options.localMinCount ?? DEFAULTS.localMinCount;
  let sub = 0;
  let max = 0;
  let n = 0;
  let sumSq = 0n;
  let sumSqSmall = 0;
  for (const v of table.samples.values()) {
    sub += v;
    n += 1;
    if (v > max) max = v;
    sumSqSmall += v * v;
    if (sumSqSmall > 4e15) {
      sumSq += BigInt(sumSqSmall);
      sumSqSmall = 0;
    }
  }
  sumSq += BigInt(sumSqSmall);
  const mean = n === 0 ? PyNum.float(0) : pyMeanOfInts(sub, n);
  const std = PyNum.float(n < 2 ? 0 : sampleStdevOfInts(n, BigInt(sub), sumSq));
  const ratio = PyNum.float(sub > minCount ? roundDigits(max / sub, 2) : 0);
  const crossStats: Record<string, ReadonlyMap<string, number>> = {};
  table.cross.forEach((m, c) => {
    crossStats[crossNames[c] ?? `cross${c}`] = m;
  });
  return { path: table.path, subCount: sub, sampCount: n, sampSubCountMax: max, sampSubCountMean: mean, sampSubCountStd: std, sampSubRatio: ratio, crossStats };
}
