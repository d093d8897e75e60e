/**
 * The command line's error cases of issue 15, run as a user runs them: the built
 * launchers in bin/, from a scratch working directory. Each case gives one line on
 * stderr naming the command (or module), the path or value, and the problem, and
 * the right exit code.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, ROOT } from "../build.js";
import { csrFromEdges } from "../../src/graph/csr.js";
import { writeGraph } from "../../src/graph/format/tlg.js";
import { writeGz } from "../partition/helpers.js";
import { GROUPS, main } from "../../src/cli/main.js";

const LAB = join(ROOT, "bin", "telemetry-lab.js");
const PEAKS = join(ROOT, "bin", "telemetry-peak-analyzer.js");

beforeAll(() => {
  buildOnce(["src"], ["dist/src/cli/main.js", "dist/src/cli/args.js", "dist/src/cli/graph.js", "dist/src/cli/lanl/graphs.js", "dist/src/cli/lanl/partition.js", "dist/src/peaks/analyzer.js", "dist/src/io/fs-error.js"]);
});

function run(bin: string, args: string[], cwd: string): { code: number | null; stdout: string; stderr: string; lines: string[] } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, TELEMETRY_LAB_PROGRESS: "" }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split("\n").filter((l) => l.trim() !== "") };
}

const scratch = (): string => mkdtempSync(join(tmpdir(), "tl-cli-errors-"));

describe("command-line errors (issue 15)", () => {
  it("the README's example telemetry-peak-analyzer -n 'data/peaks/*.json' runs on a generated feed (the answer key is out of the glob's reach)", () => {
    const cwd = scratch();
    const synth = run(LAB, ["peaks", "synth", "--out", "data/peaks", "--days", "5", "--daily-volume", "200", "--quiet"], cwd);
    expect(synth.code, synth.stderr).toBe(0);
    expect(existsSync(join(cwd, "data/peaks/truth/waves.json"))).toBe(true);
    expect(existsSync(join(cwd, "data/peaks/waves.json"))).toBe(false);
    const r = run(PEAKS, ["-n", "data/peaks/*.json", "-s", "2021-09-01", "-e", "2021-09-04"], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("data/peaks/telemetry.json");
    expect(r.stderr).not.toContain("waves.json");
  });

  it("telemetry-peak-analyzer -n nosuch.json: exit 1, one line naming the pattern, the global table untouched", () => {
    const cwd = scratch();
    const r = run(PEAKS, ["-n", "nosuch.json", "-s", "2021-09-01", "-e", "2021-09-02"], cwd);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["telemetry-peak-analyzer: error: telemetry-lab/peaks/analyzer: no file matches the input pattern 'nosuch.json'"]);
    expect(existsSync(join(cwd, "global_table.json"))).toBe(false);
    writeFileSync(join(cwd, "global_table.json"), '{"kept": true}');
    expect(run(PEAKS, ["-n", "nosuch-*.json", "-s", "2021-09-01", "-e", "2021-09-02"], cwd).code).toBe(1);
    expect(readFileSync(join(cwd, "global_table.json"), "utf8")).toBe('{"kept": true}');
  });

  it("lanl partition on a stream whose every line is malformed: exit 1, the reject count and where the rejects are", () => {
    const cwd = scratch();
    writeGz(join(cwd, "d/raw/dns.txt.gz"), ["not,a,line,at,all", "x,C1,C2", "", "12"]);
    const r = run(LAB, ["lanl", "partition", "d", "--quiet", "--jobs", "0"], cwd);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      "telemetry-lab lanl partition: error: stream dns yields no event: 4 of 4 lines malformed (listed in d/partitions/P0DT1H0M0S/rejects/dns.tsv)",
    ]);
    expect(readFileSync(join(cwd, "d/partitions/P0DT1H0M0S/rejects/dns.tsv"), "utf8").split("\n").length).toBe(6);
    // some malformed lines: a warning, exit 0
    writeGz(join(cwd, "e/raw/dns.txt.gz"), ["1,C1,C2", "bad", "2,C1,C3"]);
    const w = run(LAB, ["lanl", "partition", "e", "--quiet", "--jobs", "0"], cwd);
    expect(w.code).toBe(0);
    expect(w.lines).toEqual(["telemetry-lab lanl partition: warning: stream dns: 1 of 3 lines malformed, listed in e/partitions/P0DT1H0M0S/rejects/dns.tsv"]);
  });

  it("lanl graphs for a span outside the data: a warning that the span holds no partition", () => {
    const cwd = scratch();
    writeGz(join(cwd, "d/raw/dns.txt.gz"), ["1,C1,C2", "3700,C1,C3"]);
    expect(run(LAB, ["lanl", "partition", "d", "--quiet", "--jobs", "0"], cwd).code).toBe(0);
    const r = run(LAB, ["lanl", "graphs", "d", "--start", "2016-01-01T00:00:00", "--end", "2016-01-01T02:00:00", "--quiet", "--jobs", "0"], cwd);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      "telemetry-lab lanl graphs: warning: the time frame 2016-01-01T00:00:00 .. 2016-01-01T02:00:00 holds no partition under d/partitions/P0DT1H0M0S " +
        "(the partitions span 2015-01-01T00:00:00 .. 2015-01-01T01:00:00): its 2 graphs are empty",
    ]);
    // inside the data: no warning
    const ok = run(LAB, ["lanl", "graphs", "d", "--quiet", "--jobs", "0"], cwd);
    expect(ok.code).toBe(0);
    expect(ok.lines).toEqual([]);
  });

  it("graph export --out below a file: one line naming the command, the path and the problem", () => {
    const cwd = scratch();
    writeGraph(join(cwd, "g.tlg.gz"), csrFromEdges(["a", "b"], [0], [1], [2]));
    writeFileSync(join(cwd, "file"), "x");
    const r = run(LAB, ["graph", "export", "g.tlg.gz", "--format", "tsv", "--out", "file/x.tsv"], cwd);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["telemetry-lab graph export: cannot write file/x.tsv: 'file' is a file, where a folder is needed"]);
    const ok = run(LAB, ["graph", "export", "g.tlg.gz", "--format", "tsv", "--out", "out/x.tsv"], cwd);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(cwd, "out/x.tsv"), "utf8")).toBe("a\tb\t2\n");
  });

  it("lanl synth --out an existing file: one line naming the command, the path and the problem", () => {
    const cwd = scratch();
    writeFileSync(join(cwd, "afile"), "x");
    const r = run(LAB, ["lanl", "synth", "--out", "afile", "--days", "1", "--scale", "0.001", "--quiet"], cwd);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["telemetry-lab lanl synth: afile/raw: 'afile' is a file, where a folder is needed"]);
  });

  it("a file-system error escaping a command is one line naming the command, the path and the problem", async () => {
    const cwd = scratch();
    writeFileSync(join(cwd, "taken"), "x");
    GROUPS["scratch-test"] = {
      summary: "test only",
      load: async () => ({
        run: async () => {
          mkdirSync(join(cwd, "taken", "raw"), { recursive: true });
          return 0;
        },
      }),
    };
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["scratch-test", "make", "--out", "taken"])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([`telemetry-lab scratch-test make: error: ${join(cwd, "taken", "raw")}: '${join(cwd, "taken")}' is a file, where a folder is needed\n`]);
    } finally {
      err.mockRestore();
      delete GROUPS["scratch-test"];
    }
  });

  it("an unknown option: one line pointing to --help, exit 2", () => {
    const cwd = scratch();
    const r = run(LAB, ["lanl", "partition", "d", "--bogus"], cwd);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual(["telemetry-lab lanl partition: unknown option '--bogus' (see 'telemetry-lab lanl partition --help')"]);
  });

  it("--days -1: the command says the value must be positive (not parseArgs' 'ambiguous')", () => {
    const cwd = scratch();
    const r = run(LAB, ["lanl", "synth", "--out", "x", "--days", "-1", "--quiet"], cwd);
    expect(r.code).not.toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/--days must be an integer in 1\.\.366, got -1/);
    expect(r.stderr).not.toMatch(/ambiguous/);
  });
});
