/**
 * Comparing graph architectures on detection quality and cost (`telemetry-lab lanl
 * compare`, issue 10): for every (architecture, interval length) it runs or reuses every
 * stage through {@link detect} — partitions shared per interval length; graphs, features,
 * roles and scores cached per architecture in the experiment layout — and gathers one row
 * per (architecture, interval length, score): detection quality (AP, ROC AUC, recall at 10
 * and 100 alerts per day at the entity-interval unit, overall and per role, and at the
 * event unit; the same numbers `lanl detect` reports) and cost (vertices and edges per
 * interval, bytes on disk, seconds of each stage).
 *
 * Stage seconds are recorded in the experiment folder (`<experiment>/compare/seconds.json`,
 * keyed by the stage's output folder) when a stage does work, so that a cached rerun still
 * reports what the stage cost; a stage built outside `compare` reports NaN. The whole
 * result of one configuration is recorded beside it (`<experiment>/compare/<key>.json`)
 * with a CRC-32 of the score tables' sidecars and of the labels: a rerun whose graphs, score
 * tables and labels are unchanged reads it back without evaluating again.
 *
 * Method: `../shared/research/lanl-method.md` §1e (units, budgets, controls).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { writeParquet, type ParquetColumn } from "../io/parquet.js";
import { readRedteam, type RedteamEvent } from "../lanl/redteam.js";
import { crc32 } from "../graph/format/crc32.js";
import { buildGraphs, planGraphs, type GraphsPlan } from "../graph/pipeline/pipeline.js";
import { graphFile, intervalSecondsOf, partitionsRoot } from "../graph/pipeline/layout.js";
import { formatArchSpec, parseArchSpecs, type ArchSpecValue } from "../graph/arch/spec.js";
import { partitionLanl } from "../partition/partition.js";
import { isoDuration } from "../time/duration.js";
import type { RefexPreset } from "../embedding/refex.js";
import { DEFAULT_DETECTOR, DETECTOR_NAMES, defaultSpans, detect, type DetectorName } from "./detect.js";
import { CONTROL_NAMES } from "./controls.js";
import type { EvaluationRow } from "./evaluate.js";
import { ENTITY_ROLES } from "./labels.js";
import type { Engine } from "../engine/engine.js";

const MODULE = "telemetry-lab/evaluation/compare";

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Architectures: specs, or their text/JSON form (`src/graph/arch/spec.ts`). */
  archs: readonly (ArchSpecValue | string)[];
  /** Interval lengths. Default ["1h"]. */
  intervals?: readonly string[];
  /** Detectors reported (the controls always are). Default [{@link DEFAULT_DETECTOR}]. */
  scores?: readonly DetectorName[];
  /** Time frame (ISO, UTC). Default: the partitions' span. */
  start?: string;
  end?: string;
  /** Training and test spans `START/END`, as for `detect`. Default: `detect`'s. */
  train?: string;
  test?: string;
  /** Roles options passed to `detect`. */
  preset?: RefexPreset;
  roles?: number;
  /** Worker threads of each stage. Default: the cores. */
  jobs?: number;
  /** The engine of every per-interval stage (`src/engine/`), owned by the caller. Default: local worker threads. */
  engine?: Engine;
  /** Output folder of the results table. Default `DIR/experiments/compare`. */
  out?: string;
  /** File stem of the results table. Default "results". */
  name?: string;
  /** Recompute the evaluation even when a verified record exists. Default false. */
  force?: boolean;
  quiet?: boolean;
  /** Called after each configuration (for progress in notebooks). */
  onConfig?: (row: ConfigResult) => void;
}

/** Defaults of {@link CompareOptions}. */
export const COMPARE_DEFAULTS = Object.freeze({ intervals: Object.freeze(["1h"]), scores: Object.freeze([DEFAULT_DETECTOR]), name: "results" });

/** Stage seconds of one configuration (NaN: the stage ran outside `compare` and was not timed). */
export interface StageSeconds {
  partitions: number;
  graphs: number;
  roles: number;
  scores: number;
  evaluation: number;
}

