/**
 * Per-vertex standardisation of a score against the vertex's own history, so that
 * vertices that are naturally volatile do not dominate (`lanl-method.md` §1d item 2):
 *
 * - `z`: z_n(t) = (s_n(t) − m_n) / max(σ_n, minScale), with m_n the mean and σ_n the
 *   **sample** standard deviation (divisor h − 1) of the vertex's history, kept by
 *   Welford's online update (Welford, Technometrics 4(3), 1962): exact over the whole
 *   history in O(1) memory per vertex.
 * - `robust`: z_n(t) = (s_n(t) − med_n) / max(1.4826·MAD_n, minScale), with the median and
 *   the median absolute deviation MAD = med|x − med| of the history (Rousseeuw & Croux,
 *   JASA 88(424), 1993; 1.4826 ≈ 1/Φ⁻¹(¾) makes 1.4826·MAD estimate σ under normality).
 *   The median of an even count is the mean of the two middle values. To bound memory,
 *   the robust form keeps only the **last `window` values** per vertex (H = 168 by
 *   default, a week of hourly frames), so its "expanding" history is in fact a sliding
 *   window of H values. Each vertex that ever had a score keeps them twice (16·H bytes):
 *   in arrival order, to know which value leaves, and sorted (insertion by binary search),
 *   so the median is read off in O(1) and the MAD is the middle of the merge of the two
 *   sorted runs of deviations on either side of the median, found in O(log H).
 *
 * The history of s_n(t) is the vertex's finite scores **before** t (NaN scores — absent,
 * not scored — are skipped and do not count):
 * - `history: "expanding"`: every earlier frame;
 * - `history: "training"`: the earlier frames that start before `trainEnd` (inside the
 *   training span that is again "every earlier frame"; from `trainEnd` on the statistics
 *   are frozen).
 * With fewer than `minHistory` values (default 5; at least 2 for `z`) the output is NaN.
 * A NaN input gives NaN. A constant history has σ or MAD = 0: `minScale` (default 1e−9)
 * keeps the result finite but very large for any departure from the constant.
 */
import type { FrameScorer, ScoreFrame } from "./frame.js";
import { frameTime, growFloat64, growInt32, VertexIndex } from "./vertex-index.js";
import { parseIsoUtc } from "../time/interval.js";

const MODULE = "telemetry-lab/dynamics/standardize";

/** Plain or robust z. */
export type StandardizeMethod = "z" | "robust";
/** Which earlier scores form a vertex's history. */
export type StandardizeHistory = "expanding" | "training";

/** Options of {@link Standardizer} and {@link standardizeFrames}. */
export interface StandardizeOptions {
  /** "z" (mean, sample sd) or "robust" (median, 1.4826·MAD). Default "z". */
  method?: StandardizeMethod;
  /** "expanding" (all earlier scores) or "training" (earlier scores before `trainEnd`). Default "expanding". */
  history?: StandardizeHistory;
  /** Exclusive end of the training span (ISO start, UTC); required when `history` is "training". */
  trainEnd?: string;
  /** Minimum number of history values, else NaN. Default 5 (at least 2 for "z"). */
  minHistory?: number;
  /** Robust form: values kept per vertex (the last H). Default 168. */
  window?: number;
  /** Floor on the scale (σ or 1.4826·MAD). Default 1e-9. */
  minScale?: number;
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link StandardizeOptions}. */
export const STANDARDIZE_DEFAULTS = Object.freeze({
  method: "z" as StandardizeMethod,
  history: "expanding" as StandardizeHistory,
  minHistory: 5,
  window: 168,
  minScale: 1e-9,
});

/** The consistency constant of the MAD under normality, 1/Φ⁻¹(3/4). */
export const MAD_SCALE = 1.4826;

/**
 * Streaming per-vertex standardiser: `push(scoreFrame)` returns the standardised scores
 * of that frame against each vertex's history, then adds the frame's finite scores to it.
 *
 * @example
 * const z = new Standardizer({ method: "robust", minHistory: 3 });
 * for (const [i, s] of [1, 2, 4].entries()) z.push({ start: `2015-01-01T0${i}:00:00`, nodes: ["a"], scores: Float64Array.of(s) });
 * z.push({ start: "2015-01-01T03:00:00", nodes: ["a"], scores: Float64Array.of(5) }).scores;
 * // median 2, MAD 1 → Float64Array [2.0234…] = (5 − 2) / 1.4826
 */
