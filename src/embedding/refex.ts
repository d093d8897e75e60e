/**
 * ReFeX: recursive structural features of every vertex of an undirected weighted graph.
 * Generation 0 holds local and egonet features; each later generation aggregates the
 * features kept in the previous one over every vertex's neighbours; after each generation
 * vertical logarithmic binning (`binning.ts`) and feature-graph pruning (`pruning.ts`)
 * keep one feature per group of near-identical ones. It stops when a generation keeps
 * nothing new, or after a maximum number of generations.
 *
 * Source: K. Henderson, B. Gallagher, L. Li, L. Akoglu, T. Eliassi-Rad, H. Tong and
 * C. Faloutsos, "It's Who You Know: Graph Mining Using Recursive Structural Features",
 * KDD 2011. Two presets reproduce two implementations:
 *
 * - `"graphrole"` (default): graphrole 1.1.1 (D. Kaslovsky, `features/extract.py`,
 *   `features/prune.py`, `graph/interface/networkx.py`) on a weighted undirected networkx
 *   graph, `RecursiveFeatureExtractor(G, max_generations=10, aggs=[sum, mean])`.
 *   - Generation 0: `degree` (networkx weighted degree: a self-loop counts twice),
 *     `internal_edges` (weight of the edges of `ego_graph(G, v, 1)`, self-loops of ego
 *     vertices included) and `external_edges` (weight of `edge_boundary(G, ego)`), from
 *     `egonet.ts` without building ego graphs.
 *   - Generation g ≥ 1: for each feature X kept at g − 1, `X(sum)` and `X(mean)` over
 *     `G[v]` (the neighbours, v itself if it has a self-loop; 0 without neighbours).
 *     Names are postfix: `degree(sum)(mean)`. New candidates come in the order
 *     [X(sum) for X] then [X(mean) for X], X in the previous generation's order.
 *     Sums follow numpy's pairwise summation over the neighbours in CSR order (the order
 *     of a networkx graph whose adjacency was filled in name order), means divide that sum:
 *     bit-identical to graphrole for such graphs; with another insertion order only the
 *     rounding of non-integer sums differs (about 1e-15 relative in our fixtures).
 *   - Pruning after every generation g over all features still in the working set (older
 *     ones included), Chebyshev threshold g; each component keeps its feature of the
 *     earliest generation, ties to the smallest name. Older features pruned this way leave
 *     the working set but stay in the output.
 *   - The features kept at generation g are listed in candidate order when nothing at all
 *     was pruned at g, and sorted by name otherwise (pandas `Index.difference` sorts only
 *     when the list to drop is non-empty).
 *   - Output columns: the generations from last to first (`dict(ChainMap(...))`), raw values.
 *   - Rows follow the CSR (name) order, as graphrole's sorted index does for names without
 *     characters beyond U+FFFF. With fractional weights `internal_edges`/`external_edges`
 *     come from the identities of `egonet.ts`, not graphrole's edge-by-edge sums: equal to
 *     rounding (exact for integer weights).
 * - `"llnl"`: Henderson's Java ReFeX (LLNL refex-rolx, `GenerateFeatures.java`,
 *   `RankedRoleFinder.java`, `Egonet.java`) given the graph as its "undirected" CSV (each
 *   edge listed in both directions; a self-loop once).
 *   - Generation 0: for the level-0 ego {v} and the level-1 ego {v} ∪ N(v) (suffix 0/1):
 *     `wn` (vertices), `weu`/`wet` (internal directed links / their weight: each internal
 *     edge twice, a self-loop once), `wem` = wet/weu, `xesu`/`xest`/`xesm` (links leaving:
 *     count, weight, mean), `xedu`/`xedt`/`xedm` (entering; equal to leaving here),
 *     `xeu`/`xet`/`xem` (both), 26 features.
 *   - Generation g ≥ 1, for each feature X kept at g − 1 (its bins b): `xes0-X` = `xed0-X`
 *     = Σ_{u∈N(v)\v} b(u), `xe0-X` twice that, `wn0-X` = `wnm0-X` = b(v); `xes1-X` =
 *     `xed1-X` = Σ over the boundary edges {a, c} of ego(v) (c outside) of b(c), `xe1-X`
 *     twice that, `wn1-X` = Σ over v's links of the other end's b (each neighbour twice, the
 *     self-loop once), `wnm1-X` = `wn1-X` / |ego(v)|. The boundary sum uses edge supports
 *     (common-neighbour counts) instead of ego graphs.
 *   - Every feature is binned by LLNL's rule (zeros in bin 0, ties within 0.01) and the
 *     bins replace its values; all-zero features are dropped; features within Chebyshev
 *     threshold (0 at generation 0, +1 per generation) are grouped by union-find and each
 *     group keeps its `smallerString`-minimum; features kept earlier are never dropped.
 *     At most 100 generations (`MAX_ITERATIONS`).
 *   - Deviation: the Java code lists the kept features of a generation in `HashSet` order;
 *     here they keep their candidate order (level-0 block then level-1 block, as
 *     `calculateAttrs` names them). Values and the set of features are unaffected. Edge
 *     weights below 1e-4 (which its `Counter` drops) are not treated specially.
 *
 * Everything runs over the CSR typed arrays: egonet statistics by a degree-ordered
 * triangle pass, then O(nnz) per aggregated feature.
 */
