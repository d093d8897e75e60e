/**
 * Global statistics table (GST): one row of ten values per combination of dimension values,
 * the benchmark a local window is compared with; its file format; and how it is inferred from a
 * local table, built from backend statistics, slid forward and refreshed.
 *
 * Spec `peak-analyzer.md` §5 (VMware telemetry-peak-analyzer, `GlobalTable`,
 * `_infer_global_table`, `_update_global_table`, `get_global_tables`, `refresh_global_tables`).
 * `round` is Python's half-to-even; every int/float type is tracked because it shows in the file
 * (`1` versus `1.0`). The "sliding window" is the original's cumulative running mean of already
 * rounded averages, kept as is for compatibility.
 *
 * File: `{d0: {d1: [start_ts, end_ts, window_count, sub_count_avg, sub_count_max, samp_count_avg,
 * samp_count_max, samp_sub_count_avg, samp_sub_count_max, threshold_suggested]}}` (N levels for
 * N dimensions), written by Python `json.dump(indent=2, sort_keys=True)`.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import type { DailyStatsRow } from "./daily-stats.js";
import type { LocalStats } from "./lst.js";
import { PyNum, pyIntRound, pyMax, roundHalfEven } from "./pyfloat.js";
import { dumpPyJson, parsePyJson, PyJsonError, type PyJson, type PyJsonObject } from "./pyjson.js";
import { formatNaive, parseNaiveDateTime } from "./wallclock.js";

/** One GST row (field order of the file). */
export interface GlobalRow {
  /** Naive datetime (wall milliseconds). */
  readonly startTs: number;
  /** Naive datetime (wall milliseconds). */
  readonly endTs: number;
  readonly windowCount: PyNum;
  readonly subCountAvg: PyNum;
  readonly subCountMax: PyNum;
  readonly sampCountAvg: PyNum;
  readonly sampCountMax: PyNum;
  readonly sampSubCountAvg: PyNum;
  readonly sampSubCountMax: PyNum;
  readonly thresholdSuggested: PyNum;
}

/** Names of the ten GST fields, in file order. */
export const GLOBAL_ROW_FIELDS = [
  "start_ts",
  "end_ts",
  "window_count",
  "sub_count_avg",
  "sub_count_max",
  "samp_count_avg",
  "samp_count_max",
  "samp_sub_count_avg",
  "samp_sub_count_max",
  "threshold_suggested",
] as const;

/** A GST entry: the combination and its row. */
export interface GlobalEntry {
  readonly path: readonly string[];
  readonly row: GlobalRow;
}

/** Key of a combination in a {@link GlobalTable}. */
export function pathKey(path: readonly string[]): string {
  return path.length === 1 ? "\u0001" + (path[0] as string) : JSON.stringify(path);
}

/**
 * The global statistics table: combination -> row, plus the number of dimensions. Insertion
 * order is kept; the file is written sorted.
 */
export class GlobalTable {
  readonly entries = new Map<string, GlobalEntry>();

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error("telemetry-lab/peaks/gst: at least one dimension is required");
  }

  get size(): number {
    return this.entries.size;
  }

  get(path: readonly string[]): GlobalRow | undefined {
    return this.entries.get(pathKey(path))?.row;
  }

  set(path: readonly string[], row: GlobalRow): void {
    if (path.length !== this.dimensions) {
      throw new Error(`telemetry-lab/peaks/gst: a row needs ${this.dimensions} dimension values, got ${path.length}`);
    }
    this.entries.set(pathKey(path), { path: path.slice(), row });
  }

  /** Entries in insertion order. */
  [Symbol.iterator](): IterableIterator<GlobalEntry> {
    return this.entries.values();
  }

  /** A copy (rows are immutable, so they are shared). */
  clone(): GlobalTable {
    const t = new GlobalTable(this.dimensions);
    for (const [k, e] of this.entries) t.entries.set(k, e);
    return t;
  }
}

/** A GST row as the ten JSON values of the file. */
export function rowToJson(row: GlobalRow): PyJson[] {
  return [
    formatNaive(row.startTs),
    formatNaive(row.endTs),
    row.windowCount,
    row.subCountAvg,
    row.subCountMax,
    row.sampCountAvg,
    row.sampCountMax,
    row.sampSubCountAvg,
    row.sampSubCountMax,
    row.thresholdSuggested,
  ];
}

