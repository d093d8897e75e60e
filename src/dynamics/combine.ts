/**
 * Combination of several anomaly scores of the same interval into one, on a common scale:
 * each score is rank-normalised within the frame, then the ranks are summed or maxed.
 *
 * Source: rank aggregation for outlier ensembles (Aggarwal & Sathe, "Outlier Ensembles:
 * An Introduction", Springer 2017: scores on different scales are combined after conversion to
 * ranks; "averaging" and "maximization" combination functions).
 *
 * **Rank normalisation.** Within one frame, a score's scored vertices (finite values and
 * ±∞; NaN = not scored) get their ascending rank 1..m, ties the average of the ranks they
 * span, divided by m: u ∈ (0, 1], the highest score gets 1. E.g. [1, 2, 2, 3] →
 * [0.25, 0.625, 0.625, 1].
 *
 * **Combination** of S scores per vertex, with `missing` deciding what a NaN does:
 * - `"lowest"` (default): a NaN counts as u = 0, below every scored vertex;
 *   `sum` = Σ_j u_j, `max` = max_j u_j.
 * - `"ignore"`: NaN scores are left out; `sum` = S · mean of the available u_j (the sum
 *   rescaled to S scores, so a vertex is not penalised for a score it cannot have),
 *   `max` = max of the available u_j.
 * A vertex with no score at all stays NaN in both modes.
 *
 * Frames are aligned by vertex name on the first frame's `nodes` (a vertex missing from
 * another frame has NaN there); all frames must share the same `start`.
 */
import type { ScoreFrame } from "./frame.js";

const MODULE = "telemetry-lab/dynamics/combine";

/** How normalised ranks are combined. */
export type CombineMethod = "sum" | "max";
/** What a NaN (not scored) does in a combination. */
export type MissingScore = "lowest" | "ignore";

/** Options of {@link combineScores}. */
export interface CombineOptions {
  /** Sum or max of the normalised ranks. Default "sum". */
  method?: CombineMethod;
  /** NaN as the lowest rank (u = 0) or left out. Default "lowest". */
  missing?: MissingScore;
}

/** Defaults of {@link CombineOptions}. */
export const COMBINE_DEFAULTS = Object.freeze({ method: "sum" as CombineMethod, missing: "lowest" as MissingScore });

/**
 * Rank-normalised scores u ∈ (0, 1] (average ranks for ties, divided by the number of
 * non-NaN values); NaN stays NaN.
 *
 * @example
 * rankNormalise(Float64Array.of(1, 2, 2, 3, NaN)); // Float64Array [0.25, 0.625, 0.625, 1, NaN]
 */
export function rankNormalise(scores: Float64Array): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n).fill(NaN);
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i]!)) m++;
  if (m === 0) return out;
  // Sort a copy natively (no comparator call per comparison), then find each value's run
  // of equal values by binary search: its ranks are lo+1 .. hi, their average (lo+1+hi)/2.
  const sorted = new Float64Array(m);
  for (let i = 0, j = 0; i < n; i++) if (!Number.isNaN(scores[i]!)) sorted[j++] = scores[i]!;
  sorted.sort();
  for (let i = 0; i < n; i++) {
    const x = scores[i]!;
    if (Number.isNaN(x)) continue;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    let up = lo;
    hi = m;
    while (up < hi) {
      const mid = (up + hi) >>> 1;
      if (sorted[mid]! <= x) up = mid + 1;
      else hi = mid;
    }
    out[i] = (lo + 1 + up) / 2 / m;
  }
  return out;
}

/**
 * Combines score frames of one interval (see the module comment).
 *
 * @throws when no frame is given, the frames' starts differ, a frame's scores and nodes
 *   differ in length, or an option is unknown.
 * @example
 * const a = { start: "2015-01-01T00:00:00", nodes: ["x", "y", "z"], scores: Float64Array.of(1, 2, 3) };
 * const b = { start: "2015-01-01T00:00:00", nodes: ["x", "y", "z"], scores: Float64Array.of(30, NaN, 10) };
 * combineScores([a, b]).scores;                     // Float64Array [1.3333…, 0.6666…, 1.5]
 * combineScores([a, b], { missing: "ignore" }).scores; // Float64Array [1.3333…, 1.3333…, 1.5]
 * combineScores([a, b], { method: "max" }).scores;     // Float64Array [1, 0.6666…, 1]
 */
export function combineScores(frames: readonly ScoreFrame[], options: CombineOptions = {}): ScoreFrame {
  const method = options.method ?? COMBINE_DEFAULTS.method;
  const missing = options.missing ?? COMBINE_DEFAULTS.missing;
  if (method !== "sum" && method !== "max") throw new Error(`${MODULE}: unknown method '${String(method)}' (expected sum or max)`);
  if (missing !== "lowest" && missing !== "ignore") throw new Error(`${MODULE}: unknown missing '${String(missing)}' (expected lowest or ignore)`);
  if (frames.length === 0) throw new Error(`${MODULE}: no score frame to combine`);
  const first = frames[0]!;
  const nodes = first.nodes;
  const n = nodes.length;
  const S = frames.length;
  const total = new Float64Array(n);
  const avail = new Uint32Array(n);
  const best = new Float64Array(n).fill(-Infinity);
  for (const f of frames) {
    if (f.start !== first.start) throw new Error(`${MODULE}: frames of different intervals (${first.start} and ${f.start})`);
    if (f.scores.length !== f.nodes.length) throw new Error(`${MODULE}: frame ${f.start}: ${f.nodes.length} nodes but ${f.scores.length} scores`);
    const u = rankNormalise(f.scores);
    let row: (i: number) => number;
    if (sameNodes(f.nodes, nodes)) row = (i) => i;
    else {
      const own = new Map<string, number>();
      f.nodes.forEach((name, i) => own.set(name, i));
      row = (i) => own.get(nodes[i]!) ?? -1;
    }
    for (let i = 0; i < n; i++) {
      const r = row(i);
      const x = r < 0 ? NaN : u[r]!;
      if (Number.isNaN(x)) continue;
      total[i]! += x;
      avail[i]! += 1;
      if (x > best[i]!) best[i] = x;
    }
  }
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = avail[i]!;
    if (a === 0) scores[i] = NaN;
    else if (method === "max") scores[i] = missing === "lowest" && a < S ? Math.max(best[i]!, 0) : best[i]!;
    else scores[i] = missing === "lowest" ? total[i]! : (total[i]! * S) / a;
  }
  return { start: first.start, nodes, scores };
}

function sameNodes(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
