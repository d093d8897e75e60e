import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../build.js";
import { defaultSpans, detect, DETECTOR_NAMES, DEFAULT_DETECTOR, evaluationCsv } from "../../src/evaluation/detect.js";
import { CONTROL_NAMES } from "../../src/evaluation/controls.js";

const CLI = join(ROOT, "bin", "telemetry-lab.js");
let DATA = "";

/** Average precision by its definition (sklearn's step form), ties grouped: an independent check. */
function ap(scores: number[], labels: number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const P = labels.reduce((a, b) => a + b, 0);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let sum = 0;
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j < idx.length && scores[idx[j]!] === scores[idx[k]!]) {
      if (labels[idx[j]!]) tp++;
      else fp++;
      j++;
    }
    const recall = tp / P;
    sum += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    k = j;
  }
  return sum;
}

describe("lanl detect", () => {
  beforeAll(() => {
    buildOnce(["src"], ["dist/src/engine/thread.js", "dist/src/cli/lanl/detect.js"]);
    DATA = mkdtempSync(join(tmpdir(), "tl-detect-"));
    execFileSync(process.execPath, [CLI, "lanl", "synth", "--out", DATA, "--days", "4", "--scale", "0.002", "--quiet", "--workers", "0"]);
  });

  it("runs every stage from the raw files, evaluates every detector beside every control, and exports scores whose AP is the reported one", async () => {
    const csv = join(DATA, "scores.csv.gz");
    const run = await detect(DATA, { jobs: 0, quiet: true, scoresCsv: csv });
    // Default spans: training up to the interval of the first label.
    const labels = readFileSync(join(DATA, "raw", "redteam.txt.gz"));
    const lines = gunzipSync(labels).toString("latin1").trim().split("\n").map((l) => l.split(","));
    const first = Math.min(...lines.map((f) => Number(f[0])));
    const cut = new Date(Date.UTC(2015, 0, 1) + Math.floor(first / 3600) * 3600 * 1000).toISOString().slice(0, 19);
    expect(run.train).toEqual({ start: "2015-01-01T00:00:00", end: cut });
    expect(run.test).toEqual({ start: cut, end: "2015-01-05T00:00:00" });
    expect(run.score).toBe(DEFAULT_DETECTOR);
    // One score table per hour, every detector a column.
    expect(readdirSync(run.scoresDir).filter((f) => f.endsWith(".parquet")).length).toBe(96);
    const e = run.evaluation!;
    const names = new Set(e.rows.map((r) => r.score));
    for (const d of DETECTOR_NAMES) expect(names.has(d), d).toBe(true);
    for (const c of CONTROL_NAMES) expect(names.has(`control:${c}`), c).toBe(true);
    expect(names.has("control:ntlm")).toBe(true);
    for (const unit of ["entity-interval", "interval", "event", "edge-snapshot"]) expect(e.rows.some((r) => r.unit === unit)).toBe(true);
    // The exported scores, evaluated independently at the entity-hour unit, give the reported AP.
    const rows = gunzipSync(readFileSync(csv)).toString("utf8").trim().split("\n");
    expect(rows[0]).toBe("interval,vertex,score");
    expect(rows.length - 1).toBe(run.csvRows);
    const positives = new Set<string>();
    for (const [t, user, src, dst] of lines) {
      const hour = new Date(Date.UTC(2015, 0, 1) + Math.floor(Number(t) / 3600) * 3600 * 1000).toISOString().slice(0, 19);
      for (const v of [`userdomain_source::${user}`, `userdomain_destination::${user}`, `computer_source::${src}`, `computer_destination::${dst}`]) positives.add(`${hour},${v}`);
    }
    const s: number[] = [];
    const l: number[] = [];
    const seen = new Set<string>();
    for (const row of rows.slice(1)) {
      const i = row.lastIndexOf(",");
      const key = row.slice(0, i);
      const vertex = key.slice(key.indexOf(",") + 1);
      if (!/^(userdomain|computer)_(source|destination)::/.test(vertex) || vertex.endsWith("::?")) continue;
      s.push(Number(row.slice(i + 1)));
      l.push(positives.has(key) ? 1 : 0);
      seen.add(key);
    }
    for (const p of positives) {
      if (p >= run.test.start && p < run.test.end && !seen.has(p)) {
        s.push(-Infinity);
        l.push(1);
      }
    }
    const reported = e.rows.find((r) => r.score === run.score && r.unit === "entity-interval" && r.role === "all")!;
    expect(reported.positives).toBe(l.reduce((a, b) => a + b, 0));
    expect(ap(s, l)).toBeCloseTo(reported.ap, 12);
    // The evaluation files.
    const saved = JSON.parse(readFileSync(join(run.scoresDir, "evaluation.json"), "utf8"));
    expect(saved.evaluation.rows.length).toBe(e.rows.length);
    expect(readFileSync(join(run.scoresDir, "evaluation.csv"), "utf8")).toBe(evaluationCsv(e.rows));
    // A rerun reuses every verified table and gives the same evaluation.
    const again = await detect(DATA, { jobs: 0, quiet: true });
    expect(again.written).toBe(0);
    expect(again.reused).toBe(96);
    expect(again.evaluation!.rows).toEqual(e.rows);
  });

  it("the command line prints the table and refuses a bad --score with one line and exit code 2", () => {
    const ok = spawnSync(process.execPath, [CLI, "lanl", "detect", DATA, "--quiet"], { encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/evaluation: \d+ red-team labels in \d+ of \d+ test intervals/);
    expect(ok.stdout).toMatch(/control:first-seen-edge/);
    const bad = spawnSync(process.execPath, [CLI, "lanl", "detect", DATA, "--score", "nope"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n").length).toBe(1);
    expect(bad.stderr).toMatch(/--score must be one of/);
  });

  it("default spans: up to the interval of the first label; two days without labels", () => {
    const frame = { start: "2015-01-01T00:00:00", end: "2015-01-05T00:00:00", intervalSeconds: 3600 };
    expect(defaultSpans(frame, [{ time: 2 * 86400 + 5400, user: "U1@DOM1", src: "C1", dst: "C2" }], "2015-01-01T00:00:00")).toEqual({
      train: { start: "2015-01-01T00:00:00", end: "2015-01-03T01:00:00" },
      test: { start: "2015-01-03T01:00:00", end: "2015-01-05T00:00:00" },
    });
    expect(defaultSpans(frame, [], "2015-01-01T00:00:00").train.end).toBe("2015-01-03T00:00:00");
    expect(() => defaultSpans(frame, [{ time: 10, user: "U1@DOM1", src: "C1", dst: "C2" }], "2015-01-01T00:00:00")).toThrow(/first interval/);
  });
});

describe("evaluation/curves", () => {
  it("gives the step curve whose area is the average precision", async () => {
    const { precisionRecallCurve } = await import("../../src/evaluation/curves.js");
    const { averagePrecision } = await import("../../src/evaluation/metrics.js");
    const c = precisionRecallCurve(Float64Array.of(3, 2, 1), Uint8Array.of(1, 0, 1));
    expect(c.recall).toEqual([0.5, 0.5, 1]);
    expect(c.precision.map((p) => +p.toFixed(4))).toEqual([1, 0.5, 0.6667]);
    const scores = Float64Array.from({ length: 500 }, (_, i) => Math.floor(((i * 7919) % 101) / 3));
    const labels = Uint8Array.from({ length: 500 }, (_, i) => ((i * 31) % 17 === 0 ? 1 : 0));
    const full = precisionRecallCurve(scores, labels, { maxPoints: 1e9 });
    let area = 0;
    let prev = 0;
    full.recall.forEach((r, i) => {
      area += (r - prev) * full.precision[i]!;
      prev = r;
    });
    expect(area).toBeCloseTo(averagePrecision(scores, labels), 12);
    expect(precisionRecallCurve(scores, labels, { maxPoints: 5 }).recall.length).toBe(5);
  });
});

describe("evaluation/alerts", () => {
  it("ranks entity vertices across intervals and finds the events behind an alert", async () => {
    const { topAlerts, eventsBehind } = await import("../../src/evaluation/alerts.js");
    const { groundTruth } = await import("../../src/evaluation/labels.js");
    const { allCategoryNoAttr } = await import("../../src/graph/arch/all-category-no-attr.js");
    const { writeFileSync } = await import("node:fs");
    const { gzipSync } = await import("node:zlib");
    const gt = groundTruth([{ time: 3700, user: "U1@DOM1", src: "C9", dst: "C2" }], { arch: allCategoryNoAttr() });
    const frames = [
      { start: "2015-01-01T00:00:00", nodes: ["auth::NTLM", "computer_source::C9", "userdomain_source::U1@DOM1"], scores: Float64Array.of(9, 1, NaN) },
      { start: "2015-01-01T01:00:00", nodes: ["computer_destination::C2", "computer_source::C9", "process::P1"], scores: Float64Array.of(3, 2, 8) },
    ];
    const alerts = await topAlerts(gt, frames, 3);
    // auth::NTLM and process::P1 are not entities; NaN never alerts.
    expect(alerts).toEqual([
      { start: "2015-01-01T01:00:00", vertex: "computer_destination::C2", score: 3, label: 1 },
      { start: "2015-01-01T01:00:00", vertex: "computer_source::C9", score: 2, label: 1 },
      { start: "2015-01-01T00:00:00", vertex: "computer_source::C9", score: 1, label: 0 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), "tl-alerts-"));
    const f = join(dir, "auth.txt.gz");
    writeFileSync(f, gzipSync("3700,U1@DOM1,U1@DOM1,C9,C2,NTLM,Network,LogOn,Success\n3701,U2@DOM1,U2@DOM1,C19,C2,Kerberos,Network,LogOn,Success\n3702,U3@DOM1,U3@DOM1,C3,C9,?,Network,LogOff,Success\n"));
    const e = await eventsBehind(f, "computer_source::C9", 1);
    expect(e.count).toBe(2); // C9 as a whole field (not C19)
    expect(e.lines).toEqual(["3700,U1@DOM1,U1@DOM1,C9,C2,NTLM,Network,LogOn,Success"]);
  });
});