/** Nests `path -> value` pairs into `{v0: {v1: value}}` maps. */
export function nestByPath(items: Iterable<{ path: readonly string[]; value: PyJson }>): PyJsonObject {
  const root: PyJsonObject = new Map();
  for (const { path, value } of items) {
    let level = root;
    for (let d = 0; d < path.length - 1; d++) {
      const k = path[d] as string;
      let next = level.get(k);
      if (!(next instanceof Map)) {
        next = new Map();
        level.set(k, next);
      }
      level = next;
    }
    level.set(path[path.length - 1] as string, value);
  }
  return root;
}

/**
 * The text of `global_table.json`, byte-identical to the Python original's.
 *
 * @example
 * const t = new GlobalTable(2);
 * t.set(["benign", "PeExeFile"], inferGlobalRow(stats, Date.UTC(2021, 8, 1), Date.UTC(2021, 8, 2), 500));
 * serializeGlobalTable(t);
 * // '{\n  "benign": {\n    "PeExeFile": [\n      "2021-09-01 00:00:00",\n ...'
 */
export function serializeGlobalTable(table: GlobalTable, numericKeys?: ReadonlySet<string>): string {
  const items = [...table].map((e) => ({ path: e.path, value: rowToJson(e.row) as PyJson }));
  return dumpPyJson(nestByPath(items), numericKeys === undefined ? {} : { numericKeys });
}

/** Writes `global_table.json` atomically (missing folders are created). */
export function saveGlobalTable(path: string, table: GlobalTable, numericKeys?: ReadonlySet<string>): void {
  writeFileAtomic(path, serializeGlobalTable(table, numericKeys));
}

/** The GST file could not be used: names the file and the reason. */
export class GlobalTableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** The errno code when the file could not be read (ENOENT, EACCES, EISDIR...). */
    readonly code?: string,
  ) {
    super(`telemetry-lab/peaks/gst: ${file}: ${reason}`);
  }
}

function describe(v: PyJson): string {
  if (v === null) return "null";
  if (v instanceof Map) return "an object";
  if (Array.isArray(v)) return "an array";
  if (v instanceof PyNum) return `the number ${v.toString()}`;
  return JSON.stringify(v);
}

/**
 * Parses the text of a GST file (as Python loads it: timestamps cut to 19 characters and parsed,
 * the other eight values taken with their JSON type). Every problem is an error naming the
 * combination and the reason.
 *
 * @example
 * const t = parseGlobalTable('{"benign": {"PeExeFile": ["2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 5, 5, 4, 4, 1, 1, 500]}}', 2, "gst.json");
 * t.get(["benign", "PeExeFile"])!.thresholdSuggested.value; // 500
 */
export function parseGlobalTable(text: string, dimensions: number, file = "<global table>"): GlobalTable {
  let root: PyJson;
  try {
    root = parsePyJson(text);
  } catch (err) {
    if (err instanceof PyJsonError) throw new GlobalTableFileError(file, `corrupt JSON: ${err.message}`);
    throw err;
  }
  const table = new GlobalTable(dimensions);
  if (!(root instanceof Map)) throw new GlobalTableFileError(file, `expected a JSON object at the top level, found ${describe(root)}`);
  const walk = (obj: PyJsonObject, prefix: string[]): void => {
    for (const [k, v] of obj) {
      const path = [...prefix, k];
      const where = `entry ${JSON.stringify(path)}`;
      if (path.length < dimensions) {
        if (!(v instanceof Map)) throw new GlobalTableFileError(file, `${where}: expected an object (one level per dimension, ${dimensions} dimensions), found ${describe(v)}`);
        walk(v, path);
        continue;
      }
      if (!Array.isArray(v) || v.length !== 10) {
        throw new GlobalTableFileError(file, `${where}: expected an array of 10 values (${GLOBAL_ROW_FIELDS.join(", ")}), found ${Array.isArray(v) ? `${v.length} values` : describe(v)}`);
      }
      const ts = (i: number): number => {
        const s = v[i];
        if (typeof s !== "string") throw new GlobalTableFileError(file, `${where}: ${GLOBAL_ROW_FIELDS[i]} must be a "YYYY-MM-DD HH:MM:SS" string, found ${describe(s as PyJson)}`);
        const ms = parseNaiveDateTime(s.slice(0, 19));
        if (ms === undefined) throw new GlobalTableFileError(file, `${where}: ${GLOBAL_ROW_FIELDS[i]} is not a "YYYY-MM-DD HH:MM:SS" time: ${JSON.stringify(s)}`);
        return ms;
      };
      const num = (i: number): PyNum => {
        const x = v[i];
        if (!(x instanceof PyNum) || !Number.isFinite(x.value)) throw new GlobalTableFileError(file, `${where}: ${GLOBAL_ROW_FIELDS[i]} must be a number, found ${describe(x as PyJson)}`);
        return x;
      };
      const row: GlobalRow = {
        startTs: ts(0),
        endTs: ts(1),
        windowCount: num(2),
        subCountAvg: num(3),
        subCountMax: num(4),
        sampCountAvg: num(5),
        sampCountMax: num(6),
        sampSubCountAvg: num(7),
        sampSubCountMax: num(8),
        thresholdSuggested: num(9),
      };
      if (row.windowCount.value === -1) {
        throw new GlobalTableFileError(file, `${where}: window_count -1 would divide by zero`);
      }
      // Impossible values: counts, averages, maxima and thresholds are never negative, and a
      // window never ends before it starts.
      for (let i = 2; i < 10; i++) {
        const x = (v[i] as PyNum).value;
        if (x < 0) throw new GlobalTableFileError(file, `${where}: ${GLOBAL_ROW_FIELDS[i]} is negative (${x}); a count cannot be`);
      }
      if (row.endTs < row.startTs) {
        throw new GlobalTableFileError(file, `${where}: end_ts ${JSON.stringify(v[1])} is before start_ts ${JSON.stringify(v[0])}`);
      }
      table.set(path, row);
    }
  };
  walk(root, []);
  return table;
}

