import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { csrFromEdges, type Csr } from "../../src/graph/csr.js";
import { writeGraph } from "../../src/graph/format/tlg.js";
import { writeParquet } from "../../src/io/parquet.js";
import { allCategoryNoAttr } from "../../src/graph/arch/all-category-no-attr.js";
import { groundTruth } from "../../src/evaluation/labels.js";
import { readAuthInterval } from "../../src/evaluation/units.js";
import {
  activityScores,
  controlSeries,
  DegreeChange,
  fanOut,
  FeatureChange,
  FirstSeenEdges,
  ntlmIndicator,
  ntlmShare,
  ntlmShareScores,
  randomScores,
  readFeatureFrame,
} from "../../src/evaluation/controls.js";
import type { ScoreFrame } from "../../src/dynamics/frame.js";
import { H0, H1, H2, makeLanl, REDTEAM, tempDir } from "./helpers.js";

/** A graph from [u, v, w] triples over named vertices. */
function graph(edges: [string, string, number][]): Csr {
  const names = [...new Set(edges.flatMap(([u, v]) => [u, v]))];
  const id = (s: string): number => names.indexOf(s);
  return csrFromEdges(
    names,
    edges.map((e) => id(e[0])),
    edges.map((e) => id(e[1])),
    edges.map((e) => e[2]),
  );
}

const byName = (f: ScoreFrame): Record<string, number> => Object.fromEntries(f.nodes.map((n, i) => [n, f.scores[i]!]));

const G0 = graph([
  ["a", "b", 2],
  ["b", "c", 1],
]);
const G1 = graph([
  ["a", "b", 1],
  ["a", "c", 1],
  ["a", "d", 4],
  ["d", "d", 1],
]);

describe("random", () => {
  it("is uniform in [0, 1), seeded, and per (vertex, interval) only", () => {
    const nodes = Array.from({ length: 20000 }, (_, i) => `v${i}`);
    const f = randomScores(H0, nodes, { seed: 7 });
    let mean = 0;
    for (const s of f.scores) {
      expect(s >= 0 && s < 1).toBe(true);
      mean += s / nodes.length;
    }
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(randomScores(H0, ["x", "v3"], { seed: 7 }).scores[1]).toBe(f.scores[3]);
    expect(randomScores(H1, ["v3"], { seed: 7 }).scores[0]).not.toBe(f.scores[3]);
    expect(randomScores(H0, ["v3"], { seed: 8 }).scores[0]).not.toBe(f.scores[3]);
    expect(() => randomScores(H0, ["a"], { seed: 1.5 })).toThrow(/^telemetry-lab\/evaluation\/controls: seed/);
  });
});

describe("activity", () => {
  it("is the strength in the interval graph", () => {
    expect(byName(activityScores({ start: H0, graph: G0 }))).toEqual({ a: 2, b: 3, c: 1 });
    expect(byName(activityScores({ start: H1, graph: G1 }))).toEqual({ a: 6, b: 1, c: 1, d: 5 });
  });
});

describe("degree change", () => {
  it("is |deg_t - deg_t-1| over distinct neighbours, NaN without the interval just before", () => {
    const dc = new DegreeChange();
    const f0 = dc.push({ start: H0, graph: G0 });
    expect([...f0.scores].every(Number.isNaN)).toBe(true);
    // a: 1 -> 3, b: 2 -> 1, c: 1 -> 1, d new (its self-loop is not a neighbour)
    expect(byName(dc.push({ start: H1, graph: G1 }))).toEqual({ a: 2, b: 1, c: 0, d: NaN });
    // a gap of one interval: no previous graph
    const f3 = dc.push({ start: "2015-01-01T03:00:00", graph: G0 });
    expect([...f3.scores].every(Number.isNaN)).toBe(true);
    expect(() => dc.push({ start: H2, graph: G0 })).toThrow(/^telemetry-lab\/dynamics\/vertex-index|^telemetry-lab\/evaluation\/controls: .*increasing time order/);
  });
});

