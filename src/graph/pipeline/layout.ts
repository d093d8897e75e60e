/**
 * Where the graph pipeline reads and writes: the seed's folder layout.
 *
 * Input, from the partitioner (`src/partition/`): `DIR/partitions/<interval>/<stream>/<start>.txt.gz`.
 * Output, the seed's `join_experiment` / `join_graphs` (hamelin, "Anomaly detection of
 * heterogeneous telemetry data using graph embeddings"):
 * `DIR/experiments/<interval>/<start>__<end>/<arch>/graphs/<interval start>.<ext>`, with
 * `<interval>` as pandas' `Timedelta.isoformat()` (`P0DT1H0M0S`) and times as
 * `Timestamp.isoformat()` (`2015-01-01T05:00:00`). The intervals of an experiment are the
 * seed's `index_partition`: `pd.date_range(start, end - 1ns, freq=interval)`, i.e. every
 * `start + k * interval` before `end`.
 */
import { join, resolve } from "node:path";
import { isoDuration, parseDuration } from "../../time/duration.js";
import { formatIsoUtc, parseIsoUtc } from "../../time/interval.js";
import { GRAPH_EXT } from "../builder/builder.js";

const MODULE = "telemetry-lab/graph/pipeline/layout";

/** Folder of the partitions of one interval length: `DIR/partitions/P0DT1H0M0S`. */
export function partitionsRoot(dir: string, intervalSeconds: number): string {
  return join(resolve(dir), "partitions", isoDuration(intervalSeconds));
}

/**
 * The partition file of one (stream, interval).
 *
 * @example
 * partitionFile("data/lanl", 3600, "auth", "2015-01-01T05:00:00");
 * // ".../data/lanl/partitions/P0DT1H0M0S/auth/2015-01-01T05:00:00.txt.gz"
 */
export function partitionFile(dir: string, intervalSeconds: number, stream: string, start: string): string {
  return join(partitionsRoot(dir, intervalSeconds), stream, `${start}.txt.gz`);
}

/** What names an experiment folder. */
export interface ExperimentKey {
  /** Interval length in seconds. */
  intervalSeconds: number;
  /** Time frame [start, end), naive ISO (UTC). */
  start: string;
  end: string;
  /** Architecture folder name (the architecture's name, see `archFolderName`). */
  arch: string;
}

/**
 * The seed's `join_experiment()`: `DIR/experiments/<interval>/<start>__<end>/<arch>`.
 *
 * @example
 * experimentDir("data/lanl", { intervalSeconds: 3600, start: "2015-01-01T00:00:00", end: "2015-01-02T00:00:00", arch: "all-category-no-attr" });
 * // ".../experiments/P0DT1H0M0S/2015-01-01T00:00:00__2015-01-02T00:00:00/all-category-no-attr"
 */
export function experimentDir(dir: string, key: ExperimentKey): string {
  return join(resolve(dir), "experiments", isoDuration(key.intervalSeconds), `${key.start}__${key.end}`, key.arch);
}

/** The seed's `join_graphs()`: `<experiment>/graphs`. */
export function graphsDir(dir: string, key: ExperimentKey): string {
  return join(experimentDir(dir, key), "graphs");
}

/**
 * The graph file of one interval: `<experiment>/graphs/<interval start>.tlg.gz`.
 *
 * @example
 * graphFile("data/lanl", key, "2015-01-01T05:00:00"); // ".../graphs/2015-01-01T05:00:00.tlg.gz"
 */
export function graphFile(dir: string, key: ExperimentKey, start: string, ext: string = GRAPH_EXT): string {
  return join(graphsDir(dir, key), `${start}.${ext}`);
}

/**
 * The seed's `index_partition()`: interval starts `start + k * interval` before `end`, as ISO names.
 *
 * @throws when the instants do not parse or `end <= start`.
 * @example
 * intervalStarts("2015-01-01T00:00:00", "2015-01-01T03:00:00", 3600);
 * // ["2015-01-01T00:00:00", "2015-01-01T01:00:00", "2015-01-01T02:00:00"]
 */
export function intervalStarts(start: string, end: string, intervalSeconds: number): string[] {
  const s = parseIsoUtc(start);
  const e = parseIsoUtc(end);
  if (!(e > s)) throw new Error(`${MODULE}: end ${end} must be after start ${start}`);
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`${MODULE}: interval must be a positive whole number of seconds, got ${intervalSeconds}`);
  }
  const out: string[] = [];
  for (let t = s; t < e; t += intervalSeconds) out.push(formatIsoUtc(t));
  return out;
}

/** Interval length in seconds from `1h`, `P0DT1H0M0S` or a number of seconds. */
export function intervalSecondsOf(interval: string | number): number {
  const s = typeof interval === "number" ? interval : parseDuration(interval);
  if (!Number.isSafeInteger(s) || s <= 0) throw new Error(`${MODULE}: interval must be a positive whole number of seconds, got ${interval}`);
  return s;
}

/**
 * Checks that an instant lies on the partitions' interval grid (anchored at `origin`),
 * so that its interval has a partition file name; returns it normalised (`YYYY-MM-DDTHH:MM:SS`).
 *
 * @throws naming the nearest grid points otherwise.
 * @example
 * onGrid("2015-01-01T05:00", 3600, "2015-01-01T00:00:00", "--start"); // "2015-01-01T05:00:00"
 */
export function onGrid(instant: string, intervalSeconds: number, origin: string, what: string): string {
  const t = parseIsoUtc(instant);
  const o = parseIsoUtc(origin);
  const r = (((t - o) % intervalSeconds) + intervalSeconds) % intervalSeconds;
  if (r !== 0) {
    throw new Error(
      `${MODULE}: ${what} ${instant} is not on the ${isoDuration(intervalSeconds)} grid anchored at ${origin}; ` +
        `use ${formatIsoUtc(t - r)} or ${formatIsoUtc(t - r + intervalSeconds)}`,
    );
  }
  return formatIsoUtc(t);
}
