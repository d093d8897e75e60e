/**
 * The scoring step of the detection stage: every detector's scores of every (vertex,
 * interval), written as one Parquet table per interval (`node`, one double column per
 * detector; NaN = not scored) with a verified sidecar, like the roles tables.
 *
 * Scoring is a recurrence over time: each detector keeps per-vertex state (a baseline, a
 * history, the edges seen so far) from one interval to the next, so the intervals of a
 * frame are scored in order by one task ({@link runScoresTask}, stage `scores`, its
 * interval the whole frame `START/END`). That task is idempotent like the per-interval
 * ones: a rerun recomputes the state and rewrites only the tables that fail their check.
 *
 * Detectors (`DETECTORS`) are configurations of `src/dynamics/`: consecutive role change
 * (Hamelin's reading of Palladino & Thissen), deviation from a static, EWMA or seasonal
 * baseline, the robust z of the role change against the vertex's own history, the residual
 * of a DBMM-style role-transition model, the NMF reconstruction residual, and a
 * rank-normalised combination of role deviation with first-seen edges.
 *
 * Sources: Palladino & Thissen, arXiv 1812.02848 (role dynamics); Rossi et al., WSDM 2013
 * (DBMM transitions); `../shared/research/lanl-method.md` §1d (scores).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { writeParquet, type ParquetTable } from "../io/parquet.js";
import { GRAPH_EXT } from "../graph/builder/builder.js";
import { readGraph } from "../graph/format/tlg.js";
import { crc32 } from "../graph/format/crc32.js";
import { sidecarPath, verifiedOutput } from "../embedding/pipeline/task.js";
import { readRoleFrame, type RoleFrame, type ScoreFrame } from "../dynamics/frame.js";
import { RoleChangeScorer } from "../dynamics/role-change.js";
import { Standardizer } from "../dynamics/standardize.js";
import { TransitionScorer } from "../dynamics/transition.js";
import { residualScores } from "../dynamics/residual.js";
import { NoveltyScorer } from "../dynamics/novelty.js";
import { combineScores } from "../dynamics/combine.js";

const MODULE = "telemetry-lab/evaluation/scores";

/** The detector configurations. */
export type DetectorName =
  | "role-change"
  | "role-static"
  | "role-ewma"
  | "role-seasonal"
  | "role-change-robust-z"
  | "transition"
  | "nmf-residual"
  | "roles+novelty";

/** What each detector computes (printed by `lanl detect --help` and the notebook). */
export const DETECTORS: Readonly<Record<DetectorName, string>> = Object.freeze({
  "role-change": "L1 distance between a vertex's role mix and its previous interval's (consecutive role change)",
  "role-static": "L1 distance to the vertex's mean role mix over the training span (static baseline)",
  "role-ewma": "L1 distance to an EWMA of the vertex's past role mixes (alpha 0.1 per interval)",
  "role-seasonal": "L1 distance to the vertex's mean role mix at the same hour of day over the previous 7 days",
  "role-change-robust-z": "robust z (median, 1.4826 MAD) of the consecutive role change against the vertex's own history",
  transition: "residual of a global role-transition matrix learned on the training span (DBMM-style)",
  "nmf-residual": "NMF reconstruction residual of the vertex's features on the fixed basis, relative to its size (fits no known role)",
  "roles+novelty": "rank-normalised sum of role-static and the number of the vertex's neighbours new to it (first-seen edges)",
});

/** Every detector, in the order of the score tables' columns. */
export const DETECTOR_NAMES: readonly DetectorName[] = Object.freeze(Object.keys(DETECTORS) as DetectorName[]);

/**
 * The default score: the configuration with the best entity-interval AP on the default data
 * set's evaluation (notebook 04 shows the table it was chosen from).
 */
export const DEFAULT_DETECTOR: DetectorName = "roles+novelty";

/**
 * The streaming scorers of every detector, fed one interval at a time (its role frame and
 * its graph, in time order).
 *
 * @example
 * const bank = new DetectorBank("2015-01-07T21:00:00");
 * const scores = bank.push(readRoleFrame(rolesPath), readGraph(graphPath));
 * scores["roles+novelty"]; // Float64Array, one score per vertex of the frame
 */
