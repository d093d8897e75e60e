/**
 * Benchmark of the synthetic LANL generator (`telemetry-lab lanl synth`, issue 4):
 * events/s and peak RSS with 1 and 2 worker threads (and in-process), each run in its own
 * child process.
 *
 * Baseline measured in the same run: gzip level 1 of the very same uncompressed bytes on
 * one thread (the cost of only compressing the output, without generating it), i.e. the
 * ceiling of a one-core generator writing these files. "M events/cpu-s" (events per
 * second of CPU time, worker threads and zlib's thread pool included) is the figure to
 * compare when the machine is shared.
 *
 * Data: `data/bench/lanl-synth/` (git-ignored), rewritten by every run.
 *
 * Usage: node dist/bench/synth.js [--quick]
 *   default  --scale 0.05 --days 7 (about 10.7 M events)
 *   --quick  --scale 0.01 --days 3 (about 0.9 M events)
 */
import { spawnSync } from "node:child_process";
import { createReadStream, rmSync } from "node:fs";
import { join } from "node:path";
import { createGunzip, gzipSync } from "node:zlib";
import { generate } from "../src/lanl/synth/generate.js";
import { SYNTH_STREAMS } from "../src/lanl/synth/calendar.js";
import { repoRoot } from "../src/io/repo.js";
import { peakRssMB } from "./rss.js";

interface Run {
  label: string;
  events: number;
  seconds: number;
  cpuSeconds: number;
  rssMB: number;
}

async function child(args: string[]): Promise<void> {
  const [out, scale, days, workers] = args;
  const cpu0 = process.cpuUsage();
  const r = await generate({ out: out!, scale: Number(scale), days: Number(days), workers: Number(workers), quiet: true });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      events: r.events,
      seconds: r.seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssMB: peakRssMB(),
    }) + "\n",
  );
}

function measure(label: string, out: string, scale: number, days: number, workers: number): Run {
  const p = spawnSync(process.execPath, [process.argv[1]!, "--child", out, String(scale), String(days), String(workers)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (p.status !== 0) throw new Error(`bench/synth: ${label} failed: ${p.stderr}`);
  const r = JSON.parse(p.stdout.trim().split("\n").pop()!) as Omit<Run, "label">;
  return { label, ...r };
}

async function gzipBaseline(out: string): Promise<Run> {
  let events = 0;
  let seconds = 0;
  for (const s of SYNTH_STREAMS) {
    // stream the decompressed bytes (bounded memory); time only the recompression
    const source = createReadStream(join(out, "raw", `${s}.txt.gz`)).pipe(createGunzip({ chunkSize: 1 << 22 }));
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) events++;
      const t0 = performance.now();
      gzipSync(chunk, { level: 1 });
      seconds += (performance.now() - t0) / 1000;
    }
  }
  return { label: "baseline: gzip -1 of the same bytes, 1 thread", events, seconds, cpuSeconds: seconds, rssMB: peakRssMB() };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv.slice(1));
  const quick = argv.includes("--quick");
  const scale = quick ? 0.01 : 0.05;
  const days = quick ? 3 : 7;
  const out = join(repoRoot(), "data", "bench", "lanl-synth");
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(`lanl synth benchmark: --scale ${scale} --days ${days}${quick ? " (quick)" : ""}\n`);
  const runs: Run[] = [];
  for (const workers of [2, 1, 0]) {
    runs.push(measure(workers === 0 ? "generator, in-process" : `generator, ${workers} worker thread${workers > 1 ? "s" : ""}`, out, scale, days, workers));
  }
  const base = await gzipBaseline(out);
  runs.push(base);
  const rows = [
    ["run", "events", "wall s", "cpu s", "M events/s", "M events/cpu-s", "vs baseline", "peak RSS MB"],
    ...runs.map((r) => [
      r.label,
      r.events.toLocaleString("en-US"),
      r.seconds.toFixed(2),
      r.cpuSeconds.toFixed(2),
      (r.events / r.seconds / 1e6).toFixed(2),
      (r.events / r.cpuSeconds / 1e6).toFixed(2),
      (r.events / r.seconds / (base.events / base.seconds)).toFixed(2),
      r.rssMB.toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ") + "\n");
  const best = runs[0]!;
  process.stdout.write(
    `\nprojected for a real-size LANL set (1.65 G events) with 2 workers: ${((1.648e9 / (best.events / best.seconds)) / 60).toFixed(0)} min\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
