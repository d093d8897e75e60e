/**
 * The hourly artifact-graph pipeline: one graph per interval of a time frame, from the
 * LANL partitions, written in the seed's experiment layout (`layout.ts`), in parallel
 * over intervals, resumable.
 *
 * Port of the seed's graph stage (hamelin, "Anomaly detection of heterogeneous telemetry
 * data using graph embeddings": `make_graph` per (stream, interval), `combine_graphs` per
 * interval, `join_experiment`, `join_graphs`, `index_partition`), with worker threads in
 * place of the Dask cluster. Each interval is one task (`task.ts`), run by an engine
 * (`src/engine/`: worker threads by default, or BullMQ workers): its stream graphs are
 * built and absorbed in memory and the result is written atomically with its statistics;
 * a rerun skips every interval whose graph exists, so a killed run resumes and a finished
 * one does nothing. Each graph depends only on its partition files, so the output is the
 * same whatever the number of workers.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { removeOwnTemporaries, removeStaleTemporaries, writeFileAtomic } from "../../io/atomic.js";
import { onInterrupt } from "../../io/signals.js";
import { EVENT_STREAMS } from "../../lanl/schema.js";
import { createProgress } from "../../notebook/progress.js";
import { readManifest } from "../../partition/manifest.js";
import { isoDuration } from "../../time/duration.js";
import { DEFAULT_ORIGIN, formatIsoUtc, parseIsoUtc } from "../../time/interval.js";
import type { ArchOptions } from "../arch/arch.js";
import { getArch } from "../arch/registry.js";
import { GRAPH_EXT } from "../builder/builder.js";
import { crc32 } from "../format/crc32.js";
import { TLG_HEADER_BYTES, TLG_MAGIC } from "../format/tlg.js";
import { BUILDER_KINDS, resolveStreams, type BuilderKind } from "./interval-graph.js";
import { experimentDir, graphFile, intervalSecondsOf, intervalStarts, onGrid, partitionFile, partitionsRoot, type ExperimentKey } from "./layout.js";
import { LocalEngine } from "../../engine/local.js";
import { sweepAfter, sweepBefore, type Engine } from "../../engine/engine.js";
import type { Task } from "../../engine/task.js";
import type { IntervalStats, IntervalTask, TaskResult } from "./task.js";

const MODULE = "telemetry-lab/graph/pipeline/pipeline";

/** Options of {@link buildGraphs}. */
export interface GraphsOptions {
  /** Interval length: `1h`, `30m`, `1d`, `P0DT1H0M0S`, or seconds. Default "1h". */
  interval?: string | number;
  /** Time frame start (ISO, UTC, on the interval grid). Default: the first partition file's interval. */
  start?: string;
  /** Time frame end, exclusive. Default: the end of the last partition file's interval. */
  end?: string;
  /** Registered architecture name. Default "all-category-no-attr". */
  arch?: string;
  /** Options of the architecture; non-default ones are appended to its folder name. Default none. */
  archOptions?: ArchOptions;
  /** Graph builder; both write the same files. Default "compact". */
  builder?: BuilderKind;
  /** Streams to combine. Default: the event streams (auth, proc, flows, dns) with a partition folder. */
  streams?: readonly string[];
  /** Worker threads of the local engine; 0 builds in the calling thread. Default: the cores, at most one per interval to build. */
  jobs?: number;
  /** The engine that runs the tasks (`src/engine/`), owned by the caller. Default: a local engine of `jobs` threads. */
  engine?: Engine;
  /** Anchor of the partitions' interval grid. Default "2015-01-01T00:00:00". */
  origin?: string;
  /** gzip level of the graph files, 1 (fastest) .. 9 (smallest). Default 3. */
  level?: number;
  /** No progress display. Default false. */
  quiet?: boolean;
}

/** Defaults of {@link GraphsOptions}. */
export const DEFAULTS = Object.freeze({
  interval: "1h",
  arch: "all-category-no-attr",
  builder: "compact" as BuilderKind,
  origin: DEFAULT_ORIGIN,
  level: 3,
  quiet: false,
});

/** What a run will do, resolved and validated. */
export interface GraphsPlan {
  dir: string;
  intervalSeconds: number;
  /** `P0DT1H0M0S`. */
  intervalIso: string;
  start: string;
  end: string;
  /** Architecture name, resolved options, and its folder name in the layout. */
  arch: string;
  archOptions: Required<ArchOptions>;
  archFolder: string;
  builder: BuilderKind;
  streams: string[];
  /** `DIR/experiments/<interval>/<start>__<end>/<archFolder>`, its `graphs/` and `stats/`. */
  experimentDir: string;
  graphsDir: string;
  statsDir: string;
  /** Interval starts of the time frame (the seed's `index_partition`). */
  intervals: string[];
}