import type { Csr } from "../graph/csr.js";
import { verticalLogBins } from "./binning.js";
import { egonetStats, type EgonetStats } from "./egonet.js";
import type { Matrix } from "./matrix.js";
import { graphroleOrder, llnlOrder, pruneFeatures } from "./pruning.js";

const MODULE = "telemetry-lab/embedding/refex";

/** Which implementation to reproduce (see the module comment). */
export type RefexPreset = "graphrole" | "llnl";

/** Options of {@link refex} and {@link refexFixed}. */
export interface RefexOptions {
  /** `"graphrole"` (default) or `"llnl"`. */
  preset?: RefexPreset;
  /** Generations at most, generation 0 included. Default per preset: graphrole 10, llnl 100. */
  maxGenerations?: number;
  /** Fraction p of vertical logarithmic binning. Default 0.5. */
  binFraction?: number;
  /** Chebyshev threshold at generation 0; it grows by 1 per generation. Default 0. */
  initialThreshold?: number;
}

/** Defaults of {@link RefexOptions} (`maxGenerations` per preset in {@link REFEX_MAX_GENERATIONS}). */
export const REFEX_DEFAULTS: Readonly<{ preset: RefexPreset; binFraction: number; initialThreshold: number }> = Object.freeze({
  preset: "graphrole",
  binFraction: 0.5,
  initialThreshold: 0,
});

/** Default `maxGenerations` of each preset (graphrole `max_generations=10`; LLNL `MAX_ITERATIONS = 100`). */
export const REFEX_MAX_GENERATIONS: Readonly<Record<RefexPreset, number>> = Object.freeze({ graphrole: 10, llnl: 100 });

/** Generation-0 feature names of each preset, in candidate order. */
export const REFEX_BASE_FEATURES: Readonly<Record<RefexPreset, readonly string[]>> = Object.freeze({
  graphrole: Object.freeze(["degree", "internal_edges", "external_edges"]),
  llnl: Object.freeze(
    ["0", "1"].flatMap((lvl) =>
      ["wn", "weu", "wet", "wem", "xesu", "xest", "xesm", "xedu", "xedt", "xedm", "xeu", "xet", "xem"].map((p) => p + lvl),
    ),
  ),
});

/** Per-vertex feature columns. */
export interface FeatureTable {
  /** Vertex names, row order (= CSR order). */
  readonly nodes: readonly string[];
  /** Feature names, output column order. */
  readonly names: readonly string[];
  /** One column per feature, length `nodes.length` (values as written in the output: raw for graphrole, bins for llnl). */
  readonly columns: readonly Float64Array[];
  /** Generation of each feature. */
  readonly generations: readonly number[];
  /** {@link refex} only: candidate features examined at each generation (for charts of what pruning keeps). */
  readonly candidates?: readonly number[];
}

interface Feature {
  name: string;
  gen: number;
  values: Float64Array;
  bins: Int32Array;
}

interface Resolved {
  preset: RefexPreset;
  maxGenerations: number;
  binFraction: number;
  initialThreshold: number;
}

