/**
 * Distances between two role distributions P, Q ∈ Δ^{K−1} (rows of the RolX memberships):
 * the "role change" measures of `lanl-method.md` §1d item 1.
 *
 * Sources: L1 and total variation (TV = ½‖P − Q‖₁, Levin, Peres & Wilmer, "Markov Chains
 * and Mixing Times", §4.1); Hellinger H = (1/√2)‖√P − √Q‖₂ (Le Cam & Yang, "Asymptotics in
 * Statistics", §3.2, the normalisation with range [0, 1]); Jensen–Shannon
 * JS = ½KL(P‖M) + ½KL(Q‖M), M = ½(P + Q) (Lin, IEEE Trans. Inf. Theory 37(1), 1991),
 * with the **natural logarithm**, so JS ∈ [0, ln 2] (scipy's `jensenshannon` returns the
 * square root of this, the JS distance); cosine distance 1 − ⟨P,Q⟩/(‖P‖₂‖Q‖₂) (scipy's
 * `spatial.distance.cosine`).
 *
 * | distance  | range      | disjoint supports |
 * |-----------|------------|-------------------|
 * | l1        | [0, 2]     | 2                 |
 * | tv        | [0, 1]     | 1                 |
 * | hellinger | [0, 1]     | 1                 |
 * | js        | [0, ln 2]  | ln 2 ≈ 0.6931     |
 * | cosine    | [0, 1]     | 1                 |
 *
 * Inputs are non-negative vectors. Each is divided by its sum before the distance is
 * taken (a no-op on membership rows, which sum to 1; it makes baselines that average in
 * all-zero rows comparable). **Zero rows** (a vertex whose memberships are all zero: RolX
 * fitted it to no role) are "no role", a state disjoint from every role: two zero rows
 * are at distance 0, a zero row and a non-zero row at the distance's maximum (the
 * "disjoint supports" column). Results are clamped to the range, so rounding never gives
 * −1e−17 or ln 2 + 1e−16. A NaN entry gives NaN.
 */

const MODULE = "telemetry-lab/dynamics/distance";

/** The role-distribution distances of this module. */
export type RoleDistance = "l1" | "tv" | "hellinger" | "js" | "cosine";

/** Every {@link RoleDistance}, in documentation order. */
export const ROLE_DISTANCES: readonly RoleDistance[] = Object.freeze(["l1", "tv", "hellinger", "js", "cosine"]);

/** The largest value of each distance (reached by disjoint supports, or a zero row against a non-zero one). */
export const DISTANCE_MAX: Readonly<Record<RoleDistance, number>> = Object.freeze({
  l1: 2,
  tv: 1,
  hellinger: 1,
  js: Math.LN2,
  cosine: 1,
});

/** Options of {@link roleDistance}. */
export interface DistanceOptions {
  /** Which distance. Default "l1". */
  distance?: RoleDistance;
}

/** Defaults of {@link DistanceOptions}. */
export const DISTANCE_DEFAULTS: Readonly<Required<DistanceOptions>> = Object.freeze({ distance: "l1" });

/** Throws unless `d` is a {@link RoleDistance}; returns it. */
export function checkDistance(module: string, d: unknown): RoleDistance {
  if (typeof d !== "string" || !(ROLE_DISTANCES as readonly string[]).includes(d)) {
    throw new Error(`${module}: unknown distance '${String(d)}' (expected one of ${ROLE_DISTANCES.join(", ")})`);
  }
  return d as RoleDistance;
}

/**
 * The distance between two role distributions (see the module comment for the
 * definitions, the normalisation and zero rows).
 *
 * @throws when the lengths differ, an entry is negative or infinite, or the distance is unknown.
 * @example
 * const p = Float64Array.of(1, 0), q = Float64Array.of(0, 1);
 * roleDistance(p, q);                           // 2
 * roleDistance(p, q, { distance: "tv" });        // 1
 * roleDistance(p, q, { distance: "hellinger" }); // 1
 * roleDistance(p, q, { distance: "js" });        // 0.6931… (ln 2)
 * roleDistance(p, q, { distance: "cosine" });    // 1
 * roleDistance(Float64Array.of(0.5, 0.5), Float64Array.of(1, 0), { distance: "tv" }); // 0.5
 */
export function roleDistance(p: ArrayLike<number>, q: ArrayLike<number>, options: DistanceOptions = {}): number {
  const kind = checkDistance(MODULE, options.distance ?? DISTANCE_DEFAULTS.distance);
  if (p.length !== q.length) throw new Error(`${MODULE}: the distributions differ in length (${p.length} and ${q.length})`);
  for (const [name, v] of [["p", p], ["q", q]] as const) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x < 0 || x === Infinity) throw new Error(`${MODULE}: ${name}[${i}] = ${x}: entries must be non-negative and finite`);
    }
  }
  return distanceAt(kind, p, 0, q, 0, p.length);
}

/**
 * The fast path of {@link roleDistance}: rows `a[aOff .. aOff+k)` and `b[bOff .. bOff+k)`,
 * no validation (the scorers call it on their own typed arrays).
 */
export function distanceAt(kind: RoleDistance, a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, k: number): number {
  let sa = 0;
  let sb = 0;
  for (let r = 0; r < k; r++) {
    sa += a[aOff + r]!;
    sb += b[bOff + r]!;
  }
  if (Number.isNaN(sa) || Number.isNaN(sb)) return NaN;
  if (sa === 0 || sb === 0) return sa === sb ? 0 : DISTANCE_MAX[kind];
  const ia = 1 / sa;
  const ib = 1 / sb;
  switch (kind) {
    case "l1":
    case "tv": {
      let s = 0;
      for (let r = 0; r < k; r++) s += Math.abs(a[aOff + r]! * ia - b[bOff + r]! * ib);
      return kind === "l1" ? Math.min(s, 2) : Math.min(0.5 * s, 1);
    }
    case "hellinger": {
      let s = 0;
      for (let r = 0; r < k; r++) {
        const d = Math.sqrt(a[aOff + r]! * ia) - Math.sqrt(b[bOff + r]! * ib);
        s += d * d;
      }
      return Math.min(Math.sqrt(0.5 * s), 1);
    }
    case "js": {
      let s = 0;
      for (let r = 0; r < k; r++) {
        const x = a[aOff + r]! * ia;
        const y = b[bOff + r]! * ib;
        const m = 0.5 * (x + y);
        if (x > 0) s += x * Math.log(x / m);
        if (y > 0) s += y * Math.log(y / m);
      }
      return Math.min(Math.max(0.5 * s, 0), Math.LN2);
    }
    case "cosine": {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let r = 0; r < k; r++) {
        const x = a[aOff + r]!;
        const y = b[bOff + r]!;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      }
      return Math.min(Math.max(1 - ab / Math.sqrt(aa * bb), 0), 1);
    }
  }
}
