/**
 * Per-vertex baselines μ_n(t) of the role distribution, the reference that role change
 * is measured against (`lanl-method.md` §1d item 2, after ElementAI's deviation-from-
 * baseline approach and Hamelin's consecutive change):
 *
 * - `previous`: μ_n(t) = P_n(t−1), the vertex's row in the previous frame (the frame pushed
 *   just before, whatever the time gap). Defined only when n is present in that frame.
 * - `static`: μ_n = mean of P_n over the training frames in which n is present. Frames
 *   starting before `trainEnd` are training frames; while they stream, the baseline is
 *   the mean over the training frames seen so far (each frame is compared with the ones
 *   before it), and from the first frame at or after `trainEnd` it is frozen. Without
 *   `trainEnd` it is the expanding mean of every earlier frame.
 * - `ewma`: μ_n(t) = α·P_n(t−1) + (1−α)·μ_n(t−1) over the frames where n is present,
 *   started at the vertex's first row (μ = P at its first presence) and held while the
 *   vertex is absent (no decay towards anything while nothing is observed).
 * - `seasonal`: μ_n(t) = mean of P_n(t − j·period), j = 1..k, over the frames that exist
 *   and where n is present, with period = 1 day (same hour of day) or 1 week (same hour
 *   of week). The lagged frames are found by their start times (t − j·86400 s or
 *   t − j·604800 s), not by counting frames, so a missing frame just drops out of the
 *   mean; with hourly frames this is "same position mod 24 (or 168)". The interval
 *   length must divide the period (1 h, 30 min, 2 h, …), else no earlier frame has the
 *   same phase and every seasonal score is NaN.
 *
 * A baseline reports how many observations stand behind μ_n(t) (0 = no baseline); the
 * scorers turn a count below their `minHistory` into NaN. All state lives in typed arrays
 * indexed by the global vertex id ({@link VertexIndex}); `seasonal` keeps the frames of the
 * last k periods (their ids and memberships as Float32: 4·(1+K) bytes per present vertex
 * and frame, e.g. 168 hourly frames for k = 7 days) and scatters the lagged rows into one
 * dense accumulator per scored frame, so each frame costs O(k·n·K).
 */
import { growFloat64, growInt32 } from "./vertex-index.js";

const MODULE = "telemetry-lab/dynamics/baseline";

/** The baselines of this module. */
export type BaselineKind = "previous" | "static" | "ewma" | "seasonal";

/** Every {@link BaselineKind}. */
export const BASELINE_KINDS: readonly BaselineKind[] = Object.freeze(["previous", "static", "ewma", "seasonal"]);

/** The season of the `seasonal` baseline: same hour of day, or same hour of week. */
export type Season = "day" | "week";

/** Seconds per {@link Season}. */
export const SEASON_SECONDS: Readonly<Record<Season, number>> = Object.freeze({ day: 86_400, week: 604_800 });

/** Options of {@link createBaseline}. */
export interface BaselineOptions {
  /** Which baseline. Default "previous". */
  baseline?: BaselineKind;
  /** EWMA weight of the newest observation, in (0, 1]. Default 0.1 (per interval). */
  alpha?: number;
  /** Period of the seasonal baseline. Default "day". */
  season?: Season;
  /** Number of past periods k averaged by the seasonal baseline. Default 7. */
  periods?: number;
  /** Exclusive end of the training span (epoch seconds) for `static`; undefined = never frozen. */
  trainEndSeconds?: number;
}

/** Defaults of {@link BaselineOptions}. */
export const BASELINE_DEFAULTS = Object.freeze({
  baseline: "previous" as BaselineKind,
  alpha: 0.1,
  season: "day" as Season,
  periods: 7,
});