export class Standardizer implements FrameScorer<ScoreFrame> {
  /** The global vertex ids of this standardiser. */
  readonly vertices: VertexIndex;
  private readonly method: StandardizeMethod;
  private readonly trainEnd: number;
  private readonly minHistory: number;
  private readonly window: number;
  private readonly minScale: number;
  private last = NaN;
  // z: Welford state per vertex.
  private count = new Int32Array(0);
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  // robust: a ring of the last H values per slot, slots given to vertices on their first value.
  private slotOf = new Int32Array(0);
  private slots = 0;
  private ring = new Float64Array(0);
  private sorted = new Float64Array(0);
  private added = new Int32Array(0);
  private cachedAt = new Int32Array(0);
  private center = new Float64Array(0);
  private scale = new Float64Array(0);

  constructor(options: StandardizeOptions = {}) {
    const method = options.method ?? STANDARDIZE_DEFAULTS.method;
    if (method !== "z" && method !== "robust") throw new Error(`${MODULE}: unknown method '${String(method)}' (expected z or robust)`);
    const history = options.history ?? STANDARDIZE_DEFAULTS.history;
    if (history !== "expanding" && history !== "training") throw new Error(`${MODULE}: unknown history '${String(history)}' (expected expanding or training)`);
    if (history === "training") {
      if (options.trainEnd === undefined) throw new Error(`${MODULE}: history "training" needs trainEnd`);
      try {
        this.trainEnd = parseIsoUtc(options.trainEnd);
      } catch (e) {
        throw new Error(`${MODULE}: trainEnd: ${(e as Error).message}`);
      }
    } else {
      this.trainEnd = Infinity;
    }
    const minHistory = options.minHistory ?? STANDARDIZE_DEFAULTS.minHistory;
    if (!Number.isSafeInteger(minHistory) || minHistory < 1) throw new Error(`${MODULE}: minHistory must be a positive integer, got ${minHistory}`);
    const window = options.window ?? STANDARDIZE_DEFAULTS.window;
    if (!Number.isSafeInteger(window) || window < 1) throw new Error(`${MODULE}: window must be a positive integer, got ${window}`);
    if (method === "robust" && window < minHistory) throw new Error(`${MODULE}: window (${window}) is below minHistory (${minHistory}): nothing would be scored`);
    const minScale = options.minScale ?? STANDARDIZE_DEFAULTS.minScale;
    if (!(minScale > 0) || !Number.isFinite(minScale)) throw new Error(`${MODULE}: minScale must be positive and finite, got ${minScale}`);
    this.method = method;
    this.minHistory = method === "z" ? Math.max(2, minHistory) : minHistory;
    this.window = window;
    this.minScale = minScale;
    this.vertices = options.vertices ?? new VertexIndex();
  }

  /**
   * Standardises one frame of scores.
   *
   * @throws when frames are out of time order or `scores` and `nodes` differ in length.
   */
  push(frame: ScoreFrame): ScoreFrame {
    const t = frameTime(MODULE, frame.start, this.last);
    const n = frame.nodes.length;
    if (frame.scores.length !== n) throw new Error(`${MODULE}: frame ${frame.start}: ${n} nodes but ${frame.scores.length} scores`);
    const ids = this.vertices.ids(frame.nodes);
    const learn = t < this.trainEnd;
    const out = new Float64Array(n);
    let maxV = -1;
    for (let i = 0; i < n; i++) if (ids[i]! > maxV) maxV = ids[i]!;
    if (this.method === "z") {
      this.count = growInt32(this.count, maxV + 1);
      this.mean = growFloat64(this.mean, maxV + 1);
      this.m2 = growFloat64(this.m2, maxV + 1);
      const { count, mean, m2, minHistory, minScale } = this;
      for (let i = 0; i < n; i++) {
        const v = ids[i]!;
        const s = frame.scores[i]!;
        const c = count[v]!;
        out[i] = c >= minHistory ? (s - mean[v]!) / Math.max(Math.sqrt(m2[v]! / (c - 1)), minScale) : NaN;
      }
      if (learn) {
        for (let i = 0; i < n; i++) {
          const s = frame.scores[i]!;
          if (!Number.isFinite(s)) continue;
          const v = ids[i]!;
          const c = (count[v]! += 1);
          const d = s - mean[v]!;
          mean[v]! += d / c;
          m2[v]! += d * (s - mean[v]!);
        }
      }
    } else {
      this.slotOf = growInt32(this.slotOf, maxV + 1, -1);
      for (let i = 0; i < n; i++) {
        const slot = this.slotOf[ids[i]!]!;
        out[i] = slot < 0 ? NaN : this.robust(slot, frame.scores[i]!);
      }
      if (learn) {
        for (let i = 0; i < n; i++) {
          const s = frame.scores[i]!;
          if (!Number.isFinite(s)) continue;
          this.add(ids[i]!, s);
        }
      }
    }
    this.last = t;
    return { start: frame.start, nodes: frame.nodes, scores: out };
  }

