/**
 * One-dimensional quantisation: k levels for a list of reals that minimise the squared
 * error Σ (x − q(x))² (1-D k-means, the Lloyd–Max quantiser), as RolX uses to quantise
 * the entries of its factors G and F before counting the bits of the model.
 *
 * Sources:
 * - S. P. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982;
 *   J. Max, "Quantizing for minimum distortion", IRE Trans. Inf. Theory 6(1), 1960.
 * - H. Wang and M. Song, "Ckmeans.1d.dp: Optimal k-means clustering in one dimension by
 *   dynamic programming", The R Journal 3(2), 2011: in one dimension the clusters of an
 *   optimal k-means solution are contiguous runs of the sorted values, so a dynamic
 *   programme over the sorted distinct values finds the global optimum. Each layer is
 *   solved by divide and conquer over the (monotone) split points, O(k·m·log m) for m
 *   distinct values.
 * - graphrole 1.1.1 (`roles/factor.py`) quantises with scikit-learn
 *   `KMeans(n_clusters=2^bits, random_state=1)` on the flattened entries (k-means++,
 *   10 restarts, Lloyd): a local optimum. `method: "sklearn"` reproduces scikit-learn
 *   1.2's `KMeans.fit` (`sklearn/cluster/_kmeans.py`, `_k_means_lloyd.pyx`,
 *   `_k_means_common.pyx`) for 1-D data operation by operation: numpy's MT19937
 *   `RandomState` draws, numpy's pairwise summation, the centring by the mean, k-means++
 *   with 2 + ⌊ln k⌋ local trials, Lloyd on chunks of 256 values with per-thread partial
 *   sums (libgomp's static schedule over `threads`), the stopping rule, the final E-step,
 *   `_is_same_clustering`. On scikit-learn 1.2.1's own runs (156 cases, 2–256 levels) the
 *   levels and labels are equal bit for bit. Not reproduced: the order in which
 *   `np.argpartition` lists the farthest points when clusters empty (here descending
 *   distance, ties to the lower index), and partial sums of more than two threads (added
 *   in thread order; OpenMP adds them as threads finish).
 *   The default method returns the global optimum instead (when it fits `optimalBudget`).
 * - LLNL refex-rolx `MaxLloyd.m` (K. Henderson): Lloyd iterations from levels spread
 *   uniformly, `lloydMax` below.
 *
 * With fewer distinct values than levels every distinct value is its own level (scikit-learn
 * gets the same partition, with a ConvergenceWarning). Levels are always the exact means of
 * their clusters, in ascending order; empty clusters are never returned.
 *
 * Everything runs on the sorted distinct values with their multiplicities and prefix sums,
 * so a Lloyd iteration costs O(k·log m), not O(k·N).
 */

import { Prng } from "../random/prng.js";

const MODULE = "telemetry-lab/embedding/quantize";

/** A quantisation of a list of values. */
export interface Quantization {
  /** The levels (cluster means) in ascending order; only non-empty clusters. */
  readonly levels: Float64Array;
  /** For each input value, the index of its level in `levels`. */
  readonly labels: Int32Array;
  /** For each input value, its quantised value `levels[labels[i]]`. */
  readonly values: Float64Array;
  /** Σ (x − q(x))², the squared quantisation error. */
  readonly inertia: number;
}

/** Options of `quantize` / `quantizeLadder`. */
export interface QuantizeOptions {
  /**
   * `"optimal"`: the dynamic programme (global optimum); `"lloyd"`: best of `restarts`
   * Lloyd runs from cheap deterministic initialisations (quantiles, equal widths, seeded
   * stratified quantiles); `"auto"` (default): optimal when `k × distinct values ≤
   * optimalBudget`, else the dynamic programme on the values merged into
   * `optimalBudget / k` runs, polished by Lloyd iterations (near-optimal); `"sklearn"`:
   * scikit-learn 1.2's `KMeans(k, random_state=1)` reproduced operation by operation
   * (a local optimum; O(k·N) per k-means++ step and per Lloyd iteration, so meant for
   * graphrole-sized inputs; k > N throws, as scikit-learn does).
   */
  readonly method?: "auto" | "optimal" | "lloyd" | "sklearn";
  /** Largest k × (distinct values) solved exactly by `"auto"` (the DP keeps one Int32 per cell). */
  readonly optimalBudget?: number;
  /** Lloyd runs of `method: "lloyd"` (the best inertia wins). */
  readonly restarts?: number;
  /** Iterations per Lloyd run (and of the polish after the coarse programme). */
  readonly maxIter?: number;
  /** Seed of the stratified-quantile restarts. */
  readonly seed?: number;
  /** Options of `method: "sklearn"`. */
  readonly sklearn?: SklearnKmeansOptions;
}

