/**
 * The network-level score of an interval from its vertex scores (`lanl-method.md` §1d
 * item 1): S(t) = mean_n s_n(t), or the mean of the top-k vertex scores (a few vertices
 * changing strongly should not drown in thousands that do not).
 *
 * Source: Palladino & Thissen (arXiv 1812.02848, 2018) aggregate node role change into a
 * per-window network score; the top-k mean is the usual robust variant. Only scored
 * vertices count (NaN is skipped); a frame with none gives NaN. +∞ scores count as
 * such (the mean is then +∞).
 */
import type { ScoreFrame } from "./frame.js";

const MODULE = "telemetry-lab/dynamics/network";

/** Mean of all scored vertices, or of the top k. */
export type NetworkAggregate = "mean" | "top-k";

/** Options of {@link networkScore}. */
export interface NetworkScoreOptions {
  /** Default "mean". */
  aggregate?: NetworkAggregate;
  /** k of "top-k" (fewer scored vertices: all of them). Default 10. */
  k?: number;
}

/** Defaults of {@link NetworkScoreOptions}. */
export const NETWORK_SCORE_DEFAULTS = Object.freeze({ aggregate: "mean" as NetworkAggregate, k: 10 });

/**
 * The network-level score of one frame.
 *
 * @throws when `k` is not a positive integer or the aggregate is unknown.
 * @example
 * const f = { start: "2015-01-01T00:00:00", nodes: ["a", "b", "c", "d"], scores: Float64Array.of(1, NaN, 3, 2) };
 * networkScore(f);                              // 2
 * networkScore(f, { aggregate: "top-k", k: 2 }); // 2.5
 */
export function networkScore(frame: ScoreFrame, options: NetworkScoreOptions = {}): number {
  const aggregate = options.aggregate ?? NETWORK_SCORE_DEFAULTS.aggregate;
  const k = options.k ?? NETWORK_SCORE_DEFAULTS.k;
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`${MODULE}: k must be a positive integer, got ${k}`);
  const s = frame.scores;
  if (aggregate === "mean") {
    let sum = 0;
    let m = 0;
    for (let i = 0; i < s.length; i++) {
      const x = s[i]!;
      if (Number.isNaN(x)) continue;
      sum += x;
      m++;
    }
    return m === 0 ? NaN : sum / m;
  }
  if (aggregate !== "top-k") throw new Error(`${MODULE}: unknown aggregate '${String(aggregate)}' (expected mean or top-k)`);
  // The k largest so far, ascending (insertion into a short sorted buffer).
  const top = new Float64Array(k);
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    if (Number.isNaN(x)) continue;
    let j: number;
    if (m < k) j = m++;
    else if (x > top[0]!) {
      j = k - 1;
      top.copyWithin(0, 1);
    } else continue;
    // Shift larger values up until x fits.
    while (j > 0 && top[j - 1]! > x) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = x;
  }
  if (m === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < m; i++) sum += top[i]!;
  return sum / m;
}