/** What {@link buildGraphs} returns. */
export interface GraphsRun {
  plan: GraphsPlan;
  /** Statistics of every interval of the frame, in time order. */
  intervals: IntervalStats[];
  /** Intervals built by this run and skipped as already built (and verified). */
  built: string[];
  skipped: string[];
  /** Intervals whose existing graph failed verification and were rebuilt, with the reason. */
  rebuilt: Array<{ start: string; file: string; reason: string }>;
  /** Events read and compressed partition bytes read by this run. */
  events: number;
  inputBytes: number;
  /** Wall time in seconds. */
  seconds: number;
  /** `<experiment>/summary.json`. */
  summaryPath: string;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Folder name of an architecture with options: its name when the options are its
 * defaults, else the name followed by `+option=value` for each option that differs
 * (maps by a CRC-32 of their JSON), e.g. `all-category-no-attr+dropMissing+exclude=hubs`.
 *
 * @example
 * archFolderName("shallow", { types: "entity" }); // "shallow+types=entity"
 */
export function archFolderName(arch: string, options: ArchOptions = {}): string {
  const ref = getArch(arch).options as unknown as Record<string, unknown>;
  const opts = getArch(arch, options).options as unknown as Record<string, unknown>;
  let name = arch;
  for (const key of Object.keys(ref)) {
    const v = opts[key];
    if (sameJson(v, ref[key])) continue;
    let text: string;
    if (v === true) text = "";
    else if (typeof v === "string" || typeof v === "number" || v === false) text = String(v);
    else if (Array.isArray(v)) text = v.length === 0 ? "none" : v.join(",");
    else text = "map-" + crc32(Buffer.from(JSON.stringify(v))).toString(16).padStart(8, "0");
    name += `+${key}${text === "" ? "" : "=" + text.replace(/[^A-Za-z0-9,._-]/g, "_")}`;
  }
  return name;
}

function partitionNames(root: string, stream: string): string[] {
  try {
    return readdirSync(join(root, stream)).filter((n) => !n.startsWith(".") && n.endsWith(".txt.gz"));
  } catch {
    return [];
  }
}

/**
 * Resolves and validates what {@link buildGraphs} will do, without building anything.
 *
 * @throws when the partitions are missing or unfinished, or an option is wrong.
 * @example
 * const plan = planGraphs("data/lanl", { start: "2015-01-01T00:00:00", end: "2015-01-02T00:00:00" });
 * plan.intervals.length; // 24
 * plan.graphsDir; // ".../experiments/P0DT1H0M0S/2015-01-01T00:00:00__2015-01-02T00:00:00/all-category-no-attr/graphs"
 */
export function planGraphs(dir: string, options: GraphsOptions = {}): GraphsPlan {
  const abs = resolve(dir);
  const intervalSeconds = intervalSecondsOf(options.interval ?? DEFAULTS.interval);
  const origin = formatIsoUtc(parseIsoUtc(options.origin ?? DEFAULTS.origin));
  const builder = options.builder ?? DEFAULTS.builder;
  if (!BUILDER_KINDS.includes(builder)) throw new Error(`${MODULE}: unknown builder '${builder}'; expected ${BUILDER_KINDS.join(" or ")}`);
  const archName = options.arch ?? DEFAULTS.arch;
  const arch = getArch(archName, options.archOptions);
  const root = partitionsRoot(abs, intervalSeconds);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`${MODULE}: no partitions at ${root}; run 'telemetry-lab lanl partition ${dir} --interval ${isoDuration(intervalSeconds)}' first`);
  }
  let streams: string[];
  if (options.streams !== undefined) {
    streams = resolveStreams(options.streams);
    for (const s of streams) {
      if (!existsSync(join(root, s))) throw new Error(`${MODULE}: stream '${s}' has no partitions at ${join(root, s)}`);
    }
  } else {
    streams = EVENT_STREAMS.filter((s) => existsSync(join(root, s)));
    if (streams.length === 0) throw new Error(`${MODULE}: no stream folder (auth, proc, flows, dns) under ${root}`);
  }
  for (const s of streams) {
    const m = readManifest(join(root, ".state", `${s}.json`));
    if (m !== undefined && !m.complete) {
      throw new Error(`${MODULE}: the partitions of stream '${s}' under ${root} are unfinished; rerun 'telemetry-lab lanl partition ${dir}' to complete them`);
    }
  }
  let start = options.start;
  let end = options.end;
  if (start === undefined || end === undefined) {
    const names = streams.flatMap((s) => partitionNames(root, s).map((n) => n.slice(0, -".txt.gz".length))).sort();
    if (names.length === 0) throw new Error(`${MODULE}: no partition files under ${root} for ${streams.join(", ")}; give --start and --end`);
    start ??= names[0]!;
    end ??= formatIsoUtc(parseIsoUtc(names[names.length - 1]!) + intervalSeconds);
  }
  start = onGrid(start, intervalSeconds, origin, "start");
  end = onGrid(end, intervalSeconds, origin, "end");
  const intervals = intervalStarts(start, end, intervalSeconds);
  const archFolder = archFolderName(archName, options.archOptions);
  const key: ExperimentKey = { intervalSeconds, start, end, arch: archFolder };
  const exp = experimentDir(abs, key);
  return {
    dir: abs,
    intervalSeconds,
    intervalIso: isoDuration(intervalSeconds),
    start,
    end,
    arch: archName,
    archOptions: arch.options,
    archFolder,
    builder,
    streams,
    experimentDir: exp,
    graphsDir: join(exp, "graphs"),
    statsDir: join(exp, "stats"),
    intervals,
  };
}

