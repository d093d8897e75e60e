/**
 * Role change: s_n(t) = d(P_n(t), μ_n(t)), the distance between a vertex's role
 * distribution in interval t and its baseline, `lanl-method.md` §1d items 1–2.
 *
 * Sources: Palladino & Thissen, "Cyber Anomaly Detection Using Graph-node Role-dynamics"
 * (arXiv 1812.02848, 2018), as read by Hamelin (consecutive change, the `previous`
 * baseline); Rossi et al., "Modeling Dynamic Behavior in Large Evolving Graphs" (WSDM
 * 2013), the "role change" signal; ElementAI's deviation from a per-node baseline
 * (`static`, `ewma`, `seasonal`). Distances: `distance.ts`; baselines: `baseline.ts`.
 *
 * **Vertices that appear or vanish.** A vertex is scored only against a baseline it has:
 * - present at t and in the baseline (`previous`: present in the frame just before;
 *   `static`: present in at least one training frame before t; `ewma`: present in some
 *   earlier frame; `seasonal`: present at t − j·period for some j = 1..k) with at least
 *   `minHistory` observations behind it → s = d(P(t), μ(t));
 * - otherwise NaN: a vertex that appears (first time, or back after an absence under
 *   `previous`) is **not** scored as a jump from the zero vector (which would give every
 *   new artifact L1 = 1), it is left to the novelty scores (`novelty.ts`).
 * A vertex absent at t has no row in the frame and so no score; its baseline state is
 * kept (held, not decayed) for when it comes back.
 *
 * Frames must come in strictly increasing start order; the state is per global vertex id
 * in typed arrays (see `baseline.ts` for the memory of each baseline).
 */
import type { FrameScorer, RoleFrame, ScoreFrame } from "./frame.js";
import { BASELINE_DEFAULTS, createBaseline, type Baseline, type BaselineKind, type Season } from "./baseline.js";
import { checkDistance, DISTANCE_DEFAULTS, distanceAt, type RoleDistance } from "./distance.js";
import { frameTime, VertexIndex } from "./vertex-index.js";
import { parseIsoUtc } from "../time/interval.js";

const MODULE = "telemetry-lab/dynamics/role-change";

/** Options of {@link RoleChangeScorer} and {@link scoreFrames}. */
export interface RoleChangeOptions {
  /** Distance between P(t) and the baseline. Default "l1". */
  distance?: RoleDistance;
  /** Baseline. Default "previous" (consecutive role change). */
  baseline?: BaselineKind;
  /** EWMA weight of the newest observation, in (0, 1]. Default 0.1. */
  alpha?: number;
  /** Seasonal period: "day" (same hour of day) or "week". Default "day". */
  season?: Season;
  /** Seasonal baseline: the number k of past periods averaged. Default 7. */
  periods?: number;
  /** Exclusive end of the training span (ISO start, UTC), for the `static` baseline. Default: none (expanding mean). */
  trainEnd?: string;
  /** Observations needed behind a baseline to score against it, else NaN. Default 1. */
  minHistory?: number;
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link RoleChangeOptions}. */
export const ROLE_CHANGE_DEFAULTS = Object.freeze({
  distance: DISTANCE_DEFAULTS.distance,
  baseline: BASELINE_DEFAULTS.baseline,
  alpha: BASELINE_DEFAULTS.alpha,
  season: BASELINE_DEFAULTS.season,
  periods: BASELINE_DEFAULTS.periods,
  minHistory: 1,
});

/**
 * Streaming role-change scorer: `push(frame)` scores one frame against the baselines
 * built from the frames pushed before it, then takes the frame into the baselines.
 *
 * @example
 * const s = new RoleChangeScorer({ distance: "l1" });
 * const f = (start: string, rows: number[][]) => ({ start, nodes: rows.map((_, i) => `v${i}`), memberships: fromRows(rows) });
 * s.push(f("2015-01-01T00:00:00", [[1, 0]])).scores; // Float64Array [NaN]   (no previous row)
 * s.push(f("2015-01-01T01:00:00", [[0, 1], [1, 0]])).scores; // Float64Array [2, NaN] (v1 appears)
 */
