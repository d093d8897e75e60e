/**
 * Backend statistics for building a global table from raw records: the Python JsonBackend's
 * `stats(start, end)` (spec `peak-analyzer.md` §3.1), computed in the same single pass as the
 * local table.
 *
 * Quirks kept on purpose (they change the numbers): the dates D are the local dates of records
 * inside [start, end), but each date then counts ALL its records (partial first and last days
 * count whole); every combination of the cross product of the values seen over D gets a row,
 * zeros where absent; averages are over |D| dates with absent combinations counting 0; the ratio
 * max is a float, or int 0 when the combination never occurs.
 */
import { PyNum, pyMeanOfInts } from "./pyfloat.js";
import { leafLevel, leavesOf, type KeyTree } from "./key-tree.js";
import { dayStart, wallDay } from "./wallclock.js";

/** One backend statistics row (Python `stats` output). */
export interface DailyStatsRow {
  readonly path: readonly string[];
  readonly subCountAvg: PyNum;
  readonly subCountMax: number;
  readonly sampCountAvg: PyNum;
  readonly sampCountMax: number;
  /** Max over dates of submissions/samples: a float, or int 0. */
  readonly sampSubCountMax: PyNum;
}

type Level = KeyTree<DayCombo>;

interface DayCombo {
  path: string[];
  sub: number;
  samples: Set<string>;
}

/**
 * Accumulates per-date, per-combination submissions and distinct samples for records whose local
 * date lies in the dates spanned by the window [startWall, endWall) (at most a few days).
 *
 * @example
 * const acc = new DailyStatsAccumulator(Date.UTC(2021, 8, 1), Date.UTC(2021, 8, 2));
 * acc.add(Date.UTC(2021, 8, 1, 7), ["benign", "PeExeFile"], "a");
 * acc.rows()[0].subCountAvg.toString(); // "1"
 */
export class DailyStatsAccumulator {
  private readonly firstDay: number;
  private readonly lastDay: number;
  private readonly days = new Map<number, Level>();
  private readonly inWindow = new Set<number>();

  constructor(
    readonly startWall: number,
    readonly endWall: number,
  ) {
    this.firstDay = wallDay(startWall);
    this.lastDay = wallDay(endWall);
  }

  /** Whether a record at wall-clock time `wall` counts (its date is one the window spans). */
  covers(wall: number): boolean {
    const day = wallDay(wall);
    return day >= this.firstDay && day <= this.lastDay;
  }

  /** Adds one record given its wall-clock time. */
  add(wall: number, dims: readonly string[], sample: string): void {
    const day = wallDay(wall);
    if (day < this.firstDay || day > this.lastDay) return;
    if (wall >= this.startWall && wall < this.endWall) this.inWindow.add(day);
    let level = this.days.get(day);
    if (level === undefined) {
      level = new Map();
      this.days.set(day, level);
    }
    const last = dims.length - 1;
    level = leafLevel(level, dims, dims.length);
    let c = level.get(dims[last] as string) as DayCombo | undefined;
    if (c === undefined) {
      c = { path: dims.slice(), sub: 0, samples: new Set() };
      level.set(dims[last] as string, c);
    }
    c.sub += 1;
    c.samples.add(sample);
  }

  private combosOf(day: number): DayCombo[] {
    const root = this.days.get(day);
    return root === undefined ? [] : leavesOf(root);
  }

  /** The dates D (wall midnights) that had a record inside the window, ascending. */
  dates(): number[] {
    return [...this.inWindow].sort((a, b) => a - b).map(dayStart);
  }

  /** The statistics rows: cross product of the values seen over D, in first-seen order. */
  rows(): DailyStatsRow[] {
    const D = [...this.inWindow].sort((a, b) => a - b);
    if (D.length === 0) return [];
    const valuesPerLevel: string[][] = [];
    const seenPerLevel: Set<string>[] = [];
    const byKey = new Map<string, DayCombo[]>();
    for (const day of D) {
      for (const c of this.combosOf(day)) {
        const key = JSON.stringify(c.path);
        c.path.forEach((v, level) => {
          if (seenPerLevel[level] === undefined) {
            seenPerLevel[level] = new Set();
            valuesPerLevel[level] = [];
          }
          if (!(seenPerLevel[level] as Set<string>).has(v)) {
            (seenPerLevel[level] as Set<string>).add(v);
            (valuesPerLevel[level] as string[]).push(v);
          }
        });
        let list = byKey.get(key);
        if (list === undefined) byKey.set(key, (list = []));
        list.push(c);
      }
    }
    const out: DailyStatsRow[] = [];
    const n = D.length;
    const product = (level: number, prefix: string[]): void => {
      if (level === valuesPerLevel.length) {
        const key = JSON.stringify(prefix);
        const per = byKey.get(key) ?? [];
        let sub = 0;
        let subMax = 0;
        let samp = 0;
        let sampMax = 0;
        let ratio: PyNum = PyNum.int(0);
        for (const c of per) {
          sub += c.sub;
          samp += c.samples.size;
          if (c.sub > subMax) subMax = c.sub;
          if (c.samples.size > sampMax) sampMax = c.samples.size;
          const r = c.sub / c.samples.size;
          if (r > ratio.value) ratio = PyNum.float(r);
        }
        out.push({
          path: prefix.slice(),
          subCountAvg: pyMeanOfInts(sub, n),
          subCountMax: subMax,
          sampCountAvg: pyMeanOfInts(samp, n),
          sampCountMax: sampMax,
          sampSubCountMax: ratio,
        });
        return;
      }
      for (const v of valuesPerLevel[level] as string[]) product(level + 1, [...prefix, v]);
    };
    product(0, []);
    return out;
  }
}
