import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  REFEX_BASE_FEATURES,
  REFEX_DEFAULTS,
  REFEX_MAX_GENERATIONS,
  featureMatrix,
  refex,
  refexFixed,
  type FeatureTable,
  type RefexOptions,
} from "../../src/embedding/refex.js";
import { csrFromEdges, type Csr } from "../../src/graph/csr.js";
import { SCHEMAS } from "../../src/lanl/schema.js";
import { allCategoryNoAttr } from "../../src/graph/arch/index.js";
import { CompactBuilder } from "../../src/graph/builder/compact.js";
import { addLines, compilePlan, lineOffsets } from "../../src/graph/builder/compact/events.js";

/** Oracle outputs: see test/fixtures/embedding/refex/README.md (graphrole 1.1.1; LLNL refex-rolx). */
const fixture = (p: string): string => {
  const buf = readFileSync(fileURLToPath(new URL(`../fixtures/embedding/refex/${p}`, import.meta.url)));
  return (p.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
};

/** "ab1 bc2 cc3": single-letter vertices and a weight per edge. */
function graph(edges: string, options = {}): Csr {
  const list = edges.split(" ").filter((e) => e.length > 0);
  const names = [...new Set(list.flatMap((e) => [e[0]!, e[1]!]))];
  return csrFromEdges(
    names,
    list.map((e) => names.indexOf(e[0]!)),
    list.map((e) => names.indexOf(e[1]!)),
    list.map((e) => Number(e.slice(2))),
    options,
  );
}

function tsvGraph(text: string): Csr {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) (i = names.length), ids.set(s, i), names.push(s);
    return i;
  };
  const us: number[] = [], vs: number[] = [], ws: number[] = [];
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    const [u, v, w] = line.split("\t");
    us.push(id(u!));
    vs.push(id(v!));
    ws.push(Number(w));
  }
  return csrFromEdges(names, us, vs, ws);
}

interface Expected {
  names: string[];
  nodes: string[];
  columns: Float64Array[];
}

function parseCsv(text: string): Expected {
  const lines = text.trim().split("\n");
  const names = lines[0]!.split(",").slice(1);
  const rows = lines.slice(1).map((l) => l.split(","));
  return {
    names,
    nodes: rows.map((r) => r[0]!),
    columns: names.map((_, j) => Float64Array.from(rows, (r) => Number(r[j + 1]))),
  };
}

/** Same nodes, same names in the same order, values within `rel` (0: bit-identical). */
function expectTable(t: FeatureTable, e: Expected, rel: number): void {
  expect(t.nodes).toEqual(e.nodes);
  expect(t.names).toEqual(e.names);
  let worst = 0;
  for (let j = 0; j < e.names.length; j++) {
    for (let i = 0; i < e.nodes.length; i++) {
      const a = t.columns[j]![i]!;
      const x = e.columns[j]![i]!;
      if (rel === 0) {
        if (a !== x) expect(`${e.names[j]}[${e.nodes[i]}] = ${a}`).toBe(`${e.names[j]}[${e.nodes[i]}] = ${x}`);
      } else {
        worst = Math.max(worst, Math.abs(a - x) / Math.max(Math.abs(x), 1e-300));
      }
    }
  }
  expect(worst).toBeLessThanOrEqual(rel);
}

/** LLNL lists its features in HashSet order: compare as a set, values by name (bins, exact). */
function expectSameFeatures(t: FeatureTable, e: Expected): void {
  expect(t.nodes).toEqual(e.nodes);
  expect([...t.names].sort()).toEqual([...e.names].sort());
  for (let j = 0; j < e.names.length; j++) {
    expect([...t.columns[t.names.indexOf(e.names[j]!)]!], e.names[j]).toEqual([...e.columns[j]!]);
  }
}

const columns = (t: FeatureTable): number[][] => t.columns.map((c) => [...c]);

/** Real LANL auth lines (read when the shared data folder is there; the tests skip otherwise). */
const AUTH = "../shared/datasets/lanl/auth_sample_human_days0-2.txt";

