/**
 * Benchmark of the engines (issue 11): the same stage, `lanl graphs` on the default data
 * set (`data/lanl`, 240 hourly graphs), run by the local engine (worker threads) and by
 * the BullMQ engine with 1 and 2 local worker processes (`telemetry-lab worker`,
 * concurrency 1 each) on a private Redis started for the run.
 *
 * For each configuration: wall time, CPU-seconds of every process involved (the
 * coordinator, its threads, and the workers while the stage ran), events per second of
 * wall and per CPU-second, and peak RSS. The local engine at the same parallelism is the
 * baseline, measured in the same run. The queue's per-job overhead is measured twice:
 * (a) on the real stage, as the extra wall and CPU per job against the local engine at
 * equal parallelism; (b) on a frame of 240 empty intervals, where a job does almost
 * nothing, as wall and CPU per job of each engine.
 *
 * Every output of the BullMQ runs is compared with the local engine's (same bytes).
 *
 * Usage: node dist/bench/engine.js [DIR] [--rounds N]   (DIR default data/lanl, made by
 * `lanl synth` when missing; rounds: repetitions of each configuration, fastest kept, default 1)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { buildGraphs } from "../src/graph/pipeline/pipeline.js";
import { LocalEngine } from "../src/engine/local.js";
import { connectBullmq } from "../src/engine/bullmq.js";
import { hasRedis, startRedis } from "../src/engine/redis-server.js";
import type { Engine } from "../src/engine/engine.js";
import { cliPath, repoRoot } from "../src/io/repo.js";
import { peakRssMB } from "./rss.js";

const EMPTY_FRAME = { start: "2016-01-01T00:00:00", end: "2016-01-11T00:00:00" };

interface ChildResult {
  events: number;
  jobs: number;
  wall: number;
  cpu: number;
  rssMB: number;
}

interface Measure extends ChildResult {
  label: string;
  workerCpu: number;
  workerRssMB: number;
  outDir: string;
}

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU-seconds and peak RSS (MiB) of a running process, from /proc. */
function procUsage(pid: number): { cpu: number; rssMB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14, 15)
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return { cpu, rssMB: m ? Number(m[1]) / 1024 : 0 };
}

function ensureData(dir: string): void {
  if (existsSync(join(dir, ".complete"))) return;
  process.stderr.write(`generating ${dir} (the default data set) ...\n`);
  const r = spawnSync(process.execPath, [cliPath(), "lanl", "synth", "--out", dir, "--quiet"], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`bench/engine: lanl synth failed (${r.status})`);
  writeFileSync(join(dir, ".complete"), "");
}

/** A fresh folder that sees the data set's partitions (the experiments go to it). */
function scratch(data: string): string {
  const d = mkdtempSync(join(tmpdir(), "tl-bench-engine-"));
  symlinkSync(join(data, "partitions"), join(d, "partitions"));
  return d;
}

/** The child: one stage run in this process with the given engine; prints its figures. */
async function child(args: string[]): Promise<void> {
  const [kind, dir, n, redis, queue, frame] = args;
  const [start, end] = frame === "-" ? [undefined, undefined] : frame!.split("/");
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const engine: Engine = kind === "local" ? new LocalEngine(Number(n)) : await connectBullmq(redis!, { queue, log: () => undefined, pollMs: 1000 });
  const run = await buildGraphs(dir!, { engine, quiet: true, start, end });
  await engine.close();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const r: ChildResult = { events: run.events, jobs: run.built.length, wall, cpu: (c.user + c.system) / 1e6, rssMB: peakRssMB() };
  process.stdout.write(JSON.stringify(r) + "\n");
}

function runChild(args: string[]): ChildResult {
  const r = spawnSync(process.execPath, ["--expose-gc", process.argv[1]!, "--child", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench/engine: child ${args.join(" ")} failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
}

function startWorkers(n: number, url: string, queue: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const w = spawn(process.execPath, [cliPath(), "worker", "--redis", url, "--queue", queue, "--concurrency", "1"], { stdio: ["ignore", "ignore", "pipe"] });
      return new Promise<ChildProcess>((resolve, reject) => {
        let log = "";
        w.stderr!.on("data", (c: Buffer) => {
          log += c;
          if (log.includes("listening on queue")) resolve(w);
        });
        w.once("exit", (code) => reject(new Error(`bench/engine: worker exited with ${code}: ${log}`)));
      });
    }),
  );
}

async function stopWorkers(ws: ChildProcess[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.removeAllListeners("exit");
          w.once("exit", () => resolve());
          w.kill("SIGTERM");
        }),
    ),
  );
}