/** Defaults of `quantize` / `quantizeLadder`. */
export const QUANTIZE_DEFAULTS = Object.freeze({
  method: "auto" as "auto" | "optimal" | "lloyd" | "sklearn",
  optimalBudget: 1 << 21,
  restarts: 10,
  maxIter: 300,
  seed: 1,
});

/** Sorted distinct values with multiplicities and prefix sums (shifted by the median for accuracy). */
interface Sorted {
  /** distinct values, ascending */
  readonly xs: Float64Array;
  /** multiplicities */
  readonly w: Float64Array;
  /** prefix sums over the first t distinct values: count, Σ(x−c), Σ(x−c)² (length m + 1) */
  readonly p0: Float64Array;
  readonly p1: Float64Array;
  readonly p2: Float64Array;
  /** the shift c */
  readonly shift: number;
  /** for each input value, the index of its distinct value in `xs` (empty for merged runs) */
  readonly rank: Int32Array;
}

function sortDistinct(values: ArrayLike<number>, what: string): Sorted {
  const n = values.length;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new Error(`${MODULE}: ${what}: value ${i} is ${x}, expected a finite number`);
    v[i] = x === 0 ? 0 : x; // -0 -> 0
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => v[a]! - v[b]!);
  const rank = new Int32Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0 && v[order[t]!] !== v[order[t - 1]!]) m++;
    rank[order[t]!] = m;
  }
  m = n > 0 ? m + 1 : 0;
  const xs = new Float64Array(m);
  const w = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    xs[rank[i]!] = v[i]!;
    w[rank[i]!]! += 1;
  }
  const shift = n > 0 ? v[order[n >> 1]!]! : 0;
  const p0 = new Float64Array(m + 1);
  const p1 = new Float64Array(m + 1);
  const p2 = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    const d = xs[i]! - shift;
    p0[i + 1] = p0[i]! + w[i]!;
    p1[i + 1] = p1[i]! + w[i]! * d;
    p2[i + 1] = p2[i]! + w[i]! * d * d;
  }
  return { xs, w, p0, p1, p2, shift, rank };
}

/** Squared error of one cluster holding distinct values a..b-1 (half-open). */
function sse(s: Sorted, a: number, b: number): number {
  const c = s.p0[b]! - s.p0[a]!;
  const s1 = s.p1[b]! - s.p1[a]!;
  const v = s.p2[b]! - s.p2[a]! - (s1 * s1) / c;
  return v > 0 ? v : 0;
}

/**
 * Partition of the distinct values into clusters given by their start indices
 * (`starts[0] = 0`, ascending), turned into a Quantization of the original values.
 */
function fromStarts(values: ArrayLike<number>, s: Sorted, starts: Int32Array): Quantization {
  const m = s.xs.length;
  const k = starts.length;
  const levels = new Float64Array(k);
  const clusterOf = new Int32Array(m);
  let inertia = 0;
  for (let q = 0; q < k; q++) {
    const a = starts[q]!;
    const b = q + 1 < k ? starts[q + 1]! : m;
    let sw = 0;
    let sx = 0;
    for (let i = a; i < b; i++) {
      sw += s.w[i]!;
      sx += s.w[i]! * s.xs[i]!;
      clusterOf[i] = q;
    }
    let mean = sx / sw;
    // a mean is inside its cluster's range (rounding could step outside for equal values)
    if (mean < s.xs[a]!) mean = s.xs[a]!;
    if (mean > s.xs[b - 1]!) mean = s.xs[b - 1]!;
    levels[q] = mean;
    for (let i = a; i < b; i++) {
      const d = s.xs[i]! - mean;
      inertia += s.w[i]! * d * d;
    }
  }
  const n = values.length;
  const labels = new Int32Array(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = clusterOf[s.rank[i]!]!;
    labels[i] = q;
    out[i] = levels[q]!;
  }
  return { levels, labels, values: out, inertia };
}

/**
 * Optimal partitions for every k in `ks` from one dynamic programme run up to max(ks)
 * layers. Returns the start indices of each requested partition.
 */