/** A streaming baseline over K roles (see the module comment). */
export interface Baseline {
  readonly kind: BaselineKind;
  /** Prepares the baselines of the frame starting at `t` (epoch seconds), the `frame`-th pushed (0-based). */
  prepare(t: number, frame: number): void;
  /** Writes μ_v into `out[off .. off+K)` and returns the number of observations behind it (0: none, `out` untouched). */
  get(v: number, out: Float64Array, off: number): number;
  /** Takes in the frame just scored: ids of its rows and its n×K memberships. */
  observe(ids: Uint32Array, P: Float64Array, t: number, frame: number): void;
}

/**
 * A baseline over K roles.
 *
 * @throws when an option is out of range.
 * @example
 * const b = createBaseline(2, { baseline: "ewma", alpha: 0.5 });
 * b.prepare(0, 0); b.observe(Uint32Array.of(0), Float64Array.of(1, 0), 0, 0);
 * b.prepare(3600, 1); b.observe(Uint32Array.of(0), Float64Array.of(0, 1), 3600, 1);
 * const mu = new Float64Array(2);
 * b.prepare(7200, 2); b.get(0, mu, 0); // 2, mu = [0.5, 0.5]
 */
export function createBaseline(k: number, options: BaselineOptions = {}): Baseline {
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`${MODULE}: the number of roles must be a positive integer, got ${k}`);
  const kind = options.baseline ?? BASELINE_DEFAULTS.baseline;
  switch (kind) {
    case "previous":
      return new PreviousBaseline(k);
    case "static": {
      const end = options.trainEndSeconds;
      if (end !== undefined && !Number.isFinite(end)) throw new Error(`${MODULE}: trainEndSeconds must be finite, got ${end}`);
      return new StaticBaseline(k, end ?? Infinity);
    }
    case "ewma": {
      const alpha = options.alpha ?? BASELINE_DEFAULTS.alpha;
      if (!(alpha > 0 && alpha <= 1)) throw new Error(`${MODULE}: alpha must be in (0, 1], got ${alpha}`);
      return new EwmaBaseline(k, alpha);
    }
    case "seasonal": {
      const season = options.season ?? BASELINE_DEFAULTS.season;
      const period = SEASON_SECONDS[season];
      if (period === undefined) throw new Error(`${MODULE}: unknown season '${String(season)}' (expected day or week)`);
      const periods = options.periods ?? BASELINE_DEFAULTS.periods;
      if (!Number.isSafeInteger(periods) || periods < 1) throw new Error(`${MODULE}: periods must be a positive integer, got ${periods}`);
      return new SeasonalBaseline(k, period, periods);
    }
    default:
      throw new Error(`${MODULE}: unknown baseline '${String(kind)}' (expected one of ${BASELINE_KINDS.join(", ")})`);
  }
}

class PreviousBaseline implements Baseline {
  readonly kind = "previous" as const;
  private last = new Float64Array(0);
  private lastFrame = new Int32Array(0);
  private frame = 0;
  constructor(private readonly k: number) {}
  prepare(_t: number, frame: number): void {
    this.frame = frame;
  }
  get(v: number, out: Float64Array, off: number): number {
    if (v >= this.lastFrame.length || this.lastFrame[v] !== this.frame - 1) return 0;
    const k = this.k;
    for (let r = 0; r < k; r++) out[off + r] = this.last[v * k + r]!;
    return 1;
  }
  observe(ids: Uint32Array, P: Float64Array, _t: number, frame: number): void {
    const k = this.k;
    const n = maxId(ids) + 1;
    this.last = growFloat64(this.last, n * k);
    this.lastFrame = growInt32(this.lastFrame, n, -1);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      for (let r = 0; r < k; r++) this.last[v * k + r] = P[i * k + r]!;
      this.lastFrame[v] = frame;
    }
  }
}