/** The project's LANL graph of the first `lines` auth events (what `lanl graphs` builds). */
function realAuthGraph(path: string, lines: number): Csr {
  const text = readFileSync(path, "utf8").split("\n").slice(0, lines).join("\n");
  const schema = SCHEMAS.auth;
  const plan = allCategoryNoAttr().plan(schema);
  const b = new CompactBuilder();
  const buf = Buffer.from(text);
  const lo = lineOffsets(buf);
  addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, b, schema, { dedupe: true }));
  return b.toCsr();
}

describe("refex, graphrole preset, small graphs worked by hand", () => {
  it("path a-b-c-d: internal_edges has degree's bins and is pruned; generation 1 keeps nothing", () => {
    // degree 1 2 2 1 and internal_edges 1 2 2 1 both bin to 0 1 1 0 (n = 4: two values per
    // bin 0, then one): Chebyshev 0, the older/smaller name `degree` stays. external_edges is
    // 1 everywhere (bins 0 0 0 0, distance 1 to degree). Generation 1 (threshold 1): every
    // bin is 0 or 1, so all four candidates join degree's component.
    const t = refex(graph("ab1 bc1 cd1"));
    expect(t.names).toEqual(["degree", "external_edges"]);
    expect(columns(t)).toEqual([
      [1, 2, 2, 1],
      [1, 1, 1, 1],
    ]);
    expect(t.generations).toEqual([0, 0]);
    expect(t.candidates).toEqual([3, 4]);
  });

  it("star h-{a,b,c}: the hub has no external edge, each leaf sees the two other spokes", () => {
    const t = refex(graph("ha1 hb1 hc1"));
    expect(t.nodes).toEqual(["a", "b", "c", "h"]);
    expect(t.names).toEqual(["degree", "external_edges"]);
    expect(columns(t)).toEqual([
      [1, 1, 1, 3],
      [2, 2, 2, 0],
    ]);
  });

  it("triangle a-b-c with pendant d", () => {
    // internal: 3 3 4 1 (bins 0 0 1 0, as degree 2 2 3 1) -> pruned; external: 1 1 0 2.
    const t = refex(graph("ab1 bc1 ca1 cd1"));
    expect(t.names).toEqual(["degree", "external_edges"]);
    expect(columns(t)).toEqual([
      [2, 2, 3, 1],
      [1, 1, 0, 2],
    ]);
  });

  it("weighted graph with a self-loop: networkx degree counts the loop twice; nothing pruned -> unsorted order", () => {
    // a-b 3, b-c 1, c-a 2, c-d 5, d-e 1, e-e 7.
    // degree   5 4 8 6 15 (e: 1 + 2·7)      bins 0 0 2 1 3
    // internal 6 6 11 13 8 (d: 5 + 1 + 7)   bins 0 0 2 3 1
    // external 5 5 1 3 5                    bins 1 1 0 0 1
    // No two are within 0, so nothing is pruned at generation 0 and graphrole keeps the
    // candidate order (degree, internal, external) instead of sorting by name. Generation 1
    // (threshold 1): each of the six candidates is within 1 of a generation-0 feature, e.g.
    // internal_edges(sum) 17 17 25 19 21 (bins 0 0 3 1 2) of degree.
    const t = refex(graph("ab3 bc1 ca2 cd5 de1 ee7"));
    expect(t.names).toEqual(["degree", "internal_edges", "external_edges"]);
    expect(columns(t)).toEqual([
      [5, 4, 8, 6, 15],
      [6, 6, 11, 13, 8],
      [5, 5, 1, 3, 5],
    ]);
    expect(t.candidates).toEqual([3, 6]);
  });

  it("pruning quirks: older features leave the working set; a generation with drops is sorted by name", () => {
    // Generation 0 keeps all three (bins 10020000, 20021000, 00001100). Generation 1, threshold 1:
    // internal_edges and external_edges join degree's component and LEAVE the working set (they
    // stay in the output); only external_edges(mean) survives. Generation 2, threshold 2:
    // external_edges(mean)(sum) has bins 10023010, within 2 of internal_edges (20021000) — it
    // would be pruned if internal_edges were still there, but it is not, so it survives, with
    // external_edges(mean)(mean). Something was pruned at generation 2, so the two are listed
    // by name ((mean)(mean) before (mean)(sum)), not in candidate order (sum first).
    // Hand check: external_edges(mean) at c = mean(external_edges of a, h) = (5 + 2) / 2 = 3.5.
    // Expected values: graphrole 1.1.1 on this graph (bit-identical).
    const t = refex(graph("ac2 ad3 ae1 bg1 ch2 de2 df2 eg1 fg2"));
    const expected = parseCsv(`node,external_edges(mean)(mean),external_edges(mean)(sum),external_edges(mean),degree,internal_edges,external_edges
a,4.944444444444444,14.833333333333332,5.333333333333333,6.0,8.0,5.0
b,5.666666666666667,5.666666666666667,5.0,1.0,1.0,3.0
c,4.666666666666666,9.333333333333332,3.5,4.0,4.0,4.0
d,5.111111111111111,15.333333333333332,6.333333333333333,7.0,8.0,5.0
e,5.777777777777778,17.333333333333332,5.0,4.0,7.0,7.0
f,6.0,12.0,5.0,4.0,4.0,7.0
g,5.0,15.0,5.666666666666667,4.0,4.0,5.0
h,3.5,3.5,4.0,2.0,2.0,2.0`);
    expectTable(t, expected, 0);
    expect(t.generations).toEqual([2, 2, 1, 0, 0, 0]);
    expect(t.candidates).toEqual([3, 6, 2, 4]);
  });

  it("an isolated vertex gets zeros; a self-loop makes the vertex its own neighbour", () => {
    // c has a loop: degree(mean) at c = mean(degree of b, c, d) = (3 + 8 + 1) / 3 = 4.
    const g = csrFromEdges(["0", "a", "b", "c", "d"], [1, 2, 3, 3], [2, 3, 3, 4], [2, 1, 3, 1], { dropIsolated: false });
    const t = refex(g);
    expect(t.names).toEqual(["degree(mean)", "internal_edges(mean)", "degree", "internal_edges", "external_edges"]);
    expect(columns(t)).toEqual([
      [0, 3, 5, 4, 8],
      [0, 6, 3.5, 5, 5],
      [0, 2, 3, 8, 1],
      [0, 2, 6, 5, 4],
      [0, 1, 1, 2, 1],
    ]);
  });

  it("refuses a graph without edges, as graphrole does", () => {
    const g = csrFromEdges(["a"], [], [], [], { dropIsolated: false });
    expect(() => refex(g)).toThrow(/^telemetry-lab\/embedding\/refex: the graph has no edge/);
  });
});

