/**
 * Trivial controls for detection on LANL: scores that need no roles, evaluated on the same
 * units and span as the detector (`lanl-method.md` §1e item 3), so that a detector's AP is
 * read beside what a one-line rule gets. Each control gives one {@link ScoreFrame} per
 * interval (per vertex; higher = more anomalous; NaN = not scored):
 *
 * - `random`: a uniform number in [0, 1) per (seed, vertex, interval), from a hash
 *   (`hash32` of `src/random/prng.ts`), so it does not depend on the other vertices.
 * - `ntlm-share`: the share of the vertex's auth events of the interval whose auth type is
 *   NTLM (every red-team logon is NTLM, §1a; the third-party `ntlm_only` rule reaches ROC AUC
 *   0.98 at event level, §1e). Vertices without auth events: no score.
 * - `first-seen-edge`: how many of the vertex's neighbours in the interval graph were never
 *   its neighbours in an earlier interval of the stream (`count`, default) or that number
 *   over its neighbours (`share`): Bowman et al.'s "unknown authentication" rule
 *   (RAID 2020) per vertex, computed by `src/dynamics/novelty.ts` (`new-neighbours`,
 *   `new-neighbour-share`). Self-loops are not neighbours. The first interval of a stream
 *   has every edge new: start the stream before the test span.
 * - `activity`: the vertex's strength (sum of its edge weights) in the interval graph.
 * - `degree-change`: |deg_t − deg_{t−1}|, deg = distinct neighbours other than itself; NaN
 *   when the vertex is not in the graph of the interval just before (or that graph was not
 *   given).
 * - `feature-change`: the L1 distance between log1p of the vertex's ReFeX feature vector
 *   at t and at t−1 (the features Parquet tables of the embedding stage: the raw features
 *   the roles are fitted on, without roles); NaN when absent at t−1.
 * - for the event unit, `ntlm`: the indicator "auth type is NTLM" itself ({@link ntlmIndicator}).
 *
 * Streaming: scorers take frames in increasing time order and keep per-vertex state in
 * typed arrays by global vertex id (`VertexIndex` of `src/dynamics/vertex-index.ts`); the
 * first-seen edges keep a hash set of the pairs seen (`src/dynamics/pair-set.ts`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FrameScorer, ScoreFrame } from "../dynamics/frame.js";
import { frameTime, growFloat64, VertexIndex } from "../dynamics/vertex-index.js";
import { emptyCsr, strengths, type Csr } from "../graph/csr.js";
import { readGraph } from "../graph/format/tlg.js";
import { allCategoryNoAttr } from "../graph/arch/all-category-no-attr.js";
import type { GraphArch } from "../graph/arch/arch.js";
import { readParquet } from "../io/parquet.js";
import { hash32 } from "../random/prng.js";
import { NoveltyScorer, type GraphFrame } from "../dynamics/novelty.js";
import { parseIsoUtc } from "../time/interval.js";
import { isoDuration } from "../time/duration.js";
import { groundTruth } from "./labels.js";
import { readAuthInterval, type AuthInterval, type EventArtifacts } from "./units.js";

const MODULE = "telemetry-lab/evaluation/controls";

/** The vertex-level controls. */
export type ControlName = "random" | "ntlm-share" | "first-seen-edge" | "activity" | "degree-change" | "feature-change";

/** Every vertex-level control, in report order. */
export const CONTROL_NAMES: readonly ControlName[] = Object.freeze([
  "random",
  "ntlm-share",
  "first-seen-edge",
  "activity",
  "degree-change",
  "feature-change",
] as ControlName[]);

/** One interval graph (the type of `src/dynamics/novelty.ts`). */
export type { GraphFrame };

/** One interval's feature table: `columns[j][i]` is feature `names[j]` of vertex `nodes[i]`. */
export interface FeatureFrame {
  readonly start: string;
  readonly nodes: readonly string[];
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
}

// ---------------------------------------------------------------------------------------------
// random

/** Options of {@link randomScores}. */
export interface RandomOptions {
  /** Seed. Default 1. */
  seed?: number;
}

/** Defaults of {@link RandomOptions}. */
export const RANDOM_DEFAULTS = Object.freeze({ seed: 1 });

/** FNV-1a of a string's UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The random control: a uniform score in [0, 1) per (seed, vertex, interval).
 *
 * @example
 * randomScores("2015-01-01T00:00:00", ["a", "b"], { seed: 1 }).scores; // two fixed numbers in [0, 1)
 */