function resolve(options: RefexOptions): Resolved {
  const preset = options.preset ?? REFEX_DEFAULTS.preset;
  if (preset !== "graphrole" && preset !== "llnl") {
    throw new Error(`${MODULE}: unknown preset '${String(preset)}' (expected 'graphrole' or 'llnl')`);
  }
  const maxGenerations = options.maxGenerations ?? REFEX_MAX_GENERATIONS[preset];
  if (!Number.isSafeInteger(maxGenerations) || maxGenerations < 1) {
    throw new Error(`${MODULE}: maxGenerations must be a positive integer, got ${maxGenerations}`);
  }
  const binFraction = options.binFraction ?? REFEX_DEFAULTS.binFraction;
  if (!(binFraction > 0 && binFraction < 1)) throw new Error(`${MODULE}: binFraction must be in (0, 1), got ${binFraction}`);
  const initialThreshold = options.initialThreshold ?? REFEX_DEFAULTS.initialThreshold;
  if (!(initialThreshold >= 0)) throw new Error(`${MODULE}: initialThreshold must be >= 0, got ${initialThreshold}`);
  return { preset, maxGenerations, binFraction, initialThreshold };
}

/**
 * ReFeX features of every vertex: the feature list is learnt on this graph (pruning).
 *
 * @throws when an option is invalid, or (graphrole preset) the graph has no edge, as graphrole does.
 * @example
 * // path a - b - c - d, unit weights
 * const g = csrFromEdges(["a", "b", "c", "d"], [0, 1, 2], [1, 2, 3], [1, 1, 1]);
 * const t = refex(g);
 * t.names;            // ["degree", "external_edges"] (internal_edges has degree's bins)
 * [...t.columns[0]!]; // [1, 2, 2, 1]
 * t.generations;      // [0, 0]
 * refex(g, { preset: "llnl" }).names; // ["wn0", "wn1"]
 */
export function refex(g: Csr, options: RefexOptions = {}): FeatureTable {
  const opts = resolve(options);
  return opts.preset === "graphrole" ? refexGraphrole(g, opts) : refexLlnl(g, opts);
}

/**
 * Computes exactly the given features (a list saved from {@link refex}, possibly on
 * another graph) on `g`, in the given order, without pruning. Intermediate features of
 * a recursive name are computed even when they are not in the list.
 *
 * @throws when a name is not a feature of the preset.
 * @example
 * const g = csrFromEdges(["a", "b", "c"], [0, 1], [1, 2], [2, 1]);
 * const t = refexFixed(g, ["degree(mean)", "internal_edges"]);
 * [...t.columns[0]!]; // [3, 1.5, 3]
 * [...t.columns[1]!]; // [2, 3, 1]
 */
export function refexFixed(g: Csr, names: readonly string[], options: RefexOptions = {}): FeatureTable {
  const opts = resolve(options);
  const memo = new Map<string, Float64Array>();
  let stats: EgonetStats | undefined;
  const getStats = (): EgonetStats => (stats ??= egonetStats(g, { support: opts.preset === "llnl" }));
  const generations: number[] = [];
  const columns: Float64Array[] = [];
  if (opts.preset === "graphrole") {
    const baseNames = REFEX_BASE_FEATURES.graphrole;
    let base: Float64Array[] | undefined;
    const value = (name: string): Float64Array => {
      const hit = memo.get(name);
      if (hit) return hit;
      let col: Float64Array;
      const b = baseNames.indexOf(name);
      if (b >= 0) {
        base ??= graphroleBase(g, getStats());
        col = base[b]!;
      } else {
        const m = /^(.*)\((sum|mean)\)$/.exec(name);
        if (!m) throw new Error(`${MODULE}: unknown graphrole feature name '${name}'`);
        const sums = neighbourSums(g, value(m[1]!));
        col = m[2] === "sum" ? sums : neighbourMeans(g, sums);
      }
      memo.set(name, col);
      return col;
    };
    for (const name of names) {
      if (!/^(degree|internal_edges|external_edges)(\((sum|mean)\))*$/.test(name)) {
        throw new Error(`${MODULE}: unknown graphrole feature name '${name}'`);
      }
      columns.push(value(name));
      generations.push(name.split("(").length - 1);
    }
  } else {
    const baseNames = REFEX_BASE_FEATURES.llnl;
    let base: Float64Array[] | undefined;
    const binsMemo = new Map<string, Int32Array>();
    const binned = (name: string): Int32Array => {
      const hit = binsMemo.get(name);
      if (hit) return hit;
      let raw: Float64Array;
      const b = baseNames.indexOf(name);
      if (b >= 0) {
        base ??= llnlBase(g, getStats());
        raw = base[b]!;
      } else {
        const dash = name.indexOf("-");
        const op = dash < 0 ? "" : name.slice(0, dash);
        if (!LLNL_OPS.includes(op)) throw new Error(`${MODULE}: unknown llnl feature name '${name}'`);
        const cols = llnlRecursive(g, getStats(), binned(name.slice(dash + 1)));
        raw = cols[LLNL_OPS.indexOf(op)]!;
      }
      const bins = verticalLogBins(raw, { rule: "llnl", fraction: opts.binFraction });
      binsMemo.set(name, bins);
      return bins;
    };
    for (const name of names) {
      let col = memo.get(name);
      if (!col) {
        col = Float64Array.from(binned(name));
        memo.set(name, col);
      }
      columns.push(col);
      generations.push(name.split("-").length - 1);
    }
  }
  return { nodes: g.names, names: names.slice(), columns, generations };
}

