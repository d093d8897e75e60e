/**
 * A global role-transition model and its prediction residual (`lanl-method.md` §1d
 * item 3), after DBMM: Rossi, Gallagher, Neville & Henderson, "Modeling Dynamic
 * Behavior in Large Evolving Graphs" (WSDM 2013), which learns a transition matrix T
 * between roles from consecutive snapshots and predicts P(t) ≈ P(t−1)·T.
 *
 * **Learning.** Over the training frames, every vertex present in two consecutive pushed
 * frames gives a pair (x, y) = (P_n(t−1), P_n(t)); T ∈ ℝ₊^{K×K} solves
 *   min_T Σ ‖y − x·T‖²  subject to T ≥ 0,
 * which splits into one non-negative least-squares problem per column j of T,
 *   min ‖X·T_{:,j} − Y_{:,j}‖², T_{:,j} ≥ 0,
 * solved in Gram form (`nnlsGram` of src/embedding/nnls.ts, Lawson–Hanson) from the
 * streaming sufficient statistics Q = XᵀX = Σ xᵀx and C = XᵀY = Σ xᵀy (K×K each: the
 * pairs are never stored). The rows of T are then divided by their sums so that each
 * row is a distribution (T ≥ 0, rows sum to 1): this projection follows the method note
 * and is not the constrained optimum. A row that comes out all zero (role r never held
 * at t−1 in training) becomes the unit row e_r ("stays in its role").
 *
 * **Scoring.** s_n(t) = ‖P_n(t) − P_n(t−1)·T‖₂ for a vertex present at t−1 (the frame
 * pushed just before) and at t; NaN otherwise (an appearing vertex is left to novelty,
 * as in `role-change.ts`). Frames before `trainEnd` are scored with T fitted on the pairs
 * seen before them (one step ahead; NaN while there is no pair), and from `trainEnd` on T
 * is frozen. With `transition` given, T is fixed and nothing is learned.
 *
 * **Graph level.** The role mass m(t) = (1/N_t) Σ_n P_n(t) (the mean row of frame t,
 * zero rows included) and its residual ‖m(t) − m(t−1)·T‖₂ (NaN for the first frame, an
 * empty frame, or no T yet).
 */
import { matrix, type Matrix } from "../embedding/matrix.js";
import { nnlsGram } from "../embedding/nnls.js";
import type { FrameScorer, RoleFrame, ScoreFrame } from "./frame.js";
import { createBaseline, type Baseline } from "./baseline.js";
import { frameTime, VertexIndex } from "./vertex-index.js";
import { parseIsoUtc } from "../time/interval.js";

const MODULE = "telemetry-lab/dynamics/transition";

/** Options of {@link TransitionScorer}, {@link transitionScores} and {@link learnTransition}. */
export interface TransitionOptions {
  /** Exclusive end of the training span (ISO start, UTC). Default: none (T keeps learning from every frame). */
  trainEnd?: string;
  /** A fixed K×K transition matrix (rows ≥ 0): no learning. */
  transition?: Matrix;
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link TransitionOptions} (nothing fixed: learn on every frame before `trainEnd`). */
export const TRANSITION_DEFAULTS: Readonly<TransitionOptions> = Object.freeze({});

/** A {@link ScoreFrame} of transition residuals, with the graph-level role mass. */
export interface TransitionFrame extends ScoreFrame {
  /** m(t): the mean membership row of the frame (length K; NaN when the frame is empty). */
  readonly mass: Float64Array;
  /** ‖m(t) − m(t−1)·T‖₂, NaN when undefined. */
  readonly massResidual: number;
}

/**
 * T from the sufficient statistics Q = XᵀX and C = XᵀY (both K×K, row-major): NNLS per
 * column, then rows divided by their sums (an all-zero row becomes e_r).
 *
 * @throws when the shapes disagree or an entry is not finite.
 * @example
 * // two pairs: [1,0]→[0,1] and [0,1]→[0,1]
 * fitTransition(fromRows([[1, 0], [0, 1]]), fromRows([[0, 1], [0, 1]])).data; // Float64Array [0, 1, 0, 1]
 */