function optimalStarts(s: Sorted, ks: readonly number[]): Int32Array[] {
  const m = s.xs.length;
  const kmax = Math.max(...ks);
  // split[q][j]: start of the last cluster in the best partition of values 0..j into q+1 clusters
  const split: Int32Array[] = [];
  let prev = new Float64Array(m);
  for (let j = 0; j < m; j++) prev[j] = sse(s, 0, j + 1);
  split.push(new Int32Array(m));
  let cur = new Float64Array(m);
  for (let q = 1; q < kmax; q++) {
    const sp = new Int32Array(m);
    cur.fill(Infinity);
    const p = prev;
    const c = cur;
    // j ranges over q..m-1 (q+1 non-empty clusters need at least q+1 values); the last
    // cluster starts at i in [q, j], and the best i is non-decreasing in j.
    const solve = (jlo: number, jhi: number, ilo: number, ihi: number): void => {
      if (jlo > jhi) return;
      const j = (jlo + jhi) >> 1;
      let best = Infinity;
      let bi = ilo;
      const top = Math.min(ihi, j);
      for (let i = ilo; i <= top; i++) {
        const v = p[i - 1]! + sse(s, i, j + 1);
        if (v < best) {
          best = v;
          bi = i;
        }
      }
      c[j] = best;
      sp[j] = bi;
      solve(jlo, j - 1, ilo, bi);
      solve(j + 1, jhi, bi, ihi);
    };
    solve(q, m - 1, q, m - 1);
    split.push(sp);
    const t = prev;
    prev = cur;
    cur = t;
  }
  return ks.map((k) => {
    const starts = new Int32Array(k);
    let j = m - 1;
    for (let q = k - 1; q >= 0; q--) {
      const i = q === 0 ? 0 : split[q]![j]!;
      starts[q] = i;
      j = i - 1;
    }
    return starts;
  });
}

/** Index of the first distinct value > t (values sorted ascending). */
function upperBound(xs: Float64Array, t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lloyd iterations on the sorted distinct values from the given (ascending) centres:
 * the cells are the runs between midpoints, so each iteration is k binary searches and k
 * prefix-sum means. An emptied cell is dropped. Returns the cluster start indices.
 */
function lloydStarts(s: Sorted, init: Float64Array, maxIter: number): Int32Array {
  const m = s.xs.length;
  let centers = init;
  let starts = new Int32Array(0);
  for (let it = 0; it < maxIter; it++) {
    const k = centers.length;
    const st: number[] = [0];
    for (let q = 0; q + 1 < k; q++) {
      const b = upperBound(s.xs, (centers[q]! + centers[q + 1]!) / 2);
      if (b > st[st.length - 1]! && b < m) st.push(b);
    }
    const next = Int32Array.from(st);
    let same = next.length === starts.length;
    for (let q = 0; same && q < next.length; q++) same = next[q] === starts[q];
    starts = next;
    if (same) break;
    const c = new Float64Array(starts.length);
    for (let q = 0; q < starts.length; q++) {
      const a = starts[q]!;
      const b = q + 1 < starts.length ? starts[q + 1]! : m;
      c[q] = s.shift + (s.p1[b]! - s.p1[a]!) / (s.p0[b]! - s.p0[a]!);
    }
    centers = c;
  }
  return starts;
}

function startsInertia(s: Sorted, starts: Int32Array): number {
  let e = 0;
  for (let q = 0; q < starts.length; q++) e += sse(s, starts[q]!, q + 1 < starts.length ? starts[q + 1]! : s.xs.length);
  return e;
}

/**
 * Best of `restarts` Lloyd runs from cheap initialisations, each O(k·log m): equal-count
 * quantiles, equal-width levels over [min, max], their average, then seeded stratified
 * quantiles (one uniform draw inside each of k equal-count slices).
 */
function lloydBest(s: Sorted, k: number, restarts: number, maxIter: number, seed: number): Int32Array {
  const m = s.xs.length;
  const total = s.p0[m]!;
  const mn = s.xs[0]!;
  const mx = s.xs[m - 1]!;
  let best: Int32Array | undefined;
  let bestE = Infinity;
  const rng = new Prng(seed, k, m);
  // the distinct value holding the given rank (0 ≤ rank < total)
  const atRank = (rank: number): number => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.p0[mid + 1]! <= rank) lo = mid + 1;
      else hi = mid;
    }
    return s.xs[lo]!;
  };
  for (let r = 0; r < Math.max(1, restarts); r++) {
    const init = new Float64Array(k);
    for (let q = 0; q < k; q++) {
      const quantile = atRank(((q + 0.5) * total) / k);
      const uniform = mn + ((q + 0.5) * (mx - mn)) / k;
      if (r === 0) init[q] = quantile;
      else if (r === 1) init[q] = uniform;
      else if (r === 2) init[q] = (quantile + uniform) / 2;
      else init[q] = atRank(((q + rng.float()) * total) / k);
    }
    init.sort();
    // duplicate centres would make empty cells; keep distinct ones
    let u = 0;
    for (let q = 0; q < k; q++) if (q === 0 || init[q] !== init[u - 1]) init[u++] = init[q]!;
    const starts = lloydStarts(s, init.subarray(0, u), maxIter);
    const e = startsInertia(s, starts);
    if (e < bestE) {
      bestE = e;
      best = starts;
    }
  }
  return best!;
}

