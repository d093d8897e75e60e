/**
 * Benchmark of the peak analyzer (`src/peaks/`) and its feed generator (`src/peaks/synth.ts`).
 *
 * Feeds: generated JSON Lines + gzip under data/bench/ (reused when present), with the SAME
 * daily volume (about 47 600 records/day) and 21 days (1 M records) or 210 days (10 M records).
 * Each analysis is one run of the analyzer as a child process, over the feed's last day
 * (`-s/-e`), with the GST built from the backend (7 days before `--now`): one pass over the whole
 * file. Since the window and the GST period hold the same number of distinct keys in both feeds,
 * peak RSS must stay flat while the file grows 10x (memory follows distinct keys, not file size).
 * Baseline, same run, same file: a child that only gunzips and counts lines (node zlib).
 *
 * usage: node dist/bench/peaks.js [--quick] [--fields core|full]
 *   --quick        the 1 M feed only
 *   --fields full  records with every field of the original's example files (about 4.5x larger)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cliPath, compiledModule, repoRoot } from "../src/io/repo.js";
import { generateFeed, planFeed } from "../src/peaks/synth.js";
import { DAY, formatDate, parseDate } from "../src/peaks/wallclock.js";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, fields: { type: "string" } } });
const quick = values.quick ?? false;
const fields = values.fields ?? "core";
if (fields !== "core" && fields !== "full") throw new Error(`bench/peaks: --fields must be core or full, got '${fields}'`);

const START = "2021-01-01";
const SIZES = quick ? [{ records: 1_000_000, days: 21 }] : [{ records: 1_000_000, days: 21 }, { records: 10_000_000, days: 210 }];
const dir = join(repoRoot(), "data", "bench");
mkdirSync(dir, { recursive: true });

function isoDay(offset: number): string {
  return formatDate((parseDate(START) as number) + offset * DAY);
}

interface ChildResult {
  records: number;
  seconds: number;
  cpuSeconds: number;
  maxRssKiB: number;
  peaks?: string[];
}

/** Runs `code` (an ES module body) in a fresh node process; it prints one JSON line. */
function child(code: string): ChildResult {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench/peaks: child failed (${r.status}): ${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop()!;
  return JSON.parse(last) as ChildResult;
}

// 1. Generator speed, in this process: 1 M records of JSON Lines into memory (no disk, no gzip).
function generatorRate(f: "core" | "full"): { rate: number; cpuRate: number; bytes: number } {
  const plan = planFeed({ records: 1_000_000, days: 21, start: START, fields: f });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let bytes = 0;
  for (const chunk of generateFeed(plan, "jsonl")) bytes += chunk.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { rate: plan.records / s, cpuRate: plan.records / ((c.user + c.system) / 1e6), bytes };
}

const load0 = loadavg()[0]!;
const gen = { core: generatorRate("core"), full: generatorRate("full") };

// 2. Feeds (generated once, with the CLI, timed when generated).
const rows: string[][] = [];
const memory: { records: number; analyzer: number; baseline: number; bytes: number }[] = [];
for (const size of SIZES) {
  const file = join(dir, `peaks-${size.records / 1e6}m-${fields}.jsonl.gz`);
  let genNote = "reused";
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [cliPath(), "peaks", "synth", "--out", file, "--records", String(size.records), "--days", String(size.days), "--start", START, "--fields", fields, "--quiet"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    genNote = `${(size.records / s / 1e6).toFixed(2)} M rec/s (gzip -6)`;
  }
  const bytes = statSync(file).size;

  // Baseline: gunzip + count lines, nothing else.
  const base = child(`
    import { createReadStream } from "node:fs"; import { createGunzip } from "node:zlib";
    const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage(); let n = 0;
    for await (const chunk of createReadStream(${JSON.stringify(file)}, { highWaterMark: 1 << 20 }).pipe(createGunzip())) {
      let i = -1; while ((i = chunk.indexOf(10, i + 1)) !== -1) n++;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9; const c = process.cpuUsage(c0);
    console.log(JSON.stringify({ records: n, seconds: s, cpuSeconds: (c.user + c.system) / 1e6, maxRssKiB: process.resourceUsage().maxRSS }));
  `);

  // The analyzer: last day as the local window, GST from the backend (7 days before 'now').
  const lastDay = isoDay(size.days - 1);
  const end = isoDay(size.days);
  const ana = child(`
    const { analyze } = await import(${JSON.stringify(compiledModule("src/peaks/analyzer"))});
    const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage();
    const r = await analyze({ input: ${JSON.stringify(file)}, start: ${JSON.stringify(lastDay)}, end: ${JSON.stringify(end)},
      globalTable: null, now: ${JSON.stringify(end + "T00:00:00Z")} });
    const s = Number(process.hrtime.bigint() - t0) / 1e9; const c = process.cpuUsage(c0);
    console.log(JSON.stringify({ records: r.scan.records, seconds: s, cpuSeconds: (c.user + c.system) / 1e6, maxRssKiB: process.resourceUsage().maxRSS,
      peaks: r.peaks.map((p) => p.path.join("/")) }));
  `);
  if (ana.records !== base.records) throw new Error(`bench/peaks: analyzer read ${ana.records} records, gunzip counted ${base.records} lines`);
  const anaRate = ana.records / ana.seconds;
  const baseRate = base.records / base.seconds;
  rows.push([
    `${(size.records / 1e6).toFixed(0)} M`,
    `${(bytes / 2 ** 20).toFixed(0)} MiB`,
    `${(anaRate / 1e6).toFixed(2)} M/s (${(ana.records / ana.cpuSeconds / 1e6).toFixed(2)}/cpu-s)`,
    `${(ana.maxRssKiB / 1024).toFixed(0)} MiB`,
    `${(baseRate / 1e6).toFixed(2)} M/s (${(base.records / base.cpuSeconds / 1e6).toFixed(2)}/cpu-s)`,
    `${(base.maxRssKiB / 1024).toFixed(0)} MiB`,
    `${((anaRate / baseRate) * 100).toFixed(0)}%`,
    `${((ana.records / ana.cpuSeconds / (base.records / base.cpuSeconds)) * 100).toFixed(0)}%`,
    genNote,
  ]);
  memory.push({ records: size.records, analyzer: ana.maxRssKiB, baseline: base.maxRssKiB, bytes });
}

const header = ["feed", "gzip size", "analyzer rec/s", "analyzer RSS", "gunzip+lines rec/s", "baseline RSS", "ratio", "ratio per cpu-s", "feed generation"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
const out = [
  `peaks bench (${fields} records, JSON Lines + gzip; one analyzer pass: 1-day window + backend GST over 7 days)`,
  line(header),
  line(widths.map((w) => "-".repeat(w))),
  ...rows.map(line),
  "",
  `generator alone (1 M records, JSON Lines into memory, no gzip): core ${(gen.core.rate / 1e6).toFixed(2)} M rec/s (${(gen.core.cpuRate / 1e6).toFixed(2)}/cpu-s, ${((gen.core.bytes / 1e6) * (gen.core.rate / 1e6)).toFixed(0)} MB/s), full ${(gen.full.rate / 1e6).toFixed(2)} M rec/s (${(gen.full.cpuRate / 1e6).toFixed(2)}/cpu-s, ${((gen.full.bytes / 1e6) * (gen.full.rate / 1e6)).toFixed(0)} MB/s)`,
];
if (memory.length === 2) {
  const [a, b] = memory as [(typeof memory)[0], (typeof memory)[0]];
  out.push(`memory vs file size: file x${(b.bytes / a.bytes).toFixed(1)}, analyzer peak RSS x${(b.analyzer / a.analyzer).toFixed(2)} (${(a.analyzer / 1024).toFixed(0)} -> ${(b.analyzer / 1024).toFixed(0)} MiB)`);
}
out.push(`load average at start ${load0.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)} (2 cores shared: rates are lower bounds)`);
process.stdout.write(out.join("\n") + "\n");
