/**
 * The per-interval embedding stage after `lanl graphs`: ReFeX features of every interval
 * graph with one feature list fixed on a training span, a RolX role basis fitted once on
 * the training span's vertices (stacked), and every interval's role memberships by
 * projection on that fixed basis, so that a vertex's roles compare hour to hour.
 *
 * Layout, beside the graphs (`src/graph/pipeline/layout.ts`):
 *
 * ```
 * <experiment>/features<suffix>/feature-list.json   the fixed list and how it was chosen
 * <experiment>/features<suffix>/<start>.parquet     node, <features...>   (+ <start>.parquet.json sidecar)
 * <experiment>/roles<suffix>/model.json             the basis F, roles, bits, MDL grid, training span
 * <experiment>/roles<suffix>/<start>.parquet        node, role_0..role_{K-1}, role, scale, residual
 * <experiment>/roles<suffix>/summary.json           per interval: vertices, role mass, role counts
 * ```
 *
 * `<suffix>` is empty for the defaults and names the options that differ otherwise
 * (`features+preset=llnl`, `roles+preset=llnl+roles=4`). Parallel over intervals (worker
 * threads), resumable: a table is trusted only when its sidecar matches its bytes, the
 * feature list and basis only when their configuration matches; outputs are atomic.
 *
 * Sources: Henderson et al., KDD 2011 (ReFeX) and KDD 2012 (RolX); Palladino & Thissen,
 * "Cyber Anomaly Detection Using Graph-node Role-dynamics", arXiv 1812.02848 (the fixed
 * basis over time windows); LLNL refex-rolx `CalculateFeatures` (a saved feature list).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative, sep } from "node:path";
import { writeFileAtomic } from "../../io/atomic.js";
import { sweepAfter, sweepBefore } from "../../engine/engine.js";
import { LocalEngine } from "../../engine/local.js";
import type { Task } from "../../engine/task.js";
import { createProgress } from "../../notebook/progress.js";
import { formatIsoUtc, parseIsoUtc } from "../../time/interval.js";
import { buildGraphs, planGraphs, type GraphsOptions, type GraphsPlan } from "../../graph/pipeline/pipeline.js";
import { graphFile } from "../../graph/pipeline/layout.js";
import { crc32 } from "../../graph/format/crc32.js";
import { matrix, type Matrix } from "../matrix.js";
import type { RefexPreset } from "../refex.js";
import { rolx } from "../rolx.js";
import { basisJson, readFeatureTable, reviveBasis, verifiedOutput, type FeaturesTask, type LearnResult, type LearnTask, type RoleBasis, type RolesTask, type TableResult } from "./task.js";

const MODULE = "telemetry-lab/embedding/pipeline/pipeline";

/** Options of {@link embedRoles}: the graph stage's options, plus the embedding's. */
export interface RolesOptions extends GraphsOptions {
  /** Feature and role preset. Default "graphrole". */
  preset?: RefexPreset;
  /** Training span `START/END` (ISO, on the grid, inside the frame). Default: the frame's first day (its first half when shorter than two days). */
  train?: string;
  /** Number of roles; default: chosen by MDL on the training vertices. */
  roles?: number;
  /** A feature is on the fixed list when ReFeX keeps it in at least this share of the training intervals. Default 0.5. */
  keepShare?: number;
  /** At most this many training rows (vertex-intervals) enter the NMF fit, taken at an even stride. Default 50,000. */
  fitRows?: number;
  /**
   * How each interval's memberships are solved with F fixed: `nnls` (default), exact non-negative
   * least squares per vertex, so that a vertex's roles do not depend on the other vertices of its
   * interval; `mu`, sklearn's `NMF.transform` (multiplicative updates with a stopping rule on the
   * whole matrix, under which low-valued rows may stop near their start).
   */
  transform?: "nnls" | "mu";
  /** Seed of the role fit. Default 1. */
  seed?: number;
  /** Build missing graphs first (`buildGraphs`, resumable). Default true. */
  buildMissing?: boolean;
}

/** Defaults of {@link RolesOptions}. */
export const ROLES_DEFAULTS = Object.freeze({ preset: "graphrole" as RefexPreset, keepShare: 0.5, fitRows: 50_000, seed: 1, transform: "nnls" as "nnls" | "mu", buildMissing: true });

/** The fixed feature list and how it was chosen (`feature-list.json`). */
export interface FeatureList {
  preset: RefexPreset;
  train: { start: string; end: string; intervals: number };
  keepShare: number;
  features: string[];
  generations: number[];
  /** For each feature, in how many training intervals ReFeX kept it. */
  keptIn: number[];
  /** Every feature kept in at least one training interval, with its count. */
  candidates: Array<{ feature: string; generation: number; keptIn: number }>;
}

export type { RoleBasis };

