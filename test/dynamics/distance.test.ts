import { describe, expect, it } from "vitest";
import { DISTANCE_MAX, ROLE_DISTANCES, distanceAt, roleDistance, type RoleDistance } from "../../src/dynamics/distance.js";
import { Prng } from "../../src/random/prng.js";

const f = (...x: number[]) => Float64Array.of(...x);

describe("dynamics/distance", () => {
  it("disjoint one-hot rows: L1 2, TV 1, Hellinger 1, JS ln 2, cosine 1", () => {
    const p = f(1, 0);
    const q = f(0, 1);
    expect(roleDistance(p, q)).toBe(2);
    expect(roleDistance(p, q, { distance: "l1" })).toBe(2);
    expect(roleDistance(p, q, { distance: "tv" })).toBe(1);
    expect(roleDistance(p, q, { distance: "hellinger" })).toBeCloseTo(1, 15);
    expect(roleDistance(p, q, { distance: "js" })).toBeCloseTo(Math.LN2, 15);
    expect(roleDistance(p, q, { distance: "cosine" })).toBe(1);
  });

  it("[1/2, 1/2] against [1, 0], by hand", () => {
    const p = f(0.5, 0.5);
    const q = f(1, 0);
    expect(roleDistance(p, q, { distance: "l1" })).toBeCloseTo(1, 15);
    expect(roleDistance(p, q, { distance: "tv" })).toBeCloseTo(0.5, 15);
    // H² = ½((√½ − 1)² + ½) = 1 − √2/2
    expect(roleDistance(p, q, { distance: "hellinger" })).toBeCloseTo(Math.sqrt(1 - Math.SQRT2 / 2), 14);
    // M = [3/4, 1/4]: KL(P‖M) = ½ln(2/3) + ½ln2, KL(Q‖M) = ln(4/3)
    const js = 0.5 * (0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) + 0.5 * Math.log(4 / 3);
    expect(roleDistance(p, q, { distance: "js" })).toBeCloseTo(js, 14);
    // cos = ½ / (√½ · 1) = √2/2
    expect(roleDistance(p, q, { distance: "cosine" })).toBeCloseTo(1 - Math.SQRT2 / 2, 14);
  });

  it("identical rows are at distance 0, and the distance is symmetric", () => {
    const p = f(0.2, 0.3, 0.5);
    const q = f(0.6, 0.1, 0.3);
    for (const d of ROLE_DISTANCES) {
      expect(roleDistance(p, p, { distance: d })).toBeCloseTo(0, 12);
      expect(roleDistance(p, q, { distance: d })).toBeCloseTo(roleDistance(q, p, { distance: d }), 15);
    }
  });

  it("zero rows: 0 against a zero row, the maximum against a non-zero row", () => {
    const z = f(0, 0, 0);
    const p = f(0.2, 0.3, 0.5);
    for (const d of ROLE_DISTANCES) {
      expect(roleDistance(z, z, { distance: d })).toBe(0);
      expect(roleDistance(z, p, { distance: d })).toBe(DISTANCE_MAX[d]);
      expect(roleDistance(p, z, { distance: d })).toBe(DISTANCE_MAX[d]);
    }
  });

  it("inputs are normalised to sum 1 first", () => {
    for (const d of ROLE_DISTANCES) {
      expect(roleDistance(f(2, 0, 2), f(0, 3, 1), { distance: d })).toBeCloseTo(roleDistance(f(0.5, 0, 0.5), f(0, 0.75, 0.25), { distance: d }), 14);
    }
  });

  it("matches independent formulas on random distributions (entropy form of JS, Bhattacharyya form of Hellinger)", () => {
    const rng = new Prng(14);
    const k = 6;
    for (let trial = 0; trial < 200; trial++) {
      const p = new Float64Array(k);
      const q = new Float64Array(k);
      let sp = 0;
      let sq = 0;
      for (let r = 0; r < k; r++) {
        p[r] = rng.float() < 0.2 ? 0 : rng.exponential(1);
        q[r] = rng.float() < 0.2 ? 0 : rng.exponential(1);
        sp += p[r]!;
        sq += q[r]!;
      }
      if (sp === 0 || sq === 0) continue;
      for (let r = 0; r < k; r++) {
        p[r]! /= sp;
        q[r]! /= sq;
      }
      const ent = (v: ArrayLike<number>) => {
        let h = 0;
        for (let r = 0; r < k; r++) if (v[r]! > 0) h -= v[r]! * Math.log(v[r]!);
        return h;
      };
      const m = p.map((x, r) => 0.5 * (x + q[r]!));
      expect(roleDistance(p, q, { distance: "js" })).toBeCloseTo(ent(m) - 0.5 * (ent(p) + ent(q)), 12);
      let bc = 0;
      let l1 = 0;
      let dot = 0;
      let pp = 0;
      let qq = 0;
      for (let r = 0; r < k; r++) {
        bc += Math.sqrt(p[r]! * q[r]!);
        l1 += Math.abs(p[r]! - q[r]!);
        dot += p[r]! * q[r]!;
        pp += p[r]! ** 2;
        qq += q[r]! ** 2;
      }
      expect(roleDistance(p, q, { distance: "hellinger" })).toBeCloseTo(Math.sqrt(Math.max(0, 1 - bc)), 7);
      expect(roleDistance(p, q, { distance: "l1" })).toBeCloseTo(l1, 14);
      expect(roleDistance(p, q, { distance: "tv" })).toBeCloseTo(l1 / 2, 14);
      expect(roleDistance(p, q, { distance: "cosine" })).toBeCloseTo(1 - dot / Math.sqrt(pp * qq), 14);
      for (const d of ROLE_DISTANCES) {
        const x = roleDistance(p, q, { distance: d });
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(DISTANCE_MAX[d]);
      }
    }
  });

  it("distanceAt reads rows at offsets; NaN gives NaN", () => {
    const a = f(9, 9, 1, 0);
    const b = f(0, 1, 7);
    expect(distanceAt("l1", a, 2, b, 0, 2)).toBe(2);
    expect(Number.isNaN(distanceAt("js", f(NaN, 1), 0, f(1, 0), 0, 2))).toBe(true);
  });

  it("refuses bad input with the module prefix", () => {
    expect(() => roleDistance(f(1, 0), f(1, 0, 0))).toThrow(/^telemetry-lab\/dynamics\/distance: .*differ in length/);
    expect(() => roleDistance(f(1, -0.5), f(1, 0))).toThrow(/^telemetry-lab\/dynamics\/distance: p\[1\] = -0.5/);
    expect(() => roleDistance(f(1, 0), f(1, 0), { distance: "kl" as RoleDistance })).toThrow(/^telemetry-lab\/dynamics\/distance: unknown distance 'kl'/);
  });
});
