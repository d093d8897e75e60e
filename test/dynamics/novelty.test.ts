import { describe, expect, it } from "vitest";
import { csrFromEdges } from "../../src/graph/csr.js";
import { NoveltyScorer, noveltyScoreFrame, noveltyScores, type GraphFrame } from "../../src/dynamics/novelty.js";
import { PairSet } from "../../src/dynamics/pair-set.js";
import { Prng } from "../../src/random/prng.js";

/** A graph frame at hour h over named vertices: edges as [u, v] name pairs. */
function gf(h: number, edges: [string, string][]): GraphFrame {
  const names = [...new Set(edges.flat())].sort();
  const id = (s: string) => names.indexOf(s);
  return {
    start: `2015-01-01T${String(h).padStart(2, "0")}:00:00`,
    graph: csrFromEdges(names, edges.map((e) => id(e[0])), edges.map((e) => id(e[1])), edges.map(() => 1)),
  };
}
const arr = (x: Float64Array) => Array.from(x);

describe("dynamics/novelty", () => {
  it("first-seen vertex and first-seen edges on a small graph sequence", () => {
    const s = new NoveltyScorer();
    const f0 = s.push(gf(0, [["a", "b"], ["b", "c"]]));
    expect(f0.nodes).toEqual(["a", "b", "c"]);
    expect(arr(f0.firstSeen)).toEqual([1, 1, 1]);
    expect(arr(f0.newNeighbours)).toEqual([1, 2, 1]);
    expect(arr(f0.newNeighbourShare)).toEqual([1, 1, 1]);
    // hour 1: a–b old, a–c new, c–d new (d first seen), b absent
    const f1 = s.push(gf(1, [["a", "c"], ["c", "d"], ["a", "b"]]));
    expect(f1.nodes).toEqual(["a", "b", "c", "d"]);
    expect(arr(f1.firstSeen)).toEqual([0, 0, 0, 1]);
    expect(arr(f1.newNeighbours)).toEqual([1, 0, 2, 1]);
    expect(arr(f1.newNeighbourShare)).toEqual([0.5, 0, 1, 1]);
    // hour 2: c–a old (seen as a–c), d–b new; self-loop on e only (no neighbours → share NaN)
    const f2 = s.push(gf(2, [["c", "a"], ["d", "b"], ["e", "e"]]));
    expect(f2.nodes).toEqual(["a", "b", "c", "d", "e"]);
    expect(arr(f2.firstSeen)).toEqual([0, 0, 0, 0, 1]);
    expect(arr(f2.newNeighbours)).toEqual([0, 1, 0, 1, 0]);
    expect(arr(f2.newNeighbourShare)).toEqual([0, 1, 0, 1, NaN]);
    expect(s.pairCount).toBe(5);
    // scores = the chosen score (default new-neighbour-share); noveltyScoreFrame picks any
    expect(f2.scores).toBe(f2.newNeighbourShare);
    expect(arr(noveltyScoreFrame(f2, "first-seen").scores)).toEqual([0, 0, 0, 0, 1]);
  });

  it("noveltyScores yields the chosen score; a vertex vanishing and returning is not first-seen", () => {
    const out = [...noveltyScores([gf(0, [["a", "b"]]), gf(1, [["b", "c"]]), gf(2, [["a", "c"]])], { score: "first-seen" })];
    expect(out.map((f) => arr(f.scores))).toEqual([[1, 1], [0, 1], [0, 0]]);
    expect(arr(out[2]!.newNeighbours)).toEqual([1, 1]);
  });

  it("refuses out-of-order graphs and unknown scores", () => {
    const s = new NoveltyScorer();
    s.push(gf(3, [["a", "b"]]));
    expect(() => s.push(gf(2, [["a", "b"]]))).toThrow(/^telemetry-lab\/dynamics\/novelty: frames must come in increasing time order/);
    expect(() => new NoveltyScorer({ score: "new" as never })).toThrow(/^telemetry-lab\/dynamics\/novelty: unknown score 'new'/);
  });
});

describe("dynamics/pair-set", () => {
  it("agrees with a Set of string keys through several doublings", () => {
    const rng = new Prng(1);
    const s = new PairSet({ capacity: 16 });
    const ref = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const u = rng.int(3000);
      const v = rng.int(3000);
      const key = u < v ? `${u},${v}` : `${v},${u}`;
      expect(s.add(u, v)).toBe(!ref.has(key));
      ref.add(key);
    }
    expect(s.size).toBe(ref.size);
    expect(s.capacity).toBeGreaterThanOrEqual(ref.size / 0.7);
    for (let i = 0; i < 5000; i++) {
      const u = rng.int(3000);
      const v = rng.int(3000);
      expect(s.has(v, u)).toBe(ref.has(u < v ? `${u},${v}` : `${v},${u}`));
    }
    // large ids
    expect(s.add(0xfffffffe, 0)).toBe(true);
    expect(s.has(0, 0xfffffffe)).toBe(true);
    expect(() => s.add(0xffffffff, 1)).toThrow(/^telemetry-lab\/dynamics\/pair-set: ids must be/);
  });
});