/**
 * Reads a GST file. A missing file is a {@link GlobalTableFileError} with `code` "ENOENT" (the
 * caller falls back to the backend); any other read error, and corrupt content, is an error
 * naming the file and the reason. The file is never modified.
 */
export function loadGlobalTable(path: string, dimensions: number): GlobalTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new GlobalTableFileError(path, `cannot read: ${pyOsErrorText(e, path)}`, e.code);
  }
  return parseGlobalTable(text, dimensions, path);
}

const ERRNO_TEXT: Record<string, [number, string]> = {
  ENOENT: [2, "No such file or directory"],
  EACCES: [13, "Permission denied"],
  EISDIR: [21, "Is a directory"],
  ENOTDIR: [20, "Not a directory"],
  ELOOP: [40, "Too many levels of symbolic links"],
  ENAMETOOLONG: [36, "File name too long"],
  EPERM: [1, "Operation not permitted"],
};

/** Python `repr(str)` for a path. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return quote + out + quote;
}

/** Python `str(OSError)` text: `[Errno 2] No such file or directory: '/path'`. */
export function pyOsErrorText(err: NodeJS.ErrnoException, path: string): string {
  const known = err.code !== undefined ? ERRNO_TEXT[err.code] : undefined;
  if (known !== undefined) return `[Errno ${known[0]}] ${known[1]}: ${pyStrRepr(path)}`;
  return `[Errno ${err.errno !== undefined ? Math.abs(err.errno) : "?"}] ${err.code ?? err.message}: ${pyStrRepr(path)}`;
}

/** `int(round(a / b))` with Python true division, or 0 when `b` is 0. */
function roundedRatio(a: number, b: number): number {
  return b === 0 ? 0 : roundHalfEven(a / b);
}

/**
 * Row inferred from a local table (spec §5.3): the whole local window counts as ONE window.
 * `[start, end, 1, s, s, c, c, r, r, max(s, floor)]` with `r = int(round(s / c))`.
 *
 * @example
 * const row = inferGlobalRow({ subCount: 629, sampCount: 300 } as LocalStats, s, e, 90);
 * [row.sampSubCountAvg.value, row.thresholdSuggested.value]; // [2, 629]
 */
export function inferGlobalRow(local: Pick<LocalStats, "subCount" | "sampCount">, startWall: number, endWall: number, floor: number): GlobalRow {
  const s = PyNum.int(local.subCount);
  const c = PyNum.int(local.sampCount);
  const r = PyNum.int(roundedRatio(local.subCount, local.sampCount));
  return {
    startTs: startWall,
    endTs: endWall,
    windowCount: PyNum.int(1),
    subCountAvg: s,
    subCountMax: s,
    sampCountAvg: c,
    sampCountMax: c,
    sampSubCountAvg: r,
    sampSubCountMax: r,
    thresholdSuggested: pyMax(s, toFloorNum(floor)),
  };
}