export function randomScores(start: string, nodes: readonly string[], options: RandomOptions = {}): ScoreFrame {
  const seed = options.seed ?? RANDOM_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new Error(`${MODULE}: seed must be an integer, got ${seed}`);
  const t = parseIsoUtc(start);
  const scores = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) scores[i] = hash32(seed, hashString(nodes[i]!), t) / 4294967296;
  return { start, nodes, scores };
}

// ---------------------------------------------------------------------------------------------
// activity

/**
 * The activity control: each vertex's strength (sum of its edge weights, a self-loop once).
 *
 * @example
 * // edges a–b (weight 2), b–c (weight 1)
 * activityScores({ start: "2015-01-01T00:00:00", graph: g }).scores; // Float64Array [2, 3, 1]
 */
export function activityScores(frame: GraphFrame): ScoreFrame {
  return { start: frame.start, nodes: frame.graph.names, scores: strengths(frame.graph) };
}

/** Distinct neighbours of each vertex other than itself. */
function degreesWithoutLoops(g: Csr): Float64Array {
  const n = g.names.length;
  const d = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let k = g.offsets[u + 1]! - g.offsets[u]!;
    for (let p = g.offsets[u]!; p < g.offsets[u + 1]!; p++) if (g.targets[p] === u) k--;
    d[u] = k;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// degree change

/** Options of {@link DegreeChange} and {@link FeatureChange}. */
export interface ChangeOptions {
  /** Interval length in seconds: "the interval just before" is `start − intervalSeconds`. Default 3600. */
  intervalSeconds?: number;
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link ChangeOptions}. */
export const CHANGE_DEFAULTS = Object.freeze({ intervalSeconds: 3600 });

function intervalOf(options: ChangeOptions): number {
  const s = options.intervalSeconds ?? CHANGE_DEFAULTS.intervalSeconds;
  if (!Number.isSafeInteger(s) || s <= 0) throw new Error(`${MODULE}: intervalSeconds must be a positive whole number, got ${s}`);
  return s;
}

/**
 * The degree-change control, streaming: |deg_t − deg_{t−1}| per vertex, NaN when the
 * vertex was not in the graph of the interval just before.
 *
 * @example
 * const dc = new DegreeChange();
 * dc.push({ start: "2015-01-01T00:00:00", graph: g0 }).scores; // all NaN (no previous graph)
 * dc.push({ start: "2015-01-01T01:00:00", graph: g1 }).scores; // e.g. Float64Array [1, 0, NaN]
 */
export class DegreeChange implements FrameScorer<GraphFrame> {
  private readonly vertices: VertexIndex;
  private readonly interval: number;
  private deg = new Float64Array(0);
  /** Start (epoch seconds) of the frame `deg` was last set in, per id. */
  private seenAt = new Float64Array(0);
  private last = NaN;

  constructor(options: ChangeOptions = {}) {
    this.interval = intervalOf(options);
    this.vertices = options.vertices ?? new VertexIndex();
  }

  push(frame: GraphFrame): ScoreFrame {
    const t = frameTime(MODULE, frame.start, this.last);
    this.last = t;
    const g = frame.graph;
    const ids = this.vertices.ids(g.names);
    this.deg = growFloat64(this.deg, this.vertices.size);
    this.seenAt = growFloat64(this.seenAt, this.vertices.size, NaN);
    const d = degreesWithoutLoops(g);
    const scores = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      scores[i] = this.seenAt[id] === t - this.interval ? Math.abs(d[i]! - this.deg[id]!) : NaN;
      this.deg[id] = d[i]!;
      this.seenAt[id] = t;
    }
    return { start: frame.start, nodes: g.names, scores };
  }
}

// ---------------------------------------------------------------------------------------------
// feature change

/**
 * The raw-feature change control, streaming: Σ_j |log1p(x_j(t)) − log1p(x_j(t−1))| over the
 * features of the first frame (matched by name in later frames), NaN when the vertex was
 * not in the table of the interval just before.
 *
 * @throws when a later table lacks one of the first table's features.
 * @example
 * const fc = new FeatureChange();
 * fc.push({ start: "2015-01-01T00:00:00", nodes: ["a"], names: ["degree"], columns: [Float64Array.of(1)] }); // [NaN]
 * fc.push({ start: "2015-01-01T01:00:00", nodes: ["a"], names: ["degree"], columns: [Float64Array.of(3)] }).scores;
 * // Float64Array [0.6931471805599454]  (log 4 − log 2)
 */
export class FeatureChange implements FrameScorer<FeatureFrame> {
  private readonly vertices: VertexIndex;
  private readonly interval: number;
  private names: readonly string[] | undefined;
  private prev = new Float64Array(0);
  private seenAt = new Float64Array(0);
  private last = NaN;

