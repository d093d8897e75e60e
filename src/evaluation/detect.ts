/**
 * The detection stage (`telemetry-lab lanl detect`): every stage still missing
 * (partitions, graphs, features, roles on a basis fitted on the training span), then the
 * role-dynamics scores of every (vertex, interval), written as Parquet tables, then — when
 * the folder has red-team labels — the evaluation of every detector beside the trivial
 * controls, on every unit (`evaluate.ts`).
 *
 * Detectors (`DETECTORS`) are configurations of `src/dynamics/`: consecutive role change
 * (Hamelin's reading of Palladino & Thissen), deviation from a static, EWMA or seasonal
 * baseline, the robust z of the role change against the vertex's own history, the residual
 * of a DBMM-style role-transition model, the NMF reconstruction residual, and a
 * rank-normalised combination of role deviation with first-seen edges.
 *
 * Layout, beside the roles: `<experiment>/scores<suffix>/<start>.parquet` (`node`, one
 * double column per detector; NaN = not scored), each with a verified sidecar like the
 * roles tables, and `evaluation.json` / `evaluation.csv` (every row of the evaluation).
 *
 * Sources: Palladino & Thissen, arXiv 1812.02848 (role dynamics); Rossi et al., WSDM 2013
 * (DBMM transitions); `../shared/research/lanl-method.md` §1d–§1e (scores, units, controls).
 */
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { writeFileAtomic, tempPathFor } from "../io/atomic.js";
import { sweepAfter, sweepBefore } from "../engine/engine.js";
import { readParquet } from "../io/parquet.js";
import { createProgress } from "../notebook/progress.js";
import { readRedteam, type RedteamEvent } from "../lanl/redteam.js";
import { formatIsoUtc, parseIsoUtc } from "../time/interval.js";
import { getArch } from "../graph/arch/registry.js";
import { intervalSecondsOf, partitionsRoot } from "../graph/pipeline/layout.js";
import { planGraphs } from "../graph/pipeline/pipeline.js";
import { partitionLanl } from "../partition/partition.js";
import { embedRoles, type RolesOptions, type RolesRun } from "../embedding/pipeline/pipeline.js";
import { verifiedOutput } from "../embedding/pipeline/task.js";
import { crc32 } from "../graph/format/crc32.js";
import type { ScoreFrame } from "../dynamics/frame.js";
import { LocalEngine } from "../engine/local.js";
import type { Task } from "../engine/task.js";
import { DEFAULT_DETECTOR, DETECTOR_NAMES, type DetectorName, type ScoresResult, type ScoresTask } from "./scores.js";
import { groundTruth } from "./labels.js";
import { controlSeries, CONTROL_NAMES, ntlmIndicator } from "./controls.js";
import { evaluate, formatEvaluation, labelArtefacts, type Evaluation, type EvaluationRow } from "./evaluate.js";

const MODULE = "telemetry-lab/evaluation/detect";

export { DetectorBank, DEFAULT_DETECTOR, DETECTORS, DETECTOR_NAMES, runScoresTask, type DetectorName, type ScoresResult, type ScoresTask } from "./scores.js";


/** Options of {@link detect}: the roles stage's options (its `train` is the detection's training span), plus these. */
export interface DetectOptions extends Omit<RolesOptions, "train"> {
  /** Training span `START/END`. Default: from the frame's start to the interval before the first red-team label (the first two days without labels). */
  train?: string;
  /** Test span `START/END`. Default: from the end of the training span to the end of the frame. */
  test?: string;
  /** The headline detector (and the one exported by `scoresCsv`). Default {@link DEFAULT_DETECTOR}. */
  score?: DetectorName;
  /** Evaluate against the red-team labels when the folder has them. Default true. */
  evaluate?: boolean;
  /** Write `interval,vertex,score` of the headline detector over the test span to this file (gzipped when it ends in `.gz`). */
  scoresCsv?: string;
}