describe("first-seen edges", () => {
  it("counts neighbours never met before, self-loops aside", () => {
    const fs = new FirstSeenEdges();
    expect(byName(fs.push({ start: H0, graph: G0 }))).toEqual({ a: 1, b: 2, c: 1 });
    // a: c and d new; b: a known; c: a new; d: a new
    expect(byName(fs.push({ start: H1, graph: G1 }))).toEqual({ a: 2, b: 0, c: 1, d: 1 });
    expect(fs.edgesSeen).toBe(4); // a–b, b–c, a–c, a–d
    expect(byName(fs.push({ start: H2, graph: G0 }))).toEqual({ a: 0, b: 0, c: 0 });
  });

  it("as a share of the neighbours; an isolated looped vertex has no share", () => {
    const fs = new FirstSeenEdges({ measure: "share" });
    fs.push({ start: H0, graph: G0 });
    const f = byName(fs.push({ start: H1, graph: G1 }));
    expect(f.a).toBeCloseTo(2 / 3, 15);
    expect([f.b, f.c, f.d]).toEqual([0, 1, 1]);
    const loop = new FirstSeenEdges({ measure: "share" }).push({ start: H0, graph: graph([["z", "z", 1]]) });
    expect(loop.scores[0]).toBeNaN();
  });

  it("keeps every pair through the hash table's growth", () => {
    const fs = new FirstSeenEdges();
    const n = 3000;
    const edges: [string, string, number][] = [];
    for (let i = 0; i < n; i++) edges.push([`v${i}`, `v${(i * 7 + 1) % n}`, 1]);
    const g = graph(edges);
    const first = fs.push({ start: H0, graph: g });
    expect([...first.scores].reduce((a, b) => a + b, 0)).toBe(2 * fs.edgesSeen);
    const again = fs.push({ start: H1, graph: g });
    expect([...again.scores].every((s) => s === 0)).toBe(true);
  });
});

describe("feature change", () => {
  it("is the L1 distance of log1p features between consecutive intervals", () => {
    const fc = new FeatureChange();
    const f0 = fc.push({ start: H0, nodes: ["a", "b"], names: ["x", "y"], columns: [Float64Array.of(1, 0), Float64Array.of(0, 3)] });
    expect([...f0.scores].every(Number.isNaN)).toBe(true);
    // columns in another order are matched by name; a: x 1 -> 3, y 0 -> 0; c is new
    const f1 = fc.push({ start: H1, nodes: ["a", "c"], names: ["y", "x", "z"], columns: [Float64Array.of(0, 1), Float64Array.of(3, 1), Float64Array.of(9, 9)] });
    expect(f1.scores[0]).toBeCloseTo(Math.log(4) - Math.log(2), 15);
    expect(f1.scores[1]).toBeNaN();
    expect(() => fc.push({ start: H2, nodes: ["a"], names: ["x"], columns: [Float64Array.of(1)] })).toThrow(/^telemetry-lab\/evaluation\/controls: frame 2015-01-01T02:00:00 has no feature 'y'/);
  });
});

describe("NTLM", () => {
  let dir = "";
  beforeAll(() => {
    dir = tempDir("controls-ntlm");
    makeLanl(dir);
  });
  const auth = (h: string): string => join(dir, "partitions", "P0DT1H0M0S", "auth", `${h}.txt.gz`);

  it("share of each vertex's auth events that are NTLM", async () => {
    const f = byName(await ntlmShare(auth(H0), H0));
    expect(f["computer_source::C9"]).toBe(1);
    expect(f["computer_source::C1"]).toBe(0);
    expect(f["computer_destination::C2"]).toBeCloseTo(2 / 3, 15);
    expect(f["userdomain_source::U1@DOM1"]).toBe(0);
    expect(f["auth::NTLM"]).toBeUndefined();
  });

  it("counts an event once per vertex (entity types merge a local logon's computers)", async () => {
    const gt = groundTruth([], { arch: allCategoryNoAttr({ types: "entity" }) });
    const f = byName(ntlmShareScores(await readAuthInterval(auth(H0), H0, gt)));
    expect(f["computer::C3"]).toBe(0);
    expect(f["computer::C2"]).toBeCloseTo(2 / 3, 15);
    expect(f["userdomain::U9@DOM1"]).toBe(1);
    const all = byName(await ntlmShare(auth(H0), H0, { artifacts: "all" }));
    expect(all["auth::NTLM"]).toBe(1);
    expect(all["auth::Kerberos"]).toBe(0);
  });

  it("the indicator flags NTLM events", async () => {
    const ai = await readAuthInterval(auth(H0), H0, groundTruth(REDTEAM));
    expect([...ntlmIndicator(ai)]).toEqual([0, 1, 1, 0]);
  });
});

