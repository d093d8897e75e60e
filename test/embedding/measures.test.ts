import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { csrFromEdges, type Csr } from "../../src/graph/csr.js";
import {
  clusteringCoefficients,
  MEASURE_NAMES,
  measureMatrix,
  pagerank,
  triangleCounts,
  vertexMeasures,
  type MeasureName,
} from "../../src/embedding/measures.js";

/** Outputs of networkx 2.8.8; see test/fixtures/embedding/sense/README.md. */
const FIXTURE = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/embedding/sense/measures.json", import.meta.url)), "utf8"),
) as {
  producer: string;
  graphs: Record<string, { names: string[]; edges: [number, number, number][]; measures: Record<MeasureName, number[]> }>;
};

function graph(names: string[], edges: [number, number, number?][]): Csr {
  return csrFromEdges(
    names,
    edges.map((e) => e[0]),
    edges.map((e) => e[1]),
    edges.map((e) => e[2] ?? 1),
    { dropIsolated: false },
  );
}

function column(t: ReturnType<typeof vertexMeasures>, name: MeasureName): number[] {
  return Array.from(t.columns[t.names.indexOf(name)]!);
}

// a–b–c triangle with a pendant d on c
const TRIANGLE_PENDANT = graph(["a", "b", "c", "d"], [[0, 1], [1, 2], [0, 2], [2, 3]]);

describe("vertexMeasures on graphs worked out by hand", () => {
  it("triangle with a pendant", () => {
    const t = vertexMeasures(TRIANGLE_PENDANT);
    expect(t.nodes).toEqual(["a", "b", "c", "d"]);
    expect(t.names).toEqual(MEASURE_NAMES);
    expect(column(t, "degree")).toEqual([2, 2, 3, 1]);
    expect(column(t, "strength")).toEqual([2, 2, 3, 1]);
    expect(column(t, "triangles")).toEqual([1, 1, 1, 0]);
    expect(column(t, "clustering")).toEqual([1, 1, 1 / 3, 0]);
    expect(column(t, "ego_size")).toEqual([3, 3, 4, 2]);
    expect(column(t, "ego_edges")).toEqual([3, 3, 4, 1]);
    expect(column(t, "ego_out_edges")).toEqual([1, 1, 0, 2]);
    expect(column(t, "avg_neighbor_degree")).toEqual([2.5, 2.5, 5 / 3, 3]);
    const pr = column(t, "pagerank");
    expect(pr.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // networkx 2.8.8: nx.pagerank of this graph
    const nxPr = [0.2459279727012903, 0.2459279727012903, 0.3667352990529791, 0.1414087555444403];
    pr.forEach((v, i) => expect(Math.abs(v - nxPr[i]!)).toBeLessThan(1e-12));
  });

  it("star with k leaves, PageRank against its closed form", () => {
    const k = 7;
    const names = ["hub", ...Array.from({ length: k }, (_, i) => `leaf${i}`)];
    const g = graph(names, Array.from({ length: k }, (_, i): [number, number] => [0, i + 1]));
    const t = vertexMeasures(g);
    const hub = g.names.indexOf("hub");
    const leaf = g.names.indexOf("leaf0");
    const at = (name: MeasureName, v: number) => column(t, name)[v];
    expect([at("degree", hub), at("degree", leaf)]).toEqual([k, 1]);
    expect(column(t, "triangles").every((v) => v === 0)).toBe(true);
    expect(column(t, "clustering").every((v) => v === 0)).toBe(true);
    expect([at("ego_size", hub), at("ego_size", leaf)]).toEqual([k + 1, 2]);
    expect([at("ego_edges", hub), at("ego_edges", leaf)]).toEqual([k, 1]);
    expect([at("ego_out_edges", hub), at("ego_out_edges", leaf)]).toEqual([0, k - 1]);
    expect([at("avg_neighbor_degree", hub), at("avg_neighbor_degree", leaf)]).toEqual([1, k]);
    // Stationary ranks: c = (1 + αk) / (n(1 + α)), l = (1 − c) / k.
    const a = 0.85;
    const c = (1 + a * k) / ((k + 1) * (1 + a));
    const exact = pagerank(g, { tol: 1e-15, maxIter: 1000 });
    expect(exact.converged).toBe(true);
    expect(exact.scores[hub]).toBeCloseTo(c, 13);
    expect(exact.scores[leaf]).toBeCloseTo((1 - c) / k, 13);
    const loose = pagerank(g);
    expect(Math.abs(loose.scores[hub]! - c)).toBeLessThan(1e-4);
    expect(loose.iterations).toBeLessThan(exact.iterations);
  });

  it("self-loops: degree and strength count them twice, triangles and clustering ignore them", () => {
    // triangle a–b–c, loop on a (weight 5), loop on d, edge c–d (weight 2)
    const g = graph(["a", "b", "c", "d"], [[0, 1], [1, 2], [0, 2], [0, 0, 5], [3, 3], [2, 3, 2]]);
    const t = vertexMeasures(g);
    expect(column(t, "degree")).toEqual([4, 2, 3, 3]);
    expect(column(t, "strength")).toEqual([12, 2, 4, 4]);
    expect(column(t, "triangles")).toEqual([1, 1, 1, 0]);
    expect(column(t, "clustering")).toEqual([1, 1, 1 / 3, 0]);
    expect(column(t, "ego_size")).toEqual([3, 3, 4, 2]);
    expect(column(t, "ego_edges")).toEqual([4, 4, 6, 2]); // + the loops of a, d inside each ego
    expect(column(t, "ego_out_edges")).toEqual([1, 1, 0, 2]);
  });

  it("weights change strength and PageRank, not the counts", () => {
    const g = graph(["a", "b", "c", "d"], [[0, 1, 3], [1, 2, 0.5], [0, 2, 1], [2, 3, 10]]);
    const t = vertexMeasures(g);
    expect(column(t, "strength")).toEqual([4, 3.5, 11.5, 10]);
    expect(column(t, "degree")).toEqual([2, 2, 3, 1]);
    expect(column(t, "triangles")).toEqual([1, 1, 1, 0]);
    const unweighted = column(vertexMeasures(TRIANGLE_PENDANT), "pagerank");
    expect(column(t, "pagerank")[3]).toBeGreaterThan(unweighted[3]! + 0.05);
  });

  it("isolated vertices and the empty graph", () => {
    const g = graph(["a", "b", "z"], [[0, 1]]);
    const t = vertexMeasures(g);
    const z = g.names.indexOf("z");
    for (const name of MEASURE_NAMES) {
      if (name === "ego_size") expect(column(t, name)[z]).toBe(1);
      // dangling: z = (1 − α)/3 + α·z/3, its own mass spread uniformly
      else if (name === "pagerank") expect(column(t, name)[z]).toBeCloseTo(0.15 / (3 - 0.85), 5);
      else expect(column(t, name)[z]).toBe(0);
    }
    const empty = vertexMeasures(graph([], []));
    expect(empty.columns.every((c) => c.length === 0)).toBe(true);
  });
});

describe("vertexMeasures against networkx", () => {
  expect(FIXTURE.producer).toContain("networkx 2.8");
  for (const [name, fx] of Object.entries(FIXTURE.graphs)) {
    it(name, () => {
      const g = graph(fx.names, fx.edges);
      expect(g.names).toEqual(fx.names);
      const t = vertexMeasures(g);
      for (const m of MEASURE_NAMES) {
        const got = column(t, m);
        const want = fx.measures[m];
        // PageRank to 1e-6 as asked (same iteration, different summation order); the rest exactly up to rounding.
        const tol = m === "pagerank" ? 1e-6 : 1e-12;
        got.forEach((v, i) => {
          if (!(Math.abs(v - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)))) {
            throw new Error(`${m} of ${fx.names[i]}: ${v} vs networkx ${want[i]}`);
          }
        });
      }
    });
  }
});