describe("refex, graphrole preset, against graphrole 1.1.1", () => {
  it("G(40, 0.12) with integer weights and self-loops: bit-identical", () => {
    expectTable(refex(tsvGraph(fixture("graphs/er40.tsv"))), parseCsv(fixture("graphrole/er40.csv")), 0);
  });

  it("a LANL-shaped graph without hubs (496 vertices): bit-identical", () => {
    const g = tsvGraph(fixture("graphs/lanl500-nohub.tsv.gz"));
    expectTable(refex(g), parseCsv(fixture("graphrole/lanl500-nohub.csv.gz")), 0);
  });

  it("a LANL-shaped graph with hubs (1603 vertices, 11341 edges, integer weights): values to 1e-9", () => {
    const g = tsvGraph(fixture("graphs/lanl1600.tsv.gz"));
    const t = refex(g);
    expectTable(t, parseCsv(fixture("graphrole/lanl1600.csv.gz")), 1e-9); // fixture written with 12 digits
    expect(t.names.length).toBe(19);
  });

  it("fractional weights, graph built in shuffled edge order: same names, values to 1e-9", () => {
    const g = tsvGraph(fixture("graphs/lanl1k-float.tsv.gz"));
    expectTable(refex(g), parseCsv(fixture("graphrole/lanl1k-float-shuffled.csv.gz")), 1e-9);
  });

  it.skipIf(!existsSync(AUTH))("the graph of 5000 real LANL auth lines (all-category-no-attr, 1235 vertices): bit-identical", () => {
    const t = refex(realAuthGraph(AUTH, 5000));
    expectTable(t, parseCsv(fixture("graphrole/lanl-arch5000.csv.gz")), 0);
  });
});

