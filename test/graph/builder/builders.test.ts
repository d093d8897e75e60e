import { describe, expect, it } from "vitest";
import { CompactBuilder } from "../../../src/graph/builder/compact.js";
import { GraphologyBuilder, csrFromGraphology, csrToGraphology } from "../../../src/graph/builder/graphology.js";
import { csrDiff, edgeCount, edgeWeight, type Csr } from "../../../src/graph/csr.js";

function weight(g: Csr, a: string, b: string): number {
  return edgeWeight(g, g.names.indexOf(a), g.names.indexOf(b));
}

/** A small pseudo-random clique stream with repeats, duplicates and singletons. */
function cliques(seed: number, count: number): string[][] {
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    const size = 1 + rnd(6);
    const c: string[] = [];
    for (let j = 0; j < size; j++) c.push(`f${rnd(3)}::v${rnd(7)}`);
    out.push(c);
  }
  return out;
}

describe("graph builders", () => {
  it("compute the seed's networkx clique weights on a hand example", () => {
    const b = new CompactBuilder();
    b.addClique(["a", "b", "c"]);
    b.addClique(["b", "a"]);
    b.addClique(["z"]); // one vertex: no edge, no vertex (networkx add_clique loop adds nothing)
    const g = b.toCsr();
    expect(g.names).toEqual(["a", "b", "c"]);
    expect(weight(g, "a", "b")).toBe(2);
    expect(weight(g, "b", "a")).toBe(2);
    expect(weight(g, "a", "c")).toBe(1);
    expect(weight(g, "b", "c")).toBe(1);
    expect(edgeCount(g)).toBe(3);
  });

  it("count repeated names per position pair, with a self-loop (networkx add_edge(a, a))", () => {
    for (const b of [new CompactBuilder(), new GraphologyBuilder()]) {
      b.addClique(["x", "a", "a"]);
      const g = b.toCsr();
      expect(weight(g, "x", "a")).toBe(2);
      expect(weight(g, "a", "a")).toBe(1);
      expect(edgeCount(g)).toBe(2);
    }
  });

  it("give identical graphs on the same cliques", () => {
    const c = new CompactBuilder();
    const g = new GraphologyBuilder();
    for (const q of cliques(7, 2000)) {
      c.addClique(q);
      g.addClique(q);
    }
    c.addEdge("p", "q", 0.5);
    g.addEdge("q", "p", 0.5);
    expect(c.edgeCount).toBe(g.edgeCount);
    expect(c.vertexCount).toBe(g.vertexCount);
    expect(csrDiff(c.toCsr(), g.toCsr())).toBeUndefined();
  });

  it("absorb equals building from the union, for both builders and any source", () => {
    const all = cliques(11, 1500);
    const parts = [all.slice(0, 500), all.slice(500, 1100), all.slice(1100)];
    const union = new CompactBuilder();
    for (const q of all) union.addClique(q);
    const expected = union.toCsr();
    for (const make of [() => new CompactBuilder(), () => new GraphologyBuilder()]) {
      const builders = parts.map((p) => {
        const b = make();
        for (const q of p) b.addClique(q);
        return b;
      });
      const target = make();
      target.absorb(builders[0]!); // a builder
      target.absorb(builders[1]!.toCsr()); // a frozen graph
      target.absorb(new GraphologyBuilder(csrToGraphology(builders[2]!.toCsr()))); // the other kind
      expect(csrDiff(target.toCsr(), expected)).toBeUndefined();
    }
  });

  it("detect a difference", () => {
    const a = new CompactBuilder();
    a.addClique(["a", "b", "c"]);
    const b = new CompactBuilder();
    b.addClique(["a", "b", "c"]);
    b.addEdge("a", "b");
    expect(csrDiff(a.toCsr(), b.toCsr())).toBe("edge {a, b}: weight 1 vs 2");
  });

  it("convert CSR <-> graphology both ways", () => {
    const b = new CompactBuilder();
    for (const q of cliques(3, 300)) b.addClique(q);
    const csr = b.toCsr();
    const g = csrToGraphology(csr);
    expect(g.order).toBe(csr.names.length);
    expect(g.size).toBe(edgeCount(csr));
    expect(csrDiff(csrFromGraphology(g), csr)).toBeUndefined();
  });
});
