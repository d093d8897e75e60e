/**
 * Vertical logarithmic binning of one feature column, the step ReFeX uses before it
 * compares features: sort the vertices by value, give the lowest fraction p of them bin 0,
 * the lowest p of the rest bin 1, and so on, never splitting tied values across bins.
 * With p = 0.5 about half the vertices land in bin 0, a quarter in bin 1, ... (about
 * log₂ n bins).
 *
 * Sources:
 * - K. Henderson et al., "It's Who You Know: Graph Mining Using Recursive Structural
 *   Features", KDD 2011, §2 (vertical logarithmic binning, p = 0.5).
 * - graphrole 1.1.1 (D. Kaslovsky), `features/prune.py` `vertical_log_binning`: rule
 *   `"graphrole"`. Bin k takes the sorted distinct values up to the first one at which the
 *   cumulative count reaches (vertices binned so far) + max(⌊p · unbinned⌋, 1); bins
 *   start at 0 and zeros are ordinary values.
 * - LLNL refex-rolx (K. Henderson), `RankedRoleFinder.verticalBin`: rule `"llnl"`. Values
 *   with |x| ≤ 1e-5 get bin 0; the others, in ascending order, start at bin 1; a new bin
 *   starts at a value more than 0.01 above the previous value once the current bin holds
 *   at least ⌈p · (non-zero vertices not yet binned when the bin opened)⌉ vertices.
 *
 * Both sort a copy of the column (an LSD radix sort on the IEEE-754 bit patterns, O(n),
 * for long columns) and place each vertex by binary search over the b bin bounds,
 * O(n log b).
 */

const MODULE = "telemetry-lab/embedding/binning";

/** Which binning rule: graphrole 1.1.1's or the LLNL reference code's. */
export type BinningRule = "graphrole" | "llnl";

/** Options of {@link verticalLogBins}. */
export interface BinningOptions {
  /** Fraction p of the not yet binned vertices that goes into the next bin, in (0, 1). Default 0.5. */
  fraction?: number;
  /** `"graphrole"` (default) or `"llnl"` (zeros in their own bin 0, ties within `tolerance`). */
  rule?: BinningRule;
  /** LLNL rule only: consecutive sorted values closer than this stay in one bin. Default 0.01. */
  tolerance?: number;
  /** LLNL rule only: values with |x| ≤ this are zeros (bin 0). Default 1e-5. */
  zero?: number;
}

/** Defaults of {@link BinningOptions}. */
export const BINNING_DEFAULTS: Readonly<Required<BinningOptions>> = Object.freeze({
  fraction: 0.5,
  rule: "graphrole",
  tolerance: 0.01,
  zero: 1e-5,
});

/**
 * The bin of every value (same order as `values`), by the vertical logarithmic rule.
 *
 * @throws when `fraction` is not in (0, 1), the rule is unknown or a value is NaN.
 * @example
 * verticalLogBins([5, 1, 1, 2, 3, 4, 9, 0]);                   // Int32Array [2, 0, 0, 0, 1, 1, 3, 0]
 * verticalLogBins([5, 1, 1, 2, 3, 4, 9, 0], { rule: "llnl" }); // Int32Array [2, 1, 1, 1, 1, 2, 3, 0]
 */
export function verticalLogBins(values: ArrayLike<number>, options: BinningOptions = {}): Int32Array {
  const opts = { ...BINNING_DEFAULTS, ...options };
  if (!(opts.fraction > 0 && opts.fraction < 1)) {
    throw new Error(`${MODULE}: fraction must be in (0, 1), got ${opts.fraction}`);
  }
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i]!)) throw new Error(`${MODULE}: value ${i} is NaN`);
  }
  if (opts.rule === "graphrole") return graphroleBins(values, opts.fraction);
  if (opts.rule === "llnl") return llnlBins(values, opts.fraction, opts.tolerance, opts.zero);
  throw new Error(`${MODULE}: unknown rule '${String(opts.rule)}' (expected 'graphrole' or 'llnl')`);
}

/**
 * graphrole's rule. The distinct sorted values u_0 < u_1 < ... with cumulative counts
 * c_0 < c_1 < ...; bin k ends at the first u_j with c_j ≥ binned + max(⌊p·(n − binned)⌋, 1).
 */