describe("refex, llnl preset", () => {
  it("path a-b-c-d: wn0 (constant 1, bin 1 everywhere) and wn1 = |ego| = 2 3 3 2 (bins 1 2 2 1)", () => {
    // e.g. xesu0 = degree 1 2 2 1 has wn1's bins and loses to the shorter name.
    const t = refex(graph("ab1 bc1 cd1"), { preset: "llnl" });
    expect(t.names).toEqual(["wn0", "wn1"]);
    expect(columns(t)).toEqual([
      [1, 1, 1, 1],
      [1, 2, 2, 1],
    ]);
    expect(t.candidates).toEqual([26, 20]);
  });

  it("star: zeros in their own bin, binned values in the output", () => {
    // xem1 = mean weight of the links leaving ego: 1 for the leaves, 0 (no link) for the hub.
    const t = refex(graph("ha1 hb1 hc1"), { preset: "llnl" });
    expect(t.names).toEqual(["wn0", "wn1", "xem1"]);
    expect(columns(t)).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 2],
      [1, 1, 1, 0],
    ]);
  });

  it("matches LLNL GenerateFeatures on small graphs (weighted with a loop; the quirk graph above)", () => {
    const w5 = parseCsv(`node,xeu1,wem1,wem0,xem0,wn0,wn1,wet1
a,1,1,0,1,1,1,1
b,1,1,0,1,1,1,1
c,1,1,0,2,1,2,3
d,2,3,0,3,1,1,2
e,1,2,1,1,1,1,1`);
    const t = refex(graph("ab3 bc1 ca2 cd5 de1 ee7"), { preset: "llnl" });
    expectSameFeatures(t, w5);
    expect(t.names).toEqual(["wn0", "wem0", "xem0", "wn1", "wet1", "wem1", "xeu1"]); // candidate order
    const q8 = parseCsv(`node,xet0,xet1,xem0,wn0,xem1,wn1,wet1
a,2,1,1,1,1,2,2
b,1,1,1,1,1,1,1
c,1,1,1,1,3,1,1
d,3,1,2,1,1,2,2
e,1,2,1,1,2,2,2
f,1,2,1,1,2,1,1
g,1,1,1,1,1,2,1
h,1,1,1,1,3,1,1`);
    expectSameFeatures(refex(graph("ac2 ad3 ae1 bg1 ch2 de2 df2 eg1 fg2"), { preset: "llnl" }), q8);
  });

  it("matches LLNL GenerateFeatures on G(40, 0.12) and LANL-shaped graphs (bins, exact)", () => {
    expectSameFeatures(refex(tsvGraph(fixture("graphs/er40.tsv")), { preset: "llnl" }), parseCsv(fixture("llnl/er40.csv")));
    const g = tsvGraph(fixture("graphs/lanl500-nohub.tsv.gz"));
    const t = refex(g, { preset: "llnl" });
    expectSameFeatures(t, parseCsv(fixture("llnl/lanl500-nohub.csv.gz")));
    expect(Math.max(...t.generations)).toBeGreaterThanOrEqual(3);
    // generations are listed in order, and a generation's features after the earlier ones
    expect(t.generations).toEqual([...t.generations].sort((a, b) => a - b));
  });

  it("matches LLNL GenerateFeatures on a graph with hubs (1603 vertices)", () => {
    const g = tsvGraph(fixture("graphs/lanl1600.tsv.gz"));
    expectSameFeatures(refex(g, { preset: "llnl" }), parseCsv(fixture("llnl/lanl1600.csv.gz")));
  });

  it.skipIf(!existsSync(AUTH))("matches LLNL GenerateFeatures on the graph of 5000 real LANL auth lines", () => {
    expectSameFeatures(refex(realAuthGraph(AUTH, 5000), { preset: "llnl" }), parseCsv(fixture("llnl/lanl-arch5000.csv.gz")));
  });
});