export function fitTransition(Q: Matrix, C: Matrix): Matrix {
  const k = Q.rows;
  if (Q.cols !== k || C.rows !== k || C.cols !== k) throw new Error(`${MODULE}: Q and C must both be K×K, got ${Q.rows}×${Q.cols} and ${C.rows}×${C.cols}`);
  const T = matrix(k, k);
  const c = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < k; p++) c[p] = C.data[p * k + j]!;
    let x: Float64Array;
    try {
      x = nnlsGram(Q, c).x;
    } catch (e) {
      throw new Error(`${MODULE}: column ${j}: ${(e as Error).message}`);
    }
    for (let p = 0; p < k; p++) T.data[p * k + j] = x[p]!;
  }
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += T.data[r * k + j]!;
    if (s > 0) for (let j = 0; j < k; j++) T.data[r * k + j]! /= s;
    else T.data[r * k + r] = 1;
  }
  return T;
}

/**
 * Streaming transition scorer (see the module comment): `push(frame)` scores the frame
 * with the current T, then learns from its pairs while in training.
 *
 * @example
 * const s = new TransitionScorer({ transition: fromRows([[0, 1], [1, 0]]) });
 * s.push({ start: "2015-01-01T00:00:00", nodes: ["a"], memberships: fromRows([[1, 0]]) }).scores; // [NaN]
 * s.push({ start: "2015-01-01T01:00:00", nodes: ["a"], memberships: fromRows([[1, 0]]) }).scores; // [1.4142…] (predicted [0,1])
 */
export class TransitionScorer implements FrameScorer<RoleFrame, TransitionFrame> {
  /** The global vertex ids of this scorer. */
  readonly vertices: VertexIndex;
  private readonly trainEnd: number;
  private readonly fixed: boolean;
  private T: Matrix | undefined;
  private k = -1;
  private Q: Matrix | undefined;
  private C: Matrix | undefined;
  private pairs = 0;
  private fittedAt = -1;
  private prev: Baseline | undefined;
  private prevMass: Float64Array | undefined;
  private frame = 0;
  private last = NaN;

  constructor(options: TransitionOptions = {}) {
    this.vertices = options.vertices ?? new VertexIndex();
    if (options.trainEnd !== undefined) {
      try {
        this.trainEnd = parseIsoUtc(options.trainEnd);
      } catch (e) {
        throw new Error(`${MODULE}: trainEnd: ${(e as Error).message}`);
      }
    } else {
      this.trainEnd = Infinity;
    }
    this.fixed = options.transition !== undefined;
    if (options.transition !== undefined) {
      const T = options.transition;
      if (T.rows !== T.cols || T.rows < 1) throw new Error(`${MODULE}: transition must be a non-empty square matrix, got ${T.rows}×${T.cols}`);
      for (let i = 0; i < T.data.length; i++) {
        if (!(T.data[i]! >= 0) || !Number.isFinite(T.data[i]!)) throw new Error(`${MODULE}: transition has an entry ${T.data[i]} at ${i}: entries must be non-negative and finite`);
      }
      this.T = T;
      this.k = T.rows;
    }
  }

  /** The current transition matrix (undefined before the first pair). */
  get transition(): Matrix | undefined {
    if (!this.fixed && this.pairs > 0 && this.fittedAt !== this.pairs) {
      this.T = fitTransition(this.Q!, this.C!);
      this.fittedAt = this.pairs;
    }
    return this.T;
  }

  /** Number of (P(t−1), P(t)) pairs learned from so far. */
  get pairCount(): number {
    return this.pairs;
  }

