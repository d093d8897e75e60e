import { describe, expect, it } from "vitest";
import { combineScores, rankNormalise } from "../../src/dynamics/combine.js";
import { networkScore } from "../../src/dynamics/network.js";
import { residualScores } from "../../src/dynamics/residual.js";
import { fromRows } from "../../src/embedding/matrix.js";
import { Prng } from "../../src/random/prng.js";

const S = "2015-01-01T00:00:00";
const sf = (nodes: string[], ...x: number[]) => ({ start: S, nodes, scores: Float64Array.of(...x) });
const arr = (x: Float64Array) => Array.from(x);

describe("dynamics/combine", () => {
  it("rank normalisation: average ranks for ties, divided by the number scored; NaN stays NaN", () => {
    expect(arr(rankNormalise(Float64Array.of(1, 2, 2, 3, NaN)))).toEqual([0.25, 0.625, 0.625, 1, NaN]);
    expect(arr(rankNormalise(Float64Array.of(5, 5, 5)))).toEqual([2 / 3, 2 / 3, 2 / 3]);
    expect(arr(rankNormalise(Float64Array.of(Infinity, -1, Infinity, 0)))).toEqual([0.875, 0.25, 0.875, 0.5]);
    expect(arr(rankNormalise(Float64Array.of(NaN)))).toEqual([NaN]);
  });

  it("rank normalisation agrees with a brute force on random values (negatives, ±0, ±∞, ties, NaN)", () => {
    const rng = new Prng(11);
    const pool = [-Infinity, -1e300, -2.5, -1, -0, 0, 1e-300, 1, 2.5, 7, 1e300, Infinity, NaN];
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(400);
      const x = Float64Array.from({ length: n }, () => (rng.float() < 0.5 ? pool[rng.int(pool.length)]! : (rng.float() - 0.5) * 10 ** rng.int(8)));
      const got = rankNormalise(x);
      const scored = Array.from(x).filter((v) => !Number.isNaN(v));
      x.forEach((v, i) => {
        if (Number.isNaN(v)) return expect(got[i]).toBeNaN();
        const below = scored.filter((y) => y < v).length;
        const equal = scored.filter((y) => y === v).length;
        expect(got[i]).toBeCloseTo((below + 1 + below + equal) / 2 / scored.length, 14);
      });
    }
  });

  it("sum and max of ranks, NaN as lowest or ignored, ties", () => {
    const n = ["w", "x", "y", "z"];
    const a = sf(n, 1, 2, 2, NaN); // u = [1/3, 5/6, 5/6, NaN]
    const b = sf(n, 7, 7, 1, NaN); // u = [5/6, 5/6, 1/3, NaN]
    const c = sf(n, NaN, 0, 9, 4); // u = [NaN, 1/3, 1, 2/3]
    const sum = combineScores([a, b, c]).scores;
    [1 / 3 + 5 / 6, 5 / 6 + 5 / 6 + 1 / 3, 5 / 6 + 1 / 3 + 1, 2 / 3].forEach((v, i) => expect(sum[i]).toBeCloseTo(v, 14));
    const ign = combineScores([a, b, c], { missing: "ignore" }).scores;
    [((1 / 3 + 5 / 6) * 3) / 2, 2, 13 / 6, 2].forEach((v, i) => expect(ign[i]).toBeCloseTo(v, 14));
    const mx = combineScores([a, b, c], { method: "max" }).scores;
    expect(arr(mx)).toEqual([5 / 6, 5 / 6, 1, 2 / 3]);
    // all NaN → NaN in both modes
    expect(arr(combineScores([sf(["q"], NaN), sf(["q"], NaN)]).scores)).toEqual([NaN]);
    expect(arr(combineScores([sf(["q"], NaN)], { missing: "ignore", method: "max" }).scores)).toEqual([NaN]);
  });

  it("aligns frames by vertex name on the first frame's nodes", () => {
    const a = sf(["x", "y", "z"], 1, 2, 3);
    const b = sf(["z", "x"], 10, 20); // y missing: NaN
    const out = combineScores([a, b]);
    expect(out.nodes).toEqual(["x", "y", "z"]);
    [1 / 3 + 1, 2 / 3, 1 + 0.5].forEach((v, i) => expect(out.scores[i]).toBeCloseTo(v, 14));
  });

  it("refuses frames of different intervals and unknown options", () => {
    expect(() => combineScores([sf(["x"], 1), { ...sf(["x"], 1), start: "2015-01-01T01:00:00" }])).toThrow(/^telemetry-lab\/dynamics\/combine: frames of different intervals/);
    expect(() => combineScores([])).toThrow(/no score frame/);
    expect(() => combineScores([sf(["x"], 1)], { method: "mean" as never })).toThrow(/unknown method 'mean'/);
  });
});

describe("dynamics/network", () => {
  it("mean and top-k mean of the scored vertices", () => {
    const f = sf(["a", "b", "c", "d"], 1, NaN, 3, 2);
    expect(networkScore(f)).toBe(2);
    expect(networkScore(f, { aggregate: "top-k", k: 2 })).toBe(2.5);
    expect(networkScore(f, { aggregate: "top-k", k: 10 })).toBe(2);
    expect(networkScore(sf(["a"], NaN))).toBeNaN();
    expect(() => networkScore(f, { k: 0 })).toThrow(/^telemetry-lab\/dynamics\/network: k must be/);
    const rng = new Prng(4);
    for (let trial = 0; trial < 100; trial++) {
      const x = Float64Array.from({ length: rng.int(60) }, () => (rng.float() < 0.1 ? NaN : rng.int(20)));
      const k = 1 + rng.int(12);
      const v = Array.from(x).filter((y) => !Number.isNaN(y)).sort((a, b) => b - a).slice(0, k);
      const got = networkScore({ start: S, nodes: [], scores: x }, { aggregate: "top-k", k });
      if (v.length === 0) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 12);
    }
  });
});

describe("dynamics/residual", () => {
  const frame = {
    start: S,
    nodes: ["a", "b", "c"],
    memberships: fromRows([[1, 0], [0, 0], [0, 1]]),
    residual: Float64Array.of(1, 3, 0),
    scale: Float64Array.of(4, 0, 0),
  };
  it("raw, per scale (x/0 = ∞, 0/0 = 0) and per feature norm", () => {
    expect(arr(residualScores(frame).scores)).toEqual([1, 3, 0]);
    expect(arr(residualScores(frame, { relativeTo: "scale" }).scores)).toEqual([0.25, Infinity, 0]);
    expect(arr(residualScores(frame, { relativeTo: "features", featureNorms: Float64Array.of(2, 3, 0) }).scores)).toEqual([0.5, 1, 0]);
  });
  it("refuses missing columns with the module prefix", () => {
    expect(() => residualScores({ ...frame, residual: undefined })).toThrow(/^telemetry-lab\/dynamics\/residual: frame .* has no residual column/);
    expect(() => residualScores(frame, { relativeTo: "features" })).toThrow(/needs featureNorms/);
    expect(() => residualScores(frame, { relativeTo: "features", featureNorms: Float64Array.of(1) })).toThrow(/3 nodes but 1 feature norms/);
  });
});