  constructor(options: ChangeOptions = {}) {
    this.interval = intervalOf(options);
    this.vertices = options.vertices ?? new VertexIndex();
  }

  /** The feature list (that of the first frame), or undefined before the first frame. */
  get features(): readonly string[] | undefined {
    return this.names;
  }

  push(frame: FeatureFrame): ScoreFrame {
    const t = frameTime(MODULE, frame.start, this.last);
    this.last = t;
    if (frame.columns.length !== frame.names.length) throw new Error(`${MODULE}: frame ${frame.start}: ${frame.names.length} feature names, ${frame.columns.length} columns`);
    if (this.names === undefined) this.names = [...frame.names];
    const names = this.names;
    const f = names.length;
    const cols = names.map((name) => {
      const j = frame.names.indexOf(name);
      if (j < 0) throw new Error(`${MODULE}: frame ${frame.start} has no feature '${name}'`);
      const c = frame.columns[j]!;
      if (c.length !== frame.nodes.length) throw new Error(`${MODULE}: frame ${frame.start}: feature '${name}' has ${c.length} values for ${frame.nodes.length} nodes`);
      return c;
    });
    const ids = this.vertices.ids(frame.nodes);
    this.prev = growFloat64(this.prev, this.vertices.size * f);
    this.seenAt = growFloat64(this.seenAt, this.vertices.size, NaN);
    const scores = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const base = id * f;
      const had = this.seenAt[id] === t - this.interval;
      let s = 0;
      for (let j = 0; j < f; j++) {
        const x = Math.log1p(cols[j]![i]!);
        if (had) s += Math.abs(x - this.prev[base + j]!);
        this.prev[base + j] = x;
      }
      scores[i] = had ? s : NaN;
      this.seenAt[id] = t;
    }
    return { start: frame.start, nodes: frame.nodes, scores };
  }
}

/**
 * Reads one features table (`<experiment>/features/<start>.parquet`: `node` + one double
 * column per feature) as a {@link FeatureFrame}.
 *
 * @throws when the file cannot be read or has no string `node` column.
 * @example
 * readFeatureFrame("features/2015-01-01T05:00:00.parquet", "2015-01-01T05:00:00").names[0]; // "degree"
 */
export function readFeatureFrame(path: string, start: string): FeatureFrame {
  let t;
  try {
    t = readParquet(path);
  } catch (e) {
    throw new Error(`${MODULE}: ${path}: ${(e as Error).message}`);
  }
  const node = t.columns.find((c) => c.name === "node");
  if (node === undefined || node.type !== "string") throw new Error(`${MODULE}: ${path}: no string column 'node'`);
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const c of t.columns) {
    if (c.name === "node") continue;
    if (c.type !== "double") throw new Error(`${MODULE}: ${path}: feature column '${c.name}' is ${c.type}, expected double`);
    names.push(c.name);
    columns.push(c.values);
  }
  return { start, nodes: node.values, names, columns };
}

// ---------------------------------------------------------------------------------------------
// first-seen edges

/** Options of {@link FirstSeenEdges}. */
export interface FirstSeenEdgeOptions {
  /** `count` of new neighbours (default) or their `share` of the neighbours. */
  measure?: "count" | "share";
  /** Vertex ids shared with other scorers (default: a private index). */
  vertices?: VertexIndex;
}

/** Defaults of {@link FirstSeenEdgeOptions}. */
export const FIRST_SEEN_EDGE_DEFAULTS = Object.freeze({ measure: "count" as "count" | "share" });

/**
 * The first-seen-edge control, streaming: per vertex, the number (or share) of its
 * neighbours in the interval graph that were never its neighbours in an earlier frame.
 * A vertex without neighbours (other than itself) scores 0 (`count`) or NaN (`share`).
 *
 * @example
 * const fs = new FirstSeenEdges();
 * fs.push({ start: "2015-01-01T00:00:00", graph: path_a_b }).scores;     // [1, 1]
 * fs.push({ start: "2015-01-01T01:00:00", graph: path_a_b_c }).scores;   // [0, 1, 1]
 */
export class FirstSeenEdges implements FrameScorer<GraphFrame> {
  private readonly scorer: NoveltyScorer;

  constructor(options: FirstSeenEdgeOptions = {}) {
    const measure = options.measure ?? FIRST_SEEN_EDGE_DEFAULTS.measure;
    if (measure !== "count" && measure !== "share") throw new Error(`${MODULE}: measure must be "count" or "share", got '${String(measure)}'`);
    const vertices = options.vertices ?? new VertexIndex();
    this.scorer = new NoveltyScorer({ score: measure === "count" ? "new-neighbours" : "new-neighbour-share", vertices });
  }