function graphroleBins(values: ArrayLike<number>, fraction: number): Int32Array {
  const n = values.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  const sorted = sortedCopy(values);
  // Distinct values and cumulative counts, in place over `sorted` / `cum`.
  const cum = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    if (m > 0 && sorted[m - 1] === x) {
      cum[m - 1] = i + 1;
    } else {
      sorted[m] = x;
      cum[m] = i + 1;
      m++;
    }
  }
  // Upper value of each bin.
  const upper: number[] = [];
  let binned = 0;
  let j = 0; // search start in the distinct values
  while (binned < n) {
    const size = Math.max(Math.trunc(fraction * (n - binned)), 1);
    const target = binned + size;
    while (cum[j]! < target) j++; // first index with cum >= target (searchsorted, side left)
    upper.push(sorted[j]!);
    binned = cum[j]!;
    j++;
  }
  placeByUpper(values, upper, out, 0);
  return out;
}

/** LLNL's rule (see the module comment). */
function llnlBins(values: ArrayLike<number>, fraction: number, tolerance: number, zero: number): Int32Array {
  const n = values.length;
  const out = new Int32Array(n);
  let nz = 0;
  for (let i = 0; i < n; i++) if (Math.abs(values[i]!) > zero) nz++;
  if (nz === 0) return out;
  const sorted = new Float64Array(nz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (Math.abs(x) > zero) sorted[k++] = x;
  }
  radixSortInPlace(sorted);
  // Walk the sorted non-zero values; record the last value of each bin.
  const upper: number[] = [];
  let needed = Math.ceil(fraction * nz);
  let inBin = 1;
  let old = sorted[0]!;
  for (let added = 1; added < nz; added++) {
    const x = sorted[added]!;
    if (Math.abs(x - old) > tolerance && inBin >= needed) {
      upper.push(old);
      inBin = 0;
      needed = Math.ceil(fraction * (nz - added));
    }
    old = x;
    inBin++;
  }
  upper.push(old);
  for (let i = 0; i < n; i++) if (Math.abs(values[i]!) <= zero) out[i] = -1;
  placeByUpper(values, upper, out, 1);
  return out;
}

/** out[i] = base + (first b with upper[b] >= values[i]); entries already marked -1 become 0. */
function placeByUpper(values: ArrayLike<number>, upper: readonly number[], out: Int32Array, base: number): void {
  const u = Float64Array.from(upper);
  const b = u.length;
  for (let i = 0; i < values.length; i++) {
    if (out[i] === -1) {
      out[i] = 0;
      continue;
    }
    const x = values[i]!;
    let lo = 0;
    let hi = b - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u[mid]! >= x) hi = mid;
      else lo = mid + 1;
    }
    out[i] = base + lo;
  }
}

/** Sorted copy of `values` (ascending, -0 before +0). */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  radixSortInPlace(out);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Ascending sort of a Float64Array without NaN: LSD radix sort with 8-bit digits on keys
 * that order like the numbers (sign bit flipped for positives, all bits flipped for
 * negatives). All eight histograms come from one pass; digits on which every key agrees
 * (e.g. the low mantissa bytes of integer-valued columns) are skipped. Short arrays use
 * the built-in sort.
 */
function radixSortInPlace(a: Float64Array): void {
  const n = a.length;
  if (n < 1024 || !LITTLE_ENDIAN) {
    a.sort();
    return;
  }
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  const count = new Uint32Array(8 * 256);
  for (let i = 0; i < n; i++) {
    let l = words[2 * i]!;
    let h = words[2 * i + 1]!;
    if (h & 0x80000000) {
      l = ~l >>> 0;
      h = ~h >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    lo[i] = l;
    hi[i] = h;
    count[l & 0xff]!++;
    count[256 + ((l >>> 8) & 0xff)]!++;
    count[512 + ((l >>> 16) & 0xff)]!++;
    count[768 + (l >>> 24)]!++;
    count[1024 + (h & 0xff)]!++;
    count[1280 + ((h >>> 8) & 0xff)]!++;
    count[1536 + ((h >>> 16) & 0xff)]!++;
    count[1792 + (h >>> 24)]!++;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  for (let digit = 0; digit < 8; digit++) {
    const base = digit * 256;
    const shift = (digit % 4) * 8;
    const src = digit < 4 ? lo : hi;
    if (count[base + ((src[0]! >>> shift) & 0xff)] === n) continue; // every key has this digit
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[base + d]!;
      count[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[base + ((src[i]! >>> shift) & 0xff)]!++;
      lo2[p] = lo[i]!;
      hi2[p] = hi[i]!;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const l = lo[i]!;
    if (h & 0x80000000) {
      words[2 * i] = l;
      words[2 * i + 1] = (h & 0x7fffffff) >>> 0;
    } else {
      words[2 * i] = ~l >>> 0;
      words[2 * i + 1] = ~h >>> 0;
    }
  }
}
