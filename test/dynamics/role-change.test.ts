import { describe, expect, it } from "vitest";
import { fromRows } from "../../src/embedding/matrix.js";
import type { RoleFrame } from "../../src/dynamics/frame.js";
import { RoleChangeScorer, scoreFrames } from "../../src/dynamics/role-change.js";
import { VertexIndex } from "../../src/dynamics/vertex-index.js";
import { formatIsoUtc, parseIsoUtc } from "../../src/time/interval.js";
import { Prng } from "../../src/random/prng.js";

const T0 = parseIsoUtc("2015-01-01T00:00:00");
const H = 3600;
/** A frame at hour h from 2015-01-01T00:00:00 with the given rows (name → distribution). */
function frame(h: number, rows: Record<string, number[]>): RoleFrame {
  const nodes = Object.keys(rows).sort();
  return { start: formatIsoUtc(T0 + h * H), nodes, memberships: fromRows(nodes.map((n) => rows[n]!)) };
}
const arr = (x: Float64Array) => Array.from(x);

describe("dynamics/role-change", () => {
  it("previous: consecutive change; appearing and returning vertices are NaN, not a jump from zero", () => {
    const s = new RoleChangeScorer();
    expect(arr(s.push(frame(0, { a: [1, 0] })).scores)).toEqual([NaN]);
    expect(arr(s.push(frame(1, { a: [0, 1], b: [1, 0] })).scores)).toEqual([2, NaN]);
    expect(arr(s.push(frame(2, { a: [0, 1], b: [0.5, 0.5] })).scores)).toEqual([0, 1]);
    // a vanishes at hour 3 and comes back at hour 4: NaN at 4 (absent from the frame before).
    expect(arr(s.push(frame(3, { b: [0.5, 0.5] })).scores)).toEqual([0]);
    expect(arr(s.push(frame(4, { a: [1, 0], b: [0, 1] })).scores)).toEqual([NaN, 1]);
    expect(arr(s.push(frame(5, { a: [1, 0] })).scores)).toEqual([0]);
  });

  it("previous with each distance", () => {
    const frames = [frame(0, { a: [1, 0] }), frame(1, { a: [0, 1] })];
    const want = { l1: 2, tv: 1, hellinger: 1, js: Math.LN2, cosine: 1 } as const;
    for (const [d, v] of Object.entries(want)) {
      const out = [...scoreFrames(frames, { distance: d as keyof typeof want })];
      expect(out[1]!.scores[0]).toBeCloseTo(v, 14);
    }
  });

  it("ewma: μ starts at the first row, μ ← αP + (1−α)μ, held while absent", () => {
    const s = new RoleChangeScorer({ baseline: "ewma", alpha: 0.5 });
    expect(arr(s.push(frame(0, { a: [1, 0] })).scores)).toEqual([NaN]);
    expect(arr(s.push(frame(1, { a: [0, 1] })).scores)).toEqual([2]); // μ = [1, 0]
    expect(s.push(frame(2, { a: [0, 1] })).scores[0]).toBeCloseTo(1, 15); // μ = [.5, .5]
    s.push(frame(3, { b: [1, 0] })); // a absent: μ stays [.25, .75]
    expect(s.push(frame(4, { a: [1, 0], b: [1, 0] })).scores[0]).toBeCloseTo(1.5, 15); // |1 − .25| + |0 − .75|
  });

  it("ewma default α = 0.1", () => {
    const s = new RoleChangeScorer({ baseline: "ewma", distance: "tv" });
    s.push(frame(0, { a: [1, 0] }));
    s.push(frame(1, { a: [0, 1] })); // μ = .1·[0,1] + .9·[1,0]
    expect(s.push(frame(2, { a: [0, 1] })).scores[0]).toBeCloseTo(0.9, 15);
  });

  it("static: expanding mean while training, frozen from trainEnd; new vertices in test stay NaN", () => {
    const s = new RoleChangeScorer({ baseline: "static", trainEnd: formatIsoUtc(T0 + 2 * H) });
    expect(arr(s.push(frame(0, { a: [1, 0] })).scores)).toEqual([NaN]);
    expect(arr(s.push(frame(1, { a: [0, 1] })).scores)).toEqual([2]); // mean of hour 0
    expect(arr(s.push(frame(2, { a: [1, 0], c: [1, 0] })).scores)).toEqual([1, NaN]); // mean [.5, .5]
    expect(arr(s.push(frame(3, { a: [0.5, 0.5], c: [1, 0] })).scores)).toEqual([0, NaN]); // hour 2 not learnt
    // Without trainEnd: the expanding mean of every earlier frame.
    const e = new RoleChangeScorer({ baseline: "static" });
    for (const h of [0, 1]) e.push(frame(h, { a: h === 0 ? [1, 0] : [0, 1] }));
    e.push(frame(2, { a: [1, 0] }));
    expect(e.push(frame(3, { a: [1, 0] })).scores[0]).toBeCloseTo(2 / 3, 15); // mean [2/3, 1/3]
  });

  it("seasonal (day): same hour on earlier days, found by start time; a missing frame drops out", () => {
    const s = new RoleChangeScorer({ baseline: "seasonal", periods: 2 });
    s.push(frame(5, { a: [1, 0] }));
    s.push(frame(6, { a: [1, 0] }));
    // day 1: 05:00 is missing; 06:00 present
    expect(arr(s.push(frame(24 + 6, { a: [0, 1] })).scores)).toEqual([2]); // vs day 0 06:00
    // day 2 05:00: day 1 05:00 is missing, day 0 05:00 = [1, 0]
    expect(arr(s.push(frame(48 + 5, { a: [0, 1] })).scores)).toEqual([2]);
    // day 2 06:00: mean of day 1 [0,1] and day 0 [1,0] = [.5, .5]
    expect(arr(s.push(frame(48 + 6, { a: [0, 1] })).scores)).toEqual([1]);
    // day 3 05:00: only day 2 (day 1 missing, day 1 = 2 days back is inside k = 2; day 0 is 3 days back: out)
    expect(arr(s.push(frame(72 + 5, { a: [0, 1] })).scores)).toEqual([0]);
    // day 5 07:00: nothing at 07:00 ever, nothing within 2 days → NaN
    expect(arr(s.push(frame(120 + 7, { a: [0, 1] })).scores)).toEqual([NaN]);
  });

  it("seasonal (week) and minHistory", () => {
    const s = new RoleChangeScorer({ baseline: "seasonal", season: "week", periods: 3, minHistory: 2 });
    s.push(frame(0, { a: [1, 0] }));
    expect(arr(s.push(frame(24, { a: [1, 0] })).scores)).toEqual([NaN]); // a day later: not the same hour of week
    expect(arr(s.push(frame(168, { a: [0, 1] })).scores)).toEqual([NaN]); // one observation < minHistory 2
    expect(arr(s.push(frame(336, { a: [0, 1] })).scores)).toEqual([1]); // mean [.5, .5]
  });

  it("seasonal equals a brute-force mean on a random hourly sequence with missing frames and absent vertices", () => {
    const rng = new Prng(7);
    const k = 3;
    const names = ["a", "b", "c", "d", "e"];
    const periods = 2;
    const frames: RoleFrame[] = [];
    const byHour = new Map<number, Record<string, number[]>>();
    for (let h = 0; h < 24 * 5; h++) {
      if (rng.float() < 0.15) continue; // missing frame
      const rows: Record<string, number[]> = {};
      for (const n of names) {
        if (rng.float() < 0.3) continue; // absent
        const v = Array.from({ length: k }, () => rng.float());
        const t = v.reduce((a, b) => a + b, 0);
        rows[n] = v.map((x) => x / t);
      }
      byHour.set(h, rows);
      frames.push(frame(h, rows));
    }
    const out = [...scoreFrames(frames, { baseline: "seasonal", periods, distance: "l1" })];
    let checked = 0;
    for (const f of out) {
      const h = (parseIsoUtc(f.start) - T0) / H;
      f.nodes.forEach((n, i) => {
        const lagged: number[][] = [];
        for (let j = 1; j <= periods; j++) {
          const row = byHour.get(h - 24 * j)?.[n];
          if (row !== undefined) lagged.push(row);
        }
        if (lagged.length === 0) {
          expect(Number.isNaN(f.scores[i]!)).toBe(true);
          return;
        }
        const mu = Array.from({ length: k }, (_, r) => r).map((r) => lagged.reduce((s, row) => s + row[r]!, 0) / lagged.length);
        const p = byHour.get(h)![n]!;
        const l1 = p.reduce((s, x, r) => s + Math.abs(x - mu[r]!), 0);
        expect(f.scores[i]).toBeCloseTo(l1, 6); // stored rows are Float32
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("scorers sharing a VertexIndex agree with private ones", () => {
    const ix = new VertexIndex();
    const frames = [frame(0, { a: [1, 0], b: [0, 1] }), frame(1, { b: [1, 0], c: [0, 1] }), frame(2, { a: [0.5, 0.5], b: [1, 0] })];
    const shared = [new RoleChangeScorer({ vertices: ix }), new RoleChangeScorer({ baseline: "ewma", vertices: ix })];
    const own = [new RoleChangeScorer(), new RoleChangeScorer({ baseline: "ewma" })];
    for (const f of frames) {
      for (let j = 0; j < 2; j++) expect(arr(shared[j]!.push(f).scores)).toEqual(arr(own[j]!.push(f).scores));
    }
    expect(ix.size).toBe(3);
  });

  it("refuses out-of-order frames, a change of K, duplicate vertices and bad options, with the module prefix", () => {
    const s = new RoleChangeScorer();
    s.push(frame(1, { a: [1, 0] }));
    expect(() => s.push(frame(1, { a: [1, 0] }))).toThrow(/^telemetry-lab\/dynamics\/role-change: frames must come in increasing time order/);
    expect(() => s.push(frame(2, { a: [1, 0, 0] }))).toThrow(/^telemetry-lab\/dynamics\/role-change: .* has 3 roles, earlier frames 2/);
    const dup: RoleFrame = { start: "2015-01-02T00:00:00", nodes: ["x", "x"], memberships: fromRows([[1, 0], [0, 1]]) };
    expect(() => new RoleChangeScorer().push(dup)).toThrow(/appears twice/);
    expect(() => new RoleChangeScorer({ baseline: "ewma", alpha: 0 })).toThrow(/^telemetry-lab\/dynamics\/role-change: .*alpha must be in \(0, 1\]/);
    expect(() => new RoleChangeScorer({ baseline: "seasonal", periods: 0 })).toThrow(/periods must be a positive integer/);
    expect(() => new RoleChangeScorer({ distance: "kl" as never })).toThrow(/^telemetry-lab\/dynamics\/role-change: unknown distance 'kl'/);
    expect(() => new RoleChangeScorer({ trainEnd: "yesterday" })).toThrow(/^telemetry-lab\/dynamics\/role-change: trainEnd/);
  });
});