/**
 * Near-optimal partition for large inputs: the distinct values are merged into at most
 * `groups` runs (boundaries at equal-count quantiles and at equal-width steps of the
 * range, so both the dense bulk and a sparse heavy tail keep resolution), the dynamic
 * programme runs exactly on those runs (their within-run error is carried in the prefix
 * sums), and Lloyd iterations on all distinct values polish the result.
 */
function coarseStarts(s: Sorted, ks: readonly number[], groups: number, maxIter: number): Int32Array[] {
  const m = s.xs.length;
  const total = s.p0[m]!;
  const mn = s.xs[0]!;
  const mx = s.xs[m - 1]!;
  const half = Math.max(1, Math.floor(groups / 2));
  const cut = new Uint8Array(m + 1);
  cut[0] = 1;
  cut[m] = 1;
  for (let g = 1; g < half; g++) {
    // first distinct value whose rank reaches g/half of the total count
    const rank = (g * total) / half;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.p0[mid]! < rank) lo = mid + 1;
      else hi = mid;
    }
    cut[lo] = 1;
    cut[upperBound(s.xs, mn + ((mx - mn) * g) / half)] = 1;
  }
  const gStart: number[] = [];
  for (let i = 0; i < m; i++) if (cut[i]) gStart.push(i);
  const G = gStart.length;
  const gx = new Float64Array(G);
  const gw = new Float64Array(G);
  const q0 = new Float64Array(G + 1);
  const q1 = new Float64Array(G + 1);
  const q2 = new Float64Array(G + 1);
  for (let g = 0; g < G; g++) {
    const a = gStart[g]!;
    const b = g + 1 < G ? gStart[g + 1]! : m;
    q0[g + 1] = s.p0[b]!;
    q1[g + 1] = s.p1[b]!;
    q2[g + 1] = s.p2[b]!;
    gw[g] = s.p0[b]! - s.p0[a]!;
    gx[g] = s.shift + (s.p1[b]! - s.p1[a]!) / gw[g]!;
  }
  const coarse: Sorted = { xs: gx, w: gw, p0: q0, p1: q1, p2: q2, shift: s.shift, rank: new Int32Array(0) };
  const direct = ks.map((k) => k >= G);
  const dpKs = ks.filter((_, t) => !direct[t]);
  const dp = dpKs.length > 0 ? optimalStarts(coarse, dpKs) : [];
  let u = 0;
  return ks.map((_k, t) => {
    let gs: Int32Array;
    if (direct[t]) {
      gs = new Int32Array(G);
      for (let g = 0; g < G; g++) gs[g] = g;
    } else gs = dp[u++]!;
    // cluster means of the coarse solution seed Lloyd on the full distinct values
    const init = new Float64Array(gs.length);
    for (let q = 0; q < gs.length; q++) {
      const a = gStart[gs[q]!]!;
      const b = q + 1 < gs.length ? gStart[gs[q + 1]!]! : m;
      init[q] = s.shift + (s.p1[b]! - s.p1[a]!) / (s.p0[b]! - s.p0[a]!);
    }
    return lloydStarts(s, init, maxIter);
  });
}

/**
 * numpy's MT19937 as `np.random.RandomState(seed)` uses it (legacy seeding
 * `mt19937_seed` = Matsumoto–Nishimura `init_genrand`), with the three draws scikit-learn's
 * k-means++ makes: `randint(n)` (masked rejection on 32 bits), `uniform()` (53-bit double
 * from two 32-bit words).
 */