  /** Distinct edges seen so far. */
  get edgesSeen(): number {
    return this.scorer.pairCount;
  }

  push(frame: GraphFrame): ScoreFrame {
    const f = this.scorer.push(frame);
    return { start: f.start, nodes: f.nodes, scores: f.scores };
  }
}

// ---------------------------------------------------------------------------------------------
// NTLM

/**
 * The NTLM-share control from one interval's auth events (`readAuthInterval` of
 * `units.ts`): per vertex met, NTLM events / events, each event counted once per distinct
 * artifact. Vertices are the artifacts of the reading (the entity artifacts by default).
 *
 * @example
 * // events: (U1, C1 → C2, NTLM), (U1, C1 → C3, Kerberos)
 * ntlmShareScores(ai).scores; // computer_source::C1 → 0.5, computer_destination::C2 → 1, ...
 */
export function ntlmShareScores(ai: AuthInterval): ScoreFrame {
  const m = ai.names.length;
  const events = new Float64Array(m);
  const ntlm = new Float64Array(m);
  const stamp = new Int32Array(m).fill(-1);
  for (let e = 0; e < ai.events; e++) {
    for (let k = 0; k < ai.slots; k++) {
      const id = ai.artifacts[e * ai.slots + k]!;
      if (id < 0 || stamp[id] === e) continue;
      stamp[id] = e;
      events[id]!++;
      if (ai.ntlm[e] === 1) ntlm[id]!++;
    }
  }
  const order = [...ai.names.keys()].sort((x, y) => (ai.names[x]! < ai.names[y]! ? -1 : ai.names[x]! > ai.names[y]! ? 1 : 0));
  const nodes = order.map((i) => ai.names[i]!);
  const scores = Float64Array.from(order, (i) => ntlm[i]! / events[i]!);
  return { start: ai.start, nodes, scores };
}

/** Options of {@link ntlmShare}. */
export interface NtlmShareOptions {
  /** The architecture naming the vertices. Default `all-category-no-attr`. */
  arch?: GraphArch;
  /** Which artifacts get a share. Default "entities" (users and computers). */
  artifacts?: EventArtifacts;
}

/**
 * The NTLM-share control of one interval, read from its auth partition.
 *
 * @example
 * (await ntlmShare("data/lanl/partitions/P0DT1H0M0S/auth/2015-01-08T21:00:00.txt.gz", "2015-01-08T21:00:00")).nodes.length;
 */
export async function ntlmShare(path: string, start: string, options: NtlmShareOptions = {}): Promise<ScoreFrame> {
  const arch = options.arch ?? allCategoryNoAttr();
  const ai = await readAuthInterval(path, start, groundTruth([], { arch }), { artifacts: options.artifacts ?? "entities" });
  return ntlmShareScores(ai);
}

/** An event-level score (event unit only): one score per event of an auth interval. */
export type EventScorer = (ai: AuthInterval) => Float64Array;

/**
 * The NTLM indicator: 1 for an NTLM auth event, 0 otherwise (the third-party `ntlm_only` rule).
 *
 * @example
 * ntlmIndicator(ai); // Float64Array [1, 0, ...]
 */
export const ntlmIndicator: EventScorer = (ai) => Float64Array.from(ai.ntlm);

// ---------------------------------------------------------------------------------------------
// all controls over an experiment

/** Where {@link controlSeries} reads. */
export interface ControlSource {
  /** The LANL folder (`DIR`, with `partitions/<interval>/auth/`), for `ntlm-share`. */
  readonly dir: string;
  /** The experiment folder (`graphs/`, `features/`). */
  readonly experiment: string;
  /** Interval starts to stream, in order, from the start of the history (for the first-seen edges and changes). */
  readonly starts: readonly string[];
  /** Only frames at or after this start are yielded (the earlier ones warm the state). Default: all. */
  readonly from?: string;
}

/** Options of {@link controlSeries}. */
export interface ControlSeriesOptions {
  /** Controls to compute. Default all ({@link CONTROL_NAMES}). */
  controls?: readonly ControlName[];
  /** Interval length in seconds. Default 3600. */
  intervalSeconds?: number;
  /** The architecture naming the vertices (for `ntlm-share`). Default `all-category-no-attr`. */
  arch?: GraphArch;
  /** Seed of the random control. Default 1. */
  seed?: number;
  /** Measure of the first-seen edges. Default "count". */
  firstSeen?: "count" | "share";
  /** Partition folder name of the interval (default `P0DT1H0M0S` for 3600 s). */
  partitionInterval?: string;
}