/**
 * The feature table as a dense matrix, rows = vertices, columns = features.
 *
 * @example
 * const m = featureMatrix({ nodes: ["a", "b"], names: ["x", "y"], columns: [Float64Array.of(1, 2), Float64Array.of(3, 4)], generations: [0, 0] });
 * m.data; // Float64Array [1, 3, 2, 4]
 */
export function featureMatrix(t: FeatureTable): Matrix {
  const rows = t.nodes.length;
  const cols = t.names.length;
  if (t.columns.length !== cols) throw new Error(`${MODULE}: ${cols} names but ${t.columns.length} columns`);
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const c = t.columns[j]!;
    if (c.length !== rows) throw new Error(`${MODULE}: column '${t.names[j]}' has ${c.length} rows, expected ${rows}`);
    for (let i = 0; i < rows; i++) data[i * cols + j] = c[i]!;
  }
  return { rows, cols, data };
}

// ---------------------------------------------------------------------------------------
// graphrole preset

function graphroleBase(g: Csr, s: EgonetStats): Float64Array[] {
  const n = g.names.length;
  const degree = new Float64Array(n);
  for (let v = 0; v < n; v++) degree[v] = s.strength[v]! + 2 * s.loop[v]!;
  return [degree, s.internalWeight, s.externalWeight];
}

function refexGraphrole(g: Csr, opts: Resolved): FeatureTable {
  if (g.targets.length === 0) throw new Error(`${MODULE}: the graph has no edge (graphrole refuses it too)`);
  const fraction = opts.binFraction;
  const make = (name: string, gen: number, values: Float64Array): Feature => ({
    name,
    gen,
    values,
    bins: verticalLogBins(values, { fraction }),
  });
  const stats = egonetStats(g);
  const base = graphroleBase(g, stats);
  let working: Feature[] = [];
  const kept: Feature[][] = [];
  const candidates: number[] = [];
  for (let gen = 0; gen < opts.maxGenerations; gen++) {
    let cands: Feature[];
    if (gen === 0) {
      cands = REFEX_BASE_FEATURES.graphrole.map((name, i) => make(name, 0, base[i]!));
    } else {
      const prev = kept[gen - 1]!;
      const sums = prev.map((f) => neighbourSums(g, f.values));
      cands = [
        ...prev.map((f, i) => make(`${f.name}(sum)`, gen, sums[i]!)),
        ...prev.map((f, i) => make(`${f.name}(mean)`, gen, neighbourMeans(g, sums[i]!))),
      ];
    }
    candidates.push(cands.length);
    const all = working.concat(cands);
    const { keep } = pruneFeatures(
      all.map((f) => f.bins),
      {
        threshold: opts.initialThreshold + gen,
        prefer: graphroleOrder(
          all.map((f) => f.name),
          all.map((f) => f.gen),
        ),
      },
    );
    const anyDropped = keep.includes(0);
    working = all.filter((_, i) => keep[i] === 1);
    const retained = cands.filter((_, i) => keep[all.length - cands.length + i] === 1);
    if (anyDropped) retained.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    kept.push(retained);
    if (gen > 0 && retained.length === 0) break;
  }
  const out: Feature[] = [];
  for (let gen = kept.length - 1; gen >= 0; gen--) out.push(...kept[gen]!);
  return {
    nodes: g.names,
    names: out.map((f) => f.name),
    columns: out.map((f) => f.values),
    generations: out.map((f) => f.gen),
    candidates,
  };
}