class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private pos = 624;

  constructor(seed: number) {
    let s = seed >>> 0;
    for (let i = 0; i < 624; i++) {
      this.mt[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  next32(): number {
    const mt = this.mt;
    if (this.pos >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.pos = 0;
    }
    let y = mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: (a·2^26 + b)/2^53 with a = w₁ >> 5, b = w₂ >> 6. */
  uniform(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `randint(n)` for 1 ≤ n ≤ 2^32: masked rejection sampling on 32-bit words. */
  randint(n: number): number {
    const rng = n - 1;
    if (rng === 0) return 0;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const v = (this.next32() & mask) >>> 0;
      if (v <= rng) return v;
    }
  }
}

/** numpy's pairwise summation of a[off .. off+n) (`np.sum` of a contiguous float64 array). */
function pairwiseSum(a: Float64Array, off: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r += a[off + i]!;
    return r;
  }
  if (n <= 128) {
    let r0 = a[off]!, r1 = a[off + 1]!, r2 = a[off + 2]!, r3 = a[off + 3]!;
    let r4 = a[off + 4]!, r5 = a[off + 5]!, r6 = a[off + 6]!, r7 = a[off + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const b = off + i;
      r0 += a[b]!;
      r1 += a[b + 1]!;
      r2 += a[b + 2]!;
      r3 += a[b + 3]!;
      r4 += a[b + 4]!;
      r5 += a[b + 5]!;
      r6 += a[b + 6]!;
      r7 += a[b + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[off + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
}

/** Options of scikit-learn's KMeans reproduced by `method: "sklearn"`. */
export interface SklearnKmeansOptions {
  /** `random_state` (graphrole: 1). */
  readonly randomState?: number;
  /** `n_init` (scikit-learn 1.2: 10). */
  readonly nInit?: number;
  /** `max_iter` (300). */
  readonly maxIter?: number;
  /** `tol` (1e-4, relative to the variance of the values). */
  readonly tol?: number;
  /** OpenMP threads of scikit-learn's Lloyd loop (they fix how partial sums are combined; graphrole's machine here: 2). */
  readonly threads?: number;
}

/** Defaults of the scikit-learn KMeans reproduction (graphrole's `KMeans(n_clusters, random_state=1)` on 2 cores). */
export const SKLEARN_KMEANS_DEFAULTS = Object.freeze({ randomState: 1, nInit: 10, maxIter: 300, tol: 1e-4, threads: 2 });

/** libgomp's static schedule: the [start, end) iterations of thread t out of `threads`. */
function staticRange(n: number, threads: number, t: number): [number, number] {
  let q = Math.floor(n / threads);
  let r = n % threads;
  if (t < r) {
    q++;
    r = 0;
  }
  const start = q * t + r;
  return [start, start + q];
}

/**
 * scikit-learn 1.2's `KMeans(n_clusters=k, random_state, n_init=10).fit(x.reshape(-1, 1))`
 * (algorithm "lloyd") for one-dimensional data, operation by operation: centring by the
 * (pairwise-summed) mean, k-means++ with 2 + ⌊ln k⌋ local trials and distances
 * (−2·c·x + c²) + x², Lloyd iterations on chunks of 256 values with distances c² − 2·x·c,
 * per-thread partial sums, scikit-learn's stopping rule (labels unchanged, or the squared
 * centre shift ≤ tol·var(x)) and final E-step, the best of the restarts by inertia.
 * Returns the centres (mean added back) and the label of each value.
 */
function sklearnKmeans(values: ArrayLike<number>, k: number, opts: Required<SklearnKmeansOptions>): { centers: Float64Array; labels: Int32Array } {
  const N = values.length;
  const X = new Float64Array(N);
  for (let i = 0; i < N; i++) X[i] = values[i]!;
  // tol = mean(var(X, axis=0)) * tol (on the uncentred data)
  const mean0 = (0 + pairwiseSum(X, 0, N)) / N;
  const dev = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const d = X[i]! - mean0;
    dev[i] = d * d;
  }
  const tol = ((0 + pairwiseSum(dev, 0, N)) / N) * opts.tol;
  const xMean = mean0;
  for (let i = 0; i < N; i++) X[i] = X[i]! - xMean;
  const xsq = new Float64Array(N);
  for (let i = 0; i < N; i++) xsq[i] = X[i]! * X[i]!;
  const rs = new NumpyRandomState(opts.randomState);
  const trials = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(N);
  const cand = Array.from({ length: trials }, () => new Float64Array(N));
  const cum = new Float64Array(N);
  const candIds = new Int32Array(trials);
  const candPot = new Float64Array(trials);
  const threads = Math.max(1, Math.min(opts.threads, Math.ceil(N / 256)));
  const nChunks = Math.ceil(N / 256);
  const partial = Array.from({ length: threads }, () => ({ s: new Float64Array(k), w: new Float64Array(k) }));
  const csq = new Float64Array(k);
  const shift = new Float64Array(k);
  const order = new Int32Array(k);
  const sorted = new Float64Array(k);

  // one E-step (and M-step): labels from `centers`, new centres into `out`
  const lloydIter = (centers: Float64Array, out: Float64Array, weights: Float64Array, labels: Int32Array, update: boolean): void => {
    for (let j = 0; j < k; j++) csq[j] = centers[j]! * centers[j]!;
    for (let t = 0; t < threads; t++) {
      partial[t]!.s.fill(0);
      partial[t]!.w.fill(0);
    }
    // centres in ascending order: only the centres next to x (and any numerically
    // indistinguishable from them) can hold the smallest rounded distance
    for (let j = 0; j < k; j++) order[j] = j;
    order.sort((a, b) => centers[a]! - centers[b]! || a - b);
    for (let j = 0; j < k; j++) sorted[j] = centers[order[j]!]!;
    for (let t = 0; t < threads; t++) {
      const [c0, c1] = staticRange(nChunks, threads, t);
      const ps = partial[t]!.s;
      const pw = partial[t]!.w;
      for (let i = c0 * 256; i < Math.min(N, c1 * 256); i++) {
        const x = X[i]!;
        let lo = 0;
        let hi = k;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sorted[mid]! < x) lo = mid + 1;
          else hi = mid;
        }
        let a = Math.max(0, lo - 2);
        let b = Math.min(k - 1, lo + 1);
        const tiny = 1e-9 * (Math.abs(x) + Math.abs(sorted[a]!) + Math.abs(sorted[b]!));
        while (a > 0 && sorted[a]! - sorted[a - 1]! <= tiny) a--;
        while (b < k - 1 && sorted[b + 1]! - sorted[b]! <= tiny) b++;
        let best = -1;
        let bd = Infinity;
        for (let u = a; u <= b; u++) {
          const j = order[u]!;
          const d = -2 * (x * centers[j]!) + csq[j]!;
          if (d < bd || (d === bd && j < best)) {
            bd = d;
            best = j;
          }
        }
        labels[i] = best;
        if (update) {
          pw[best]! += 1;
          ps[best]! += x;
        }
      }
    }
    if (!update) return;
    out.fill(0);
    weights.fill(0);
    for (let t = 0; t < threads; t++) {
      for (let j = 0; j < k; j++) {
        weights[j]! += partial[t]!.w[j]!;
        out[j]! += partial[t]!.s[j]!;
      }
    }
    // empty clusters take the points farthest from their centres
    const empty: number[] = [];
    for (let j = 0; j < k; j++) if (weights[j] === 0) empty.push(j);
    if (empty.length > 0) {
      const dist = new Float64Array(N);
      let mx = 0;
      for (let i = 0; i < N; i++) {
        const d = X[i]! - centers[labels[i]!]!;
        dist[i] = 0 + d * d;
        if (dist[i]! > mx) mx = dist[i]!;
      }
      if (mx > 0) {
        const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => dist[b]! - dist[a]! || a - b);
        empty.forEach((nj, t) => {
          const far = order[t]!;
          const old = labels[far]!;
          out[old]! -= X[far]!;
          out[nj] = X[far]!;
          weights[nj] = 1;
          weights[old]! -= 1;
        });
      }
    }
    for (let j = 0; j < k; j++) {
      if (weights[j]! > 0) out[j]! *= 1 / weights[j]!;
      const d = out[j]! - centers[j]!;
      shift[j] = Math.sqrt(0 + d * d);
    }
  };

  let bestInertia = Infinity;
  let bestLabels: Int32Array | undefined;
  let bestCenters: Float64Array | undefined;
  for (let run = 0; run < opts.nInit; run++) {
    // k-means++
    let centers = new Float64Array(k);
    const first = rs.randint(N);
    centers[0] = X[first]!;
    {
      const c = X[first]!;
      const cc = c * c;
      for (let i = 0; i < N; i++) {
        const d = -2 * (c * X[i]!) + cc + xsq[i]!;
        closest[i] = d > 0 ? d : 0;
      }
    }
    let pot = 0 + pairwiseSum(closest, 0, N);
    for (let c = 1; c < k; c++) {
      let acc = 0;
      for (let i = 0; i < N; i++) {
        acc += closest[i]!;
        cum[i] = acc;
      }
      for (let t = 0; t < trials; t++) {
        const r = rs.uniform() * pot;
        let lo = 0;
        let hi = N;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid]! < r) lo = mid + 1;
          else hi = mid;
        }
        candIds[t] = Math.min(lo, N - 1);
      }
      for (let t = 0; t < trials; t++) {
        const cx = X[candIds[t]!]!;
        const cc = cx * cx;
        const dt = cand[t]!;
        for (let i = 0; i < N; i++) {
          let d = -2 * (cx * X[i]!) + cc + xsq[i]!;
          if (!(d > 0)) d = 0;
          const o = closest[i]!;
          dt[i] = o < d ? o : d;
        }
        candPot[t] = 0 + pairwiseSum(dt, 0, N);
      }
      let b = 0;
      for (let t = 1; t < trials; t++) if (candPot[t]! < candPot[b]!) b = t;
      pot = candPot[b]!;
      closest.set(cand[b]!);
      centers[c] = X[candIds[b]!]!;
    }
    // Lloyd
    let next = new Float64Array(k);
    const weights = new Float64Array(k);
    const labels = new Int32Array(N).fill(-1);
    const labelsOld = new Int32Array(N).fill(-1);
    let strict = false;
    for (let it = 0; it < opts.maxIter; it++) {
      lloydIter(centers, next, weights, labels, true);
      const t = centers;
      centers = next;
      next = t;
      let same = true;
      for (let i = 0; i < N; i++) {
        if (labels[i] !== labelsOld[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        strict = true;
        break;
      }
      for (let j = 0; j < k; j++) next[j] = shift[j]! * shift[j]!; // scratch: squared shifts
      if (0 + pairwiseSum(next, 0, k) <= tol) break;
      labelsOld.set(labels);
    }
    if (!strict) lloydIter(centers, centers, weights, labels, false);
    // inertia: prange over samples, static schedule, per-thread partial sums
    let inertia = 0;
    for (let t = 0; t < threads; t++) {
      const [s0, s1] = staticRange(N, threads, t);
      let p = 0;
      for (let i = s0; i < s1; i++) {
        const d = X[i]! - centers[labels[i]!]!;
        p += (0 + d * d) * 1;
      }
      inertia += p;
    }
    if (bestLabels === undefined || (inertia < bestInertia && !sameClustering(labels, bestLabels, k))) {
      bestInertia = inertia;
      bestLabels = labels;
      bestCenters = centers;
    }
  }
  const centers = bestCenters!;
  for (let j = 0; j < k; j++) centers[j] = centers[j]! + xMean;
  return { centers, labels: bestLabels! };
}

/** scikit-learn's `_is_same_clustering`: labels equal up to a relabelling. */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (map[a[i]!] === -1) map[a[i]!] = b[i]!;
    else if (map[a[i]!] !== b[i]) return false;
  }
  return true;
}