/**
 * Every control over an experiment, as one async series per control, computed together
 * (each graph, features table and auth partition read once per interval). The series are
 * meant to be consumed in step (as `evaluate` does): a frame is buffered until every series
 * has taken it. A missing graph or features table counts as an empty interval.
 *
 * @example
 * const series = controlSeries({ dir: "data/lanl", experiment, starts, from: "2015-01-07T21:00:00" });
 * for await (const f of series.activity) ...
 */
export function controlSeries(source: ControlSource, options: ControlSeriesOptions = {}): Record<ControlName, AsyncIterable<ScoreFrame>> {
  const controls = options.controls ?? CONTROL_NAMES;
  for (const c of controls) if (!CONTROL_NAMES.includes(c)) throw new Error(`${MODULE}: unknown control '${c}'; expected one of ${CONTROL_NAMES.join(", ")}`);
  const intervalSeconds = options.intervalSeconds ?? CHANGE_DEFAULTS.intervalSeconds;
  const arch = options.arch ?? allCategoryNoAttr();
  const partitionInterval = options.partitionInterval ?? isoDuration(intervalSeconds);
  const from = source.from === undefined ? -Infinity : parseIsoUtc(source.from);
  async function* produce(): AsyncGenerator<Partial<Record<ControlName, ScoreFrame>>> {
    const vertices = new VertexIndex();
    const degree = new DegreeChange({ intervalSeconds, vertices });
    const feature = new FeatureChange({ intervalSeconds, vertices });
    const firstSeen = new FirstSeenEdges({ measure: options.firstSeen ?? FIRST_SEEN_EDGE_DEFAULTS.measure, vertices });
    const want = new Set(controls);
    const needGraph = want.has("random") || want.has("activity") || want.has("degree-change") || want.has("first-seen-edge");
    for (const start of source.starts) {
      const emit = parseIsoUtc(start) >= from;
      const out: Partial<Record<ControlName, ScoreFrame>> = {};
      if (needGraph) {
        const path = join(source.experiment, "graphs", `${start}.tlg.gz`);
        const graph = existsSync(path) ? readGraph(path) : emptyCsr();
        const gf = { start, graph };
        if (want.has("degree-change")) out["degree-change"] = degree.push(gf);
        if (want.has("first-seen-edge")) out["first-seen-edge"] = firstSeen.push(gf);
        if (emit && want.has("activity")) out.activity = activityScores(gf);
        if (emit && want.has("random")) out.random = randomScores(start, graph.names, { seed: options.seed ?? RANDOM_DEFAULTS.seed });
      }
      if (want.has("feature-change")) {
        const path = join(source.experiment, "features", `${start}.parquet`);
        const ff = existsSync(path) ? readFeatureFrame(path, start) : emptyFeatureFrame(start, feature);
        out["feature-change"] = feature.push(ff);
      }
      if (emit && want.has("ntlm-share")) {
        const path = join(source.dir, "partitions", partitionInterval, "auth", `${start}.txt.gz`);
        out["ntlm-share"] = existsSync(path) ? await ntlmShare(path, start, { arch }) : { start, nodes: [], scores: new Float64Array(0) };
      }
      if (emit) yield out;
    }
  }
  return fanOut(controls, produce());
}

function emptyFeatureFrame(start: string, fc: FeatureChange): FeatureFrame {
  const names = fc.features ?? [];
  return { start, nodes: [], names, columns: names.map(() => new Float64Array(0)) };
}


/**
 * Splits one async stream of records into one async iterable per key; an item is kept
 * until every key's iterable has taken it (consumed in step, one item is buffered).
 */
export function fanOut<K extends string, V>(keys: readonly K[], source: AsyncIterator<Partial<Record<K, V>>>): Record<K, AsyncIterable<V>> {
  const queues = new Map<K, V[]>(keys.map((k) => [k, []]));
  let done = false;
  let pending: Promise<void> | null = null;
  const pull = (): Promise<void> => {
    if (pending === null) {
      pending = source.next().then(
        (r) => {
          pending = null;
          if (r.done) done = true;
          else for (const k of keys) if (r.value[k] !== undefined) queues.get(k)!.push(r.value[k]!);
        },
        (err) => {
          pending = null;
          throw err;
        },
      );
    }
    return pending;
  };
  const out = {} as Record<K, AsyncIterable<V>>;
  for (const k of keys) {
    out[k] = {
      async *[Symbol.asyncIterator]() {
        const q = queues.get(k)!;
        for (;;) {
          if (q.length > 0) {
            yield q.shift()!;
            continue;
          }
          if (done) return;
          await pull();
        }
      },
    };
  }
  return out;
}
