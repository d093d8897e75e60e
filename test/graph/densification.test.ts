import { describe, expect, it } from "vitest";
import { densification } from "../../src/graph/densification.js";

describe("graph/densification", () => {
  it("recovers an exact power law and its intercept", () => {
    const n = [10, 100, 1000, 5000];
    const e = n.map((x) => 3 * x ** 1.25);
    const d = densification(n, e);
    expect(d.exponent).toBeCloseTo(1.25, 12);
    expect(d.intercept).toBeCloseTo(Math.log(3), 12);
    expect(d.r2).toBeCloseTo(1, 12);
    expect(d.graphs).toBe(4);
  });

  it("matches the closed-form least squares on noisy data, skipping empty graphs", () => {
    const n = [0, 120, 340, 560, 980, 1500];
    const e = [0, 300, 1100, 1500, 3900, 5200];
    const xs = n.slice(1).map(Math.log), ys = e.slice(1).map(Math.log);
    const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
    const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0), sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const d = densification(n, e);
    expect(d.exponent).toBeCloseTo(sxy / sxx, 10);
    expect(d.intercept).toBeCloseTo(my - (sxy / sxx) * mx, 10);
    expect(d.r2).toBeLessThan(1);
    expect(d.r2).toBeGreaterThan(0.9);
    expect(d.graphs).toBe(5);
  });

  it("names itself on unusable input", () => {
    expect(() => densification([1, 2], [1])).toThrow(/^telemetry-lab\/graph\/densification: /);
    expect(() => densification([5, 5], [3, 4])).toThrow(/different sizes/);
  });
});