  /**
   * Scores one frame.
   *
   * @throws when frames are out of time order or the number of roles changes.
   */
  push(frame: RoleFrame): TransitionFrame {
    const t = frameTime(MODULE, frame.start, this.last);
    const { rows: n, cols: k, data } = frame.memberships;
    if (n !== frame.nodes.length) throw new Error(`${MODULE}: frame ${frame.start}: ${frame.nodes.length} nodes but ${n} membership rows`);
    if (this.k === -1) this.k = k;
    if (k !== this.k) throw new Error(`${MODULE}: frame ${frame.start} has ${k} roles, expected ${this.k}`);
    if (this.prev === undefined) {
      this.prev = createBaseline(k, { baseline: "previous" });
      this.Q = matrix(k, k);
      this.C = matrix(k, k);
    }
    const ids = this.vertices.ids(frame.nodes);
    const T = this.transition;
    const prev = this.prev;
    prev.prepare(t, this.frame);
    const x = new Float64Array(k);
    const scores = new Float64Array(n).fill(NaN);
    const learn = !this.fixed && t < this.trainEnd;
    const Q = this.Q!.data;
    const C = this.C!.data;
    for (let i = 0; i < n; i++) {
      if (prev.get(ids[i]!, x, 0) === 0) continue;
      const y = i * k;
      if (T !== undefined) scores[i] = residualNorm(x, T, data, y, k);
      if (learn) {
        for (let p = 0; p < k; p++) {
          const xp = x[p]!;
          if (xp === 0) continue;
          for (let q = 0; q < k; q++) {
            Q[p * k + q]! += xp * x[q]!;
            C[p * k + q]! += xp * data[y + q]!;
          }
        }
        this.pairs += 1;
      }
    }
    prev.observe(ids, data, t, this.frame);
    const mass = new Float64Array(k).fill(n > 0 ? 0 : NaN);
    for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) mass[r]! += data[i * k + r]!;
    if (n > 0) for (let r = 0; r < k; r++) mass[r]! /= n;
    const pm = this.prevMass;
    const massResidual = T !== undefined && pm !== undefined && n > 0 && !Number.isNaN(pm[0]!) ? residualNorm(pm, T, mass, 0, k) : NaN;
    this.prevMass = mass;
    this.frame += 1;
    this.last = t;
    return { start: frame.start, nodes: frame.nodes, scores, mass, massResidual };
  }
}

/** ‖y − x·T‖₂ with y = data[y0 .. y0+k). */
function residualNorm(x: Float64Array, T: Matrix, data: Float64Array, y0: number, k: number): number {
  let s = 0;
  for (let q = 0; q < k; q++) {
    let pred = 0;
    for (let p = 0; p < k; p++) pred += x[p]! * T.data[p * k + q]!;
    const d = data[y0 + q]! - pred;
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Transition residual scores of a sequence of frames, lazily (a {@link TransitionScorer} over an iterable).
 *
 * @example
 * [...transitionScores(frames, { trainEnd: "2015-01-03T00:00:00" })].map((f) => f.massResidual);
 */
export function* transitionScores(frames: Iterable<RoleFrame>, options: TransitionOptions = {}): Generator<TransitionFrame> {
  const s = new TransitionScorer(options);
  for (const f of frames) yield s.push(f);
}

/**
 * Learns T from a sequence of frames (all of them, or those before `trainEnd`): the
 * batch form of the scorer's learning.
 *
 * @throws when no vertex is present in two consecutive frames.
 * @example
 * learnTransition(trainingFrames); // Matrix K×K, rows sum to 1
 */
export function learnTransition(frames: Iterable<RoleFrame>, options: Omit<TransitionOptions, "transition"> = {}): Matrix {
  const s = new TransitionScorer({ ...options, transition: undefined } as TransitionOptions);
  const end = options.trainEnd !== undefined ? parseIsoUtc(options.trainEnd) : Infinity;
  for (const f of frames) {
    if (parseIsoUtc(f.start) >= end) break;
    s.push(f);
  }
  const T = s.transition;
  if (T === undefined) throw new Error(`${MODULE}: no vertex is present in two consecutive frames: nothing to learn from`);
  return T;
}
