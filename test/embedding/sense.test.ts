import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { csrFromEdges, type Csr } from "../../src/graph/csr.js";
import { fromRows, matrix, toRows, type Matrix } from "../../src/embedding/matrix.js";
import { measureMatrix, vertexMeasures, type MeasureName } from "../../src/embedding/measures.js";
import { describeRoles, neighborSense, nodeSense, type NodeSense } from "../../src/embedding/sense.js";
import { Prng } from "../../src/random/prng.js";

/** scipy.optimize.nnls on networkx measures; see test/fixtures/embedding/sense/README.md. */
const SENSE = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/embedding/sense/sense.json", import.meta.url)), "utf8"),
) as { producer: string; measures: MeasureName[]; G: number[][]; raw: number[][]; defaults: number[]; normalized: number[][]; relErr: number[] };
const MEASURES = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/embedding/sense/measures.json", import.meta.url)), "utf8"),
) as { graphs: Record<string, { names: string[]; edges: [number, number, number][]; measures: Record<string, number[]> }> };

function graph(names: string[], edges: [number, number, number?][]): Csr {
  return csrFromEdges(names, edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2] ?? 1), { dropIsolated: false });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function expectRows(m: Matrix, rows: number[][], tol = 1e-12): void {
  expect([m.rows, m.cols]).toEqual([rows.length, rows[0]?.length ?? 0]);
  expect(maxDiff(m.data, rows.flat())).toBeLessThanOrEqual(tol);
}