/** The Quantization of `values` given scikit-learn's centres and labels. */
function fromCenters(values: ArrayLike<number>, centers: Float64Array, labels: Int32Array): Quantization {
  const used = [...new Set(Array.from(labels, (l) => centers[l]!))].sort((a, b) => a - b);
  const levels = Float64Array.from(used);
  const index = new Map<number, number>(used.map((v, t): [number, number] => [v, t]));
  const n = values.length;
  const lab = new Int32Array(n);
  const out = new Float64Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const v = centers[labels[i]!]!;
    lab[i] = index.get(v)!;
    out[i] = v;
    inertia += (values[i]! - v) ** 2;
  }
  return { levels, labels: lab, values: out, inertia };
}

function checkK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`${MODULE}: the number of levels must be an integer ≥ 1, got ${k}`);
}

/**
 * Quantisations of the same values into each number of levels in `ks`, sharing the sort
 * and (for the optimal method) one dynamic programme: what RolX needs for its bits grid
 * (k = 2, 4, …, 256 levels of the same factor).
 *
 * @throws when a value is not finite, the list is empty, or a k is not an integer ≥ 1.
 * @example
 * const [q2, q3] = quantizeLadder([1, 2, 10, 11, 20], [2, 3]);
 * q2.levels; // Float64Array [1.5, 13.666…]   (inertia 0.5 + 80.67)
 * q3.levels; // Float64Array [1.5, 10.5, 20]  (inertia 1)
 */