/** What {@link embedRoles} returns. */
export interface RolesRun {
  plan: GraphsPlan;
  featuresDir: string;
  rolesDir: string;
  featureList: FeatureList;
  basis: RoleBasis;
  /** Per interval: its roles table's result (rows = vertices, role mass, role counts). */
  intervals: TableResult[];
  /** Tables written by this run, and found verified from an earlier run. */
  written: number;
  reused: number;
  seconds: number;
}

function suffix(parts: Array<[string, unknown, unknown]>): string {
  let s = "";
  for (const [key, value, def] of parts) if (value !== undefined && value !== def) s += `+${key}=${String(value).replace(/[^A-Za-z0-9,._-]/g, "_")}`;
  return s;
}

/** The training span: explicit, or the frame's first day (first half of a frame shorter than two days). */
export function trainingSpan(plan: GraphsPlan, train: string | undefined): { start: string; end: string; intervals: string[] } {
  let start: string;
  let end: string;
  if (train !== undefined) {
    const parts = train.split("/");
    if (parts.length !== 2) throw new Error(`${MODULE}: --train must be START/END (ISO instants), got '${train}'`);
    start = formatIsoUtc(parseIsoUtc(parts[0]!));
    end = formatIsoUtc(parseIsoUtc(parts[1]!));
  } else {
    const s = parseIsoUtc(plan.start);
    const e = parseIsoUtc(plan.end);
    const day = 86_400;
    const cut = e - s >= 2 * day ? s + day : s + Math.max(plan.intervalSeconds, Math.floor((e - s) / 2 / plan.intervalSeconds) * plan.intervalSeconds);
    start = plan.start;
    end = formatIsoUtc(cut);
  }
  const intervals = plan.intervals.filter((t) => t >= start && t < end);
  if (intervals.length === 0) throw new Error(`${MODULE}: the training span ${start}/${end} holds no interval of the frame ${plan.start}/${plan.end}`);
  return { start, end, intervals };
}

/**
 * Chooses the fixed feature list from the features ReFeX kept on each training interval:
 * those kept in at least `keepShare` of the non-empty training intervals, ordered by
 * generation, then name.
 *
 * @example
 * chooseFeatures([{ features: ["degree", "degree(sum)"], generations: [0, 1] }, { features: ["degree"], generations: [0] }], 0.5);
 * // features ["degree", "degree(sum)"] (each kept in >= 1 of 2 intervals)
 */
