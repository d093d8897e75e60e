/**
 * What a partitioning run reads and writes: the input files of each stream, the output
 * folders, the interval grid and the time range, validated before any work starts.
 *
 * Layouts (from the seed's prelude and `hamelin/lanl-tools`): `DIR/raw/<stream>.txt.gz`
 * (one file per stream, as LANL ships them), or the seed's chunked layout
 * `DIR/chunked/<stream>/NNNN.txt.gz` (`zcat | split -d -a 4 -C 100M`), read in name
 * order as one stream. Output: `DIR/partitions/<isoDuration>/<stream>/<start>.txt.gz`,
 * named as pandas' `Timedelta.isoformat()` / `Timestamp.isoformat()` name them in the
 * seed (`P0DT1H0M0S`, `2015-01-01T05:00:00`).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { EVENT_STREAMS, isLanlStream, schemaOf, type LanlStream } from "../lanl/schema.js";
import { isoDuration, parseDuration } from "../time/duration.js";
import { DEFAULT_ORIGIN, formatIsoUtc, parseIsoUtc } from "../time/interval.js";

/** Options of {@link planPartition} (and of `partitionLanl`). */
export interface PlanOptions {
  /** Interval length: `1h`, `30m`, `1d`, `P0DT1H0M0S`, or seconds. Default "1h". */
  interval?: string | number;
  /** The instant LANL's t = 0 stands for, and the interval grid's anchor (naive ISO, UTC). Default "2015-01-01T00:00:00". */
  origin?: string;
  /** Keep only events at or after this instant (ISO, UTC). Default: no bound. */
  start?: string;
  /** Keep only events before this instant (ISO, UTC). Default: no bound. */
  end?: string;
  /** Streams to partition. Default: every event stream (auth, proc, flows, dns) with input present. */
  streams?: readonly string[];
  /** Which layout to read: "auto" (raw when present, else chunked), "raw" or "chunked". Default "auto". */
  layout?: "auto" | "raw" | "chunked";
}

/** Defaults of {@link PlanOptions}. */
export const PLAN_DEFAULTS = Object.freeze({ interval: "1h", origin: DEFAULT_ORIGIN, layout: "auto" as const });

/** One input file. */
export interface InputFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the data folder (for summaries and rejects). */
  name: string;
  size: number;
  mtimeMs: number;
}

/** The inputs and outputs of one stream. */
export interface StreamPlan {
  stream: LanlStream;
  fieldCount: number;
  layout: "raw" | "chunked";
  files: InputFile[];
  /** Folder of the stream's partition files. */
  outDir: string;
  /** Path of the stream's rejects file (written only when there are rejects). */
  rejectsPath: string;
  /** Path of the stream's resume manifest. */
  manifestPath: string;
}

/** A validated plan. */
export interface PartitionPlan {
  dir: string;
  intervalSeconds: number;
  /** Folder name of the interval length, e.g. "P0DT1H0M0S". */
  intervalIso: string;
  /** Origin as naive ISO and as Unix seconds. */
  origin: string;
  originEpoch: number;
  /** Accepted times in seconds since the origin: [startTime, endTime). */
  startTime: number;
  endTime: number;
  /** `DIR/partitions/<intervalIso>`. */
  root: string;
  streams: StreamPlan[];
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function inputFile(dir: string, path: string): InputFile {
  const st = statSync(path);
  return { path, name: path.slice(dir.length + 1), size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
}

function findInputs(dir: string, stream: LanlStream, layout: "auto" | "raw" | "chunked"): { layout: "raw" | "chunked"; files: InputFile[] } | undefined {
  if (layout !== "chunked") {
    for (const ext of [".txt.gz", ".txt"]) {
      const p = join(dir, "raw", stream + ext);
      if (existsSync(p)) return { layout: "raw", files: [inputFile(dir, p)] };
    }
  }
  if (layout !== "raw") {
    const folder = join(dir, "chunked", stream);
    const names = listFiles(folder).filter((n) => !n.startsWith(".") && (n.endsWith(".txt.gz") || n.endsWith(".txt")));
    if (names.length > 0) return { layout: "chunked", files: names.map((n) => inputFile(dir, join(folder, n))) };
  }
  return undefined;
}

/**
 * Resolves and validates what a run will do.
 *
 * @throws when the folder, a requested stream's input, or an option is wrong.
 * @example
 * const plan = planPartition("data/lanl", { interval: "1h" });
 * plan.root;                  // ".../data/lanl/partitions/P0DT1H0M0S"
 * plan.streams.map((s) => s.stream); // ["auth", "proc", "flows", "dns"]
 */
export function planPartition(dir: string, options: PlanOptions = {}): PartitionPlan {
  const where = "telemetry-lab/partition/plan";
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`${where}: data folder '${dir}' does not exist`);
  const interval = options.interval ?? PLAN_DEFAULTS.interval;
  const intervalSeconds = typeof interval === "number" ? interval : parseDuration(interval);
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`${where}: interval must be a positive whole number of seconds, got ${interval}`);
  }
  const origin = options.origin ?? PLAN_DEFAULTS.origin;
  const originEpoch = parseIsoUtc(origin);
  const startTime = options.start === undefined ? 0 : parseIsoUtc(options.start) - originEpoch;
  const endTime = options.end === undefined ? Infinity : parseIsoUtc(options.end) - originEpoch;
  if (!(endTime > startTime)) throw new Error(`${where}: --end (${options.end}) must be after --start (${options.start ?? origin})`);
  const layout = options.layout ?? PLAN_DEFAULTS.layout;
  if (!["auto", "raw", "chunked"].includes(layout)) throw new Error(`${where}: layout must be auto, raw or chunked, got '${layout}'`);
  const intervalIso = isoDuration(intervalSeconds);
  const root = join(abs, "partitions", intervalIso);
  const requested = options.streams;
  const names = [...new Set(requested ?? EVENT_STREAMS)];
  const streams: StreamPlan[] = [];
  for (const name of names) {
    if (!isLanlStream(name)) throw new Error(`${where}: unknown stream '${name}'; expected auth, proc, flows, dns or redteam`);
    const found = findInputs(abs, name, layout);
    if (found === undefined) {
      if (requested !== undefined) {
        throw new Error(`${where}: no input for stream '${name}': expected ${join(abs, "raw", name + ".txt.gz")} or ${join(abs, "chunked", name)}/NNNN.txt.gz`);
      }
      continue;
    }
    streams.push({
      stream: name,
      fieldCount: schemaOf(name).fieldCount,
      layout: found.layout,
      files: found.files,
      outDir: join(root, name),
      rejectsPath: join(root, "rejects", `${name}.tsv`),
      manifestPath: join(root, ".state", `${name}.json`),
    });
  }
  if (streams.length === 0) throw new Error(`${where}: no stream input found under ${join(abs, "raw")} or ${join(abs, "chunked")}`);
  return { dir: abs, intervalSeconds, intervalIso, origin: formatIsoUtc(originEpoch), originEpoch, startTime, endTime, root, streams };
}

/** The seed's name of interval `index`: the ISO start, e.g. "2015-01-01T05:00:00". */
export function intervalName(plan: Pick<PartitionPlan, "originEpoch" | "intervalSeconds">, index: number): string {
  return formatIsoUtc(plan.originEpoch + index * plan.intervalSeconds);
}
