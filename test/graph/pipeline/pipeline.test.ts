import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { allCategoryNoAttr } from "../../../src/graph/arch/all-category-no-attr.js";
import { shallow } from "../../../src/graph/arch/shallow.js";
import { CompactBuilder } from "../../../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../../../src/graph/builder/graphology.js";
import type { GraphBuilder } from "../../../src/graph/builder/builder.js";
import { csrDiff, edgeCount, edgeWeight, type Csr } from "../../../src/graph/csr.js";
import { addText } from "../../../src/graph/builder/compact/events.js";
import { readGraph } from "../../../src/graph/format/tlg.js";
import { buildIntervalGraph } from "../../../src/graph/pipeline/interval-graph.js";
import { archFolderName, buildGraphs, planGraphs } from "../../../src/graph/pipeline/pipeline.js";
import { intervalStarts } from "../../../src/graph/pipeline/layout.js";
import { SCHEMAS, type LanlStream } from "../../../src/lanl/schema.js";
import { run as runGraphsCli } from "../../../src/cli/lanl/graphs.js";
import { buildOnce, HOURS, makePartitions, readTree, tempDir, writeGz } from "./helpers.js";

const FRAME = { start: "2015-01-01T00:00:00", end: "2015-01-01T04:00:00" };
const EXP = join("experiments", "P0DT1H0M0S", "2015-01-01T00:00:00__2015-01-01T04:00:00", "all-category-no-attr");

function weight(g: Csr, a: string, b: string): number {
  return edgeWeight(g, g.names.indexOf(a), g.names.indexOf(b));
}

/** The graph built directly from the union of an hour's lines, without the pipeline. */
function unionGraph(hour: string, make: () => GraphBuilder, arch = allCategoryNoAttr()): Csr {
  const b = make();
  for (const [stream, lines] of Object.entries(HOURS[hour] ?? {})) {
    const schema = SCHEMAS[stream as LanlStream];
    addText(b, arch.plan(schema), schema, lines.join("\n") + "\n");
  }
  return b.toCsr();
}

