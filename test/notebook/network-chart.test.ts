import { describe, expect, it } from "vitest";
import { UndirectedGraph } from "graphology";
import { networkFigure } from "../../src/notebook/network-chart.js";
import { figureProblems } from "../../src/notebook/check.js";

function star(): UndirectedGraph {
  const g = new UndirectedGraph();
  for (const n of ["computer::C1", "computer::C2", "user::U1", "user::U2", "port::80"]) g.addNode(n);
  for (const n of ["computer::C2", "user::U1", "user::U2", "port::80"]) g.addEdge("computer::C1", n, { weight: 1 });
  g.addEdge("user::U1", "user::U2", { weight: 2 });
  return g;
}

describe("notebook/network-chart", () => {
  it("draws one legend entry per group, in the given order and colours, titled, deterministic", () => {
    const opts = { title: "Star", groupOf: (n: string) => (n === "computer::C1" ? "centre" : n.split("::")[0]!), groups: [{ name: "centre", colour: "#000000" }, { name: "user" }] };
    const f = networkFigure(star(), opts);
    expect(f.data.map((t) => t.name)).toEqual(["edge (5)", "centre (1)", "user (2)", "computer (1)", "port (1)"]);
    expect((f.data[1]!.marker as { color: string }).color).toBe("#000000");
    const colours = f.data.slice(1).map((t) => (t.marker as { color: string }).color);
    expect(new Set(colours).size).toBe(colours.length);
    expect(figureProblems(f)).toEqual([]);
    expect(networkFigure(star(), opts)).toEqual(f);
    // the edge trace has 3 entries (two ends and a break) per edge
    expect((f.data[0]!.x as unknown[]).length).toBe(15);
  });

  it("refuses an empty graph", () => {
    expect(() => networkFigure(new UndirectedGraph(), { title: "t", groupOf: () => "g" })).toThrow(/^telemetry-lab\/notebook\/network-chart: /);
  });
});