export function quantizeLadder(values: ArrayLike<number>, ks: readonly number[], options: QuantizeOptions = {}): Quantization[] {
  const o = { ...QUANTIZE_DEFAULTS, ...options };
  if (values.length === 0) throw new Error(`${MODULE}: cannot quantise an empty list`);
  for (const k of ks) checkK(k);
  const s = sortDistinct(values, "values");
  if (o.method === "sklearn") {
    const so = { ...SKLEARN_KMEANS_DEFAULTS, ...o.sklearn };
    return ks.map((k) => {
      if (k > values.length) throw new Error(`${MODULE}: scikit-learn's KMeans needs k <= number of values, got k = ${k} for ${values.length} values`);
      const { centers, labels } = sklearnKmeans(values, k, so);
      return fromCenters(values, centers, labels);
    });
  }
  const m = s.xs.length;
  const out: (Quantization | undefined)[] = ks.map(() => undefined);
  const need: number[] = [];
  ks.forEach((k, t) => {
    if (k >= m) {
      // every distinct value its own level
      const starts = new Int32Array(m);
      for (let i = 0; i < m; i++) starts[i] = i;
      out[t] = fromStarts(values, s, starts);
    } else need.push(t);
  });
  if (need.length > 0) {
    const kNeed = need.map((t) => ks[t]!);
    const kmax = Math.max(...kNeed);
    let starts: Int32Array[];
    if (o.method === "optimal" || (o.method === "auto" && kmax * m <= o.optimalBudget)) starts = optimalStarts(s, kNeed);
    else if (o.method === "auto") starts = coarseStarts(s, kNeed, Math.max(2 * kmax, Math.floor(o.optimalBudget / kmax)), o.maxIter);
    else starts = kNeed.map((k) => lloydBest(s, k, o.restarts, o.maxIter, o.seed));
    need.forEach((t, u) => (out[t] = fromStarts(values, s, starts[u]!)));
  }
  return out as Quantization[];
}