/** The record of an experiment's configuration (`experiment.json`): what fixes its graphs. */
export function experimentRecord(plan: GraphsPlan): Record<string, unknown> {
  return {
    version: 1,
    interval: plan.intervalIso,
    start: plan.start,
    end: plan.end,
    arch: plan.arch,
    archOptions: plan.archOptions,
    streams: plan.streams,
    format: GRAPH_EXT,
  };
}

/**
 * Checks a graph file against its recorded statistics without building the graph: its
 * size equals `stats.bytes`, it un-gzips, and its `.tlg` header (magic, header CRC-32,
 * payload length, payload CRC-32, vertex count) is consistent. Returns the reason it
 * fails, or `undefined` when the file is sound.
 *
 * @example
 * verifyGraphFile("graphs/2015-01-01T05:00:00.tlg.gz", stats); // undefined
 * // after a byte flip: "payload checksum mismatch"; after a cut: "size 5120 bytes, its statistics record 10342"
 */
export function verifyGraphFile(path: string, stats: Pick<IntervalStats, "bytes" | "vertices">): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (bytes.length !== stats.bytes) return `size ${bytes.length} bytes, its statistics record ${stats.bytes}`;
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      return `corrupt or truncated gzip stream (${(err as Error).message})`;
    }
  }
  if (buf.length < TLG_HEADER_BYTES) return `truncated: ${buf.length} bytes, the header alone needs ${TLG_HEADER_BYTES}`;
  if (buf.toString("latin1", 0, 8) !== TLG_MAGIC) return "not a telemetry-lab graph file (bad magic bytes)";
  if (buf.readUInt32LE(60) !== crc32(buf.subarray(0, 60))) return "header checksum mismatch";
  const payloadLen = Number(buf.readBigUInt64LE(32));
  if (buf.length - TLG_HEADER_BYTES !== payloadLen) return `payload is ${buf.length - TLG_HEADER_BYTES} bytes, the header announces ${payloadLen}`;
  if (buf.readUInt32LE(40) !== crc32(buf.subarray(TLG_HEADER_BYTES))) return "payload checksum mismatch";
  if (buf.readUInt32LE(16) !== stats.vertices) return `${buf.readUInt32LE(16)} vertices, its statistics record ${stats.vertices}`;
  return undefined;
}

