/**
 * A `lanl graphs` rerun trusts only graphs that pass their check (size against the
 * statistics, gzip, `.tlg` header and payload CRC-32): a flipped byte, a file cut in half
 * or a 0-byte file is rebuilt, and the result equals an uninterrupted run.
 */
import { existsSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGraphs, verifyGraphFile } from "../../../src/graph/pipeline/pipeline.js";
import { makePartitions, readTree, tempDir } from "./helpers.js";

const FRAME = { start: "2015-01-01T00:00:00", end: "2015-01-01T04:00:00", jobs: 0, quiet: true };

describe("lanl graphs rerun verifies every graph", () => {
  it("rebuilds a flipped, a truncated and a 0-byte graph, naming each", async () => {
    const dir = tempDir("verify");
    makePartitions(dir);
    const first = await buildGraphs(dir, FRAME);
    const clean = readTree(join(dir, "experiments"));
    const g = (h: string): string => join(first.plan.graphsDir, `2015-01-01T0${h}:00:00.tlg.gz`);
    const flipped = readFileSync(g("0"));
    flipped[flipped.length - 12] ^= 0x01; // inside the gzip trailer/deflate data
    writeFileSync(g("0"), flipped);
    truncateSync(g("2"), Math.floor(readFileSync(g("2")).length / 2));
    writeFileSync(g("3"), "");
    // dead-pid temporaries beside the experiment's summary.json and experiment.json
    const leftovers = [".summary.json.999999999.1.partial", ".experiment.json.999999999.2.partial"].map((n) => join(first.plan.experimentDir, n));
    for (const p of leftovers) writeFileSync(p, "x");
    const second = await buildGraphs(dir, FRAME);
    expect(second.rebuilt.map((r) => r.start).sort()).toEqual(["2015-01-01T00:00:00", "2015-01-01T02:00:00", "2015-01-01T03:00:00"]);
    expect(second.skipped).toEqual(["2015-01-01T01:00:00"]);
    for (const r of second.rebuilt) expect(r.reason.length).toBeGreaterThan(0);
    expect(leftovers.filter((p) => existsSync(p))).toEqual([]);
    expect(readTree(join(dir, "experiments"))).toEqual(clean);
    const third = await buildGraphs(dir, FRAME);
    expect(third.rebuilt).toEqual([]);
    expect(third.built).toEqual([]);
  });

  it("verifyGraphFile names the reason", async () => {
    const dir = tempDir("verify-reason");
    makePartitions(dir);
    const run = await buildGraphs(dir, FRAME);
    const stats = run.intervals[0]!;
    const path = join(run.plan.graphsDir, "2015-01-01T00:00:00.tlg.gz");
    expect(verifyGraphFile(path, stats)).toBeUndefined();
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] ^= 0xff; // gzip trailer: CRC / size
    writeFileSync(path, bytes);
    expect(verifyGraphFile(path, stats)).toMatch(/gzip|checksum/);
    writeFileSync(path, "");
    expect(verifyGraphFile(path, stats)).toMatch(/size 0 bytes/);
    expect(verifyGraphFile(path + ".missing", stats)).toMatch(/cannot read/);
  });
});