/** One row of the results table. */
export interface CompareRow {
  /** Canonical spec text, e.g. `shallow:types=entity`. */
  readonly arch: string;
  /** Experiment folder name (the cache key of the graphs). */
  readonly archFolder: string;
  /** `1h`, `30m`, ... as given; and in seconds. */
  readonly interval: string;
  readonly intervalSeconds: number;
  readonly score: string;
  /** A trivial control (reference row), not a detector. */
  readonly control: boolean;
  /** Entity-interval unit, all roles. */
  readonly ap: number;
  readonly rocAuc: number;
  readonly recall10: number;
  readonly recall100: number;
  /** Entity-interval unit per role: AP and recall@100/day. */
  readonly apSourceComputer: number;
  readonly apDestinationComputer: number;
  readonly apUser: number;
  readonly recall100SourceComputer: number;
  readonly recall100DestinationComputer: number;
  readonly recall100User: number;
  /** Event unit. */
  readonly eventAp: number;
  readonly eventRocAuc: number;
  readonly eventRecall10: number;
  readonly eventRecall100: number;
  /** Mean vertices and edges per interval, over the frame. */
  readonly vertices: number;
  readonly edges: number;
  /** Bytes on disk of the graphs, features, roles and scores of the configuration. */
  readonly bytes: number;
  readonly seconds: StageSeconds;
  /** Every stage and the evaluation were reused. */
  readonly cached: boolean;
}

/** One configuration's result. */
export interface ConfigResult {
  spec: ArchSpecValue;
  interval: string;
  plan: GraphsPlan;
  scoresDir: string;
  rows: CompareRow[];
  cached: boolean;
  seconds: number;
}

/** What {@link compare} returns. */
export interface CompareRun {
  rows: CompareRow[];
  configs: ConfigResult[];
  parquetPath: string;
  csvPath: string;
  seconds: number;
}

interface ConfigRecord {
  version: 1;
  key: string;
  scoresDir: string;
  /** CRC-32 of the score tables' sidecars (their configuration and bytes) and of the labels. */
  scoresCrc: number;
  intervals: number;
  rows: EvaluationRow[];
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const n of names) {
    const s = statSync(join(dir, n));
    if (s.isFile()) total += s.size;
  }
  return total;
}