function readStats(path: string, start: string): IntervalStats | undefined {
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as IntervalStats;
    return s.start === start ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the graph of every interval of the time frame from the partitions of `dir`,
 * writing `<experiment>/graphs/<start>.tlg.gz`, `<experiment>/stats/<start>.json`,
 * `<experiment>/experiment.json` and `<experiment>/summary.json`.
 *
 * An interval without events gets an empty graph. Graphs already present are kept
 * (resume); an experiment folder made with other streams or options is refused.
 *
 * @throws when the plan is invalid (see {@link planGraphs}) or a partition file is malformed.
 * @example
 * const run = await buildGraphs("data/lanl", { start: "2015-01-01T00:00:00", end: "2015-01-02T00:00:00", jobs: 2 });
 * run.built.length;        // 24 (0 when rerun)
 * run.intervals[5].edges;  // 2_310_527
 */
export async function buildGraphs(dir: string, options: GraphsOptions = {}): Promise<GraphsRun> {
  const t0 = performance.now();
  const plan = planGraphs(dir, options);
  const record = experimentRecord(plan);
  const recordPath = join(plan.experimentDir, "experiment.json");
  if (existsSync(recordPath)) {
    let old: unknown;
    try {
      old = JSON.parse(readFileSync(recordPath, "utf8"));
    } catch {
      old = undefined;
    }
    if (!sameJson(old, record)) {
      throw new Error(
        `${MODULE}: ${plan.experimentDir} was built with another configuration (${recordPath}: ${JSON.stringify(old)}); ` +
          `now ${JSON.stringify(record)}: remove the folder or use the same streams and options`,
      );
    }
  } else {
    writeFileAtomic(recordPath, JSON.stringify(record, null, 2) + "\n");
  }
  // The experiment folder is written by this process only; the graphs and statistics by the tasks.
  removeStaleTemporaries(plan.experimentDir);
  sweepBefore(options.engine, [plan.graphsDir, plan.statsDir]);

  const level = options.level ?? DEFAULTS.level;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new Error(`${MODULE}: level must be 1..9, got ${level}`);
  const key: ExperimentKey = { intervalSeconds: plan.intervalSeconds, start: plan.start, end: plan.end, arch: plan.archFolder };
  const results = new Map<string, IntervalStats>();
  const todo: IntervalTask[] = [];
  const rebuilt: GraphsRun["rebuilt"] = [];
  let totalBytes = 0;
  for (const start of plan.intervals) {
    const graphPath = graphFile(plan.dir, key, start);
    const statsPath = join(plan.statsDir, `${start}.json`);
    if (existsSync(graphPath)) {
      const done = readStats(statsPath, start);
      const reason = done === undefined ? `no valid statistics at ${statsPath}` : verifyGraphFile(graphPath, done);
      if (reason === undefined) {
        results.set(start, done!);
        continue;
      }
      // Never trust (nor leave) a graph that fails its check: remove it, then rebuild.
      rmSync(graphPath, { force: true });
      rebuilt.push({ start, file: graphPath, reason });
    }
    for (const s of plan.streams) {
      const p = partitionFile(plan.dir, plan.intervalSeconds, s, start);
      if (existsSync(p)) totalBytes += statSync(p).size;
    }
    todo.push({
      dir: plan.dir,
      streams: plan.streams,
      start,
      intervalSeconds: plan.intervalSeconds,
      arch: plan.arch,
      archOptions: plan.archOptions,
      builder: plan.builder,
      level,
      graphPath,
      statsPath,
    });
  }
  const skipped = plan.intervals.filter((s) => results.has(s));
  const jobs = options.jobs ?? Math.min(availableParallelism(), todo.length);
  if (!Number.isSafeInteger(jobs) || jobs < 0) throw new Error(`${MODULE}: jobs must be a non-negative integer, got ${jobs}`);
  const progress = createProgress({
    label: `graphs ${plan.archFolder} (${plan.builder})`,
    total: todo.length,
    totalBytes: totalBytes > 0 ? totalBytes : undefined,
    unit: "graphs",
    quiet: options.quiet ?? DEFAULTS.quiet,
  });
  let events = 0;
  let inputBytes = 0;
  if (todo.length > 0) {
    const engine = options.engine ?? new LocalEngine(Math.min(jobs, todo.length));
    // SIGINT / SIGTERM: stop the workers (or leave the queued jobs to the cluster), then remove what this process was writing.
    const offStop = onInterrupt(() => engine.close(), { order: 0 });
    const offTemps = onInterrupt(() => {
      for (const folder of [plan.experimentDir, plan.graphsDir, plan.statsDir]) removeOwnTemporaries(folder);
    });
    try {
      const tasks: Task<IntervalTask>[] = todo.map((input) => ({ stage: "graphs", experiment: plan.experimentDir, interval: input.start, input }));
      await engine.runAll<TaskResult>(tasks, {
        onResult: (task, r) => {
          results.set(task.interval, r.stats);
          events += r.stats.events;
          inputBytes += r.inputBytes;
          progress.add(1, r.inputBytes);
        },
      });
    } catch (err) {
      throw new Error(`${MODULE}: ${plan.experimentDir}: ${(err as Error).message}`);
    } finally {
      offStop();
      offTemps();
      if (options.engine === undefined) await engine.close();
    }
  }
  // What a worker killed mid-write left behind (its retried task wrote the file anew).
  sweepAfter(options.engine, [plan.graphsDir, plan.statsDir]);
  const intervals = plan.intervals.map((s) => results.get(s)!);
  const summaryPath = join(plan.experimentDir, "summary.json");
  const totals = { intervals: intervals.length, events: 0, edges: 0, weight: 0, bytes: 0 };
  for (const s of intervals) {
    totals.events += s.events;
    totals.edges += s.edges;
    totals.weight += s.weight;
    totals.bytes += s.bytes;
  }
  writeFileAtomic(summaryPath, JSON.stringify({ ...record, totals, intervals }, null, 1) + "\n");
  const seconds = (performance.now() - t0) / 1000;
  progress.finish(`${todo.length} built, ${skipped.length} already there (verified)${rebuilt.length > 0 ? `, ${rebuilt.length} rebuilt after a failed check` : ""}`);
  return { plan, intervals, built: todo.map((t) => t.start), skipped, rebuilt, events, inputBytes, seconds, summaryPath };
}