describe("graph pipeline", () => {
  beforeAll(() => buildOnce()); // worker threads run dist/src/engine/thread.js

  it("writes one graph per interval in the seed's layout, an empty graph for an hour without events", async () => {
    const dir = tempDir("layout");
    makePartitions(dir);
    const run = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(run.plan.intervals).toEqual(["2015-01-01T00:00:00", "2015-01-01T01:00:00", "2015-01-01T02:00:00", "2015-01-01T03:00:00"]);
    expect(run.plan.streams).toEqual(["auth", "proc", "flows", "dns"]);
    const graphs = join(dir, EXP, "graphs");
    expect(run.plan.graphsDir).toBe(graphs);
    expect(readdirSync(graphs)).toEqual(run.plan.intervals.map((s) => `${s}.tlg.gz`));
    expect(readdirSync(join(dir, EXP)).sort()).toEqual(["experiment.json", "graphs", "stats", "summary.json"]);
    // Hour 1 has no partition file at all: an empty graph.
    const empty = readGraph(join(graphs, "2015-01-01T01:00:00.tlg.gz"));
    expect(empty.names).toEqual([]);
    expect(edgeCount(empty)).toBe(0);
    expect(run.intervals[1]).toMatchObject({ start: "2015-01-01T01:00:00", events: 0, vertices: 0, edges: 0, weight: 0 });
    // Hour 2 by hand: one auth clique of 8 (28 edges) + dns C4->C1 twice, C1->C4 once.
    const g2 = readGraph(join(graphs, "2015-01-01T02:00:00.tlg.gz"));
    expect(g2.names.length).toBe(10);
    expect(edgeCount(g2)).toBe(29);
    expect(weight(g2, "computer_source::C4", "computer_destination::C1")).toBe(3);
    expect(weight(g2, "computer_source::C1", "computer_destination::C4")).toBe(1);
    expect(weight(g2, "auth::NTLM", "result::Fail")).toBe(1);
    expect(run.intervals[2]).toMatchObject({ events: 4, vertices: 10, edges: 29, weight: 31 });
    expect(run.intervals[2]!.streams).toEqual([
      { stream: "auth", events: 1 },
      { stream: "proc", events: 0 },
      { stream: "flows", events: 0 },
      { stream: "dns", events: 3 },
    ]);
    const summary = JSON.parse(readFileSync(run.summaryPath, "utf8"));
    expect(summary.totals.events).toBe(7 + 0 + 4 + 1);
    expect(summary.intervals.map((s: { vertices: number }) => s.vertices)).toEqual(run.intervals.map((s) => s.vertices));
  });

  it.each([
    ["compact", () => new CompactBuilder()],
    ["graphology", () => new GraphologyBuilder()],
  ] as const)("gives, with the %s builder, the graph built from the union of the streams", async (builder, make) => {
    const dir = tempDir(`union-${builder}`);
    makePartitions(dir);
    const run = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true, builder });
    for (const hour of run.plan.intervals) {
      const got = readGraph(join(run.plan.graphsDir, `${hour}.tlg.gz`));
      expect(csrDiff(got, unionGraph(hour, make)), hour).toBeUndefined();
    }
    // In process, for notebooks: the same graph with one shared builder or per-stream graphs absorbed (the seed's steps).
    for (const perStream of [false, true]) {
      const g = await buildIntervalGraph(dir, undefined, "2015-01-01T00:00:00", "all-category-no-attr", { builder, perStream });
      expect(csrDiff(g.csr, unionGraph("2015-01-01T00:00:00", make)), `perStream ${perStream}`).toBeUndefined();
      expect(g.builder.kind).toBe(builder);
      expect(g.events).toBe(7);
      expect(g.streams.map((s) => [s.stream, s.events])).toEqual([["auth", 3], ["proc", 2], ["flows", 1], ["dns", 1]]);
    }
  });

  it("writes the same bytes with both builders", async () => {
    const a = tempDir("bytes-compact");
    const b = tempDir("bytes-graphology");
    makePartitions(a);
    makePartitions(b);
    await buildGraphs(a, { ...FRAME, jobs: 0, quiet: true, builder: "compact" });
    await buildGraphs(b, { ...FRAME, jobs: 0, quiet: true, builder: "graphology" });
    expect(readTree(join(b, "experiments"))).toEqual(readTree(join(a, "experiments")));
  });

  it("combines only the streams asked for, with any architecture", async () => {
    const dir = tempDir("streams");
    makePartitions(dir);
    const run = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true, arch: "shallow", streams: ["dns", "auth"] });
    expect(run.plan.graphsDir).toContain(join("2015-01-01T00:00:00__2015-01-01T04:00:00", "shallow", "graphs"));
    const g = readGraph(join(run.plan.graphsDir, "2015-01-01T02:00:00.tlg.gz"));
    const b = new CompactBuilder();
    for (const s of ["dns", "auth"] as const) addText(b, shallow().plan(SCHEMAS[s]), SCHEMAS[s], HOURS["2015-01-01T02:00:00"]![s]!.join("\n"));
    expect(csrDiff(g, b.toCsr())).toBeUndefined();
    expect(run.intervals[3]!.events).toBe(0); // hour 3 has proc only
  });

  it("resumes: skips finished graphs, rebuilds missing ones with identical bytes, removes leftovers", async () => {
    const dir = tempDir("resume");
    makePartitions(dir);
    const first = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(first.built.length).toBe(4);
    const before = readTree(join(dir, "experiments"));
    const graphs = first.plan.graphsDir;
    const kept = join(graphs, "2015-01-01T00:00:00.tlg.gz");
    const old = new Date("2020-01-01T00:00:00Z");
    utimesSync(kept, old, old);
    rmSync(join(graphs, "2015-01-01T02:00:00.tlg.gz"));
    writeFileSync(join(graphs, ".2015-01-01T03:00:00.tlg.gz.123.1.partial"), "half a graph");
    const second = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(second.built).toEqual(["2015-01-01T02:00:00"]);
    expect(second.skipped).toEqual(["2015-01-01T00:00:00", "2015-01-01T01:00:00", "2015-01-01T03:00:00"]);
    expect(statSync(kept).mtime.getTime()).toBe(old.getTime()); // not rewritten
    expect(readTree(join(dir, "experiments"))).toEqual(before);
    const third = await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(third.built).toEqual([]);
    expect(third.intervals).toEqual(first.intervals);
    expect(readTree(join(dir, "experiments"))).toEqual(before);
  });

  it("writes the same bytes with --jobs 0, 1 and 2", async () => {
    const trees: Map<string, Buffer>[] = [];
    for (const jobs of [0, 1, 2]) {
      const dir = tempDir(`jobs${jobs}`);
      makePartitions(dir);
      const run = await buildGraphs(dir, { ...FRAME, jobs, quiet: true });
      expect(run.built.length).toBe(4);
      trees.push(readTree(join(dir, "experiments")));
    }
    expect(trees[1]).toEqual(trees[0]);
    expect(trees[2]).toEqual(trees[0]);
  });

  it("refuses an experiment folder built with other streams, unfinished partitions, and off-grid instants", async () => {
    const dir = tempDir("refuse");
    makePartitions(dir);
    await buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true, streams: ["auth"] });
    await expect(buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true })).rejects.toThrow(/built with another configuration/);
    expect(() => planGraphs(dir, { start: "2015-01-01T00:30:00", end: "2015-01-01T04:00:00" })).toThrow(
      /start 2015-01-01T00:30:00 is not on the P0DT1H0M0S grid .* use 2015-01-01T00:00:00 or 2015-01-01T01:00:00/,
    );
    expect(() => planGraphs(tempDir("none"))).toThrow(/no partitions at .*P0DT1H0M0S; run 'telemetry-lab lanl partition/);
    expect(() => planGraphs(dir, { streams: ["redteam"] })).toThrow(/stream 'redteam' has no partitions/);
    const state = join(dir, "partitions", "P0DT1H0M0S", ".state");
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "proc.json"), JSON.stringify({ version: 1, complete: false }));
    expect(() => planGraphs(dir)).toThrow(/partitions of stream 'proc' .* are unfinished/);
  });

  it("defaults the time frame to the partition files and names option variants", async () => {
    const dir = tempDir("defaults");
    makePartitions(dir);
    const plan = planGraphs(dir);
    expect([plan.start, plan.end]).toEqual(["2015-01-01T00:00:00", "2015-01-01T04:00:00"]);
    expect(archFolderName("all-category-no-attr")).toBe("all-category-no-attr");
    expect(archFolderName("all-category-no-attr", { dropMissing: true, exclude: "hubs" })).toBe("all-category-no-attr+dropMissing+exclude=hubs");
    expect(archFolderName("shallow", { types: "entity", exclude: ["auth", "logon"] })).toBe("shallow+types=entity+exclude=auth,logon");
    expect(intervalStarts("2015-01-01T00:00:00", "2015-01-02T00:00:00", 3600)).toHaveLength(24);
  });

  it("reports a malformed partition line with its file and line", async () => {
    const dir = tempDir("malformed");
    makePartitions(dir);
    writeGz(join(dir, "partitions", "P0DT1H0M0S", "dns", "2015-01-01T03:00:00.txt.gz"), ["10801,C1,C2", "10802,C1"]);
    await expect(buildGraphs(dir, { ...FRAME, jobs: 0, quiet: true })).rejects.toThrow(/dns\/2015-01-01T03:00:00\.txt\.gz: line 2: dns: expected 3 fields, got 2/);
  });

  it("runs as 'lanl graphs' with architecture options", async () => {
    const dir = tempDir("cli");
    makePartitions(dir);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runGraphsCli([dir, "--interval", "1h", ...["--start", FRAME.start, "--end", FRAME.end], "--drop-missing", "--exclude", "hubs", "--jobs", "0", "--quiet"]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/intervals\s+4 \(4 built, 0 already there, 1 empty\)/);
    const g = readGraph(join(dir, "experiments", "P0DT1H0M0S", "2015-01-01T00:00:00__2015-01-01T04:00:00", "all-category-no-attr+dropMissing+exclude=hubs", "graphs", "2015-01-01T00:00:00.tlg.gz"));
    expect(g.names.some((n) => n.endsWith("::?") || n.startsWith("auth::"))).toBe(false);
    expect(existsSync(join(dir, EXP))).toBe(false);
  });
});