describe("building blocks", () => {
  it("triangleCounts and clusteringCoefficients agree with vertexMeasures; K5 has 6 triangles per vertex", () => {
    const edges: [number, number][] = [];
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) edges.push([i, j]);
    const k5 = graph(["a", "b", "c", "d", "e"], edges);
    expect(Array.from(triangleCounts(k5))).toEqual([6, 6, 6, 6, 6]);
    expect(Array.from(clusteringCoefficients(k5))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(triangleCounts(TRIANGLE_PENDANT))).toEqual([1, 1, 1, 0]);
  });

  it("a hub joined to every vertex of a long cycle: triangles = n at the hub, 2 elsewhere", () => {
    const n = 20000;
    const names = ["hub", ...Array.from({ length: n }, (_, i) => `v${i}`)];
    const edges: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      edges.push([0, i + 1]);
      edges.push([i + 1, ((i + 1) % n) + 1]);
    }
    const g = graph(names, edges);
    const tri = triangleCounts(g);
    const hub = g.names.indexOf("hub");
    expect(tri[hub]).toBe(n);
    let others = 0;
    for (let v = 0; v < tri.length; v++) if (v !== hub && tri[v] === 2) others++;
    expect(others).toBe(n);
    const cc = clusteringCoefficients(g, tri);
    expect(cc[hub]).toBeCloseTo((2 * n) / (n * (n - 1)), 15);
  });

  it("measureMatrix lays the columns out row-major; options select and order measures", () => {
    const t = vertexMeasures(TRIANGLE_PENDANT, { measures: ["triangles", "degree"] });
    expect(t.names).toEqual(["triangles", "degree"]);
    const m = measureMatrix(t);
    expect([m.rows, m.cols]).toEqual([4, 2]);
    expect(Array.from(m.data)).toEqual([1, 2, 1, 2, 1, 3, 0, 1]);
  });

  it("rejects unknown or repeated measures and bad PageRank options, with the module prefix", () => {
    expect(() => vertexMeasures(TRIANGLE_PENDANT, { measures: ["degre" as MeasureName] })).toThrow(
      /^telemetry-lab\/embedding\/measures: unknown measure 'degre'/,
    );
    expect(() => vertexMeasures(TRIANGLE_PENDANT, { measures: ["degree", "degree"] })).toThrow(/listed twice/);
    expect(() => pagerank(TRIANGLE_PENDANT, { damping: 1.5 })).toThrow(/^telemetry-lab\/embedding\/measures: pagerank damping/);
    const capped = pagerank(TRIANGLE_PENDANT, { maxIter: 2 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(2);
  });
});
