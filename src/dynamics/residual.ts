/**
 * The NMF reconstruction residual as an anomaly score, "fits no known role"
 * (`lanl-method.md` §1d item 5): s_n(t) = ‖V_n(t) − G_n(t)·F‖₂, the `residual` column of
 * the roles table (G by NNLS against the fixed basis F, see
 * `src/embedding/pipeline/task.ts`).
 *
 * Source: Henderson et al., "RolX: Structural Role Extraction & Mining in Large Graphs"
 * (KDD 2012), whose reconstruction error per node is the basis of its role-based
 * anomaly use; the score itself needs no history, so it is a per-frame function.
 *
 * Normalisation (`relativeTo`):
 * - `"none"` (default): the residual itself; it grows with the vertex's activity (large
 *   feature values), so busy vertices rank high.
 * - `"scale"`: residual / scale, scale = the row sum of G (the vertex's size on the
 *   basis). A vertex that no role fits at all has G = 0: scale 0, so its score is +∞
 *   (or 0 when its residual is 0 too).
 * - `"features"`: residual / ‖V_n‖₂, the relative residual, in [0, 1] with NNLS
 *   memberships (G = 0 is feasible, so the residual never exceeds ‖V_n‖); 0/0 = 0. The
 *   feature norms are not in the roles table: pass them as `featureNorms` (aligned with
 *   the frame's rows), e.g. from {@link readFeatureNorms} on `<experiment>/features/<start>.parquet`.
 */
import { readParquet } from "../io/parquet.js";
import type { RoleFrame, ScoreFrame } from "./frame.js";

const MODULE = "telemetry-lab/dynamics/residual";

/** What the residual is divided by. */
export type ResidualNormalisation = "none" | "scale" | "features";

/** Options of {@link residualScores}. */
export interface ResidualOptions {
  /** Divide by nothing, by the G row sum, or by the feature-row norm. Default "none". */
  relativeTo?: ResidualNormalisation;
  /** ‖V_n‖₂ per row of the frame, required for `relativeTo: "features"`. */
  featureNorms?: Float64Array;
}

/** Defaults of {@link ResidualOptions}. */
export const RESIDUAL_DEFAULTS = Object.freeze({ relativeTo: "none" as ResidualNormalisation });

/**
 * The residual score of every vertex of one frame (see the module comment).
 *
 * @throws when the frame has no `residual` (or no `scale` for "scale"), `featureNorms`
 *   is missing or misaligned for "features", or `relativeTo` is unknown.
 * @example
 * const f = { start: "2015-01-01T00:00:00", nodes: ["a", "b"], memberships: fromRows([[1, 0], [0, 0]]),
 *   residual: Float64Array.of(1, 3), scale: Float64Array.of(4, 0) };
 * residualScores(f).scores;                         // Float64Array [1, 3]
 * residualScores(f, { relativeTo: "scale" }).scores; // Float64Array [0.25, Infinity]
 */
export function residualScores(frame: RoleFrame, options: ResidualOptions = {}): ScoreFrame {
  const rel = options.relativeTo ?? RESIDUAL_DEFAULTS.relativeTo;
  const n = frame.nodes.length;
  const r = frame.residual;
  if (r === undefined) throw new Error(`${MODULE}: frame ${frame.start} has no residual column`);
  if (r.length !== n) throw new Error(`${MODULE}: frame ${frame.start}: ${n} nodes but ${r.length} residuals`);
  let d: Float64Array | undefined;
  if (rel === "scale") {
    d = frame.scale;
    if (d === undefined) throw new Error(`${MODULE}: frame ${frame.start} has no scale column (needed for relativeTo "scale")`);
  } else if (rel === "features") {
    d = options.featureNorms;
    if (d === undefined) throw new Error(`${MODULE}: relativeTo "features" needs featureNorms`);
  } else if (rel !== "none") {
    throw new Error(`${MODULE}: unknown relativeTo '${String(rel)}' (expected none, scale or features)`);
  }
  if (d !== undefined && d.length !== n) throw new Error(`${MODULE}: frame ${frame.start}: ${n} nodes but ${d.length} ${rel === "scale" ? "scales" : "feature norms"}`);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    if (d === undefined) scores[i] = x;
    else {
      const y = d[i]!;
      scores[i] = y > 0 ? x / y : x === 0 ? 0 : Infinity;
    }
  }
  return { start: frame.start, nodes: frame.nodes, scores };
}

/**
 * The Euclidean norm of every row of a features table (`node` + one double column per
 * feature), for `relativeTo: "features"`.
 *
 * @throws when the file cannot be read or has no `node` column.
 * @example
 * readFeatureNorms("features/2015-01-01T05:00:00.parquet"); // { nodes: [...], norms: Float64Array [...] }
 */
export function readFeatureNorms(path: string): { nodes: readonly string[]; norms: Float64Array } {
  let t;
  try {
    t = readParquet(path);
  } catch (e) {
    throw new Error(`${MODULE}: ${path}: ${(e as Error).message}`);
  }
  const node = t.columns.find((c) => c.name === "node");
  if (node === undefined || node.type !== "string") throw new Error(`${MODULE}: ${path}: no string column 'node'`);
  const norms = new Float64Array(node.values.length);
  for (const c of t.columns) {
    if (c.type !== "double") continue;
    const v = c.values;
    for (let i = 0; i < v.length; i++) norms[i]! += v[i]! * v[i]!;
  }
  for (let i = 0; i < norms.length; i++) norms[i] = Math.sqrt(norms[i]!);
  return { nodes: node.values, norms };
}
