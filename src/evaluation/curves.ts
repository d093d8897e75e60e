/**
 * Precision–recall curves at the entity-interval unit, for charts: the (recall, precision)
 * points of a score over the test span, with the same candidates and positives as
 * `evaluate` (the entity vertices of each interval's frame; positives missing from a frame
 * ranked lowest).
 *
 * Source: the step curve of scikit-learn's `precision_recall_curve` (one point per distinct
 * threshold, highest first), whose area under the steps is the average precision of
 * `metrics.ts`.
 */
import type { ScoreFrame } from "../dynamics/frame.js";
import { entityCandidates, type GroundTruth, type RoleSelector } from "./labels.js";
import { rankDescending } from "./metrics.js";

const MODULE = "telemetry-lab/evaluation/curves";

/** Options of {@link precisionRecallCurve}. */
export interface CurveOptions {
  /** At most this many points (an even subsample of the thresholds; the last point is kept). Default 400. */
  maxPoints?: number;
}

/** Defaults of {@link CurveOptions}. */
export const CURVE_DEFAULTS = Object.freeze({ maxPoints: 400 });

/** A precision–recall curve. */
export interface PrCurve {
  recall: number[];
  precision: number[];
  positives: number;
  candidates: number;
}

/**
 * The precision–recall step curve of `scores` against 0/1 `labels` (NaN scores lowest).
 *
 * @example
 * precisionRecallCurve(Float64Array.of(3, 2, 1), Uint8Array.of(1, 0, 1));
 * // { recall: [0.5, 0.5, 1], precision: [1, 0.5, 0.6667], positives: 2, candidates: 3 }
 */
export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<number>, options: CurveOptions = {}): PrCurve {
  if (scores.length !== labels.length) throw new Error(`${MODULE}: ${scores.length} scores but ${labels.length} labels`);
  const maxPoints = options.maxPoints ?? CURVE_DEFAULTS.maxPoints;
  const order = rankDescending(scores);
  let P = 0;
  for (let i = 0; i < labels.length; i++) P += labels[i] ? 1 : 0;
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  const key = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
  for (let k = 0; k < order.length; ) {
    const s = key(scores[order[k]!]!);
    let j = k;
    while (j < order.length && key(scores[order[j]!]!) === s) tp += labels[order[j++]!] ? 1 : 0;
    recall.push(P > 0 ? tp / P : NaN);
    precision.push(tp / j);
    k = j;
  }
  if (recall.length > maxPoints) {
    const step = recall.length / maxPoints;
    const keep: number[] = [];
    for (let i = 0; i < maxPoints - 1; i++) keep.push(Math.floor(i * step));
    keep.push(recall.length - 1);
    return { recall: keep.map((i) => recall[i]!), precision: keep.map((i) => precision[i]!), positives: P, candidates: scores.length };
  }
  return { recall, precision, positives: P, candidates: scores.length };
}

/**
 * The entity-interval scores and labels of a score series over its frames (the candidates
 * of `evaluate`: entity vertices of each frame, positives missing from the frame as NaN).
 */
export async function entityScores(gt: GroundTruth, frames: Iterable<ScoreFrame> | AsyncIterable<ScoreFrame>, role: RoleSelector = "all"): Promise<{ scores: Float64Array; labels: Uint8Array }> {
  const s: number[] = [];
  const l: number[] = [];
  for await (const f of frames) {
    const c = entityCandidates(gt, f.start, f.nodes, role);
    for (let i = 0; i < c.rows.length; i++) {
      s.push(f.scores[c.rows[i]!]!);
      l.push(c.labels[i]!);
    }
    for (let i = 0; i < c.missing.length; i++) {
      s.push(NaN);
      l.push(1);
    }
  }
  return { scores: Float64Array.from(s), labels: Uint8Array.from(l) };
}
