/**
 * `telemetry-lab verify DIR`: a sound tree has no problem; a flipped byte in a partition
 * file and in a graph, a missing graph and a leftover temporary are each reported with
 * the file and the reason.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyTree } from "../../src/cli/verify.js";
import { buildGraphs } from "../../src/graph/pipeline/pipeline.js";
import { partitionLanl } from "../../src/partition/partition.js";
import { makeLines, tempDir, writeGz } from "../partition/helpers.js";

describe("verify", () => {
  it("reports each damaged file with its reason", async () => {
    const dir = tempDir("verify-tree");
    writeGz(join(dir, "raw/dns.txt.gz"), makeLines(8000, 3, 9, 1, 0.3));
    await partitionLanl(dir, { jobs: 0, quiet: true });
    const run = await buildGraphs(dir, { jobs: 0, quiet: true });
    const sound = await verifyTree(dir);
    expect(sound.problems).toEqual([]);
    expect(sound.partitionFiles).toBeGreaterThan(3);
    expect(sound.graphs).toBe(run.intervals.length);

    const part = join(dir, "partitions/P0DT1H0M0S/dns/2015-01-01T01:00:00.txt.gz");
    const pb = readFileSync(part);
    pb[Math.floor(pb.length / 2)] ^= 0x10;
    writeFileSync(part, pb);
    const graph = join(run.plan.graphsDir, `${run.plan.intervals[0]}.tlg.gz`);
    const gb = readFileSync(graph);
    gb[gb.length - 6] ^= 0x01;
    writeFileSync(graph, gb);
    rmSync(join(run.plan.graphsDir, `${run.plan.intervals[1]}.tlg.gz`));
    writeFileSync(join(run.plan.statsDir, ".x.json.999999999.1.partial"), "");
    const r = await verifyTree(dir);
    const byFile = new Map(r.problems.map((p) => [p.file, p.reason]));
    expect(byFile.get(part)).toMatch(/gzip|lines/);
    expect(byFile.get(graph)).toMatch(/gzip|checksum/);
    expect(byFile.get(join(run.plan.graphsDir, `${run.plan.intervals[1]}.tlg.gz`))).toBe("missing");
    expect(byFile.get(join(run.plan.statsDir, ".x.json.999999999.1.partial"))).toMatch(/temporary/);
    expect(r.problems.length).toBe(4);
  });
});
