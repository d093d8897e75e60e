import { describe, expect, it } from "vitest";
import { csrFromEdges } from "../../src/graph/csr.js";
import { egoVertices, inducedGraphology } from "../../src/graph/ego.js";

describe("graph/ego", () => {
  // a–b 3, a–c 1, a–d 2, b–d 5, c–d 1, a–a 9 (self-loop)
  const g = csrFromEdges(["a", "b", "c", "d"], [0, 0, 0, 1, 2, 0], [1, 2, 3, 3, 3, 0], [3, 1, 2, 5, 1, 9]);

  it("keeps the strongest neighbours, centre first, never the centre itself", () => {
    expect(egoVertices(g, 0, { neighbours: 2 })).toEqual([0, 1, 3]);
    expect(egoVertices(g, 0)).toEqual([0, 1, 3, 2]);
    expect(() => egoVertices(g, 7)).toThrow(/^telemetry-lab\/graph\/ego: vertex 7/);
  });

  it("induces every edge among the kept vertices, with weights, without self-loops", () => {
    const ego = inducedGraphology(g, egoVertices(g, 0, { neighbours: 2 }));
    expect(ego.nodes()).toEqual(["a", "b", "d"]);
    expect(ego.size).toBe(3);
    expect(ego.getEdgeAttribute(ego.edge("b", "d")!, "weight")).toBe(5);
    expect(ego.hasEdge("a", "a")).toBe(false);
  });
});