/** What {@link detect} returns. */
export interface DetectRun {
  roles: RolesRun;
  train: { start: string; end: string };
  test: { start: string; end: string };
  scoresDir: string;
  score: DetectorName;
  /** Score tables written by this run, and verified from an earlier run. */
  written: number;
  reused: number;
  /** The evaluation (undefined without labels or with `evaluate: false`). */
  evaluation?: Evaluation;
  artefacts?: ReturnType<typeof labelArtefacts>;
  /** Rows written to `scoresCsv`. */
  csvRows?: number;
  seconds: number;
}

/** The default spans: train up to the interval before the first label (2 days without labels), test after. */
export function defaultSpans(frame: { start: string; end: string; intervalSeconds: number }, labels: readonly RedteamEvent[], origin: string): { train: { start: string; end: string }; test: { start: string; end: string } } {
  const s = parseIsoUtc(frame.start);
  const e = parseIsoUtc(frame.end);
  const o = parseIsoUtc(origin);
  let cut: number;
  const inFrame = labels.filter((l) => o + l.time >= s && o + l.time < e);
  if (inFrame.length > 0) {
    const first = Math.min(...inFrame.map((l) => o + l.time));
    cut = o + Math.floor((first - o) / frame.intervalSeconds) * frame.intervalSeconds;
  } else {
    cut = Math.min(e - frame.intervalSeconds, s + 2 * 86_400);
  }
  if (cut <= s) throw new Error(`${MODULE}: the first red-team label falls in the frame's first interval; give --train and --test`);
  return { train: { start: frame.start, end: formatIsoUtc(cut) }, test: { start: formatIsoUtc(cut), end: frame.end } };
}

function span(text: string, what: string): { start: string; end: string } {
  const parts = text.split("/");
  if (parts.length !== 2) throw new Error(`${MODULE}: --${what} must be START/END (ISO instants), got '${text}'`);
  return { start: formatIsoUtc(parseIsoUtc(parts[0]!)), end: formatIsoUtc(parseIsoUtc(parts[1]!)) };
}

/**
 * One detector's scores over the given intervals, read back from the score tables.
 *
 * @example
 * for (const f of detectorSeries(run.scoresDir, testStarts, "roles+novelty")) f.scores; // one Float64Array per interval
 */
export function* detectorSeries(scoresDir: string, starts: readonly string[], name: DetectorName): Generator<ScoreFrame> {
  for (const start of starts) {
    const t = readParquet(join(scoresDir, `${start}.parquet`));
    const nodes = t.columns.find((c) => c.name === "node")!.values as string[];
    const col = t.columns.find((c) => c.name === name);
    if (col === undefined) throw new Error(`${MODULE}: ${scoresDir}/${start}.parquet has no column '${name}'`);
    yield { start, nodes, scores: col.values as Float64Array };
  }
}

