/**
 * Novelty scores per (vertex, interval) from the interval graphs (`lanl-method.md` §1d,
 * "Appearing and vanishing nodes"): what is new about a vertex, as opposed to how its
 * role changed. Red-team logons are strongly novel (a third party measured 37.6 % of
 * them as first-ever user→destination pairs against 0.31 % of benign logons), but
 * benign first contacts are frequent, so these scores are kept separate and are also
 * offered as scores to combine (`combine.ts`).
 *
 * Source: `lanl-method.md` §1d (novelty as the treatment of appearing vertices, option
 * (a)) and issue 14 (first-seen vertex and first-seen edges, kept separate and also
 * combinable). Definitions, with "before" meaning in any earlier pushed graph since the
 * start of the data:
 * - `first-seen`: 1 in the first interval the vertex appears in a graph, else 0.
 * - `new-neighbours`: the number of the vertex's neighbours in interval t that were
 *   never its neighbours before (self-loops ignored: a vertex is not its own neighbour).
 * - `new-neighbour-share`: new-neighbours / number of neighbours in t (self-loop
 *   excluded); NaN for a vertex whose only edge is a self-loop.
 * Neighbourhood is undirected (the Csr's): {u, v} seen once makes it old for both u and v.
 * Past pairs are kept in a {@link PairSet} over global vertex ids (8–16 bytes per
 * distinct pair ever seen); each graph costs one probe per edge.
 */
import type { Csr } from "../graph/csr.js";
import type { FrameScorer, ScoreFrame } from "./frame.js";
import { PairSet } from "./pair-set.js";
import { frameTime, VertexIndex } from "./vertex-index.js";

const MODULE = "telemetry-lab/dynamics/novelty";

/** The novelty scores of this module. */
export type NoveltyScore = "first-seen" | "new-neighbours" | "new-neighbour-share";

/** Every {@link NoveltyScore}. */
export const NOVELTY_SCORES: readonly NoveltyScore[] = Object.freeze(["first-seen", "new-neighbours", "new-neighbour-share"]);

/** One interval's graph. */
export interface GraphFrame {
  readonly start: string;
  readonly graph: Csr;
}

/** The novelty scores of one interval, aligned with `nodes` (= the graph's names). */
export interface NoveltyFrame {
  readonly start: string;
  readonly nodes: readonly string[];
  readonly firstSeen: Float64Array;
  readonly newNeighbours: Float64Array;
  readonly newNeighbourShare: Float64Array;
}

/** Options of {@link NoveltyScorer} and {@link noveltyScores}. */
export interface NoveltyOptions {
  /** Which score {@link noveltyScores} yields. Default "new-neighbour-share". */
  score?: NoveltyScore;
  /** Initial slots of the pair set (grows as needed). Default 1 << 16. */
  capacity?: number;
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link NoveltyOptions}. */
export const NOVELTY_DEFAULTS = Object.freeze({ score: "new-neighbour-share" as NoveltyScore, capacity: 1 << 16 });

/**
 * Streaming novelty scorer over interval graphs in time order.
 *
 * @example
 * const s = new NoveltyScorer();
 * s.push({ start: "2015-01-01T00:00:00", graph: csrFromEdges(["a", "b", "c"], [0], [1], [1]) });
 * const f = s.push({ start: "2015-01-01T01:00:00", graph: csrFromEdges(["a", "b", "c"], [0, 0], [1, 2], [1, 1]) });
 * f.firstSeen;         // Float64Array [0, 0, 1]   (a, b, c)
 * f.newNeighbours;     // Float64Array [1, 0, 1]
 * f.newNeighbourShare; // Float64Array [0.5, 0, 1]
 */
export class NoveltyScorer implements FrameScorer<GraphFrame, ScoreFrame & NoveltyFrame> {
  /** The global vertex ids of this scorer. */
  readonly vertices: VertexIndex;
  private readonly pairs: PairSet;
  private seen = new Uint8Array(0);
  private last = NaN;
  private readonly score: NoveltyScore;

