/**
 * Seeded discrete laws for the generators: the project's xoshiro128** generator
 * (`./prng.ts`, Blackman & Vigna 2021) plus the discrete laws the LANL
 * statistics call for (`shared/research/lanl-synthetic.md`): weighted tables sampled
 * by binary search on a cumulative array, Zipf weights P(rank k) ∝ k^-α, lognormal
 * activity levels. Every random stream is derived from (seed, purpose, index) with
 * {@link hash32}, so a stream, an hour or an entity can be regenerated on its own,
 * in any worker, with the same result.
 */
import { Prng, hash32 } from "./prng.js";

export { Prng, hash32 };

/** Tables with more outcomes than this get a guide table. */
const GUIDE_MIN = 16;
/** Largest guide table (entries). */
const GUIDE_MAX = 1 << 16;

/** A fixed discrete distribution over `0..n-1`, sampled in O(log n) (O(1) expected with its guide table). */
export class WeightedTable {
  /** Cumulative weights, normalised so that the last is 1. */
  readonly cdf: Float64Array;

  /**
   * @example
   * const t = new WeightedTable([1, 3]);
   * t.sample(rng); // 1 three times out of four
   */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error("telemetry-lab/lanl/synth/prng: a weighted table needs at least one weight");
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0)) throw new Error(`telemetry-lab/lanl/synth/prng: weight ${i} is ${w}; weights must be >= 0`);
      sum += w;
      this.cdf[i] = sum;
    }
    if (!(sum > 0)) throw new Error("telemetry-lab/lanl/synth/prng: weights sum to 0");
    for (let i = 0; i < n; i++) this.cdf[i]! /= sum;
    this.cdf[n - 1] = 1;
    // Guide table (Chen & Asau 1974): for u in [k/G, (k+1)/G) the outcome lies in
    // [guide[k], guide[k+1]], so the binary search runs over a few entries only. G is a
    // power of two, so u·G and k/G are exact and the outcome is the plain search's.
    if (n > GUIDE_MIN) {
      let g = 1;
      while (g < n && g < GUIDE_MAX) g *= 2;
      const guide = new Int32Array(g + 1);
      let i = 0;
      for (let k = 0; k < g; k++) {
        const x = k / g;
        while (i < n - 1 && !(this.cdf[i]! > x)) i++;
        guide[k] = i;
      }
      guide[g] = n - 1;
      this.guide = guide;
      this.guideSize = g;
    }
  }

  /** First outcome of each 1/G of [0, 1) (tables of more than GUIDE_MIN outcomes). */
  private readonly guide: Int32Array | undefined;
  private readonly guideSize: number = 0;

  /** Number of outcomes. */
  get size(): number {
    return this.cdf.length;
  }

  /** Index drawn with probability proportional to its weight. */
  sample(rng: Prng): number {
    return this.lookup(rng.float());
  }

  /** Index for a uniform deviate `u` in [0, 1). */
  lookup(u: number): number {
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    const guide = this.guide;
    if (guide !== undefined && u >= 0 && u < 1) {
      const k = Math.floor(u * this.guideSize);
      lo = guide[k]!;
      hi = guide[k + 1]!;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Probability of outcome `i`. */
  probability(i: number): number {
    return i === 0 ? this.cdf[0]! : this.cdf[i]! - this.cdf[i - 1]!;
  }
}

/**
 * Zipf weights for ranks 1..n: `k^-alpha`.
 *
 * @example
 * zipfWeights(3, 1); // Float64Array [1, 0.5, 0.333…]
 */
export function zipfWeights(n: number, alpha: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = Math.pow(k + 1, -alpha);
  return w;
}

/** Lognormal deviate with median 1 and log-standard deviation `sigma`, scaled to mean 1. */
export function lognormalMeanOne(rng: Prng, sigma: number): number {
  return Math.exp(sigma * rng.normal() - (sigma * sigma) / 2);
}

/** Picks one element of a non-empty array uniformly. */
export function pick<T>(rng: Prng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/**
 * `k` distinct integers from `[0, n)`, in the order drawn (partial Fisher–Yates).
 *
 * @example
 * distinctInts(rng, 10, 3); // e.g. [7, 2, 9]
 */
export function distinctInts(rng: Prng, n: number, k: number): number[] {
  if (k > n) throw new Error(`telemetry-lab/lanl/synth/prng: cannot draw ${k} distinct values from ${n}`);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const v = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = v;
    out.push(v);
  }
  return out;
}