/** Writes `interval,vertex,score` rows (scored vertices only), gzipped when the path ends in `.gz`; atomically. */
async function writeScoresCsv(path: string, scoresDir: string, starts: readonly string[], name: DetectorName): Promise<number> {
  const tmp = tempPathFor(path);
  const file = createWriteStream(tmp);
  const gz = path.endsWith(".gz") ? createGzip({ level: 6 }) : undefined;
  const out = gz ?? file;
  if (gz) gz.pipe(file);
  let rows = 0;
  try {
    if (!out.write("interval,vertex,score\n")) await once(out, "drain");
    for (const f of detectorSeries(scoresDir, starts, name)) {
      let chunk = "";
      for (let i = 0; i < f.nodes.length; i++) {
        const s = f.scores[i]!;
        if (Number.isNaN(s)) continue;
        const v = f.nodes[i]!;
        chunk += `${f.start},${/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v},${s}\n`;
        rows++;
      }
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(file, "close");
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${MODULE}: ${path}: ${(err as Error).message}`);
  }
  return rows;
}

/** Evaluation rows as CSV (one row per score, unit, role; budgets as columns). */
export function evaluationCsv(rows: readonly EvaluationRow[]): string {
  const budgets = [...new Set(rows.flatMap((r) => r.budgets.map((b) => `${b.per}:${b.budget}`)))];
  const head = ["score", "unit", "role", "positives", "candidates", "missing", "ap", "roc_auc", ...budgets.flatMap((b) => [`recall@${b.replace(":", "/")}`, `precision@${b.replace(":", "/")}`])];
  const lines = [head.join(",")];
  for (const r of rows) {
    const cells: (string | number)[] = [r.score, r.unit, r.role, r.positives, r.candidates, r.missing, r.ap, r.rocAuc];
    for (const b of budgets) {
      const f = r.budgets.find((x) => `${x.per}:${x.budget}` === b);
      cells.push(f?.recall ?? "", f?.precision ?? "");
    }
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * Runs detection on the LANL folder `dir` (see the module comment).
 *
 * @throws when a stage fails, a span is invalid, or a table is corrupt beyond repair.
 * @example
 * const run = await detect("data/lanl");
 * run.evaluation?.rows.find((r) => r.score === run.score && r.unit === "entity-interval" && r.role === "all")?.ap;
 */
export async function detect(dir: string, options: DetectOptions = {}): Promise<DetectRun> {
  const t0 = performance.now();
  const quiet = options.quiet ?? false;
  const score = options.score ?? DEFAULT_DETECTOR;
  if (!DETECTOR_NAMES.includes(score)) throw new Error(`${MODULE}: unknown score '${String(score)}'; expected one of ${DETECTOR_NAMES.join(", ")}`);
  // 1. Partitions, when missing.
  const intervalSeconds = planIntervalSeconds(options.interval);
  if (!existsSync(partitionsRoot(dir, intervalSeconds))) {
    await partitionLanl(dir, { interval: intervalSeconds, quiet });
  }
  const origin = options.origin ?? "2015-01-01T00:00:00";
  const redteamPath = join(dir, "raw", "redteam.txt.gz");
  const labels = existsSync(redteamPath) ? await readRedteam(redteamPath) : [];
  const plan = planGraphs(dir, options);
  const spans = defaultSpans(plan, labels, origin);
  const train = options.train !== undefined ? span(options.train, "train") : spans.train;
  const test = options.test !== undefined ? span(options.test, "test") : options.train !== undefined ? { start: train.end, end: plan.end } : spans.test;
  if (!(test.start < test.end)) throw new Error(`${MODULE}: the test span ${test.start}/${test.end} is empty`);
  // 2. Graphs, features and roles with the basis fitted on the training span.
  const roles = await embedRoles(dir, { ...options, train: `${train.start}/${train.end}` });
  // 3. Scores of every interval.
  // scores<suffix> beside roles<suffix>: the same options name both.
  const scoresDir = join(dirname(roles.rolesDir), basename(roles.rolesDir).replace(/^roles/, "scores"));
  sweepBefore(options.engine, [scoresDir]);
  const modelBytes = readFileSync(join(roles.rolesDir, "model.json"));
  const config = `detect|train=${train.start}/${train.end}|detectors=${DETECTOR_NAMES.join(",")}|model=${crc32(modelBytes).toString(16)}`;
  const starts = plan.intervals;
  const verified = starts.map((s) => verifiedOutput(join(scoresDir, `${s}.parquet`), config));
  let written = 0;
  const reused = verified.filter((v) => v !== undefined).length;
  if (reused < starts.length) {
    // The scores are a recurrence over the intervals: one task scores the whole frame, in order.
    const input: ScoresTask = { graphsDir: plan.graphsDir, rolesDir: roles.rolesDir, scoresDir, starts, trainEnd: train.end, config };
    const task: Task<ScoresTask> = { stage: "scores", experiment: plan.experimentDir, interval: `${plan.start}/${plan.end}`, input };
    const engine = options.engine ?? new LocalEngine(0);
    const p = createProgress({ label: `scores ${plan.archFolder} (${DETECTOR_NAMES.length} detectors, ${engine.kind})`, total: starts.length, unit: "intervals", quiet });
    let seen = 0;
    try {
      const [r] = await engine.runAll<ScoresResult>([task], {
        onProgress: (_t, done) => {
          if (typeof done === "number" && done > seen) p.add(done - seen);
          seen = Math.max(seen, typeof done === "number" ? done : 0);
        },
      });
      written = r!.written;
      if (seen < starts.length) p.add(starts.length - seen);
    } catch (err) {
      throw new Error(`${MODULE}: ${scoresDir}: ${(err as Error).message}`);
    } finally {
      if (options.engine === undefined) await engine.close();
    }
    p.finish(`${written} score tables written, ${reused} verified from an earlier run`);
  }
  sweepAfter(options.engine, [scoresDir]);
  const testStarts = starts.filter((s) => s >= test.start && s < test.end);
  // 4. Evaluation against the labels, detectors beside the controls.
  let evaluation: Evaluation | undefined;
  let artefacts: ReturnType<typeof labelArtefacts> | undefined;
  if (labels.length > 0 && options.evaluate !== false) {
    const arch = getArch(plan.arch, plan.archOptions);
    const gt = groundTruth(labels, { intervalSeconds: plan.intervalSeconds, origin, arch });
    const controls = controlSeries({ dir: plan.dir, experiment: plan.experimentDir, starts, from: test.start }, { intervalSeconds: plan.intervalSeconds, arch, controls: CONTROL_NAMES });
    const series: Record<string, Iterable<ScoreFrame> | AsyncIterable<ScoreFrame>> = {};
    for (const d of [score, ...DETECTOR_NAMES.filter((x) => x !== score)]) series[d] = detectorSeries(scoresDir, testStarts, d);
    for (const c of CONTROL_NAMES) series[`control:${c}`] = filterSpan(controls[c], test.end);
    const p = createProgress({ label: "evaluation", quiet, unit: "units" });
    evaluation = await evaluate({ series, eventScores: { "control:ntlm": ntlmIndicator }, labels: gt, test, dir: plan.dir }, { reference: score });
    p.finish(`${evaluation.rows.length} rows in ${evaluation.seconds.toFixed(1)} s`);
    artefacts = labelArtefacts(labels.filter((l) => { const t = formatIsoUtc(parseIsoUtc(origin) + l.time); return t >= test.start && t < test.end; }), { dir: plan.dir });
    writeFileAtomic(join(scoresDir, "evaluation.json"), JSON.stringify({ train, test, score, evaluation, artefacts }, null, 1) + "\n");
    writeFileAtomic(join(scoresDir, "evaluation.csv"), evaluationCsv(evaluation.rows));
  }
  let csvRows: number | undefined;
  if (options.scoresCsv !== undefined) csvRows = await writeScoresCsv(options.scoresCsv, scoresDir, testStarts, score);
  return { roles, train, test, scoresDir, score, written, reused, evaluation, artefacts, csvRows, seconds: (performance.now() - t0) / 1000 };
}

async function* filterSpan(frames: AsyncIterable<ScoreFrame>, end: string): AsyncGenerator<ScoreFrame> {
  for await (const f of frames) {
    if (f.start >= end) continue;
    yield f;
  }
}

function planIntervalSeconds(interval: string | number | undefined): number {
  return intervalSecondsOf(interval ?? "1h");
}

/** The evaluation as a table sorted by entity-interval AP, with the controls as reference rows. */
export function formatDetect(run: DetectRun): string {
  if (run.evaluation === undefined) return `scores: ${run.scoresDir} (no red-team labels: no evaluation)\n`;
  const rows = run.evaluation.rows;
  const headline = rows.filter((r) => r.unit === "entity-interval" && r.role === "all");
  const apOf = (name: string): number => headline.find((r) => r.score === name)?.ap ?? -1;
  const order = [...new Set(rows.map((r) => r.score))].sort((a, b) => (apOf(b) - apOf(a)) || (a < b ? -1 : 1));
  const sorted = order.flatMap((s) => rows.filter((r) => r.score === s));
  return formatEvaluation(sorted);
}