export class DetectorBank {
  private readonly change = new RoleChangeScorer({ distance: "l1", baseline: "previous" });
  private readonly staticDev: RoleChangeScorer;
  private readonly ewma = new RoleChangeScorer({ distance: "l1", baseline: "ewma", alpha: 0.1 });
  private readonly seasonal = new RoleChangeScorer({ distance: "l1", baseline: "seasonal", season: "day", periods: 7 });
  private readonly changeZ = new RoleChangeScorer({ distance: "l1", baseline: "previous" });
  private readonly z = new Standardizer({ method: "robust", history: "expanding" });
  private readonly transition: TransitionScorer;
  private readonly novelty = new NoveltyScorer();

  constructor(trainEnd: string) {
    this.staticDev = new RoleChangeScorer({ distance: "l1", baseline: "static", trainEnd });
    this.transition = new TransitionScorer({ trainEnd });
  }

  push(frame: RoleFrame, graph: ReturnType<typeof readGraph>): Record<DetectorName, Float64Array> {
    const staticScores = this.staticDev.push(frame);
    const novelty = this.novelty.push({ start: frame.start, graph });
    const newNeighbours: ScoreFrame = { start: frame.start, nodes: novelty.nodes, scores: novelty.newNeighbours };
    return {
      "role-change": this.change.push(frame).scores,
      "role-static": staticScores.scores,
      "role-ewma": this.ewma.push(frame).scores,
      "role-seasonal": this.seasonal.push(frame).scores,
      "role-change-robust-z": this.z.push(this.changeZ.push(frame)).scores,
      transition: this.transition.push(frame).scores,
      "nmf-residual": residualScores(frame, { relativeTo: "scale" }).scores,
      "roles+novelty": combineScores([staticScores, newNeighbours]).scores,
    };
  }
}

/** The input of a `scores` task: where the frame's graphs and roles are, where its scores go. */
export interface ScoresTask {
  /** Folder of the interval graphs (`<start>.tlg.gz`). */
  graphsDir: string;
  /** Folder of the role tables (`<start>.parquet`). */
  rolesDir: string;
  /** Folder of the score tables. */
  scoresDir: string;
  /** Every interval of the frame, in time order. */
  starts: string[];
  /** End of the training span (the static baseline and the transition model learn before it). */
  trainEnd: string;
  /** The configuration recorded in each table's sidecar (a table is trusted only with it). */
  config: string;
}

/** What a `scores` task returns. */
export interface ScoresResult {
  /** Tables written, and found verified. */
  written: number;
  reused: number;
  seconds: number;
}

/**
 * Scores every interval of the frame in time order and writes each table that is not
 * already there and verified (atomically, then its sidecar). Every interval is read
 * either way: the scorers' state at an interval depends on all the intervals before it.
 *
 * @example
 * const r = await runScoresTask({ graphsDir, rolesDir, scoresDir, starts, trainEnd: "2015-01-03T00:00:00", config });
 * r.written; // 240 on a first run, 0 on a rerun
 */
export async function runScoresTask(task: ScoresTask, onInterval?: (start: string) => void): Promise<ScoresResult> {
  const t0 = performance.now();
  const bank = new DetectorBank(task.trainEnd);
  let written = 0;
  let reused = 0;
  for (const start of task.starts) {
    const path = join(task.scoresDir, `${start}.parquet`);
    const done = verifiedOutput(path, task.config) !== undefined;
    const frame = readRoleFrame(join(task.rolesDir, `${start}.parquet`));
    const graph = readGraph(join(task.graphsDir, `${start}.${GRAPH_EXT}`));
    if (graph.names.length !== frame.nodes.length) throw new Error(`${MODULE}: ${start}: the roles table has ${frame.nodes.length} vertices, the graph ${graph.names.length}`);
    const scores = bank.push(frame, graph);
    if (done) {
      reused++;
    } else {
      const table: ParquetTable = { columns: [{ name: "node", type: "string", values: frame.nodes as string[] }, ...DETECTOR_NAMES.map((d) => ({ name: d, type: "double" as const, values: scores[d] }))] };
      writeParquet(path, table);
      const bytes = readFileSync(path);
      writeFileAtomic(sidecarPath(path), JSON.stringify({ kind: "scores", start, rows: frame.nodes.length, columns: table.columns.length, config: task.config, bytes: bytes.length, crc32: crc32(bytes) }) + "\n");
      written++;
    }
    onInterval?.(start);
  }
  return { written, reused, seconds: (performance.now() - t0) / 1000 };
}
