/**
 * The local window of a run: `[start 00:00, end 00:00)` in the analysis zone, from `-s`/`-e` or
 * from `-d` (days) and `-k` (delay in days) counted back from today's UTC date, as in the Python
 * original's CLI (VMware telemetry-peak-analyzer `__main__.py`; spec `peak-analyzer.md` §2, §8).
 *
 * Addition: `-s` or `-e` given ALONE is combined with `-d` (start + d days, or end - d days);
 * the original silently ignored it and used today's date.
 */
import { DAY, formatDate, wallDay } from "./wallclock.js";

/** Options of {@link resolveWindow}. Dates are wall milliseconds of midnights. */
export interface WindowOptions {
  /** `-s`: start date (midnight, wall ms). */
  start?: number | undefined;
  /** `-e`: end date, exclusive (midnight, wall ms). */
  end?: number | undefined;
  /** `-d`: window length in days. Default 1. */
  delta?: number;
  /** `-k`: days the end is moved back from today. Default 0. */
  delay?: number;
  /** 'now' as epoch milliseconds (`--now`). Default `Date.now()`. */
  now?: number;
}

/** Default options of {@link resolveWindow}. */
export const DEFAULTS = { delta: 1, delay: 0 } as const;

/** A local window in wall milliseconds. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** `end <= start`: the original's `ValueError: Invalid time interval <start> - <end>`. */
export class InvalidIntervalError extends Error {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super(`Invalid time interval ${formatDate(start)} - ${formatDate(end)}`);
  }
}

/**
 * Resolves the local window.
 *
 * @example
 * const w = resolveWindow({ delta: 2, now: Date.UTC(2021, 8, 3, 10) });
 * [formatDate(w.start), formatDate(w.end)]; // ["2021-09-01", "2021-09-03"]
 * resolveWindow({ start: Date.UTC(2021, 8, 1), delta: 3 }).end === Date.UTC(2021, 8, 4); // true
 */
export function resolveWindow(options: WindowOptions): Window {
  const delta = options.delta ?? DEFAULTS.delta;
  const delay = options.delay ?? DEFAULTS.delay;
  if (!Number.isInteger(delta) || !Number.isInteger(delay)) throw new Error("telemetry-lab/peaks/window: -d and -k must be integers");
  let start: number;
  let end: number;
  if (options.start !== undefined && options.end !== undefined) {
    start = options.start;
    end = options.end;
  } else if (options.start !== undefined) {
    start = options.start;
    end = start + delta * DAY;
  } else if (options.end !== undefined) {
    end = options.end;
    start = end - delta * DAY;
  } else {
    const now = options.now ?? Date.now();
    end = wallDay(now - delay * DAY) * DAY; // UTC date of now - k days, as a naive midnight
    start = end - delta * DAY;
  }
  if (end <= start) throw new InvalidIntervalError(start, end);
  return { start, end };
}
