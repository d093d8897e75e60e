import { describe, expect, it } from "vitest";
import { EGONET_DEFAULTS, egonetStats } from "../../src/embedding/egonet.js";
import { csrFromEdges, type Csr } from "../../src/graph/csr.js";
import { Prng } from "../../src/random/prng.js";

function graph(edges: string, options = {}): Csr {
  // "ab1 bc2 cc3": single-letter vertices and a weight
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

/** The definitions, by building every ego set (networkx ego_graph / edge_boundary semantics). */
function bruteForce(g: Csr) {
  const n = g.names.length;
  const edges: [number, number, number][] = [];
  for (let u = 0; u < n; u++) {
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) if (g.targets[k]! >= u) edges.push([u, g.targets[k]!, g.weights[k]!]);
  }
  const nbrs = (v: number): Set<number> => new Set(g.targets.subarray(g.offsets[v]!, g.offsets[v + 1]!));
  const out = { ic: [] as number[], iw: [] as number[], xc: [] as number[], xw: [] as number[], tri: [] as number[] };
  for (let v = 0; v < n; v++) {
    const ego = nbrs(v).add(v);
    let ic = 0, iw = 0, xc = 0, xw = 0;
    for (const [a, b, w] of edges) {
      const ia = ego.has(a), ib = ego.has(b);
      if (ia && ib) (ic++, (iw += w));
      else if (ia !== ib) (xc++, (xw += w));
    }
    const nv = [...nbrs(v)].filter((u) => u !== v);
    let tri = 0;
    for (let i = 0; i < nv.length; i++) for (let j = i + 1; j < nv.length; j++) if (nbrs(nv[i]!).has(nv[j]!)) tri++;
    out.ic.push(ic);
    out.iw.push(iw);
    out.xc.push(xc);
    out.xw.push(xw);
    out.tri.push(tri);
  }
  return out;
}

describe("egonetStats", () => {
  it("counts a triangle with a pendant (worked by hand)", () => {
    // a-b-c triangle, d hangs on c. ego(c) = everything: 4 internal edges, none external;
    // ego(d) = {c, d}: internal c-d, external a-c and b-c.
    const s = egonetStats(graph("ab1 bc1 ca1 cd1"));
    expect([...s.degree]).toEqual([2, 2, 3, 1]);
    expect([...s.triangles]).toEqual([1, 1, 1, 0]);
    expect([...s.internalCount]).toEqual([3, 3, 4, 1]);
    expect([...s.externalCount]).toEqual([1, 1, 0, 2]);
    expect(s.support).toBeUndefined();
  });

  it("follows networkx with self-loops and weights (worked by hand)", () => {
    // a-b 3, b-c 1, c-a 2, c-d 5, d-e 1, loop e-e 7
    const s = egonetStats(graph("ab3 bc1 ca2 cd5 de1 ee7"));
    // ego(d) = {c, d, e}: c-d 5, d-e 1 and the loop at e 7 -> 13; boundary c-a 2, c-b 1 -> 3.
    expect([...s.internalWeight]).toEqual([6, 6, 11, 13, 8]);
    expect([...s.externalWeight]).toEqual([5, 5, 1, 3, 5]);
    expect([...s.internalCount]).toEqual([3, 3, 4, 3, 2]);
    expect([...s.strength]).toEqual([5, 4, 8, 6, 1]);
    expect([...s.loop]).toEqual([0, 0, 0, 0, 7]);
    expect([...s.hasLoop]).toEqual([0, 0, 0, 0, 1]);
    expect([...s.triangleWeight]).toEqual([1, 2, 3, 0, 0]); // a sees b-c (1), b sees c-a (2), c sees a-b (3)
  });

  it("gives a star's hub no external edges and each leaf the other spokes", () => {
    const s = egonetStats(graph("ha1 hb2 hc3")); // vertices in name order: a, b, c, h
    expect([...s.degree]).toEqual([1, 1, 1, 3]);
    expect([...s.externalWeight]).toEqual([5, 4, 3, 0]);
    expect([...s.internalWeight]).toEqual([1, 2, 3, 6]);
  });

  it("equals the ego-set definitions on random weighted graphs with loops and isolated vertices", () => {
    const prng = new Prng(5);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + prng.int(25);
      const p = 0.05 + prng.float() * 0.4;
      const us: number[] = [], vs: number[] = [], ws: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          if (prng.float() < (i === j ? 0.1 : p)) (us.push(i), vs.push(j), ws.push(1 + prng.int(9)));
        }
      }
      const names = Array.from({ length: n }, (_, i) => `v${i}`);
      const g = csrFromEdges(names, us, vs, ws, { dropIsolated: false });
      const s = egonetStats(g, { support: true });
      const b = bruteForce(g);
      expect([...s.internalCount]).toEqual(b.ic);
      expect([...s.internalWeight]).toEqual(b.iw); // exact: integer weights
      expect([...s.externalCount]).toEqual(b.xc);
      expect([...s.externalWeight]).toEqual(b.xw);
      expect([...s.triangles]).toEqual(b.tri);
      // support of slot (u -> v): common neighbours other than u and v
      for (let u = 0; u < g.names.length; u++) {
        for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) {
          const v = g.targets[k]!;
          let c = 0;
          if (u !== v) {
            const nu = new Set(g.targets.subarray(g.offsets[u]!, g.offsets[u + 1]!));
            for (let q = g.offsets[v]!; q < g.offsets[v + 1]!; q++) {
              const x = g.targets[q]!;
              if (x !== u && x !== v && nu.has(x)) c++;
            }
          }
          expect(s.support![k]).toBe(c);
        }
      }
    }
  });

  it("returns an exact 0 external weight when no edge leaves the egonet, even with fractional weights", () => {
    // a clique of 4 with weights 0.1, 0.2, 0.3, ...: every egonet is the whole graph
    const s = egonetStats(graph("ab0.1 ac0.2 ad0.3 bc0.7 bd0.11 cd0.13"));
    expect([...s.externalWeight]).toEqual([0, 0, 0, 0]);
    expect([...s.externalCount]).toEqual([0, 0, 0, 0]);
  });

  it("handles a hub of degree 20000 without quadratic work", () => {
    // hub h joined to 20000 leaves, leaves paired into 10000 triangles with h
    const n = 20001;
    const us: number[] = [], vs: number[] = [], ws: number[] = [];
    for (let i = 1; i < n; i++) (us.push(0), vs.push(i), ws.push(1));
    for (let i = 1; i < n; i += 2) (us.push(i), vs.push(i + 1), ws.push(2));
    const names = Array.from({ length: n }, (_, i) => (i === 0 ? "h" : `l${String(i).padStart(5, "0")}`));
    const s = egonetStats(csrFromEdges(names, us, vs, ws));
    expect(s.triangles[0]).toBe(10000);
    expect(s.triangleWeight[0]).toBe(20000);
    expect(s.externalCount[0]).toBe(0);
    expect(s.internalWeight[0]).toBe(20000 + 20000);
    expect(s.externalWeight[1]).toBe(19998); // the other spokes; the other pairs' edges lie outside
  });

  it("has frozen defaults and rejects an inconsistent CSR", () => {
    expect(EGONET_DEFAULTS).toEqual({ support: false });
    expect(Object.isFrozen(EGONET_DEFAULTS)).toBe(true);
    const bad = { names: ["a"], offsets: Uint32Array.of(0, 2), targets: Uint32Array.of(0), weights: Float64Array.of(1) };
    expect(() => egonetStats(bad)).toThrow(/^telemetry-lab\/embedding\/egonet: inconsistent CSR/);
  });
});