export function chooseFeatures(learned: ReadonlyArray<Pick<LearnResult, "features" | "generations">>, keepShare: number): Pick<FeatureList, "features" | "generations" | "keptIn" | "candidates"> {
  const count = new Map<string, { generation: number; keptIn: number }>();
  let nonEmpty = 0;
  for (const l of learned) {
    if (l.features.length === 0) continue;
    nonEmpty++;
    l.features.forEach((f, i) => {
      const c = count.get(f);
      if (c === undefined) count.set(f, { generation: l.generations[i]!, keptIn: 1 });
      else c.keptIn++;
    });
  }
  if (nonEmpty === 0) throw new Error(`${MODULE}: every training graph is empty; choose another training span`);
  const order = (a: [string, { generation: number }], b: [string, { generation: number }]): number =>
    a[1].generation - b[1].generation || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const candidates = [...count.entries()].sort(order);
  const need = Math.max(1, Math.ceil(keepShare * nonEmpty - 1e-9));
  const chosen = candidates.filter(([, c]) => c.keptIn >= need);
  return {
    features: chosen.map(([f]) => f),
    generations: chosen.map(([, c]) => c.generation),
    keptIn: chosen.map(([, c]) => c.keptIn),
    candidates: candidates.map(([feature, c]) => ({ feature, generation: c.generation, keptIn: c.keptIn })),
  };
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export { basisJson, reviveBasis };

/** Row-stacks the training tables, keeping every `stride`-th row (deterministic). */
function stack(tables: Matrix[], cols: number, maxRows: number): { V: Matrix; rows: number } {
  let rows = 0;
  for (const t of tables) rows += t.rows;
  const stride = Math.max(1, Math.ceil(rows / maxRows));
  const keep = Math.ceil(rows / stride);
  const V = matrix(keep, cols);
  let k = 0;
  let i = 0;
  for (const t of tables) {
    for (let r = 0; r < t.rows; r++, i++) {
      if (i % stride !== 0) continue;
      V.data.set(t.data.subarray(r * cols, (r + 1) * cols), k * cols);
      k++;
    }
  }
  return { V: k === keep ? V : matrix(k, cols, V.data.slice(0, k * cols)), rows };
}

/**
 * Runs the embedding stage on the experiment of `dir` (see the module comment); builds
 * the graphs first when they are missing.
 *
 * @throws when the plan is invalid, a graph file is corrupt, or the training span is empty.
 * @example
 * const run = await embedRoles("data/lanl", { start: "2015-01-01T00:00:00", end: "2015-01-03T00:00:00" });
 * run.basis.roles;        // e.g. 5 (chosen by MDL)
 * run.intervals.length;   // 48 role tables, one per hour
 */
export async function embedRoles(dir: string, options: RolesOptions = {}): Promise<RolesRun> {
  const t0 = performance.now();
  const preset = options.preset ?? ROLES_DEFAULTS.preset;
  if (preset !== "graphrole" && preset !== "llnl") throw new Error(`${MODULE}: unknown preset '${String(preset)}'; expected graphrole or llnl`);
  const keepShare = options.keepShare ?? ROLES_DEFAULTS.keepShare;
  if (!(keepShare > 0 && keepShare <= 1)) throw new Error(`${MODULE}: keepShare must be in (0, 1], got ${keepShare}`);
  const fitRows = options.fitRows ?? ROLES_DEFAULTS.fitRows;
  if (!Number.isSafeInteger(fitRows) || fitRows < 10) throw new Error(`${MODULE}: fitRows must be an integer >= 10, got ${fitRows}`);
  const seed = options.seed ?? ROLES_DEFAULTS.seed;
  const transform = options.transform ?? ROLES_DEFAULTS.transform;
  if (transform !== "nnls" && transform !== "mu") throw new Error(`${MODULE}: transform must be nnls or mu, got '${String(transform)}'`);
  if (options.roles !== undefined && (!Number.isSafeInteger(options.roles) || options.roles < 1)) throw new Error(`${MODULE}: roles must be a positive integer, got ${options.roles}`);

  const plan = planGraphs(dir, options);
  const key = { intervalSeconds: plan.intervalSeconds, start: plan.start, end: plan.end, arch: plan.archFolder };
  const missing = plan.intervals.filter((s) => !existsSync(graphFile(plan.dir, key, s)));
  if (missing.length > 0) {
    if (options.buildMissing === false) throw new Error(`${MODULE}: ${missing.length} graphs are missing under ${plan.graphsDir} (first ${missing[0]}); run 'telemetry-lab lanl graphs' first`);
    await buildGraphs(dir, options);
  }
  const span = trainingSpan(plan, options.train);
  const defaultSpan = trainingSpan(plan, undefined);
  const trainTag = span.start === defaultSpan.start && span.end === defaultSpan.end ? undefined : `${span.start}_${span.end}`;
  const featuresDir = join(plan.experimentDir, "features" + suffix([["preset", preset, "graphrole"], ["train", trainTag, undefined], ["keep", keepShare, 0.5]]));
  const rolesDir = join(plan.experimentDir, "roles" + suffix([["preset", preset, "graphrole"], ["train", trainTag, undefined], ["keep", keepShare, 0.5], ["roles", options.roles, undefined], ["fit", fitRows, 50_000], ["seed", seed, 1], ["transform", transform, "nnls"]]));
  sweepBefore(options.engine, [featuresDir, rolesDir]);

  const jobs = options.jobs ?? Math.min(availableParallelism(), plan.intervals.length);
  const engine = options.engine ?? new LocalEngine(Math.min(jobs, plan.intervals.length));
  const task = <I extends { start: string }>(stage: Task["stage"], input: I): Task<I> => ({ stage, experiment: plan.experimentDir, interval: input.start, input });
  const quiet = options.quiet ?? false;
  let written = 0;
  let reused = 0;
  try {
    // 1. The fixed feature list, learned on the training graphs.
    const listConfig = JSON.stringify({ preset, train: [span.start, span.end], keepShare, graphs: relative(plan.dir, plan.experimentDir).split(sep).join("/") });
    const listPath = join(featuresDir, "feature-list.json");
    let list = readJson<FeatureList & { config: string }>(listPath);
    if (list === undefined || list.config !== listConfig) {
      const p = createProgress({ label: `features: learn the list (${preset})`, total: span.intervals.length, unit: "graphs", quiet });
      const learned = await engine.runAll<LearnResult>(
        span.intervals.map((start) => task<LearnTask>("features-learn", { kind: "learn", start, graphPath: graphFile(plan.dir, key, start), preset })),
        { onResult: () => p.add(1) },
      );
      const chosen = chooseFeatures(learned, keepShare);
      p.finish(`${chosen.features.length} features kept in >= ${keepShare} of ${span.intervals.length} training graphs`);
      list = { preset, train: { start: span.start, end: span.end, intervals: span.intervals.length }, keepShare, ...chosen, config: listConfig };
      writeFileAtomic(listPath, JSON.stringify(list, null, 1) + "\n");
    }
    const features = list.features;
    const featureConfig = `${listConfig}|${features.join(",")}`;

    // 2. Features of every interval with the fixed list.
    const featureResults = new Map<string, TableResult>();
    const todo: string[] = [];
    for (const start of plan.intervals) {
      const v = verifiedOutput(join(featuresDir, `${start}.parquet`), featureConfig);
      if (v !== undefined) featureResults.set(start, v);
      else todo.push(start);
    }
    reused += featureResults.size;
    if (todo.length > 0) {
      const p = createProgress({ label: `features ${plan.archFolder} (${features.length} per vertex)`, total: todo.length, unit: "graphs", quiet });
      await engine.runAll<TableResult>(
        todo.map((start) => task<FeaturesTask>("features", { kind: "features", start, graphPath: graphFile(plan.dir, key, start), preset, features, outPath: join(featuresDir, `${start}.parquet`), config: featureConfig })),
        {
          onResult: (t, r) => {
            featureResults.set(t.interval, r);
            p.add(1);
          },
        },
      );
      written += todo.length;
      p.finish(`${todo.length} feature tables written, ${plan.intervals.length - todo.length} verified from an earlier run`);
    }
    sweepAfter(options.engine, [featuresDir]);

    // 3. The role basis, fitted once on the stacked training vertices.
    const basisConfig = `${featureConfig}|factors=nmf|roles=${options.roles ?? "mdl"}|fit=${fitRows}|seed=${seed}`;
    const modelPath = join(rolesDir, "model.json");
    const old = readJson<RoleBasis>(modelPath);
    let basis: RoleBasis;
    if (old !== undefined && old.config === basisConfig) {
      basis = reviveBasis(old);
    } else {
      const tables = span.intervals.map((start) => readFeatureTable(join(featuresDir, `${start}.parquet`), features).V);
      const { V, rows } = stack(tables, features.length, fitRows);
      if (V.rows < 2) throw new Error(`${MODULE}: the training span ${span.start}/${span.end} has ${V.rows} vertices; too few to fit roles`);
      // The basis is the NMF's own F (graphrole outputs its quantised factors; quantisation serves the MDL choice only).
      const fit = rolx(V, features, { preset, roles: options.roles, seed, factors: "nmf" });
      basis = { ...fit.model, train: { start: span.start, end: span.end, intervals: span.intervals.length, rows, fitRows: V.rows }, config: basisConfig };
      writeFileAtomic(modelPath, basisJson(basis));
    }

    // 4. Role memberships of every interval on the fixed basis.
    const roleConfig = `${basisConfig}|transform=${transform}|model=${crc32(Buffer.from(basisJson(basis))).toString(16)}`;
    const roleResults = new Map<string, TableResult>();
    const todoRoles: string[] = [];
    for (const start of plan.intervals) {
      const v = verifiedOutput(join(rolesDir, `${start}.parquet`), roleConfig);
      if (v !== undefined) roleResults.set(start, v);
      else todoRoles.push(start);
    }
    reused += roleResults.size;
    if (todoRoles.length > 0) {
      const p = createProgress({ label: `roles ${plan.archFolder} (${basis.roles} roles)`, total: todoRoles.length, unit: "graphs", quiet });
      await engine.runAll<TableResult>(
        todoRoles.map((start) => task<RolesTask>("roles", { kind: "roles", start, featuresPath: join(featuresDir, `${start}.parquet`), modelPath, method: transform, outPath: join(rolesDir, `${start}.parquet`), config: roleConfig })),
        {
          onResult: (t, r) => {
            roleResults.set(t.interval, r);
            p.add(1);
          },
        },
      );
      written += todoRoles.length;
      p.finish(`${todoRoles.length} role tables written, ${plan.intervals.length - todoRoles.length} verified from an earlier run`);
    }
    sweepAfter(options.engine, [rolesDir]);
    const intervals = plan.intervals.map((s) => roleResults.get(s)!);
    const summary = intervals.map(({ start, rows, roleMass, roleCounts }) => ({ start, vertices: rows, roleMass, roleCounts }));
    writeFileAtomic(join(rolesDir, "summary.json"), JSON.stringify({ roles: basis.roles, features, intervals: summary }, null, 1) + "\n");
    return { plan, featuresDir, rolesDir, featureList: list, basis, intervals, written, reused, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    throw new Error(`${MODULE}: ${plan.experimentDir}: ${(err as Error).message.replace(/^telemetry-lab\/embedding\/pipeline\/pipeline: /, "")}`);
  } finally {
    if (options.engine === undefined) await engine.close();
  }
}

/** Size in bytes of every table of a run (features and roles). */
export function tableBytes(run: RolesRun): number {
  let total = 0;
  for (const s of run.plan.intervals) {
    for (const d of [run.featuresDir, run.rolesDir]) {
      const p = join(d, `${s}.parquet`);
      if (existsSync(p)) total += statSync(p).size;
    }
  }
  return total;
}