/**
 * Quantises `values` into at most `k` levels minimising Σ (x − q(x))² (see the module
 * header for the methods).
 *
 * @throws when a value is not finite, the list is empty, or k is not an integer ≥ 1.
 * @example
 * const q = quantize([0, 0, 1, 9, 10], 2);
 * q.levels;  // Float64Array [0.333…, 9.5]
 * q.labels;  // Int32Array [0, 0, 0, 1, 1]
 * q.inertia; // 1.1666…  (2/3 + 1/2)
 * quantize([3, 3, 5], 8).levels; // Float64Array [3, 5]  (only 2 distinct values)
 */
export function quantize(values: ArrayLike<number>, k: number, options: QuantizeOptions = {}): Quantization {
  return quantizeLadder(values, [k], options)[0]!;
}

/** Options of `lloydMax`. */
export interface LloydMaxOptions {
  /** Iteration cap (the loop otherwise runs to a fixed point). */
  readonly maxIter?: number;
}

/** Defaults of `lloydMax`. */
export const LLOYD_MAX_DEFAULTS = Object.freeze({ maxIter: 1000 });

/**
 * The Lloyd–Max quantiser as LLNL's `MaxLloyd.m` runs it: `levels` initial levels at
 * (i − 1)·(max − min)/levels for i = 1..levels (LLNL's formula, which starts at 0, not at
 * the minimum), then Lloyd iterations (nearest level, ties to the lower one; each level
 * moves to the mean of its cell). Deviations from `MaxLloyd.m`: the loop runs until no
 * value changes cell (LLNL's stopping test compares the error of the last entry only), and
 * an emptied level is dropped (LLNL moves it to 0). A non-integer `levels` is rounded up,
 * as LLNL does.
 *
 * @throws when a value is not finite, the list is empty, or levels < 1.
 * @example
 * const q = lloydMax([0, 1, 2, 9, 10, 11], 2);
 * q.levels; // Float64Array [1, 10]
 * q.labels; // Int32Array [0, 0, 0, 1, 1, 1]
 */
export function lloydMax(values: ArrayLike<number>, levels: number, options: LloydMaxOptions = {}): Quantization {
  const o = { ...LLOYD_MAX_DEFAULTS, ...options };
  if (values.length === 0) throw new Error(`${MODULE}: cannot quantise an empty list`);
  if (!(levels >= 1) || !Number.isFinite(levels)) throw new Error(`${MODULE}: the number of levels must be ≥ 1, got ${levels}`);
  const L = Math.ceil(levels);
  const s = sortDistinct(values, "values");
  const m = s.xs.length;
  const mn = s.xs[0]!;
  const mx = s.xs[m - 1]!;
  const init = new Float64Array(L);
  for (let i = 0; i < L; i++) init[i] = (i * (mx - mn)) / L;
  // equal initial levels (max = min) collapse to one
  let u = 0;
  for (let q = 0; q < L; q++) if (q === 0 || init[q] !== init[u - 1]) init[u++] = init[q]!;
  const starts = lloydStarts(s, init.subarray(0, u), o.maxIter);
  return fromStarts(values, s, starts);
}