async function measure(label: string, data: string, kind: "local" | "bullmq", n: number, frame: string, redisUrl: string, rounds: number): Promise<Measure> {
  let best: Measure | undefined;
  for (let r = 0; r < rounds; r++) {
    const dir = scratch(data);
    const queue = `bench-${process.pid}-${kind}-${n}-${r}-${frame === "-" ? "data" : "empty"}`;
    let m: Measure;
    if (kind === "local") {
      const c = runChild(["local", dir, String(n), "-", queue, frame]);
      m = { ...c, label, workerCpu: 0, workerRssMB: 0, outDir: dir };
    } else {
      const ws = await startWorkers(n, redisUrl, queue);
      const before = ws.map((w) => procUsage(w.pid!).cpu);
      const c = runChild(["bullmq", dir, String(n), redisUrl, queue, frame]);
      const after = ws.map((w) => procUsage(w.pid!));
      await stopWorkers(ws);
      m = {
        ...c,
        label,
        workerCpu: after.reduce((s, u, i) => s + u.cpu - before[i]!, 0),
        workerRssMB: Math.max(...after.map((u) => u.rssMB)),
        outDir: dir,
      };
    }
    if (best === undefined || m.wall < best.wall) {
      if (best !== undefined) rmSync(best.outDir, { recursive: true, force: true });
      best = m;
    } else {
      rmSync(m.outDir, { recursive: true, force: true });
    }
  }
  return best!;
}

/** Every file under `dir/experiments` (relative path -> bytes). */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const root = join(dir, "experiments");
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

function sameTree(a: string, b: string): boolean {
  const ta = tree(a);
  const tb = tree(b);
  if (ta.size !== tb.size) return false;
  for (const [k, v] of ta) if (!tb.get(k)?.equals(v)) return false;
  return true;
}

function row(m: Measure, base: Measure): string {
  const cpu = m.cpu + m.workerCpu;
  const rss = Math.max(m.rssMB, m.workerRssMB);
  const cells = [
    m.label.padEnd(34),
    String(m.jobs).padStart(5),
    m.wall.toFixed(2).padStart(8),
    `${cpu.toFixed(2)} (${m.cpu.toFixed(2)}+${m.workerCpu.toFixed(2)})`.padStart(22),
    (m.events / m.wall / 1e6).toFixed(3).padStart(9),
    (m.events / cpu / 1e6).toFixed(3).padStart(10),
    rss.toFixed(0).padStart(8),
    (m.wall / base.wall).toFixed(2).padStart(7),
    (cpu / (base.cpu + base.workerCpu)).toFixed(2).padStart(7),
  ];
  return cells.join("  ");
}

const HEADER = ["configuration".padEnd(34), "jobs".padStart(5), "wall s".padStart(8), "CPU s (coord+workers)".padStart(22), "M ev/s".padStart(9), "M ev/CPU-s".padStart(10), "RSS MiB".padStart(8), "wall×".padStart(7), "CPU×".padStart(7)].join("  ");

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") return child(argv.slice(1));
  const ri = argv.indexOf("--rounds");
  const rounds = ri >= 0 ? Number(argv[ri + 1]) : 1;
  const positional = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--rounds");
  const data = positional[0] ?? join(repoRoot(), "data", "lanl");
  if (!hasRedis()) {
    process.stdout.write("bench/engine: redis-server is not installed (make redis); skipped\n");
    return;
  }
  ensureData(data);
  const redis = await startRedis();
  try {
    process.stdout.write(`engines on lanl graphs, ${data} (host load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}); fastest of ${rounds}; wall× and CPU× against the local engine at the same parallelism\n`);
    for (const [title, frame] of [["the default data set (240 hourly graphs)", "-"], [`a frame of 240 empty intervals (${EMPTY_FRAME.start} .. ${EMPTY_FRAME.end}): the engines' own cost per job`, `${EMPTY_FRAME.start}/${EMPTY_FRAME.end}`]] as const) {
      process.stdout.write(`\n${title}\n${HEADER}\n`);
      const local1 = await measure("local, 1 worker thread", data, "local", 1, frame, redis.url, rounds);
      const local2 = await measure("local, 2 worker threads", data, "local", 2, frame, redis.url, rounds);
      const bull1 = await measure("bullmq, 1 worker process", data, "bullmq", 1, frame, redis.url, rounds);
      const bull2 = await measure("bullmq, 2 worker processes", data, "bullmq", 2, frame, redis.url, rounds);
      for (const [m, base] of [[local1, local1], [local2, local2], [bull1, local1], [bull2, local2]] as const) process.stdout.write(row(m, base) + "\n");
      const same = sameTree(local1.outDir, bull1.outDir) && sameTree(local1.outDir, bull2.outDir) && sameTree(local1.outDir, local2.outDir);
      for (const [b, l] of [[bull1, local1], [bull2, local2]] as const) {
        const dw = ((b.wall - l.wall) / b.jobs) * 1000;
        const dc = ((b.cpu + b.workerCpu - l.cpu - l.workerCpu) / b.jobs) * 1000;
        process.stdout.write(`per-job overhead of ${b.label} against ${l.label}: ${dw.toFixed(1)} ms wall, ${dc.toFixed(1)} ms CPU\n`);
      }
      process.stdout.write(`outputs of the four runs byte-identical: ${same ? "yes" : "NO"}\n`);
      for (const m of [local1, local2, bull1, bull2]) rmSync(m.outDir, { recursive: true, force: true });
      if (!same) process.exitCode = 1;
    }
  } finally {
    await redis.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench/engine: ${err.message}\n`);
  process.exit(1);
});