class StaticBaseline implements Baseline {
  readonly kind = "static" as const;
  private sum = new Float64Array(0);
  private count = new Int32Array(0);
  constructor(
    private readonly k: number,
    private readonly trainEnd: number,
  ) {}
  prepare(): void {}
  get(v: number, out: Float64Array, off: number): number {
    const c = v < this.count.length ? this.count[v]! : 0;
    if (c === 0) return 0;
    const k = this.k;
    for (let r = 0; r < k; r++) out[off + r] = this.sum[v * k + r]! / c;
    return c;
  }
  observe(ids: Uint32Array, P: Float64Array, t: number): void {
    if (t >= this.trainEnd) return;
    const k = this.k;
    const n = maxId(ids) + 1;
    this.sum = growFloat64(this.sum, n * k);
    this.count = growInt32(this.count, n);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      for (let r = 0; r < k; r++) this.sum[v * k + r]! += P[i * k + r]!;
      this.count[v]! += 1;
    }
  }
}

class EwmaBaseline implements Baseline {
  readonly kind = "ewma" as const;
  private mu = new Float64Array(0);
  private count = new Int32Array(0);
  constructor(
    private readonly k: number,
    private readonly alpha: number,
  ) {}
  prepare(): void {}
  get(v: number, out: Float64Array, off: number): number {
    const c = v < this.count.length ? this.count[v]! : 0;
    if (c === 0) return 0;
    const k = this.k;
    for (let r = 0; r < k; r++) out[off + r] = this.mu[v * k + r]!;
    return c;
  }
  observe(ids: Uint32Array, P: Float64Array): void {
    const k = this.k;
    const a = this.alpha;
    const n = maxId(ids) + 1;
    this.mu = growFloat64(this.mu, n * k);
    this.count = growInt32(this.count, n);
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i]!;
      const first = this.count[v] === 0;
      for (let r = 0; r < k; r++) {
        const p = P[i * k + r]!;
        this.mu[v * k + r] = first ? p : a * p + (1 - a) * this.mu[v * k + r]!;
      }
      this.count[v]! += 1;
    }
  }
}

interface StoredFrame {
  readonly ids: Uint32Array;
  readonly P: Float32Array;
}

class SeasonalBaseline implements Baseline {
  readonly kind = "seasonal" as const;
  private readonly frames = new Map<number, StoredFrame>();
  private acc = new Float64Array(0);
  private cnt = new Int32Array(0);
  private touched: Uint32Array[] = [];
  constructor(
    private readonly k: number,
    private readonly period: number,
    private readonly periods: number,
  ) {}
  prepare(t: number): void {
    const k = this.k;
    // Clear the previous frame's scatter.
    for (const ids of this.touched) {
      for (let i = 0; i < ids.length; i++) {
        const v = ids[i]!;
        this.cnt[v] = 0;
        this.acc.fill(0, v * k, v * k + k);
      }
    }
    this.touched = [];
    for (let j = 1; j <= this.periods; j++) {
      const f = this.frames.get(t - j * this.period);
      if (f === undefined) continue;
      const n = maxId(f.ids) + 1;
      this.acc = growFloat64(this.acc, n * k);
      this.cnt = growInt32(this.cnt, n);
      for (let i = 0; i < f.ids.length; i++) {
        const v = f.ids[i]!;
        for (let r = 0; r < k; r++) this.acc[v * k + r]! += f.P[i * k + r]!;
        this.cnt[v]! += 1;
      }
      this.touched.push(f.ids);
    }
  }
  get(v: number, out: Float64Array, off: number): number {
    const c = v < this.cnt.length ? this.cnt[v]! : 0;
    if (c === 0) return 0;
    const k = this.k;
    for (let r = 0; r < k; r++) out[off + r] = this.acc[v * k + r]! / c;
    return c;
  }
  observe(ids: Uint32Array, P: Float64Array, t: number): void {
    this.frames.set(t, { ids: Uint32Array.from(ids), P: Float32Array.from(P) });
    // Later frames start after t, so they never look back to t − k·period or earlier.
    const stale = t - this.periods * this.period;
    for (const s of this.frames.keys()) if (s <= stale) this.frames.delete(s);
  }
}

function maxId(ids: Uint32Array): number {
  let m = -1;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > m) m = ids[i]!;
  return m;
}