describe("refexFixed", () => {
  it("recomputes a learnt list exactly, in the given order", () => {
    for (const preset of ["graphrole", "llnl"] as const) {
      const g = tsvGraph(fixture("graphs/er40.tsv"));
      const t = refex(g, { preset });
      const names = [...t.names].reverse();
      const f = refexFixed(g, names, { preset });
      expect(f.names).toEqual(names);
      expect(f.nodes).toEqual(t.nodes);
      names.forEach((name, j) => expect([...f.columns[j]!]).toEqual([...t.columns[t.names.indexOf(name)]!]));
      expect(f.generations).toEqual(names.map((n) => t.generations[t.names.indexOf(n)]));
    }
  });

  it("applies a list learnt on one graph to another (intermediates computed when missing)", () => {
    const learnt = refex(tsvGraph(fixture("graphs/lanl1600.tsv.gz"))).names;
    const g = graph("ab3 bc1 ca2 cd5 de1 ee7");
    const f = refexFixed(g, learnt);
    expect(f.names).toEqual(learnt);
    // degree(mean)(sum) without degree(mean) in the list: degree(mean) = 6 6.5 5 11.5 10.5 (e: mean of d, e)
    const dm = refexFixed(g, ["degree(mean)(sum)", "degree(mean)"]);
    expect([...dm.columns[1]!]).toEqual([6, 6.5, 5, 11.5, 10.5]);
    expect([...dm.columns[0]!]).toEqual([6.5 + 5, 6 + 5, 6 + 6.5 + 11.5, 5 + 10.5, 11.5 + 10.5]);
    expect(dm.generations).toEqual([2, 1]);
  });

  it("computes LLNL recursive names from the bins of their base feature", () => {
    // path: wn1 bins 1 2 2 1; xes0-wn1 = sum over neighbours = 2 3 3 2 -> bins 1 2 2 1;
    // wnm1-wn1 = (2·Σ neighbours) / |ego| = 4/2, 6/3, 6/3, 4/2 = 2 2 2 2 -> bins 1 1 1 1.
    const f = refexFixed(graph("ab1 bc1 cd1"), ["xes0-wn1", "wnm1-wn1", "wn1"], { preset: "llnl" });
    expect(columns(f)).toEqual([
      [1, 2, 2, 1],
      [1, 1, 1, 1],
      [1, 2, 2, 1],
    ]);
    expect(f.generations).toEqual([1, 1, 0]);
  });

  it("rejects unknown names with the module prefix", () => {
    const g = graph("ab1 bc1");
    expect(() => refexFixed(g, ["degree(max)"])).toThrow(/^telemetry-lab\/embedding\/refex: unknown graphrole feature name 'degree\(max\)'/);
    expect(() => refexFixed(g, ["pagerank"])).toThrow(/unknown graphrole feature name/);
    expect(() => refexFixed(g, ["degree"], { preset: "llnl" })).toThrow(/unknown llnl feature name 'degree'/);
    expect(() => refexFixed(g, ["foo-wn1"], { preset: "llnl" })).toThrow(/unknown llnl feature name 'foo-wn1'/);
  });
});

describe("featureMatrix and options", () => {
  it("lays the table out row-major, rows = vertices", () => {
    const t = refex(graph("ab1 bc1 cd1"));
    const m = featureMatrix(t);
    expect([m.rows, m.cols]).toEqual([4, 2]);
    expect([...m.data]).toEqual([1, 1, 2, 1, 2, 1, 1, 1]);
  });

  it("has frozen defaults and validates options", () => {
    expect(REFEX_DEFAULTS).toEqual({ preset: "graphrole", binFraction: 0.5, initialThreshold: 0 });
    expect(REFEX_MAX_GENERATIONS).toEqual({ graphrole: 10, llnl: 100 });
    expect(REFEX_BASE_FEATURES.graphrole).toEqual(["degree", "internal_edges", "external_edges"]);
    expect(REFEX_BASE_FEATURES.llnl.length).toBe(26);
    for (const o of [Object.isFrozen(REFEX_DEFAULTS), Object.isFrozen(REFEX_MAX_GENERATIONS), Object.isFrozen(REFEX_BASE_FEATURES)]) {
      expect(o).toBe(true);
    }
    const g = graph("ab1");
    const bad: RefexOptions[] = [{ preset: "x" as never }, { maxGenerations: 0 }, { binFraction: 1 }, { initialThreshold: -1 }];
    for (const o of bad) expect(() => refex(g, o)).toThrow(/^telemetry-lab\/embedding\/refex: /);
  });

  it("maxGenerations = 1 keeps generation 0 only", () => {
    const t = refex(tsvGraph(fixture("graphs/er40.tsv")), { maxGenerations: 1 });
    expect(new Set(t.generations)).toEqual(new Set([0]));
  });
});