/**
 * Σ over the CSR row of v (self-loop included) of col[u], in numpy's pairwise order
 * (`pairwise_sum`: below 8 terms a plain loop, up to 128 eight accumulators, above that
 * halves rounded to multiples of 8), as pandas' `sum` over `G[v]` computes it.
 */
function neighbourSums(g: Csr, col: Float64Array): Float64Array {
  const n = g.names.length;
  const { offsets, targets } = g;
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const a = offsets[v]!;
    const len = offsets[v + 1]! - a;
    if (len === 0) continue;
    if (len < 8) {
      let r = 0;
      for (let k = a; k < a + len; k++) r += col[targets[k]!]!;
      out[v] = r;
    } else {
      out[v] = 0 + pairwiseSum(col, targets, a, len);
    }
  }
  return out;
}

function pairwiseSum(col: Float64Array, targets: Uint32Array, a: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let k = a; k < a + n; k++) r += col[targets[k]!]!;
    return r;
  }
  if (n <= 128) {
    let r0 = col[targets[a]!]!;
    let r1 = col[targets[a + 1]!]!;
    let r2 = col[targets[a + 2]!]!;
    let r3 = col[targets[a + 3]!]!;
    let r4 = col[targets[a + 4]!]!;
    let r5 = col[targets[a + 5]!]!;
    let r6 = col[targets[a + 6]!]!;
    let r7 = col[targets[a + 7]!]!;
    let i = 8;
    const stop = n - (n % 8);
    for (; i < stop; i += 8) {
      const k = a + i;
      r0 += col[targets[k]!]!;
      r1 += col[targets[k + 1]!]!;
      r2 += col[targets[k + 2]!]!;
      r3 += col[targets[k + 3]!]!;
      r4 += col[targets[k + 4]!]!;
      r5 += col[targets[k + 5]!]!;
      r6 += col[targets[k + 6]!]!;
      r7 += col[targets[k + 7]!]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += col[targets[a + i]!]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(col, targets, a, n2) + pairwiseSum(col, targets, a + n2, n - n2);
}

function neighbourMeans(g: Csr, sums: Float64Array): Float64Array {
  const n = g.names.length;
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const len = g.offsets[v + 1]! - g.offsets[v]!;
    out[v] = len === 0 ? 0 : sums[v]! / len;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// LLNL preset

/** Recursive operators of the LLNL code, in `nextIteration`'s order. */
const LLNL_OPS: readonly string[] = ["xes0", "xed0", "xe0", "wn0", "wnm0", "xes1", "xed1", "xe1", "wn1", "wnm1"];

function llnlBase(g: Csr, s: EgonetStats): Float64Array[] {
  const n = g.names.length;
  const cols = REFEX_BASE_FEATURES.llnl.map(() => new Float64Array(n));
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
  for (let v = 0; v < n; v++) {
    const d = s.degree[v]!;
    const st = s.strength[v]!;
    const lc = s.hasLoop[v]!;
    const lw = s.loop[v]!;
    const B = s.externalCount[v]!;
    const W = s.externalWeight[v]!;
    const nonLoopIn = d + s.triangles[v]!;
    const nonLoopInW = st + s.triangleWeight[v]!;
    const weu1 = 2 * nonLoopIn + (s.internalCount[v]! - nonLoopIn);
    const wet1 = 2 * nonLoopInW + (s.internalWeight[v]! - nonLoopInW);
    const level0 = [1, lc, lw, ratio(lw, lc), d, st, ratio(st, d), d, st, ratio(st, d), 2 * d, 2 * st, ratio(2 * st, 2 * d)];
    const level1 = [d + 1, weu1, wet1, ratio(wet1, weu1), B, W, ratio(W, B), B, W, ratio(W, B), 2 * B, 2 * W, ratio(2 * W, 2 * B)];
    for (let j = 0; j < 13; j++) {
      cols[j]![v] = level0[j]!;
      cols[13 + j]![v] = level1[j]!;
    }
  }
  return cols;
}

/** The 10 recursive columns of one binned feature, in {@link LLNL_OPS} order. */
function llnlRecursive(g: Csr, s: EgonetStats, bins: Int32Array): Float64Array[] {
  const n = g.names.length;
  const { offsets, targets } = g;
  const support = s.support!;
  const A = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let a = 0;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
      const u = targets[k]!;
      if (u !== v) a += bins[u]!;
    }
    A[v] = a;
  }
  const xs0 = A;
  const xe0 = new Float64Array(n);
  const own = Float64Array.from(bins);
  const xs1 = new Float64Array(n);
  const xe1 = new Float64Array(n);
  const wn1 = new Float64Array(n);
  const wnm1 = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    xe0[v] = 2 * A[v]!;
    let sumA = 0;
    let common = 0;
    for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
      const u = targets[k]!;
      if (u === v) continue;
      sumA += A[u]!;
      common += support[k]! * bins[u]!;
    }
    const boundary = sumA - s.degree[v]! * bins[v]! - common;
    xs1[v] = boundary;
    xe1[v] = 2 * boundary;
    wn1[v] = 2 * A[v]! + s.hasLoop[v]! * bins[v]!;
    wnm1[v] = wn1[v]! / (s.degree[v]! + 1);
  }
  return [xs0, xs0, xe0, own, own, xs1, xs1, xe1, wn1, wnm1];
}

