import { describe, expect, it } from "vitest";
import type { ScoreFrame } from "../../src/dynamics/frame.js";
import { MAD_SCALE, Standardizer, standardizeFrames, type StandardizeOptions } from "../../src/dynamics/standardize.js";
import { formatIsoUtc, parseIsoUtc } from "../../src/time/interval.js";
import { Prng } from "../../src/random/prng.js";

const T0 = parseIsoUtc("2015-01-01T00:00:00");
const at = (h: number) => formatIsoUtc(T0 + h * 3600);
/** One frame per value of `series` (vertex "a"), NaN kept. */
function run(series: number[], options: StandardizeOptions): number[] {
  const frames: ScoreFrame[] = series.map((s, h) => ({ start: at(h), nodes: ["a"], scores: Float64Array.of(s) }));
  return [...standardizeFrames(frames, options)].map((f) => f.scores[0]!);
}

describe("dynamics/standardize", () => {
  it("z against the expanding history: mean and sample standard deviation of earlier scores", () => {
    const z = run([1, 2, 3, 5], { method: "z", minHistory: 2 });
    expect(z.slice(0, 2)).toEqual([NaN, NaN]);
    expect(z[2]).toBeCloseTo((3 - 1.5) / Math.sqrt(0.5), 14); // history [1, 2]
    expect(z[3]).toBeCloseTo(3, 14); // history [1, 2, 3]: mean 2, sd 1
  });

  it("robust z: median and 1.4826·MAD, odd and even histories", () => {
    const z = run([1, 2, 4, 5, 10], { method: "robust", minHistory: 3 });
    expect(z.slice(0, 3)).toEqual([NaN, NaN, NaN]);
    expect(z[3]).toBeCloseTo((5 - 2) / MAD_SCALE, 14); // [1,2,4]: median 2, |dev| [1,0,2] → MAD 1
    // [1,2,4,5]: median 3, |dev| [2,1,1,2] → MAD 1.5
    expect(z[4]).toBeCloseTo((10 - 3) / (MAD_SCALE * 1.5), 14);
    expect(MAD_SCALE).toBe(1.4826);
  });

  it("robust z keeps the last `window` values", () => {
    // window 3: at the 5th frame the history is [2, 4, 100] (1 dropped): median 4, MAD 2
    const z = run([1, 2, 4, 100, 8], { method: "robust", minHistory: 3, window: 3 });
    expect(z[4]).toBeCloseTo((8 - 4) / (MAD_SCALE * 2), 14);
  });

  it("history 'training' freezes the statistics at trainEnd", () => {
    const z = run([1, 2, 3, 100, 5], { method: "z", minHistory: 2, history: "training", trainEnd: at(3) });
    expect(z[3]).toBeCloseTo(98, 12); // (100 − 2) / 1
    expect(z[4]).toBeCloseTo(3, 12); // 100 was not learnt
    const r = run([1, 2, 4, 100, 5], { method: "robust", minHistory: 3, history: "training", trainEnd: at(3) });
    expect(r[4]).toBeCloseTo((5 - 2) / MAD_SCALE, 12);
  });

  it("NaN scores are skipped and stay NaN; a constant history uses minScale", () => {
    const z = run([1, NaN, 2, 3, NaN, 5], { method: "z", minHistory: 3 });
    expect(Number.isNaN(z[4]!)).toBe(true);
    expect(z[5]).toBeCloseTo(3, 14);
    const c = run([2, 2, 2, 2, 2.5], { method: "robust", minHistory: 3, minScale: 0.01 });
    expect(c[3]).toBe(0);
    expect(c[4]).toBeCloseTo(50, 10);
  });

  it("several vertices, present or not, against a brute force", () => {
    const rng = new Prng(3);
    const names = ["a", "b", "c"];
    const hist = new Map(names.map((n) => [n, [] as number[]]));
    const z = new Standardizer({ method: "z", minHistory: 4 });
    const rz = new Standardizer({ method: "robust", minHistory: 4, window: 6 });
    let checked = 0;
    for (let h = 0; h < 40; h++) {
      const nodes = names.filter(() => rng.float() < 0.7);
      const scores = Float64Array.from(nodes, () => (rng.float() < 0.1 ? NaN : rng.exponential(1)));
      const f = { start: at(h), nodes, scores };
      const a = z.push(f).scores;
      const b = rz.push(f).scores;
      nodes.forEach((n, i) => {
        const past = hist.get(n)!;
        const s = scores[i]!;
        if (past.length >= 4 && !Number.isNaN(s)) {
          const m = past.reduce((x, y) => x + y, 0) / past.length;
          const sd = Math.sqrt(past.reduce((x, y) => x + (y - m) ** 2, 0) / (past.length - 1));
          expect(a[i]).toBeCloseTo((s - m) / sd, 10);
          const w = past.slice(-6);
          const med = (v: number[]) => {
            const t = [...v].sort((p, q) => p - q);
            const k = t.length >> 1;
            return t.length % 2 ? t[k]! : (t[k - 1]! + t[k]!) / 2;
          };
          const md = med(w);
          expect(b[i]).toBeCloseTo((s - md) / (MAD_SCALE * med(w.map((x) => Math.abs(x - md)))), 10);
          checked++;
        } else {
          expect(Number.isNaN(a[i]!)).toBe(true);
        }
        if (!Number.isNaN(s)) past.push(s);
      });
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("robust z with ties and a sliding window matches sorting the last H values", () => {
    for (const H of [7, 8, 30]) {
      const rng = new Prng(9, H);
      const z = new Standardizer({ method: "robust", minHistory: 1, window: H, minScale: 1e-300 });
      const past: number[] = [];
      const med = (v: number[]) => {
        const t = [...v].sort((p, q) => p - q);
        const k = t.length >> 1;
        return t.length % 2 ? t[k]! : (t[k - 1]! + t[k]!) / 2;
      };
      for (let h = 0; h < 300; h++) {
        const s = rng.int(H === 30 ? 50 : 5); // ties, MAD often 0 for small ranges
        const got = z.push({ start: at(h), nodes: ["a"], scores: Float64Array.of(s) }).scores[0]!;
        if (past.length > 0) {
          const w = past.slice(-H);
          const m = med(w);
          const mad = med(w.map((x) => Math.abs(x - m)));
          expect(got).toBe((s - m) / Math.max(MAD_SCALE * mad, 1e-300));
        }
        past.push(s);
      }
    }
  });

  it("refuses bad options with the module prefix", () => {
    expect(() => new Standardizer({ history: "training" })).toThrow(/^telemetry-lab\/dynamics\/standardize: history "training" needs trainEnd/);
    expect(() => new Standardizer({ method: "mad" as never })).toThrow(/unknown method 'mad'/);
    expect(() => new Standardizer({ method: "robust", window: 3, minHistory: 5 })).toThrow(/window \(3\) is below minHistory/);
    expect(() => new Standardizer({ minScale: 0 })).toThrow(/minScale must be positive/);
  });
});