describe("nodeSense", () => {
  it("the worked example of its doc comment", () => {
    const s = nodeSense(fromRows([[1, 0], [1, 0], [0, 1], [0, 1]]), fromRows([[10, 0], [10, 0], [2, 1], [2, 1]]), {
      measureNames: ["degree", "clustering"],
    });
    expect(s.roles).toBe(2);
    expect(s.measures).toEqual(["degree", "clustering"]);
    expectRows(s.raw, [[10, 0], [2, 1]]);
    expect(maxDiff(s.defaults, [6, 0.5])).toBeLessThan(1e-12);
    expectRows(s.normalized, [[10 / 6, 0], [2 / 6, 2]]);
    expect(Array.from(s.meanMembership)).toEqual([0.5, 0.5]);
    expect(Math.max(...s.relErr)).toBeLessThan(1e-12);
  });

  it("recovers a planted E exactly from M = P·E (mixed memberships, sparse E, measures of very different scales)", () => {
    const rng = new Prng(2012);
    const n = 400;
    const r = 4;
    const m = 6;
    const G = new Float64Array(n * r);
    for (let i = 0; i < n; i++) {
      const pure = rng.float() < 0.3;
      const k0 = rng.int(r);
      for (let k = 0; k < r; k++) G[i * r + k] = pure ? (k === k0 ? 2 : 0) : rng.exponential(1);
    }
    const planted = [
      [5, 0, 0.001, 1e6, 0, 3],
      [0, 2, 0.004, 0, 7, 3],
      [1, 1, 0, 2e5, 0, 3],
      [0, 9, 0.002, 5e5, 1, 0],
    ];
    // M = P·E with P the row-normalised G.
    const M = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += G[i * r + k]!;
      for (let k = 0; k < r; k++) for (let j = 0; j < m; j++) M[i * m + j]! += (G[i * r + k]! / s) * planted[k]![j]!;
    }
    for (const solver of ["gram", "qr"] as const) {
      const s = nodeSense(matrix(n, r, G), matrix(n, m, M), { solver });
      expect(s.measures).toEqual(["measure_0", "measure_1", "measure_2", "measure_3", "measure_4", "measure_5"]);
      for (let k = 0; k < r; k++) {
        for (let j = 0; j < m; j++) {
          const want = planted[k]![j]!;
          expect(Math.abs(s.raw.data[k * m + j]! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
        }
      }
      expect(Math.max(...s.relErr)).toBeLessThan(1e-10);
      // normalized = E / (p̄·E), p̄ = mean membership row.
      for (let j = 0; j < m; j++) {
        let d = 0;
        for (let k = 0; k < r; k++) d += s.meanMembership[k]! * planted[k]![j]!;
        expect(s.defaults[j]! / d).toBeCloseTo(1, 10);
        for (let k = 0; k < r; k++) expect(s.normalized.data[k * m + j]!).toBeCloseTo(planted[k]![j]! / d, 9);
      }
      expect(s.meanMembership.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    }
  });

  it("agrees with scipy.optimize.nnls on networkx measures of the karate club (mixed memberships)", () => {
    expect(SENSE.producer).toContain("scipy");
    const fx = MEASURES.graphs["karate-weighted-loops"]!;
    const g = graph(fx.names, fx.edges);
    const table = vertexMeasures(g, { measures: SENSE.measures });
    for (const solver of ["gram", "qr"] as const) {
      const s = nodeSense(fromRows(SENSE.G), table, { solver });
      expect(s.measures).toEqual(SENSE.measures);
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < SENSE.measures.length; j++) {
          const want = SENSE.raw[k]![j]!;
          expect(Math.abs(s.raw.data[k * SENSE.measures.length + j]! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
          expect(s.normalized.data[k * SENSE.measures.length + j]!).toBeCloseTo(SENSE.normalized[k]![j]!, 8);
        }
      }
      expect(maxDiff(s.relErr, SENSE.relErr)).toBeLessThan(1e-9);
      expect(maxDiff(s.defaults.map((d, j) => d / SENSE.defaults[j]!), SENSE.defaults.map(() => 1))).toBeLessThan(1e-9);
    }
  });

  it("gives NaN for a measure the roles carry no information on, and keeps the inputs intact", () => {
    const G = fromRows([[1, 0], [0, 1], [1, 1]]);
    const M = fromRows([[1, 0], [2, 0], [3, 0]]);
    const g0 = G.data.slice();
    const m0 = M.data.slice();
    const s = nodeSense(G, M, { normalizeRows: false });
    expect(Number.isNaN(s.normalized.data[1])).toBe(true);
    expect(Number.isNaN(s.normalized.data[3])).toBe(true);
    expect(s.relErr[1]).toBe(0);
    expect(G.data).toEqual(g0);
    expect(M.data).toEqual(m0);
  });

  it("throws with the module prefix on mismatched or invalid input", () => {
    const G = fromRows([[1, 0], [0, 1]]);
    expect(() => nodeSense(G, matrix(3, 1))).toThrow(/^telemetry-lab\/embedding\/sense: G has 2 rows, the measures 3/);
    expect(() => nodeSense(fromRows([[1, -1], [0, 1]]), matrix(2, 1))).toThrow(/G must be finite and non-negative; entry \(0, 1\)/);
    expect(() => nodeSense(G, fromRows([[1], [NaN]]))).toThrow(/measure 'measure_0' of row 1 is NaN/);
    expect(() => nodeSense(G, matrix(2, 2), { measureNames: ["a"] })).toThrow(/1 measure names for 2 measures/);
  });
});

describe("neighborSense", () => {
  // complete bipartite K_{3,5}: u0..u2 (role 0) against c0..c4 (role 1)
  const names = ["u0", "u1", "u2", "c0", "c1", "c2", "c3", "c4"];
  const edges: [number, number, number][] = [];
  for (let u = 0; u < 3; u++) for (let c = 0; c < 5; c++) edges.push([u, 3 + c, 1 + u]);
  const k35 = graph(names, edges);
  const sides = matrix(8, 2, Float64Array.from(k35.names.flatMap((s) => (s.startsWith("u") ? [1, 0] : [0, 1]))));

  it("the worked example of its doc comment (path with two ends and two middles)", () => {
    const path = graph(["a", "b", "c", "d"], [[0, 1], [1, 2], [2, 3]]);
    const s = neighborSense(path, fromRows([[1, 0], [0, 1], [0, 1], [1, 0]]));
    expectRows(s.mass, [[0, 2], [2, 2]]);
    expectRows(s.distribution, [[0, 1], [0.5, 0.5]]);
    expectRows(s.lift, [[0, 1.5], [1.5, 0.75]]);
    expect(maxDiff(s.share, [1 / 3, 2 / 3])).toBeLessThan(1e-15);
  });

  it("a bipartite graph: each side's neighbours are all on the other side", () => {
    const s = neighborSense(k35, sides);
    expectRows(s.mass, [[0, 15], [15, 0]]);
    expectRows(s.distribution, [[0, 1], [1, 0]]);
    expectRows(s.lift, [[0, 2], [2, 0]]);
    // edge weights scale the mass, not the distribution here
    const w = neighborSense(k35, sides, { weighted: true });
    expectRows(w.mass, [[0, 30], [30, 0]]);
    expectRows(w.distribution, [[0, 1], [1, 0]]);
    // the paper's regression: pure roles give each role's mean neighbour count
    const viaNnls = neighborSense(k35, sides, { method: "nnls" });
    expectRows(viaNnls.mass, [[0, 5], [3, 0]], 1e-12);
    expectRows(viaNnls.distribution, [[0, 1], [1, 0]], 1e-12);
  });

  it("mixed memberships spread the mass; the rows stay stochastic; self-loops count only when asked", () => {
    // bipartite plus a self-loop on c0 and an edge between u0 and u1
    const g = graph(names, [...edges, [3, 3, 1], [0, 1, 1]]);
    const P = matrix(8, 2, Float64Array.from(g.names.flatMap((s) => (s === "u0" ? [0.5, 0.5] : s.startsWith("u") ? [1, 0] : [0, 1]))));
    const s = neighborSense(g, P);
    // neighbour-role mass N = A·P: u0 (1, 5), u1 (0.5, 5.5), u2 (0, 5), each c (2.5, 0.5)
    // C[0] = 0.5·N(u0) + N(u1) + N(u2) = (1, 13); C[1][0] = 0.5·1 + 5·2.5 = 13
    expect(s.mass.data[0]).toBeCloseTo(1, 14);
    expect(s.mass.data[1]).toBeCloseTo(13, 14);
    expect(s.mass.data[1]).toBeCloseTo(s.mass.data[2]!, 14); // symmetric
    for (let a = 0; a < 2; a++) expect(s.distribution.data[a * 2]! + s.distribution.data[a * 2 + 1]!).toBeCloseTo(1, 14);
    const loops = neighborSense(g, P, { selfLoops: true });
    expect(loops.mass.data[3]! - s.mass.data[3]!).toBeCloseTo(1, 14); // c0 next to itself once
  });

  it("equals Pᵀ·A·P computed densely on a random weighted graph", () => {
    const rng = new Prng(9);
    const n = 60;
    const r = 3;
    const us: number[] = [];
    const vs: number[] = [];
    const ws: number[] = [];
    for (let i = 0; i < 300; i++) {
      us.push(rng.int(n));
      vs.push(rng.int(n));
      ws.push(1 + rng.int(4));
    }
    const g = csrFromEdges(Array.from({ length: n }, (_, i) => `v${String(i).padStart(2, "0")}`), us, vs, ws, { dropIsolated: false });
    const P = matrix(n, r, Float64Array.from({ length: n * r }, () => rng.float()));
    const s = neighborSense(g, P, { weighted: true, normalizeRows: false });
    const A = new Float64Array(n * n);
    for (let v = 0; v < n; v++) {
      for (let k = g.offsets[v]!; k < g.offsets[v + 1]!; k++) if (g.targets[k] !== v) A[v * n + g.targets[k]!] = g.weights[k]!;
    }
    const C = new Float64Array(r * r);
    for (let a = 0; a < r; a++)
      for (let b = 0; b < r; b++)
        for (let v = 0; v < n; v++) for (let u = 0; u < n; u++) C[a * r + b]! += P.data[v * r + a]! * A[v * n + u]! * P.data[u * r + b]!;
    expect(maxDiff(s.mass.data, C)).toBeLessThan(1e-9);
  });

  it("throws with the module prefix on mismatched input", () => {
    expect(() => neighborSense(k35, matrix(3, 2))).toThrow(/^telemetry-lab\/embedding\/sense: memberships have 3 rows, the graph 8 vertices/);
    expect(() => neighborSense(k35, sides, { method: "x" as "nnls" })).toThrow(/method must be/);
  });
});

describe("describeRoles", () => {
  const sense: NodeSense = {
    roles: 3,
    measures: ["degree", "clustering", "pagerank", "triangles"],
    raw: matrix(3, 4),
    normalized: fromRows([
      [4.2, 0.1, 3, NaN],
      [0.9, 1.2, 1.1, NaN],
      [0.5, 2, 0.6, NaN],
    ]),
    defaults: new Float64Array(4),
    meanMembership: new Float64Array(3),
    relErr: new Float64Array(4),
  };

  it("lists the strongest high and low measures, skips NaN, says 'average' when nothing stands out", () => {
    const d = describeRoles(sense);
    expect(d.map((x) => x.text)).toEqual([
      "high degree (4.2×), high pagerank (3.0×), low clustering (0.1×)",
      "average",
      "high clustering (2.0×), low degree (0.5×), low pagerank (0.6×)",
    ]);
    expect(d[0]!.high.map((t) => t.name)).toEqual(["degree", "pagerank"]);
    expect(d[0]!.low).toEqual([{ name: "clustering", ratio: 0.1 }]);
    expect(describeRoles(sense, { maxTerms: 1 })[0]!.text).toBe("low clustering (0.1×)");
    expect(describeRoles(sense, { threshold: 5 }).map((x) => x.text)).toEqual(["low clustering (0.1×)", "average", "average"]);
  });

  it("adds the neighbour role of largest lift, with role names", () => {
    const star = graph(["hub", "l1", "l2", "l3", "l4"], [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2]]);
    const P = matrix(5, 2, Float64Array.from(star.names.flatMap((s) => (s === "hub" ? [1, 0] : [0, 1]))));
    const nb = neighborSense(star, P);
    const ns = nodeSense(P, vertexMeasures(star, { measures: ["degree", "clustering"] }));
    const d = describeRoles(ns, { neighbors: nb, roleNames: ["hubs", "leaves"] });
    expect(d[0]!.label).toBe("hubs");
    expect(d[0]!.text).toMatch(/^high degree \(2\.\d×\), low clustering \(0\.\d×\), next to leaves \(1\.\d×\)$/);
    expect(d[1]!.nextTo?.name).toBe("hubs");
    expect(d[1]!.text).toMatch(/next to hubs \(\d\.\d×\)$/);
    expect(() => describeRoles(ns, { threshold: 1 })).toThrow(/^telemetry-lab\/embedding\/sense: threshold must be > 1/);
    expect(() => describeRoles(ns, { roleNames: ["x"] })).toThrow(/1 role names for 2 roles/);
  });

  it("end to end on a star of stars: hubs have high degree and PageRank, leaves sit next to hubs", () => {
    // 4 hubs in a ring, each with 12 leaves
    const names: string[] = [];
    const edges: [number, number][] = [];
    for (let h = 0; h < 4; h++) names.push(`h${h}`);
    for (let h = 0; h < 4; h++) {
      edges.push([h, (h + 1) % 4]);
      for (let l = 0; l < 12; l++) {
        names.push(`h${h}-leaf${String(l).padStart(2, "0")}`);
        edges.push([h, names.length - 1]);
      }
    }
    const g = graph(names, edges);
    const P = matrix(g.names.length, 2, Float64Array.from(g.names.flatMap((s) => (s.includes("leaf") ? [0, 1] : [1, 0]))));
    const table = vertexMeasures(g);
    const ns = nodeSense(P, table);
    expect(ns.measures).toEqual(table.names);
    const deg = ns.measures.indexOf("degree");
    expect(ns.raw.data[deg]).toBeCloseTo(14, 12); // a hub: 12 leaves + 2 ring neighbours
    expect(ns.raw.data[ns.measures.length + deg]).toBeCloseTo(1, 12);
    expect(measureMatrix(table).rows).toBe(52);
    const d = describeRoles(ns, { neighbors: neighborSense(g, P), roleNames: ["hub", "leaf"] });
    expect(d[0]!.high.map((t) => t.name)).toContain("degree");
    expect(d[1]!.nextTo?.name).toBe("hub");
    expect(toRows(neighborSense(g, P).distribution)[1]).toEqual([1, 0]);
  });
});