function fileCrc(path: string): number | undefined {
  try {
    return crc32(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** CRC-32 of every score table's sidecar (its configuration, size and CRC) and of the labels' CRC. */
function scoresCrc(plan: GraphsPlan, scoresDir: string, labelsCrc: number): number {
  const parts: string[] = [String(labelsCrc)];
  for (const s of plan.intervals) {
    try {
      parts.push(readFileSync(join(scoresDir, `${s}.parquet.json`), "utf8"));
    } catch {
      parts.push("missing");
    }
  }
  return crc32(Buffer.from(parts.join("\n")));
}

/** Recorded stage seconds of an experiment, by stage key. */
function secondsPath(plan: GraphsPlan): string {
  return join(plan.experimentDir, "compare", "seconds.json");
}

function recordSeconds(plan: GraphsPlan, key: string, seconds: number): void {
  const path = secondsPath(plan);
  const all = readJson<Record<string, number>>(path) ?? {};
  all[key] = seconds;
  writeFileAtomic(path, JSON.stringify(all, null, 1) + "\n");
}

function recordedSeconds(plan: GraphsPlan, key: string): number {
  const v = (readJson<Record<string, number>>(secondsPath(plan)) ?? {})[key];
  return typeof v === "number" ? v : Number.NaN;
}

/** The recall at `budget` alerts per day of a row (NaN when absent). */
function recallAt(row: EvaluationRow | undefined, budget: number): number {
  return row?.budgets.find((b) => b.per === "day" && b.budget === budget)?.recall ?? Number.NaN;
}

/**
 * The results rows of one configuration from its evaluation rows: one per reported
 * score and per control.
 */
export function rowsOf(evaluation: readonly EvaluationRow[], scores: readonly string[], base: Pick<CompareRow, "arch" | "archFolder" | "interval" | "intervalSeconds" | "vertices" | "edges" | "bytes" | "seconds" | "cached">): CompareRow[] {
  const names = [...scores, ...[...new Set(evaluation.map((r) => r.score))].filter((s) => s.startsWith("control:"))];
  return names.map((score) => {
    const find = (unit: string, role: string): EvaluationRow | undefined => evaluation.find((r) => r.score === score && r.unit === unit && r.role === role);
    const all = find("entity-interval", "all");
    const ev = find("event", "all");
    const [sc, dc, us] = ENTITY_ROLES.map((role) => find("entity-interval", role));
    const nan = Number.NaN;
    return {
      ...base,
      score,
      control: score.startsWith("control:"),
      ap: all?.ap ?? nan,
      rocAuc: all?.rocAuc ?? nan,
      recall10: recallAt(all, 10),
      recall100: recallAt(all, 100),
      apSourceComputer: sc?.ap ?? nan,
      apDestinationComputer: dc?.ap ?? nan,
      apUser: us?.ap ?? nan,
      recall100SourceComputer: recallAt(sc, 100),
      recall100DestinationComputer: recallAt(dc, 100),
      recall100User: recallAt(us, 100),
      eventAp: ev?.ap ?? nan,
      eventRocAuc: ev?.rocAuc ?? nan,
      eventRecall10: recallAt(ev, 10),
      eventRecall100: recallAt(ev, 100),
    };
  });
}

/** The column names of the results table, in order. */
export const COMPARE_COLUMNS: readonly string[] = Object.freeze([
  "arch", "arch_folder", "interval", "interval_seconds", "score", "control",
  "ap", "roc_auc", "recall10", "recall100",
  "ap_source_computer", "ap_destination_computer", "ap_user",
  "recall100_source_computer", "recall100_destination_computer", "recall100_user",
  "event_ap", "event_roc_auc", "event_recall10", "event_recall100",
  "vertices", "edges", "bytes",
  "seconds_partitions", "seconds_graphs", "seconds_roles", "seconds_scores", "seconds_evaluation", "cached",
]);

function cells(r: CompareRow): (string | number)[] {
  const s = r.seconds;
  return [r.arch, r.archFolder, r.interval, r.intervalSeconds, r.score, r.control ? 1 : 0,
    r.ap, r.rocAuc, r.recall10, r.recall100,
    r.apSourceComputer, r.apDestinationComputer, r.apUser,
    r.recall100SourceComputer, r.recall100DestinationComputer, r.recall100User,
    r.eventAp, r.eventRocAuc, r.eventRecall10, r.eventRecall100,
    r.vertices, r.edges, r.bytes,
    s.partitions, s.graphs, s.roles, s.scores, s.evaluation, r.cached ? 1 : 0];
}

/**
 * The results table as CSV (columns {@link COMPARE_COLUMNS}).
 *
 * @example
 * compareCsv(run.rows).split("\n")[0]; // "arch,arch_folder,interval,interval_seconds,score,control,ap,..."
 */
export function compareCsv(rows: readonly CompareRow[]): string {
  const quote = (v: string | number): string => (typeof v === "string" && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  return [COMPARE_COLUMNS.join(","), ...rows.map((r) => cells(r).map(quote).join(","))].join("\n") + "\n";
}

/** Writes the results table as Parquet (strings, doubles, int32 flags). */
export function writeCompareParquet(path: string, rows: readonly CompareRow[]): void {
  const table = rows.map(cells);
  const columns: ParquetColumn[] = COMPARE_COLUMNS.map((name, j) => {
    if (name === "arch" || name === "arch_folder" || name === "interval" || name === "score") return { name, type: "string" as const, values: table.map((c) => c[j] as string) };
    if (name === "control" || name === "cached" || name === "interval_seconds") return { name, type: "int32" as const, values: Int32Array.from(table.map((c) => c[j] as number)) };
    return { name, type: "double" as const, values: Float64Array.from(table.map((c) => c[j] as number)) };
  });
  writeParquet(path, { columns, metadata: { producer: MODULE } });
}

function describeInterval(text: string): string {
  return text;
}

/**
 * Runs or reuses one configuration (see the module comment).
 */
async function runConfig(dir: string, spec: ArchSpecValue, interval: string, labels: readonly RedteamEvent[], labelsCrc: number, options: CompareOptions, partitionSeconds: number): Promise<ConfigResult> {
  const t0 = performance.now();
  const quiet = options.quiet ?? false;
  const graphsOptions = { interval, start: options.start, end: options.end, arch: spec.arch, archOptions: spec.options, jobs: options.jobs, engine: options.engine, quiet };
  const plan = planGraphs(dir, graphsOptions);
  const spans = defaultSpans(plan, labels, "2015-01-01T00:00:00");
  const train = options.train ?? `${spans.train.start}/${spans.train.end}`;
  const test = options.test ?? (options.train !== undefined ? undefined : `${spans.test.start}/${spans.test.end}`);
  const key = crc32(Buffer.from(JSON.stringify({ train, test, preset: options.preset ?? null, roles: options.roles ?? null, detectors: DETECTOR_NAMES }))).toString(16).padStart(8, "0");
  const recordPath = join(plan.experimentDir, "compare", `${key}.json`);
  const exp = { intervalSeconds: plan.intervalSeconds, start: plan.start, end: plan.end, arch: plan.archFolder };
  const graphsBuilt = plan.intervals.every((s) => existsSync(graphFile(plan.dir, exp, s)));
  // 1. Graphs (timed here, so the roles stage's time is its own).
  if (!graphsBuilt) {
    const g = await buildGraphs(dir, graphsOptions);
    if (g.built.length > 0) recordSeconds(plan, "graphs", g.seconds);
  }
  // 2. Reuse the whole result when its evaluation and score tables are unchanged.
  let record = options.force ? undefined : readJson<ConfigRecord>(recordPath);
  if (record !== undefined) {
    const ok = record.version === 1 && record.key === key && record.intervals === plan.intervals.length &&
      plan.intervals.every((s) => existsSync(join(plan.experimentDir, record!.scoresDir, `${s}.parquet`))) &&
      scoresCrc(plan, join(plan.experimentDir, record.scoresDir), labelsCrc) === record.scoresCrc;
    if (!ok) record = undefined;
  }
  const cached = record !== undefined && graphsBuilt;
  if (record === undefined) {
    const run = await detect(dir, { ...graphsOptions, train, test, preset: options.preset, roles: options.roles });
    if (run.evaluation === undefined) throw new Error(`${MODULE}: ${dir} has no red-team labels (raw/redteam.txt.gz): nothing to compare on`);
    const scoresDir = relative(plan.experimentDir, run.scoresDir);
    const rolesDir = relative(plan.experimentDir, run.roles.rolesDir);
    const evalSeconds = run.evaluation.seconds;
    if (run.roles.written > 0) recordSeconds(plan, rolesDir, run.roles.seconds);
    if (run.written > 0) recordSeconds(plan, scoresDir, Math.max(0, run.seconds - run.roles.seconds - evalSeconds));
    recordSeconds(plan, `evaluation:${key}`, evalSeconds);
    record = { version: 1, key, scoresDir, scoresCrc: scoresCrc(plan, run.scoresDir, labelsCrc), intervals: plan.intervals.length, rows: run.evaluation.rows as EvaluationRow[] };
    writeFileAtomic(recordPath, JSON.stringify(record) + "\n");
  }
  // 3. Cost.
  const summary = readJson<{ intervals: Array<{ vertices: number; edges: number }> }>(join(plan.experimentDir, "summary.json"));
  let vertices = 0;
  let edges = 0;
  for (const s of summary?.intervals ?? []) {
    vertices += s.vertices;
    edges += s.edges;
  }
  const n = Math.max(1, summary?.intervals.length ?? 1);
  const scoresAbs = join(plan.experimentDir, record.scoresDir);
  const rolesName = record.scoresDir.replace(/^scores/, "roles");
  const featuresName = featuresFolderOf(plan, rolesName);
  const bytes = dirBytes(plan.graphsDir) + dirBytes(join(plan.experimentDir, featuresName)) + dirBytes(join(plan.experimentDir, rolesName)) + dirBytes(scoresAbs);
  const seconds: StageSeconds = {
    partitions: partitionSeconds,
    graphs: recordedSeconds(plan, "graphs"),
    roles: recordedSeconds(plan, rolesName),
    scores: recordedSeconds(plan, record.scoresDir),
    evaluation: recordedSeconds(plan, `evaluation:${key}`),
  };
  const scores = (options.scores ?? COMPARE_DEFAULTS.scores) as readonly string[];
  const rows = rowsOf(record.rows, scores, {
    arch: formatArchSpec(spec),
    archFolder: plan.archFolder,
    interval: describeInterval(interval),
    intervalSeconds: plan.intervalSeconds,
    vertices: vertices / n,
    edges: edges / n,
    bytes,
    seconds,
    cached,
  });
  return { spec, interval, plan, scoresDir: scoresAbs, rows, cached, seconds: (performance.now() - t0) / 1000 };
}

/** The features folder of a roles folder: the roles suffix up to its `keep` part (see the roles pipeline's naming). */
function featuresFolderOf(plan: GraphsPlan, rolesName: string): string {
  const suffix = rolesName.slice("roles".length);
  const parts = suffix.split("+").filter((p) => p !== "");
  const kept = parts.filter((p) => /^(preset|train|keep)=/.test(p));
  const name = "features" + kept.map((p) => `+${p}`).join("");
  return existsSync(join(plan.experimentDir, name)) ? name : "features";
}

/**
 * Compares architectures × interval lengths on the LANL folder `dir` (see the module
 * comment); writes `<out>/<name>.parquet` and `<out>/<name>.csv`.
 *
 * @throws when a spec, an interval or a stage fails, or the folder has no labels.
 * @example
 * const run = await compare("data/lanl", { archs: ["all-category-no-attr", "shallow:types=entity"], intervals: ["1h", "30m"] });
 * run.rows.filter((r) => !r.control).map((r) => [r.arch, r.interval, r.ap]);
 */
export async function compare(dir: string, options: CompareOptions): Promise<CompareRun> {
  const t0 = performance.now();
  const specs = options.archs.flatMap((a) => (typeof a === "string" ? parseArchSpecs(a) : [a]));
  if (specs.length === 0) throw new Error(`${MODULE}: no architecture to compare`);
  const intervals = options.intervals ?? COMPARE_DEFAULTS.intervals;
  if (intervals.length === 0) throw new Error(`${MODULE}: no interval length`);
  for (const s of options.scores ?? []) {
    if (!DETECTOR_NAMES.includes(s)) throw new Error(`${MODULE}: unknown score '${String(s)}'; expected one of ${DETECTOR_NAMES.join(", ")}`);
  }
  const seen = new Set<string>();
  const redteamPath = join(dir, "raw", "redteam.txt.gz");
  if (!existsSync(redteamPath)) throw new Error(`${MODULE}: ${redteamPath} is missing: the comparison needs the red-team labels`);
  const labels = await readRedteam(redteamPath);
  const labelsCrc = fileCrc(redteamPath)!;
  const out = options.out ?? join(dir, "experiments", "compare");
  const configs: ConfigResult[] = [];
  for (const interval of intervals) {
    const seconds = intervalSecondsOf(interval);
    const iso = isoDuration(seconds);
    const partRecord = join(dir, "experiments", "compare", `partitions-${iso}.json`);
    if (!existsSync(partitionsRoot(dir, seconds))) {
      const t = performance.now();
      await partitionLanl(dir, { interval: seconds, quiet: options.quiet });
      writeFileAtomic(partRecord, JSON.stringify({ interval: iso, seconds: (performance.now() - t) / 1000 }) + "\n");
    }
    const partitionSeconds = readJson<{ seconds: number }>(partRecord)?.seconds ?? Number.NaN;
    for (const spec of specs) {
      const id = `${iso}|${formatArchSpec(spec)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const r = await runConfig(dir, spec, interval, labels, labelsCrc, options, partitionSeconds);
      configs.push(r);
      options.onConfig?.(r);
    }
  }
  const rows = sortRows(configs.flatMap((c) => c.rows));
  const name = options.name ?? COMPARE_DEFAULTS.name;
  const parquetPath = join(out, `${name}.parquet`);
  const csvPath = join(out, `${name}.csv`);
  writeCompareParquet(parquetPath, rows);
  writeFileAtomic(csvPath, compareCsv(rows));
  return { rows, configs, parquetPath, csvPath, seconds: (performance.now() - t0) / 1000 };
}

/** Detector rows by AP (descending), then the controls by AP; ties by architecture and interval. */
export function sortRows(rows: readonly CompareRow[]): CompareRow[] {
  const ap = (r: CompareRow): number => (Number.isNaN(r.ap) ? -1 : r.ap);
  return [...rows].sort((a, b) => Number(a.control) - Number(b.control) || ap(b) - ap(a) || (a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0) || a.intervalSeconds - b.intervalSeconds || (a.score < b.score ? -1 : 1));
}

function fmt(x: number, digits = 3): string {
  if (Number.isNaN(x)) return "-";
  return x.toFixed(digits);
}

function fmtSeconds(x: number): string {
  return Number.isNaN(x) ? "-" : x < 10 ? x.toFixed(1) : x.toFixed(0);
}

function fmtCount(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}

/**
 * The table as text: detector rows sorted by AP, then the controls as reference rows
 * (deduplicated: one per control, interval length and architecture).
 *
 * @example
 * formatCompare(run.rows).split("\n")[0];
 * // "arch                       interval  score          AP   ROC-AUC  R@10/d ..."
 */
export function formatCompare(rows: readonly CompareRow[]): string {
  const sorted = sortRows(rows);
  const w = Math.max(28, ...sorted.map((r) => r.arch.length + 1));
  const sw = Math.max(14, ...sorted.map((r) => r.score.length + 1));
  const head = `${"arch".padEnd(w)}${"interval".padEnd(9)}${"score".padEnd(sw)}${["AP", "ROC-AUC", "R@10/d", "R@100/d", "AP-src", "AP-dst", "AP-user", "evt-AP", "evt-R@100"].map((h) => h.padStart(8)).join(" ")}${["V/int", "E/int", "MB", "s-graph", "s-roles", "s-score", "s-eval"].map((h) => h.padStart(8)).join(" ")}`;
  const lines = [head];
  let inControls = false;
  for (const r of sorted) {
    if (r.control && !inControls) {
      lines.push("-- controls (reference rows) --");
      inControls = true;
    }
    lines.push(`${r.arch.padEnd(w)}${r.interval.padEnd(9)}${r.score.padEnd(sw)}${[r.ap, r.rocAuc, r.recall10, r.recall100, r.apSourceComputer, r.apDestinationComputer, r.apUser, r.eventAp, r.eventRecall100].map((x) => fmt(x).padStart(8)).join(" ")}${[fmtCount(r.vertices), fmtCount(r.edges), (r.bytes / 1e6).toFixed(0), fmtSeconds(r.seconds.graphs), fmtSeconds(r.seconds.roles), fmtSeconds(r.seconds.scores), fmtSeconds(r.seconds.evaluation)].map((x) => x.padStart(8)).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/** The control names (for reference rows), re-exported for the CLI's help. */
export const COMPARE_CONTROLS: readonly string[] = CONTROL_NAMES;
