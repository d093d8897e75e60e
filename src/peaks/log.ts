/**
 * The Python original's log line format (VMware telemetry-peak-analyzer `__init__.py` log
 * formatter; spec `peak-analyzer.md` §7.1): `LEVEL -> [YYYY-MM-DD HH:MM:SS] [NNNNmb] message`,
 * with the resident set size in MiB, truncated and zero-padded to four digits. The time is the
 * wall clock in the analysis zone (the original used the machine's local zone).
 */
import { WallClock, formatNaive } from "./wallclock.js";

/** Options of {@link formatLogLine}. */
export interface LogLineOptions {
  /** Level name. Default "INFO". */
  level?: string;
  /** Epoch milliseconds of the event. Default `Date.now()`. */
  time?: number;
  /** Resident memory in bytes. Default `process.memoryUsage.rss()`. */
  rssBytes?: number;
  /** Zone of the printed time. Default UTC. */
  clock?: WallClock;
}

let utcClock: WallClock | undefined;

/**
 * One log line.
 *
 * @example
 * formatLogLine("Loading local tables", { time: Date.UTC(2021, 8, 15, 12, 0, 11), rssBytes: 12 * 2 ** 20 });
 * // "INFO -> [2021-09-15 12:00:11] [0012mb] Loading local tables"
 */
export function formatLogLine(message: string, options: LogLineOptions = {}): string {
  const clock = options.clock ?? (utcClock ??= new WallClock());
  const time = formatNaive(Math.floor(clock.wall(options.time ?? Date.now()) / 1000) * 1000);
  const mb = Math.floor((options.rssBytes ?? process.memoryUsage.rss()) / 1048576);
  return `${options.level ?? "INFO"} -> [${time}] [${String(mb).padStart(4, "0")}mb] ${message}`;
}