function toFloorNum(floor: number): PyNum {
  return Number.isInteger(floor) ? PyNum.int(floor) : PyNum.float(floor);
}

/** Python `a * b + c` keeping the int/float type. */
function mulAdd(a: PyNum, b: PyNum, c: PyNum): PyNum {
  return PyNum.of(a.value * b.value + c.value, a.isFloat || b.isFloat || c.isFloat);
}

/**
 * The original's sliding-window update (spec §5.4): running means over W' = W + 1 windows of
 * already-rounded averages; maxima keep the old value (and type) on ties; the threshold never
 * decreases and the floor is not re-applied.
 *
 * @example
 * // W = 1, sub_count_avg 10, new day 15: int(round(25 / 2)) = 12 (half to even)
 * updateGlobalRow(g, { subCount: 15, sampCount: 15 } as LocalStats, end).subCountAvg.value; // 12
 */
export function updateGlobalRow(g: GlobalRow, local: Pick<LocalStats, "subCount" | "sampCount">, endWall: number): GlobalRow {
  const W = g.windowCount;
  const W1 = PyNum.of(W.value + 1, W.isFloat);
  const s = PyNum.int(local.subCount);
  const c = PyNum.int(local.sampCount);
  const r = PyNum.int(roundedRatio(local.subCount, local.sampCount));
  const avg = (old: PyNum, x: PyNum): PyNum => PyNum.int(pyIntRound(PyNum.float(mulAdd(old, W, x).value / W1.value)));
  const subAvg = avg(g.subCountAvg, s);
  return {
    startTs: g.startTs,
    endTs: endWall,
    windowCount: W1,
    subCountAvg: subAvg,
    subCountMax: pyMax(g.subCountMax, s),
    sampCountAvg: avg(g.sampCountAvg, c),
    sampCountMax: pyMax(g.sampCountMax, c),
    sampSubCountAvg: avg(g.sampSubCountAvg, r),
    sampSubCountMax: pyMax(g.sampSubCountMax, r),
    thresholdSuggested: pyMax(g.thresholdSuggested, subAvg),
  };
}

/**
 * Row built from backend statistics over the global window [start, end) (spec §5.2), with the
 * window count derived from its length in hours (`hours / 24` when whole days, else hours, >= 1).
 */
export function globalRowFromStats(stats: DailyStatsRow, startWall: number, endWall: number, floor: number): GlobalRow {
  const hours = Math.floor((Math.floor(endWall) - Math.floor(startWall)) / 3_600_000);
  const windows = Math.max(1, hours % 24 === 0 ? hours / 24 : hours);
  const A = stats.subCountAvg;
  const C = stats.sampCountAvg;
  const subAvg = PyNum.int(pyIntRound(A));
  return {
    startTs: startWall,
    endTs: endWall,
    windowCount: PyNum.int(windows),
    subCountAvg: subAvg,
    subCountMax: PyNum.int(stats.subCountMax),
    sampCountAvg: PyNum.int(pyIntRound(C)),
    sampCountMax: PyNum.int(stats.sampCountMax),
    sampSubCountAvg: PyNum.int(C.value === 0 ? 0 : roundHalfEven(A.value / C.value)),
    sampSubCountMax: stats.sampSubCountMax,
    thresholdSuggested: pyMax(subAvg, toFloorNum(floor)),
  };
}

/** Options of {@link refreshGlobalTable}. */
export interface RefreshOptions {
  /** Floor of `threshold_suggested` for a combination (by its first dimension value). */
  floorOf: (path: readonly string[]) => number;
}

/**
 * Refresh after peak detection (spec §5.5): existing rows are kept when the run's window starts
 * before their end, updated otherwise; new combinations get an inferred row with this run's
 * window. Rows are never deleted. Returns a new table.
 */
export function refreshGlobalTable(gst: GlobalTable, local: readonly LocalStats[], startWall: number, endWall: number, options: RefreshOptions): GlobalTable {
  const out = gst.clone();
  for (const l of local) {
    const g = gst.get(l.path);
    if (g === undefined) out.set(l.path, inferGlobalRow(l, startWall, endWall, options.floorOf(l.path)));
    else if (startWall >= g.endTs) out.set(l.path, updateGlobalRow(g, l, endWall));
  }
  return out;
}