  private robust(slot: number, s: number): number {
    const a = this.added[slot]!;
    const h = Math.min(a, this.window);
    if (h < this.minHistory) return NaN;
    if (this.cachedAt[slot] !== a) {
      const base = slot * this.window;
      const w = this.sorted;
      const med = (h & 1) === 1 ? w[base + (h >> 1)]! : 0.5 * (w[base + (h >> 1) - 1]! + w[base + (h >> 1)]!);
      this.center[slot] = med;
      this.scale[slot] = MAD_SCALE * madSorted(w, base, h, med);
      this.cachedAt[slot] = a;
    }
    return (s - this.center[slot]!) / Math.max(this.scale[slot]!, this.minScale);
  }

  private add(v: number, s: number): void {
    let slot = this.slotOf[v]!;
    const H = this.window;
    if (slot < 0) {
      slot = this.slots++;
      this.slotOf[v] = slot;
      this.ring = growFloat64(this.ring, this.slots * H);
      this.sorted = growFloat64(this.sorted, this.slots * H);
      this.added = growInt32(this.added, this.slots);
      this.cachedAt = growInt32(this.cachedAt, this.slots, -1);
      this.center = growFloat64(this.center, this.slots);
      this.scale = growFloat64(this.scale, this.slots);
    }
    const a = this.added[slot]!;
    const base = slot * H;
    const w = this.sorted;
    let h = Math.min(a, H);
    if (a >= H) {
      // The oldest value leaves the sorted run.
      const j = lowerBound(w, base, base + h, this.ring[base + (a % H)]!);
      w.copyWithin(j, j + 1, base + h);
      h -= 1;
    }
    const j = upperBound(w, base, base + h, s);
    w.copyWithin(j + 1, j, base + h);
    w[j] = s;
    this.ring[base + (a % H)] = s;
    this.added[slot] = a + 1;
  }
}

/** First index in w[lo..hi) (sorted) whose value is not below x. */
function lowerBound(w: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (w[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in w[lo..hi) (sorted) whose value is above x. */
function upperBound(w: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (w[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The median of |x − med| over the sorted run w[base .. base+h): the deviations left of
 * `med` (read leftwards, L_j = med − w[p−1−j]) and right of it (R_j = w[p+j] − med) are
 * two ascending runs, and the middle of their merge is found by binary search on how
 * many come from the left run (the k-th smallest of two sorted arrays, O(log h)).
 */
function madSorted(w: Float64Array, base: number, h: number, med: number): number {
  const p = lowerBound(w, base, base + h, med);
  const nL = p - base;
  const nR = base + h - p;
  const kth = (k: number): number => {
    // Take i from the left run and k + 1 − i from the right one.
    let lo = Math.max(0, k + 1 - nR);
    let hi = Math.min(k + 1, nL);
    for (;;) {
      const i = (lo + hi) >>> 1;
      const j = k + 1 - i;
      if (i > 0 && j < nR && med - w[p - i]! > w[p + j]! - med) hi = i - 1;
      else if (j > 0 && i < nL && w[p + j - 1]! - med > med - w[p - 1 - i]!) lo = i + 1;
      else return Math.max(i > 0 ? med - w[p - i]! : -Infinity, j > 0 ? w[p + j - 1]! - med : -Infinity);
    }
  };
  const k = h >> 1;
  return (h & 1) === 1 ? kth(k) : 0.5 * (kth(k - 1) + kth(k));
}

/**
 * Standardises a sequence of score frames lazily (a {@link Standardizer} over an iterable).
 *
 * @example
 * [...standardizeFrames(scoreFrames(roleFrames), { method: "robust" })]; // one ScoreFrame per input frame
 */
export function* standardizeFrames(frames: Iterable<ScoreFrame>, options: StandardizeOptions = {}): Generator<ScoreFrame> {
  const z = new Standardizer(options);
  for (const f of frames) yield z.push(f);
}
