import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { partitionLanl } from "../../src/partition/partition.js";
import { allNames, buildOnce, expectedPartitions, gzLines, lcg, makeLines, readTree, runCli, tempDir, writeGz } from "./helpers.js";

const P = "partitions/P0DT1H0M0S";

beforeAll(() => {
  buildOnce(); // worker threads run dist/src/partition/worker.js
});

/** Checks every partition file of `stream` against the reference grouping of `valid`. */
function expectPartitionsOf(dir: string, stream: string, valid: string[]): void {
  const expected = expectedPartitions(valid);
  const folder = join(dir, P, stream);
  const names = readdirSync(folder).sort();
  expect(names).toEqual([...expected.keys()].sort().map((n) => `${n}.txt.gz`));
  for (const [name, lines] of expected) expect(gzLines(join(folder, `${name}.txt.gz`))).toEqual(lines);
}

describe("partitionLanl", () => {
  it("is lossless: events in = events out + rejects, malformed lines documented in rejects.tsv", async () => {
    const dir = tempDir("conservation");
    const good = makeLines(20_000, 9, 1);
    const lines = [...good];
    // malformed: wrong field count, non-integer time, empty line, negative time
    lines.splice(100, 0, "77,U1@DOM1,C1");
    lines.splice(5000, 0, "abc,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success");
    lines.splice(9000, 0, "");
    lines.splice(12000, 0, "-3,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success");
    writeGz(join(dir, "raw/auth.txt.gz"), lines);
    const run = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 8192 });
    const s = run.summary.streams[0]!;
    expect(s.lines).toBe(lines.length);
    expect(s.rejects).toBe(4);
    expect(s.events + s.rejects + s.before + s.after).toBe(s.lines);
    expect(s.events).toBe(good.length);
    expectPartitionsOf(dir, "auth", good);
    const tsv = readFileSync(join(dir, P, "rejects/auth.tsv"), "latin1").trimEnd().split("\n");
    expect(tsv[0]).toBe("source\tline\treason\ttext");
    expect(tsv.slice(1).map((l) => l.split("\t").slice(0, 2))).toEqual([
      ["raw/auth.txt.gz", "101"],
      ["raw/auth.txt.gz", "5001"],
      ["raw/auth.txt.gz", "9001"],
      ["raw/auth.txt.gz", "12001"],
    ]);
    expect(tsv[1]).toMatch(/expected 9 fields, got 3\t77,U1@DOM1,C1$/);
    expect(tsv[3]).toMatch(/\tempty line\t$/);
    // summary.json counts match the files
    const summary = JSON.parse(readFileSync(join(dir, P, "summary.json"), "utf8"));
    expect(summary.streams[0].perInterval).toEqual(Object.fromEntries([...expectedPartitions(good)].map(([k, v]) => [k, v.length])));
  });

  it("reads the seed's chunked layout, with chunks cut exactly on interval boundaries, losing nothing", async () => {
    const dir = tempDir("chunked");
    const lines = makeLines(30_000, 5, 2, 1, 0.2);
    // cut chunks where the 2-hour interval changes: the seed's consolidation lost these
    const chunks: string[][] = [[]];
    let prev = -1;
    for (const l of lines) {
      const k = Math.floor(Number(l.split(",")[0]) / 7200);
      if (prev >= 0 && k !== prev) chunks.push([]);
      chunks[chunks.length - 1]!.push(l);
      prev = k;
    }
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((c, i) => writeGz(join(dir, `chunked/proc/${String(i).padStart(4, "0")}.txt.gz`), c));
    const run = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 4096 });
    expect(run.plan.streams[0]!.layout).toBe("chunked");
    expect(run.summary.streams[0]!.events).toBe(lines.length);
    expectPartitionsOf(dir, "proc", lines);
    // rejects name the chunk and the line within it
    writeGz(join(dir, "chunked/proc/0001.txt.gz"), [...chunks[1]!.slice(0, 3), "bad", ...chunks[1]!.slice(3)]);
    const again = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 4096 });
    expect(again.summary.streams[0]!.rejects).toBe(1);
    expect(readFileSync(join(dir, P, "rejects/proc.tsv"), "latin1")).toContain("chunked/proc/0001.txt.gz\t4\t");
  });

  it("puts late lines (time disorder beyond the open window) in their own interval, in input order", async () => {
    const dir = tempDir("disorder");
    const base = makeLines(8000, 3, 3, 1, 0.6);
    const lines = [...base];
    // an early-hour line after many later hours, and a few lines swapped locally
    lines.splice(7000, 0, "5,C1,C2", "3601,C3,C4");
    [lines[10], lines[2000]] = [lines[2000]!, lines[10]!];
    writeGz(join(dir, "raw/dns.txt.gz"), lines);
    const lastHour = Math.floor(Number(lines[6999]!.split(",")[0]) / 3600);
    expect(lastHour).toBeGreaterThan(10);
    const run = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 2048, window: 1 });
    expect(run.summary.streams[0]!.events).toBe(lines.length);
    expectPartitionsOf(dir, "dns", lines);
    expect(allNames(join(dir, P)).filter((n) => n.includes(".inprogress") || n.includes(".partial"))).toEqual([]);
  });

  it("handles fully shuffled input (every block touches every interval) with few open files", async () => {
    const { StreamFiles } = await import("../../src/partition/writer.js");
    const dir = tempDir("shuffle");
    const lines = makeLines(6000, 3, 13, 1, 0.8);
    const r = lcg(5);
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    writeGz(join(dir, "raw/dns.txt.gz"), lines);
    const run = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 4096 });
    expect(run.summary.streams[0]!.files).toBeGreaterThan(20);
    expectPartitionsOf(dir, "dns", lines);
    // the open-file cap closes the lowest open interval early; appending reopens it
    const files = new StreamFiles(join(dir, "capped"), (i) => `i${i}`, 2);
    for (const i of [3, 1, 2, 3, 1, 0]) files.append(i, new Uint8Array([i]), 1);
    expect(files.openCount).toBe(2);
    // nothing under a final name before the stream is finished
    expect(readdirSync(join(dir, "capped")).filter((n) => !n.endsWith(".inprogress"))).toEqual([]);
    files.finalizeAll();
    expect([0, 1, 2, 3].map((i) => [...readFileSync(files.finalPath(i))])).toEqual([[0], [1, 1], [2], [3, 3]]);
  });

  it("names intervals in UTC whatever TZ says (this suite runs under America/Los_Angeles)", async () => {
    expect(process.env.TZ === undefined || process.env.TZ !== "UTC").toBe(true);
    const dir = tempDir("tz");
    writeGz(join(dir, "raw/dns.txt.gz"), ["18000,C1,C2", "21599,C3,C4", "86400,C5,C6"]);
    await partitionLanl(dir, { jobs: 0, quiet: true });
    expect(readdirSync(join(dir, P, "dns")).sort()).toEqual(["2015-01-01T05:00:00.txt.gz", "2015-01-02T00:00:00.txt.gz"]);
    await partitionLanl(dir, { jobs: 0, quiet: true, interval: "1d", origin: "2015-03-01T00:00:00" });
    expect(readdirSync(join(dir, "partitions/P1DT0H0M0S/dns")).sort()).toEqual(["2015-03-01T00:00:00.txt.gz", "2015-03-02T00:00:00.txt.gz"]);
  });

  it("gives byte-identical files under TZ=UTC and TZ=Asia/Kolkata (CLI)", async () => {
    const a = tempDir("tz-utc");
    const b = tempDir("tz-ist");
    const lines = makeLines(5000, 3, 4, 1, 0.5);
    writeGz(join(a, "raw/dns.txt.gz"), lines);
    writeGz(join(b, "raw/dns.txt.gz"), lines);
    expect((await runCli(["lanl", "partition", a, "--quiet"], { TZ: "UTC" })).code).toBe(0);
    expect((await runCli(["lanl", "partition", b, "--quiet"], { TZ: "Asia/Kolkata" })).code).toBe(0);
    expect(readTree(join(b, P))).toEqual(readTree(join(a, P)));
  });

  it("--start/--end keep a time range and count the rest as out of range", async () => {
    const dir = tempDir("range");
    const lines = makeLines(10_000, 3, 5, 1, 0.5);
    writeGz(join(dir, "raw/dns.txt.gz"), lines);
    const run = await partitionLanl(dir, { jobs: 0, quiet: true, start: "2015-01-01T02:00:00", end: "2015-01-01T05:30:00" });
    const inRange = lines.filter((l) => {
      const t = Number(l.split(",")[0]);
      return t >= 7200 && t < 19800;
    });
    const s = run.summary.streams[0]!;
    expect(s.events).toBe(inRange.length);
    expect(s.before).toBe(lines.filter((l) => Number(l.split(",")[0]) < 7200).length);
    expect(s.after).toBe(lines.length - inRange.length - s.before);
    expect(s.before).toBeGreaterThan(0);
    expect(s.after).toBeGreaterThan(0);
    expectPartitionsOf(dir, "dns", inRange);
  });

  it("--streams limits the run; later runs add to the summary; changed options start a stream afresh", async () => {
    const dir = tempDir("streams");
    writeGz(join(dir, "raw/dns.txt.gz"), makeLines(3000, 3, 6));
    writeGz(join(dir, "raw/auth.txt.gz"), makeLines(3000, 9, 7));
    const first = await partitionLanl(dir, { jobs: 0, quiet: true, streams: ["dns"] });
    expect(existsSync(join(dir, P, "auth"))).toBe(false);
    expect(first.summary.streams.map((s) => s.stream)).toEqual(["dns"]);
    const second = await partitionLanl(dir, { jobs: 0, quiet: true, streams: ["auth"] });
    expect(second.summary.streams.map((s) => s.stream)).toEqual(["auth", "dns"]);
    const third = await partitionLanl(dir, { jobs: 0, quiet: true });
    expect(third.alreadyDone.sort()).toEqual(["auth", "dns"]);
    expect(third.lines).toBe(0);
    const fourth = await partitionLanl(dir, { jobs: 0, quiet: true, streams: ["dns"], level: 9 });
    expect(fourth.alreadyDone).toEqual([]);
    expect(fourth.lines).toBe(3000);
    await expect(partitionLanl(dir, { jobs: 0, quiet: true, streams: ["flows"] })).rejects.toThrow(/telemetry-lab\/partition\/plan: no input for stream 'flows'/);
  });

  it("refuses to run while another live run holds a stream's lock; takes over a dead run's lock", async () => {
    const dir = tempDir("lock");
    writeGz(join(dir, "raw/dns.txt.gz"), makeLines(500, 3, 14));
    mkdirSync(join(dir, P, ".state"), { recursive: true });
    const lock = join(dir, P, ".state/dns.json.lock");
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeFileSync(lock, String(sleeper.pid));
      await expect(partitionLanl(dir, { jobs: 0, quiet: true })).rejects.toThrow(/another partitioning run \(pid \d+\) is writing this stream/);
      expect(existsSync(join(dir, P, "dns"))).toBe(false);
    } finally {
      sleeper.kill("SIGKILL");
    }
    await new Promise((r) => sleeper.once("exit", r));
    const run = await partitionLanl(dir, { jobs: 0, quiet: true });
    expect(run.summary.totals.events).toBe(500);
    expect(existsSync(lock)).toBe(false);
  });

  it("writes the same bytes with --jobs 0, 1 and 2", async () => {
    const lines = makeLines(20_000, 9, 8, 1, 0.3);
    const trees = [];
    for (const jobs of [0, 1, 2]) {
      const dir = tempDir(`jobs${jobs}`);
      writeGz(join(dir, "raw/auth.txt.gz"), lines);
      writeGz(join(dir, "raw/dns.txt.gz"), makeLines(9000, 3, 9));
      await partitionLanl(dir, { jobs, quiet: true, blockSize: 16_384 });
      trees.push(readTree(join(dir, P)));
    }
    expect(trees[0]!.size).toBeGreaterThan(10);
    expect(trees[1]).toEqual(trees[0]);
    expect(trees[2]).toEqual(trees[0]);
  });
});
