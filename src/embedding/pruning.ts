/**
 * Feature-graph pruning, the step of ReFeX that removes redundant features: two features
 * are linked when their binned columns differ by at most a threshold at every vertex
 * (Chebyshev distance max_v |b_i(v) − b_j(v)| ≤ s); in every connected component of that
 * graph one feature survives, the "simplest" by a preference order.
 *
 * Sources:
 * - K. Henderson et al., "It's Who You Know: Graph Mining Using Recursive Structural
 *   Features", KDD 2011, §2 (feature graph, connected components, threshold s raised by
 *   one each iteration).
 * - graphrole 1.1.1, `features/prune.py` `FeaturePruner`: `pdist(..., 'chebychev') <=
 *   threshold`, components by depth-first search, the survivor is the member of the
 *   earliest generation, ties to the smallest name ({@link graphroleOrder}).
 * - LLNL refex-rolx, `RankedRoleFinder.calculateReps` / `attrOrdersAgree`: union-find whose
 *   root is always the smaller feature by `smallerString` ({@link llnlOrder}): fewer
 *   dash-separated parts, then names without `-wn0-`, then shorter, then by character
 *   code. Its check of the bins above the threshold is the same Chebyshev test.
 *
 * Components do not depend on the order in which pairs are tested, so a pair whose
 * features are already in one component is skipped; the others stop at the first vertex
 * over the threshold. Union-find with path halving over the feature indices.
 */

const MODULE = "telemetry-lab/embedding/pruning";

/** Options of {@link pruneFeatures}. */
export interface PruneOptions {
  /** Largest Chebyshev distance between binned columns that links two features. Default 0. */
  threshold?: number;
  /**
   * Preference between two features (indices into the columns): negative when `a` is the
   * one to keep. Must be a strict total order. Default: the lower index.
   */
  prefer?: (a: number, b: number) => number;
  /**
   * Pairs (i, j) with both `skip[i]` and `skip[j]` set are not tested (used when such
   * pairs cannot change which features survive). Default: none skipped.
   */
  skip?: Uint8Array;
}

/** Defaults of {@link PruneOptions}. */
export const PRUNE_DEFAULTS: Readonly<{ threshold: number }> = Object.freeze({ threshold: 0 });

/** Result of {@link pruneFeatures}. */
export interface PruneResult {
  /** 1 for the feature kept in its component (the preferred one), 0 for the pruned ones. */
  readonly keep: Uint8Array;
  /** Component of each feature: the index of its kept feature. */
  readonly component: Int32Array;
}

/**
 * Whether two binned columns are within `threshold` of each other at every vertex.
 *
 * @example
 * chebyshevWithin(Int32Array.of(0, 1, 3), Int32Array.of(1, 1, 2), 1); // true
 * chebyshevWithin(Int32Array.of(0, 1, 3), Int32Array.of(1, 1, 2), 0); // false
 */
export function chebyshevWithin(a: Int32Array, b: Int32Array, threshold: number): boolean {
  const n = a.length;
  if (b.length !== n) throw new Error(`${MODULE}: columns differ in length (${n} and ${b.length})`);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d > threshold || -d > threshold) return false;
  }
  return true;
}

/**
 * Connected components of the feature graph (Chebyshev distance ≤ threshold) and the
 * feature kept in each.
 *
 * @throws when the columns differ in length.
 * @example
 * const bins = [Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 2), Int32Array.of(1, 0, 0)];
 * pruneFeatures(bins).keep;                 // Uint8Array [1, 0, 1]
 * pruneFeatures(bins, { threshold: 2 }).keep; // Uint8Array [1, 0, 0]
 */
export function pruneFeatures(bins: readonly Int32Array[], options: PruneOptions = {}): PruneResult {
  const threshold = options.threshold ?? PRUNE_DEFAULTS.threshold;
  const prefer = options.prefer ?? ((a: number, b: number) => a - b);
  const skip = options.skip;
  const f = bins.length;
  const n = f === 0 ? 0 : bins[0]!.length;
  for (let i = 1; i < f; i++) {
    if (bins[i]!.length !== n) throw new Error(`${MODULE}: column ${i} has ${bins[i]!.length} rows, column 0 has ${n}`);
  }
  const parent = new Int32Array(f);
  for (let i = 0; i < f; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let i = 0; i < f; i++) {
    for (let j = i + 1; j < f; j++) {
      if (skip && skip[i] && skip[j]) continue;
      const ri = find(i);
      const rj = find(j);
      if (ri === rj) continue;
      if (chebyshevWithin(bins[i]!, bins[j]!, threshold)) parent[ri] = rj;
    }
  }
  // Best member of each component.
  const best = new Int32Array(f).fill(-1);
  for (let i = 0; i < f; i++) {
    const r = find(i);
    if (best[r] === -1 || prefer(i, best[r]!) < 0) best[r] = i;
  }
  const keep = new Uint8Array(f);
  const component = new Int32Array(f);
  for (let i = 0; i < f; i++) {
    const k = best[find(i)]!;
    component[i] = k;
    if (k === i) keep[i] = 1;
  }
  return { keep, component };
}

/**
 * graphrole's survivor order: earlier generation first, then the smaller name (code-unit
 * order, as numpy sorts ASCII names).
 *
 * @example
 * const cmp = graphroleOrder(["degree(sum)", "degree", "external_edges"], [1, 0, 0]);
 * cmp(0, 1) > 0; // true: "degree" (generation 0) is kept over "degree(sum)"
 * cmp(1, 2) < 0; // true: same generation, "degree" < "external_edges"
 */
export function graphroleOrder(names: readonly string[], generations: readonly number[]): (a: number, b: number) => number {
  return (a, b) => {
    const ga = generations[a]!;
    const gb = generations[b]!;
    if (ga !== gb) return ga - gb;
    const na = names[a]!;
    const nb = names[b]!;
    return na < nb ? -1 : na > nb ? 1 : 0;
  };
}

/**
 * LLNL's `smallerString` as a comparator on names: fewer `-`-separated parts first, then
 * names without `-wn0-`, then shorter names, then by character codes.
 *
 * @example
 * llnlNameOrder("wn1", "xes0-wn1") < 0;        // true (fewer parts)
 * llnlNameOrder("xe0-wn1", "xes0-wn1") < 0;    // true (shorter)
 * llnlNameOrder("xed0-wn1", "xes0-wn1") < 0;   // true ('d' < 's')
 */
export function llnlNameOrder(a: string, b: string): number {
  if (a === b) return 0;
  const pa = a.split("-").length;
  const pb = b.split("-").length;
  if (pa !== pb) return pa - pb;
  const wa = a.includes("-wn0-");
  const wb = b.includes("-wn0-");
  if (wa !== wb) return wa ? 1 : -1;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : 1;
}

/**
 * {@link llnlNameOrder} over feature indices.
 *
 * @example
 * llnlOrder(["xes0-wn1", "wn1"])(0, 1) > 0; // true: "wn1" is kept
 */
export function llnlOrder(names: readonly string[]): (a: number, b: number) => number {
  return (a, b) => llnlNameOrder(names[a]!, names[b]!);
}
