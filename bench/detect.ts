/**
 * Benchmark of the detection stage (issue 14) on the default data set (`data/lanl`, made
 * by `make data`): seconds (CPU and wall) and peak RSS of
 *
 * - scoring: the eight detectors over every hourly roles table and graph, in time order
 *   (`DetectorBank`);
 * - evaluation: every detector and the seven controls on every unit over the test span
 *   (`lanl detect` with every table already on disk: verification, controls, units, metrics).
 *
 * Baseline measured in the same run: reading the same roles tables and graphs without
 * scoring them. Each measurement runs in its own child process (its own peak RSS).
 *
 * Usage: node dist/bench/detect.js [DIR]   (default data/lanl; the stages are run first when missing)
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../src/io/repo.js";
import { detect, DetectorBank, DETECTOR_NAMES } from "../src/evaluation/detect.js";
import { readRoleFrame } from "../src/dynamics/frame.js";
import { readGraph } from "../src/graph/format/tlg.js";
import { peakRssMB } from "./rss.js";

interface Measure {
  label: string;
  intervals: number;
  rows: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssMB: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measure(kind: string, dir: string): Promise<Measure> {
  const prepared = await detect(dir, { quiet: true, evaluate: false });
  const graphs = join(prepared.roles.plan.experimentDir, "graphs");
  const starts = prepared.roles.plan.intervals;
  const w0 = performance.now();
  const c0 = cpuSeconds();
  let rows = 0;
  if (kind === "evaluate") {
    const r = await detect(dir, { quiet: true });
    if (r.evaluation === undefined) throw new Error(`bench/detect: ${dir} has no red-team labels to evaluate against`);
    // The vertex-intervals of the test span (each scored by 8 detectors and 7 controls).
    for (const t of prepared.roles.intervals) if (t.start >= r.test.start && t.start < r.test.end) rows += t.rows;
  } else {
    const bank = kind === "score" ? new DetectorBank(prepared.train.end) : undefined;
    for (const s of starts) {
      const frame = readRoleFrame(join(prepared.roles.rolesDir, `${s}.parquet`));
      const g = readGraph(join(graphs, `${s}.tlg.gz`));
      rows += frame.nodes.length;
      if (bank) bank.push(frame, g);
    }
  }
  return {
    label: kind === "read" ? "baseline: read roles tables + graphs" : kind === "score" ? `scoring, ${DETECTOR_NAMES.length} detectors, every interval` : "evaluation, test span",
    intervals: starts.length,
    rows,
    cpuSeconds: cpuSeconds() - c0,
    wallSeconds: (performance.now() - w0) / 1000,
    rssMB: peakRssMB(),
  };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") {
    console.log(JSON.stringify(await measure(argv[1]!, argv[2]!)));
    return;
  }
  const dir = argv[0] ?? join(repoRoot(), "data", "lanl");
  await detect(dir, { quiet: true }); // every stage, once, outside the measurements
  const rows: Measure[] = [];
  for (const kind of ["read", "score", "evaluate"]) {
    const r = spawnSync(process.execPath, ["--max-old-space-size=8192", process.argv[1]!, "--child", kind, dir], { encoding: "utf8", maxBuffer: 1 << 22 });
    if (r.status !== 0) throw new Error(`bench/detect: child ${kind} failed: ${r.stderr}`);
    rows.push(JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure);
  }
  const fmt = (x: number, d = 0): string => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  const base = rows[0]!;
  console.log(`detection on ${dir} (node ${process.version}, one thread)`);
  console.log(["run".padEnd(46), "intervals", "vertex-intervals", "cpu s", "wall s", "vertex-intervals/s (cpu)", "cpu vs baseline", "peak RSS MB"].join("  "));
  for (const r of rows) {
    console.log(
      [r.label.padEnd(46), fmt(r.intervals).padStart(9), fmt(r.rows).padStart(16), fmt(r.cpuSeconds, 2).padStart(5), fmt(r.wallSeconds, 2).padStart(6), fmt(r.rows / r.cpuSeconds).padStart(24), `${fmt(r.cpuSeconds / base.cpuSeconds, 1)}x`.padStart(15), fmt(r.rssMB).padStart(11)].join("  "),
    );
  }
  console.log("evaluation: the vertex-intervals of the test span, each ranked for 15 score series on 4 units (events and edges read from the auth partitions).");
}

if (process.argv[1]?.endsWith("detect.js")) void main(process.argv.slice(2));
