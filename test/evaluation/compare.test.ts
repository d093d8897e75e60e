import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../build.js";
import { compare, compareCsv, COMPARE_COLUMNS, formatCompare, type CompareRun } from "../../src/evaluation/compare.js";
import { detect, DEFAULT_DETECTOR } from "../../src/evaluation/detect.js";
import { readParquet } from "../../src/io/parquet.js";

const CLI = join(ROOT, "bin", "telemetry-lab.js");
let DATA = "";
let first: CompareRun;

describe("lanl compare", () => {
  beforeAll(async () => {
    buildOnce(["src"], ["dist/src/engine/thread.js", "dist/src/cli/lanl/compare.js"]);
    DATA = mkdtempSync(join(tmpdir(), "tl-compare-"));
    execFileSync(process.execPath, [CLI, "lanl", "synth", "--out", DATA, "--days", "4", "--scale", "0.002", "--quiet", "--workers", "0"]);
    first = await compare(DATA, { archs: ["all-category-no-attr,user-host:types=field"], intervals: ["1h"], scores: ["roles+novelty", "role-static"], jobs: 0, quiet: true });
  }, 120_000);

  it("writes one row per (architecture, interval, score) and per control, Parquet and CSV, detectors sorted by AP before the controls", () => {
    const detectors = first.rows.filter((r) => !r.control);
    expect(detectors.map((r) => `${r.arch}|${r.score}`).sort()).toEqual(["all-category-no-attr|role-static", "all-category-no-attr|roles+novelty", "user-host:types=field|role-static", "user-host:types=field|roles+novelty"]);
    for (let i = 1; i < detectors.length; i++) expect(detectors[i - 1]!.ap).toBeGreaterThanOrEqual(detectors[i]!.ap);
    expect(first.rows.findIndex((r) => r.control)).toBe(detectors.length);
    expect(first.rows.filter((r) => r.control).length).toBeGreaterThanOrEqual(2 * 2);
    const t = readParquet(first.parquetPath);
    expect(t.columns.map((c) => c.name)).toEqual(COMPARE_COLUMNS);
    expect(t.columns[0]!.values.length).toBe(first.rows.length);
    expect(readFileSync(first.csvPath, "utf8")).toBe(compareCsv(first.rows));
    // Cost: the graphs' sizes and bytes on disk; stages run by compare are timed.
    const uh = detectors.find((r) => r.arch === "user-host:types=field")!;
    const all = detectors.find((r) => r.arch === "all-category-no-attr")!;
    expect(uh.vertices).toBeGreaterThan(0);
    expect(uh.edges).toBeLessThan(all.edges);
    expect(uh.bytes).toBeGreaterThan(0);
    for (const s of ["partitions", "graphs", "roles", "scores", "evaluation"] as const) expect(Number.isFinite(uh.seconds[s]), s).toBe(true);
    expect(formatCompare(first.rows)).toMatch(/-- controls \(reference rows\) --/);
  });

  it("reports for each row the AP, ROC AUC and recall that lanl detect reports for that configuration", async () => {
    for (const [arch, archOptions, label] of [["user-host", { types: "field" as const }, "user-host:types=field"], ["all-category-no-attr", {}, "all-category-no-attr"]] as const) {
      const run = await detect(DATA, { arch, archOptions, jobs: 0, quiet: true });
      const rows = run.evaluation!.rows;
      for (const r of first.rows.filter((x) => x.arch === label)) {
        const e = rows.find((x) => x.score === r.score && x.unit === "entity-interval" && x.role === "all");
        if (e === undefined) {
          expect(r.control, r.score).toBe(true); // event-only controls (ntlm)
          expect(r.ap).toBeNaN();
          continue;
        }
        expect(r.ap, `${label} ${r.score}`).toBe(e.ap);
        expect(r.rocAuc).toBe(e.rocAuc);
        expect(r.recall100).toBe(e.budgets.find((b) => b.per === "day" && b.budget === 100)!.recall);
        const u = rows.find((x) => x.score === r.score && x.unit === "entity-interval" && x.role === "user");
        if (u !== undefined) expect(r.apUser).toBe(u.ap);
        const ev = rows.find((x) => x.score === r.score && x.unit === "event");
        if (ev !== undefined) expect(r.eventAp).toBe(ev.ap);
      }
    }
    // The CLI's detect prints the same AP for the headline detector.
    const out = spawnSync(process.execPath, [CLI, "lanl", "detect", DATA, "--arch", "user-host", "--types", "field", "--json", "--quiet", "--jobs", "0"], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    const cli = JSON.parse(out.stdout) as { evaluation: { rows: Array<{ score: string; unit: string; role: string; ap: number }> } };
    const headline = cli.evaluation.rows.find((x) => x.score === DEFAULT_DETECTOR && x.unit === "entity-interval" && x.role === "all")!;
    expect(first.rows.find((r) => r.arch === "user-host:types=field" && r.score === DEFAULT_DETECTOR)!.ap).toBe(headline.ap);
  }, 120_000);

  it("a second run reuses every stage and the evaluation, with the same rows and the recorded stage seconds", async () => {
    const again = await compare(DATA, { archs: ["all-category-no-attr", "user-host:types=field"], intervals: ["1h"], scores: ["roles+novelty", "role-static"], jobs: 0, quiet: true });
    expect(again.configs.every((c) => c.cached)).toBe(true);
    const strip = (rs: CompareRun["rows"]) => rs.map((r) => ({ ...r, cached: undefined, bytes: undefined, seconds: { ...r.seconds, evaluation: undefined } }));
    expect(strip(again.rows)).toEqual(strip(first.rows));
    const uh = again.rows.find((r) => r.arch === "user-host:types=field" && !r.control)!;
    expect(Number.isFinite(uh.seconds.graphs) && Number.isFinite(uh.seconds.roles)).toBe(true);
  }, 60_000);

  it("the CLI refuses unknown architectures and options with the spec's message", () => {
    const out = spawnSync(process.execPath, [CLI, "lanl", "compare", DATA, "--archs", "shallow:typs=entity"], { encoding: "utf8" });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/unknown option 'typs' \(did you mean 'types'\?\)/);
    const grid = spawnSync(process.execPath, [CLI, "lanl", "compare", DATA, "--grid", "all-category-no-attr:exclude=hubs|none", "--scores", "nope"], { encoding: "utf8" });
    expect(grid.status).toBe(2);
    expect(grid.stderr).toMatch(/--scores: unknown score 'nope'/);
  });
});