function refexLlnl(g: Csr, opts: Resolved): FeatureTable {
  const fraction = opts.binFraction;
  const stats = egonetStats(g, { support: true });
  // Several recursive columns are the same array (xes = xed, wn0 = wnm0): bin each once.
  const binned = new Map<Float64Array, { values: Float64Array; bins: Int32Array }>();
  const make = (name: string, gen: number, raw: Float64Array): Feature => {
    let hit = binned.get(raw);
    if (!hit) {
      const bins = verticalLogBins(raw, { rule: "llnl", fraction });
      hit = { values: Float64Array.from(bins), bins };
      binned.set(raw, hit);
    }
    return { name, gen, ...hit };
  };
  const reps: Feature[] = [];
  const candidates: number[] = [];
  let attrs: Feature[] = [];
  for (let gen = 0; gen < opts.maxGenerations; gen++) {
    let cands: Feature[];
    if (gen === 0) {
      const base = llnlBase(g, stats);
      cands = REFEX_BASE_FEATURES.llnl.map((name, i) => make(name, 0, base[i]!));
    } else {
      if (attrs.length === 0) break;
      const per = attrs.map((f) => llnlRecursive(g, stats, f.bins));
      cands = [];
      for (const level of [0, 1]) {
        attrs.forEach((f, i) => {
          for (let o = 0; o < 5; o++) {
            const op = LLNL_OPS[level * 5 + o]!;
            cands.push(make(`${op}-${f.name}`, gen, per[i]![level * 5 + o]!));
          }
        });
      }
    }
    candidates.push(cands.length);
    // All-zero features carry no information and are dropped before pruning.
    cands = cands.filter((f) => f.bins.some((b) => b !== 0));
    const all = reps.concat(cands);
    const old = new Uint8Array(all.length);
    old.fill(1, 0, reps.length);
    const { keep } = pruneFeatures(
      all.map((f) => f.bins),
      { threshold: opts.initialThreshold + gen, prefer: llnlOrder(all.map((f) => f.name)), skip: old },
    );
    attrs = cands.filter((_, i) => keep[reps.length + i] === 1);
    reps.push(...attrs);
  }
  return {
    nodes: g.names,
    names: reps.map((f) => f.name),
    columns: reps.map((f) => f.values),
    generations: reps.map((f) => f.gen),
    candidates,
  };
}
