/**
 * Benchmark of the LANL partitioner (`src/partition/`): gzip in, gzip out, on a
 * generated LANL-like data set of >= 10 M events (`--quick`: about 1.4 M), beside
 * `zcat | wc -l` of the same input measured in the same run as the ceiling (reading
 * alone), with peak RSS and the projected time for the real data set (1,648,275,307
 * events).
 *
 * usage: node dist/bench/partition.js [--quick] [--jobs N] [--dir DIR] [--level N]
 * The data set is generated once with `telemetry-lab lanl synth` under data/bench/ and
 * reused; the partitions are rewritten on every run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cliPath, repoRoot } from "../src/io/repo.js";
import { partitionLanl } from "../src/partition/partition.js";

const LANL_EVENTS = 1_648_275_307;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    jobs: { type: "string" },
    dir: { type: "string" },
    level: { type: "string" },
  },
});
const quick = values.quick ?? false;
const jobs = values.jobs !== undefined ? Number(values.jobs) : availableParallelism();
// The generator's --scale 1 is about 28 M events/day (real LANL volume).
const synth = quick ? { days: 1, scale: 0.05 } : { days: 2, scale: 0.2 };
const dir = values.dir ?? join(repoRoot(), "data", "bench", quick ? "lanl-quick" : "lanl");

function rawFiles(): string[] {
  const raw = join(dir, "raw");
  if (!existsSync(raw)) return [];
  return readdirSync(raw)
    .filter((n) => n.endsWith(".txt.gz") && n !== "redteam.txt.gz")
    .sort()
    .map((n) => join(raw, n));
}

if (!["auth", "proc", "flows", "dns"].every((s) => existsSync(join(dir, "raw", `${s}.txt.gz`)))) {
  process.stderr.write(`generating ${dir} (lanl synth --days ${synth.days} --scale ${synth.scale}) ...\n`);
  execFileSync(process.execPath, [cliPath(), "lanl", "synth", "--out", dir, "--days", String(synth.days), "--scale", String(synth.scale)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}
const files = rawFiles();
const gzBytes = files.reduce((a, f) => a + statSync(f).size, 0);

// Ceiling: decompress and count lines, nothing else (same files, same run).
const t0 = process.hrtime.bigint();
const wc = spawnSync("sh", ["-c", `zcat ${files.map((f) => `'${f}'`).join(" ")} | wc -l`], { encoding: "utf8" });
const zcatSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (wc.status !== 0) throw new Error(`bench/partition: zcat | wc -l failed: ${wc.stderr}`);
const lines = Number(wc.stdout.trim());

// The partitioner, in this process (its worker threads included in this process's RSS).
rmSync(join(dir, "partitions"), { recursive: true, force: true });
const cpu0 = process.cpuUsage();
const load0 = loadavg()[0]!;
const t1 = process.hrtime.bigint();
const run = await partitionLanl(dir, { jobs, quiet: true, ...(values.level !== undefined && { level: Number(values.level) }) });
const partSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
const cpuUsed = process.cpuUsage(cpu0);
const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
const rssMiB = process.resourceUsage().maxRSS / 1024;
const t = run.summary.totals;
if (t.lines !== lines) throw new Error(`bench/partition: partitioner read ${t.lines} lines, zcat | wc -l counted ${lines}`);
if (t.events + t.rejects + t.before + t.after !== t.lines) throw new Error("bench/partition: conservation violated");
const outBytes = readdirSync(run.plan.root)
  .filter((s) => !s.startsWith(".") && s !== "summary.json" && s !== "rejects")
  .reduce((a, s) => a + readdirSync(join(run.plan.root, s)).reduce((b, f) => b + statSync(join(run.plan.root, s, f)).size, 0), 0);

const rate = lines / partSeconds;
const zrate = lines / zcatSeconds;
const hms = (s: number): string => `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
const M = (n: number): string => `${(n / 1e6).toFixed(2)} M`;
const rows = [
  ["measure", "lines", "seconds", "events/s", "vs ceiling", "peak RSS", "1.65 B events"],
  ["zcat | wc -l (ceiling)", M(lines), zcatSeconds.toFixed(2), M(zrate), "1.00", "-", hms(LANL_EVENTS / zrate)],
  [`partition gz->gz (jobs ${jobs}, level ${values.level ?? 1})`, M(t.lines), partSeconds.toFixed(2), M(rate), (rate / zrate).toFixed(2), `${rssMiB.toFixed(0)} MiB`, hms(LANL_EVENTS / rate)],
];
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
process.stdout.write(
  [
    `bench/partition: ${dir} (${files.length} streams, ${(gzBytes / 2 ** 20).toFixed(0)} MiB gzip in, ${(outBytes / 2 ** 20).toFixed(0)} MiB gzip out, ${t.files} partition files); ${cpus().length} cores`,
    ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")),
    `partition CPU time ${cpuSeconds.toFixed(1)} s (all threads; ${M(lines / cpuSeconds)} events per CPU-second); load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (other processes share the cores)`,
    `CPU-bound estimate for ${cpus().length} cores to ourselves: ${M((lines / cpuSeconds) * cpus().length)} events/s, full LANL in ${hms((LANL_EVENTS / lines) * (cpuSeconds / cpus().length))}`,
    `target >= 1 M events/s: ${rate >= 1e6 ? "met" : "NOT met"}; projected full LANL (1.65 B events): ${hms(LANL_EVENTS / rate)}`,
    "",
  ].join("\n"),
);
