import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UndirectedGraph } from "graphology";
import { CompactBuilder } from "../../../src/graph/builder/compact.js";
import { csrFromGraphology } from "../../../src/graph/builder/graphology.js";
import { csrDiff, type Csr } from "../../../src/graph/csr.js";
import { exportGraph, formatWeight, parseGexf, parseTsv } from "../../../src/graph/format/export.js";
import { writeGraph } from "../../../src/graph/format/tlg.js";

function sample(): Csr {
  const b = new CompactBuilder();
  b.addClique(["computer_source::C2", "computer_destination::C586", "auth::?"]);
  b.addClique(["computer_source::C1", "computer_destination::C586", "auth::?"]);
  b.addClique(["computer::C5", "computer::C5"]); // self-loop
  b.addEdge("odd\tname\\x", 'x<&>"y\'', 0.25);
  b.addEdge("big", "weight", 2 ** 40);
  return b.toCsr();
}

describe("exports", () => {
  it("TSV: one line per edge, u <= v by name, deterministic order, integers as integers", () => {
    const text = exportGraph(sample(), "tsv");
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(3 + 3 + 1 + 1 + 1 - 1); // two cliques share {C586, ?}
    expect(lines).toContain("auth::?\tcomputer_destination::C586\t2");
    expect(lines).toContain("computer::C5\tcomputer::C5\t1");
    expect(lines).toContain("big\tweight\t1099511627776");
    expect(lines).toContain("odd\\tname\\\\x\tx<&>\"y'\t0.25");
    expect([...lines].sort()).toEqual(lines.slice().sort());
    expect(csrDiff(parseTsv(text), sample())).toBeUndefined();
    expect(formatWeight(1e21)).toBe("1000000000000000000000");
    expect(formatWeight(-0.125)).toBe("-0.125");
  });

  it("GEXF round-trips and escapes XML", () => {
    const text = exportGraph(sample(), "gexf");
    expect(text).toContain('<graph mode="static" defaultedgetype="undirected">');
    expect(text).toContain('label="x&lt;&amp;&gt;&quot;y&apos;"');
    expect(csrDiff(parseGexf(text), sample())).toBeUndefined();
  });

  it("graphology JSON imports into an UndirectedGraph with the same weights", () => {
    const text = exportGraph(sample(), "json");
    const g = UndirectedGraph.from(JSON.parse(text));
    expect(g.getEdgeAttribute("computer::C5", "computer::C5", "weight")).toBe(1);
    expect(csrDiff(csrFromGraphology(g), sample())).toBeUndefined();
  });

  it("rejects a malformed TSV line", () => {
    expect(() => parseTsv("a\tb\n", "x.tsv")).toThrow("telemetry-lab/graph/format/export: x.tsv: line 1: expected 'u<TAB>v<TAB>weight'");
  });
});

describe("telemetry-lab graph export (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-cli-"));
  const file = join(dir, "g.tlg.gz");
  writeGraph(file, sample());
  it("writes to stdout, or atomically to --out, and fails clearly on a corrupt file", async () => {
    const { run } = await import("../../../src/cli/graph.js");
    const out = join(dir, "g.tsv");
    expect(await run(["export", file, "--format", "tsv", "--out", out])).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(exportGraph(sample(), "tsv"));
    expect(await run(["export", file, "--format", "gexf", "--out", join(dir, "g.gexf")])).toBe(0);
    expect(readFileSync(join(dir, "g.gexf"), "utf8")).toBe(exportGraph(sample(), "gexf"));
    expect(await run(["export", file, "--format", "xml"])).toBe(2);
    expect(await run(["export", join(dir, "missing.tlg"), "--format", "tsv"])).toBe(1);
    const captured: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      captured.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await run(["export", file, "--format", "json"])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(captured.join("")).toBe(exportGraph(sample(), "json"));
  });
});