describe("controlSeries", () => {
  it("computes every control per interval, warming the state before `from`", async () => {
    const dir = tempDir("controls-series");
    makeLanl(dir);
    const exp = join(dir, "experiments", "x");
    const graphs = { [H0]: G0, [H1]: G1, [H2]: G0 };
    for (const [h, g] of Object.entries(graphs)) {
      writeGraph(join(exp, "graphs", `${h}.tlg.gz`), g);
      writeParquet(join(exp, "features", `${h}.parquet`), {
        columns: [
          { name: "node", type: "string", values: g.names },
          { name: "degree", type: "double", values: Float64Array.from(g.names, (_, i) => g.offsets[i + 1]! - g.offsets[i]!) },
        ],
      });
    }
    expect(readFeatureFrame(join(exp, "features", `${H1}.parquet`), H1).names).toEqual(["degree"]);
    const series = controlSeries({ dir, experiment: exp, starts: [H0, H1, H2], from: H1 });
    const iters = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v[Symbol.asyncIterator]()]));
    const got: Record<string, ScoreFrame[]> = {};
    for (let step = 0; step < 3; step++) {
      for (const [k, it] of Object.entries(iters)) {
        const r = await it.next();
        if (!r.done) (got[k] ??= []).push(r.value);
      }
    }
    expect(Object.keys(got).sort()).toEqual(["activity", "degree-change", "feature-change", "first-seen-edge", "ntlm-share", "random"]);
    for (const frames of Object.values(got)) expect(frames.map((f) => f.start)).toEqual([H1, H2]);
    expect(byName(got["first-seen-edge"]![0]!)).toEqual({ a: 2, b: 0, c: 1, d: 1 });
    expect(byName(got["degree-change"]![0]!)).toEqual({ a: 2, b: 1, c: 0, d: NaN });
    expect(got["feature-change"]![0]!.scores[0]).toBeCloseTo(Math.log(4) - Math.log(2), 15);
    expect(byName(got.activity![1]!)).toEqual({ a: 2, b: 3, c: 1 });
    expect(byName(got["ntlm-share"]![0]!)["computer_source::C1"]).toBe(1);
    expect(() => controlSeries({ dir, experiment: exp, starts: [] }, { controls: ["nope" as never] })).toThrow(/unknown control 'nope'/);
  });

  it("fanOut hands every key each item once", async () => {
    async function* src(): AsyncGenerator<Partial<Record<"x" | "y", number>>> {
      yield { x: 1, y: 10 };
      yield { x: 2 };
      yield { x: 3, y: 30 };
    }
    const out = fanOut(["x", "y"], src());
    const xs: number[] = [];
    const ys: number[] = [];
    const ix = out.x[Symbol.asyncIterator]();
    const iy = out.y[Symbol.asyncIterator]();
    for (;;) {
      const [a, b] = await Promise.all([ix.next(), iy.next()]);
      if (!a.done) xs.push(a.value);
      if (!b.done) ys.push(b.value);
      if (a.done && b.done) break;
    }
    expect(xs).toEqual([1, 2, 3]);
    expect(ys).toEqual([10, 30]);
  });
});