  constructor(options: NoveltyOptions = {}) {
    const score = options.score ?? NOVELTY_DEFAULTS.score;
    if (!(NOVELTY_SCORES as readonly string[]).includes(score)) throw new Error(`${MODULE}: unknown score '${String(score)}' (expected one of ${NOVELTY_SCORES.join(", ")})`);
    this.score = score;
    this.vertices = options.vertices ?? new VertexIndex();
    try {
      this.pairs = new PairSet({ capacity: options.capacity ?? NOVELTY_DEFAULTS.capacity });
    } catch (e) {
      throw new Error(`${MODULE}: ${(e as Error).message}`);
    }
  }

  /** Number of distinct vertex pairs seen so far. */
  get pairCount(): number {
    return this.pairs.size;
  }

  /**
   * Scores one interval's graph; `scores` is the score chosen by the `score` option.
   *
   * @throws when graphs are out of time order.
   */
  push(input: GraphFrame): ScoreFrame & NoveltyFrame {
    const t = frameTime(MODULE, input.start, this.last);
    const g = input.graph;
    const n = g.names.length;
    const ids = this.vertices.ids(g.names);
    if (this.seen.length < this.vertices.size) {
      const s = new Uint8Array(Math.max(this.vertices.size, Math.ceil(this.seen.length * 1.5)));
      s.set(this.seen);
      this.seen = s;
    }
    const firstSeen = new Float64Array(n);
    const fresh = new Float64Array(n);
    const share = new Float64Array(n);
    const degree = new Uint32Array(n);
    const { offsets, targets } = g;
    const pairs = this.pairs;
    for (let u = 0; u < n; u++) {
      const gu = ids[u]!;
      if (this.seen[gu] === 0) {
        firstSeen[u] = 1;
        this.seen[gu] = 1;
      }
      const end = offsets[u + 1]!;
      for (let e = offsets[u]!; e < end; e++) {
        const v = targets[e]!;
        if (v === u) continue;
        degree[u]! += 1;
        // Each undirected edge appears in both rows: handle it once, from its lower end.
        if (v < u) continue;
        if (pairs.add(gu, ids[v]!)) {
          fresh[u]! += 1;
          fresh[v]! += 1;
        }
      }
    }
    for (let u = 0; u < n; u++) share[u] = degree[u]! > 0 ? fresh[u]! / degree[u]! : NaN;
    this.last = t;
    const scores = this.score === "first-seen" ? firstSeen : this.score === "new-neighbours" ? fresh : share;
    return { start: input.start, nodes: g.names, scores, firstSeen, newNeighbours: fresh, newNeighbourShare: share };
  }
}

/** One novelty score of a {@link NoveltyFrame} as a {@link ScoreFrame}. */
export function noveltyScoreFrame(f: NoveltyFrame, score: NoveltyScore): ScoreFrame {
  const scores = score === "first-seen" ? f.firstSeen : score === "new-neighbours" ? f.newNeighbours : score === "new-neighbour-share" ? f.newNeighbourShare : undefined;
  if (scores === undefined) throw new Error(`${MODULE}: unknown score '${String(score)}' (expected one of ${NOVELTY_SCORES.join(", ")})`);
  return { start: f.start, nodes: f.nodes, scores };
}

/**
 * Novelty scores of a sequence of interval graphs, lazily; each yielded frame carries all
 * three scores, with `scores` set to the one chosen by `options.score`.
 *
 * @example
 * for (const f of noveltyScores(graphFrames, { score: "new-neighbours" })) console.log(f.start, f.scores);
 */
export function* noveltyScores(frames: Iterable<GraphFrame>, options: NoveltyOptions = {}): Generator<ScoreFrame & NoveltyFrame> {
  const s = new NoveltyScorer(options);
  for (const f of frames) yield s.push(f);
}