export class RoleChangeScorer implements FrameScorer {
  /** The global vertex ids of this scorer. */
  readonly vertices: VertexIndex;
  private readonly distance: RoleDistance;
  private readonly minHistory: number;
  private readonly options: RoleChangeOptions;
  private baseline: Baseline | undefined;
  private k = -1;
  private frame = 0;
  private last = NaN;
  private mu = new Float64Array(0);

  constructor(options: RoleChangeOptions = {}) {
    this.distance = checkDistance(MODULE, options.distance ?? ROLE_CHANGE_DEFAULTS.distance);
    const minHistory = options.minHistory ?? ROLE_CHANGE_DEFAULTS.minHistory;
    if (!Number.isSafeInteger(minHistory) || minHistory < 1) throw new Error(`${MODULE}: minHistory must be a positive integer, got ${minHistory}`);
    this.minHistory = minHistory;
    this.vertices = options.vertices ?? new VertexIndex();
    if (options.trainEnd !== undefined) {
      try {
        parseIsoUtc(options.trainEnd);
      } catch (e) {
        throw new Error(`${MODULE}: trainEnd: ${(e as Error).message}`);
      }
    }
    this.options = options;
    // Validate the baseline options now rather than at the first frame.
    this.makeBaseline(1);
  }

  private makeBaseline(k: number): Baseline {
    const o = this.options;
    try {
      return createBaseline(k, {
        baseline: o.baseline ?? ROLE_CHANGE_DEFAULTS.baseline,
        alpha: o.alpha ?? ROLE_CHANGE_DEFAULTS.alpha,
        season: o.season ?? ROLE_CHANGE_DEFAULTS.season,
        periods: o.periods ?? ROLE_CHANGE_DEFAULTS.periods,
        ...(o.trainEnd !== undefined ? { trainEndSeconds: parseIsoUtc(o.trainEnd) } : {}),
      });
    } catch (e) {
      throw new Error(`${MODULE}: ${(e as Error).message}`);
    }
  }

  /**
   * Scores one frame (NaN where the vertex has no baseline, see the module comment).
   *
   * @throws when frames are out of time order or the number of roles changes.
   */
  push(frame: RoleFrame): ScoreFrame {
    const t = frameTime(MODULE, frame.start, this.last);
    const { rows: n, cols: k, data } = frame.memberships;
    if (n !== frame.nodes.length) throw new Error(`${MODULE}: frame ${frame.start}: ${frame.nodes.length} nodes but ${n} membership rows`);
    if (this.baseline === undefined) {
      this.k = k;
      this.baseline = this.makeBaseline(k);
      this.mu = new Float64Array(k);
    } else if (k !== this.k) {
      throw new Error(`${MODULE}: frame ${frame.start} has ${k} roles, earlier frames ${this.k}`);
    }
    const ids = this.vertices.ids(frame.nodes);
    const b = this.baseline;
    const scores = new Float64Array(n);
    b.prepare(t, this.frame);
    const mu = this.mu;
    const kind = this.distance;
    const minHistory = this.minHistory;
    for (let i = 0; i < n; i++) {
      const c = b.get(ids[i]!, mu, 0);
      scores[i] = c >= minHistory ? distanceAt(kind, data, i * k, mu, 0, k) : NaN;
    }
    b.observe(ids, data, t, this.frame);
    this.frame += 1;
    this.last = t;
    return { start: frame.start, nodes: frame.nodes, scores };
  }
}

/**
 * Scores a sequence of frames (in increasing time order) lazily, one {@link ScoreFrame}
 * per frame: a {@link RoleChangeScorer} over an iterable, so frames read from disk one at
 * a time stay out of memory.
 *
 * @example
 * const out = [...scoreFrames(frames, { baseline: "ewma", distance: "hellinger" })];
 * out.length === frames.length; // true
 */
export function* scoreFrames(frames: Iterable<RoleFrame>, options: RoleChangeOptions = {}): Generator<ScoreFrame> {
  const s = new RoleChangeScorer(options);
  for (const f of frames) yield s.push(f);
}
