/**
 * The empirical complementary cumulative distribution function P(X ≥ x) of a sample,
 * the usual view of heavy-tailed degree distributions on log–log axes (Clauset,
 * Shalizi and Newman, "Power-law distributions in empirical data", SIAM Review 51(4),
 * 2009, §2).
 */

/** The CCDF's steps: each distinct value x (ascending) and P(X ≥ x). */
export interface Ccdf {
  x: number[];
  y: number[];
}

/** Options of {@link ccdf}. */
export interface CcdfOptions {
  /** Keep only values > 0 (a log axis cannot show 0). Default true. */
  positiveOnly?: boolean;
}

/** Defaults of {@link CcdfOptions}. */
export const CCDF_DEFAULTS = Object.freeze({ positiveOnly: true });

/**
 * P(X ≥ x) at every distinct value x of `values`.
 *
 * @example
 * ccdf([1, 1, 2, 4]) // { x: [1, 2, 4], y: [1, 0.5, 0.25] }
 */
export function ccdf(values: ArrayLike<number>, options: CcdfOptions = {}): Ccdf {
  const positiveOnly = options.positiveOnly ?? CCDF_DEFAULTS.positiveOnly;
  const v = Float64Array.from(values).filter((d) => !Number.isNaN(d) && (!positiveOnly || d > 0)).sort();
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (i > 0 && v[i] === v[i - 1]) continue;
    x.push(v[i]!);
    y.push((v.length - i) / v.length);
  }
  return { x, y };
}
