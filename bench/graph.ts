/**
 * Benchmark of graph building (issue 5): events/s, peak RSS and bytes per edge
 * of the `compact` and `graphology` builders, architecture `all-category-no-attr`.
 *
 * Workloads (lines held in memory, so only building is measured):
 * - `auth`: one realistic hour of auth (>= 1 M events at scale 1), made by the
 *   project's LANL generator (`src/lanl/synth`, hour 10:00 of Tuesday 2015-01-06);
 *   47% of its lines repeat an earlier line's fields, like the real sample.
 * - `auth-distinct`: as many auth-like lines, none repeated: the worst case of
 *   the distinct-event counting (`src/graph/builder/compact/event-counter.ts`).
 * - `mixed`: the same realistic hour with all four streams (auth, proc, flows,
 *   dns) into one builder, frozen to CSR.
 * Baseline in the same run: `split` = splitting every line into fields
 * (`splitFields`), the parsing ceiling; a trivial byte loop calibrates the
 * machine (ns/byte; a shared, loaded machine shows it).
 * Each measurement runs in its own child process (fresh heap, its own peak RSS).
 * Rates use CPU time (user + system) of the building thread's process, so they
 * stand for one core even when the machine is shared; wall time is shown too.
 *
 * graphology builds the whole auth and mixed hours (a few minutes each), the
 * first 100,000 lines of auth-distinct.
 *
 * Builders: `compact` (distinct events counted on interned ids, frozen row
 * by row, issue 13), `compact-previous` (the edge-table builder before it,
 * distinct line bodies counted, the baseline in the same run; it shares the
 * field interning, which issue 13 also sped up), `compact-nodedupe`, `graphology`. The compact builders also build
 * the same hour again in the same process (`--rounds`): the per-hour CPU of a
 * warm pipeline worker.
 *
 * Usage: node dist/bench/graph.js [--quick] [--repeat N] [--rounds N] [--workloads LIST] [--no-graphology]
 *   --quick      generator scale 0.1 (about 0.17 M events per hour) instead of 1;
 *                graphology on the first 20,000 lines
 *   --repeat N   runs of each split and compact measurement, the fastest reported
 *                (default 3: a shared host's load only slows runs down)
 *   --rounds N   builds of the hour per compact child process; builds 2..N give the warm figure (default 5:
 *                a worker builds hour after hour; its second hour still pays for code compiled and memory
 *                first touched, later ones less)
 *   --workloads  comma-separated: auth, auth-distinct, mixed (default all three)
 *   --no-graphology  skip the (slow) graphology runs
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../src/io/repo.js";
import { resolveOptions } from "../src/lanl/synth/calendar.js";
import { contextFor } from "../src/lanl/synth/generate.js";
import { generateHours } from "../src/lanl/synth/streams.js";
import { encodeGraph } from "../src/graph/format/tlg.js";
import { CompactBuilder } from "../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../src/graph/builder/graphology.js";
import type { GraphBuilder } from "../src/graph/builder/builder.js";
import { addLines, compilePlan, lineOffsets } from "../src/graph/builder/compact/events.js";
import { edgeCount, type Csr } from "../src/graph/csr.js";
import { allCategoryNoAttr } from "../src/graph/arch/all-category-no-attr.js";
import { SCHEMAS, type LanlStream } from "../src/lanl/schema.js";
import { createLineFields, splitFields } from "../src/lanl/parse.js";
import { peakRssMB } from "./rss.js";

/** Small seeded PRNG (mulberry32) for the synthetic lines. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-like rank in 1..n (continuous approximation, exponent about 1.1). */
function zipf(rnd: () => number, n: number): number {
  return Math.min(n, Math.floor(Math.pow(n + 1, rnd() ** 1.6)));
}

function pickW<T>(rnd: () => number, items: readonly (readonly [T, number])[]): T {
  let x = rnd();
  for (const [v, w] of items) {
    x -= w;
    if (x <= 0) return v;
  }
  return items[items.length - 1]![0];
}

/**
 * Synthetic LANL-like lines of one stream: entity popularity is heavy-tailed;
 * a fraction `repeat` of the events repeat a recent event's fields.
 */
export function synthLines(stream: LanlStream, n: number, seed: number, repeat = 0.35): Buffer {
  const rnd = mulberry32(seed);
  const out: string[] = [];
  const recent: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = 3600 + Math.floor((i / n) * 3600);
    let body: string;
    if (recent.length > 0 && rnd() < repeat) {
      body = recent[Math.floor(rnd() * recent.length)]!;
    } else {
      const c1 = `C${zipf(rnd, 17000)}`;
      const c2 = rnd() < 0.4 ? c1 : `C${zipf(rnd, 17000)}`;
      const user = rnd() < 0.5 ? `U${zipf(rnd, 12000)}@DOM1` : `${c1}$@DOM1`;
      if (stream === "auth") {
        const user2 = rnd() < 0.8 ? user : rnd() < 0.5 ? `SYSTEM@${c2}` : `U${zipf(rnd, 12000)}@DOM1`;
        const auth = pickW(rnd, [["?", 0.55], ["Kerberos", 0.25], ["Negotiate", 0.1], ["NTLM", 0.08], ["MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", 0.02]] as const);
        const logon = pickW(rnd, [["Network", 0.7], ["?", 0.12], ["Service", 0.08], ["Batch", 0.05], ["Interactive", 0.05]] as const);
        const dir = pickW(rnd, [["LogOn", 0.5], ["LogOff", 0.35], ["TGS", 0.1], ["TGT", 0.05]] as const);
        body = `${user},${user2},${c1},${c2},${auth},${logon},${dir},${rnd() < 0.99 ? "Success" : "Fail"}`;
      } else if (stream === "proc") {
        body = `${user},${c1},P${zipf(rnd, 60000)},${rnd() < 0.6 ? "Start" : "End"}`;
      } else if (stream === "flows") {
        const port = pickW(rnd, [["445", 0.2], ["80", 0.15], ["443", 0.1], ["389", 0.05], [`N${zipf(rnd, 60000)}`, 0.5]] as const);
        body = `${Math.floor(rnd() * 30)},${c1},N${zipf(rnd, 60000)},${c2},${port},${rnd() < 0.8 ? 6 : 17},${1 + Math.floor(rnd() * 200)},${60 + Math.floor(rnd() * 100000)}`;
      } else if (stream === "dns") {
        body = `${c1},${c2}`;
      } else {
        body = `${user},${c1},${c2}`;
      }
      recent.push(body);
      if (recent.length > 5000) recent[Math.floor(rnd() * 5000)] = recent.pop()!;
    }
    out.push(`${t},${body}`);
  }
  return Buffer.from(out.join("\n") + "\n", "latin1");
}

interface Measure {
  label: string;
  events: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssMB: number;
  vertices: number;
  edges: number;
  builderBytesPerEdge: number;
  fileBytesPerEdge: number;
  gzBytesPerEdge: number;
  nsPerByte?: number;
  /** CPU seconds of: lines to distinct events (parse, intern, count), their edges into the edge table, the freeze to CSR. */
  phases?: number[];
  /** Same process, CPU seconds of each later build of the same hour (a pipeline worker's hours after its first). */
  warm?: number[];
  /** Kernel CPU seconds and minor page faults (fresh memory touched) of the first build, then of each later one. */
  kernel?: { first: [number, number]; warm: [number, number][] };
}

type Workload = "auth" | "auth-distinct" | "mixed";
type Kind = "split" | "compact" | "compact-previous" | "compact-nodedupe" | "graphology" | "calibrate";

export const HOUR = 5 * 24 + 10; // hour index of Tuesday 2015-01-06T10:00 (day 0 = 2015-01-01)
export const STREAMS_MIXED: LanlStream[] = ["auth", "proc", "flows", "dns"];

export function dataDir(scale: number): string {
  return join(repoRoot(), "data", "bench", "graph", `scale-${scale}`);
}

/** Generates (once) the realistic hour of every stream at `scale`. */
export function ensureData(scale: number): void {
  const dir = dataDir(scale);
  if (STREAMS_MIXED.every((s) => existsSync(join(dir, `${s}.txt`)))) return;
  mkdirSync(dir, { recursive: true });
  const ctx = contextFor(resolveOptions({ days: 6, scale, startDay: 0 }), "none");
  for (const s of STREAMS_MIXED) {
    const parts: Buffer[] = [];
    for (const b of generateHours(ctx, s as "auth", HOUR, HOUR + 1)) if (b.hour === HOUR) parts.push(b.bytes);
    writeFileSync(join(dir, `${s}.txt`), Buffer.concat(parts));
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Keeps the first `limit` lines of `buf` (all when limit is undefined). */
function firstLines(buf: Buffer, limit?: number): Buffer {
  if (limit === undefined) return buf;
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10 && ++n === limit) return buf.subarray(0, i + 1);
  return buf;
}

/** One measurement, run inside the child process; `rounds` > 1 builds the hour again in the same process. */
function measure(kind: Kind, workload: Workload, scale: number, limit?: number, rounds = 1): Measure {
  const dir = dataDir(scale);
  const load = (s: LanlStream): Buffer => firstLines(readFileSync(join(dir, `${s}.txt`)), limit);
  let inputs: { stream: LanlStream; buf: Buffer }[];
  if (workload === "auth") inputs = [{ stream: "auth", buf: load("auth") }];
  else if (workload === "mixed") inputs = STREAMS_MIXED.map((s) => ({ stream: s, buf: load(s) }));
  else {
    const n = lineOffsets(load("auth")).count;
    inputs = [{ stream: "auth", buf: synthLines("auth", n, 7, 0) }];
  }
  const parts = inputs.map((p) => ({ ...p, ...lineOffsets(p.buf) }));
  if (kind === "calibrate") {
    const buf = parts[0]!.buf;
    const c0 = cpuSeconds();
    let x = 0;
    for (let r = 0; r < 3; r++) for (let i = 0; i < buf.length; i++) if (buf[i] === 10) x++;
    const ns = ((cpuSeconds() - c0) * 1e9) / (3 * buf.length);
    return { label: "calibrate", events: x, cpuSeconds: 0, wallSeconds: 0, rssMB: 0, vertices: 0, edges: 0, builderBytesPerEdge: NaN, fileBytesPerEdge: NaN, gzBytesPerEdge: NaN, nsPerByte: ns };
  }
  const arch = allCategoryNoAttr();
  const warm: number[] = [];
  let total = 0;
  let cpuFirst: number | undefined;
  let wallFirst: number | undefined;
  const w0 = process.hrtime.bigint();
  const c0 = cpuSeconds();
  let builder: GraphBuilder | undefined;
  let csr: Csr | undefined;
  let phases: number[] | undefined;
  let kernelUse: Measure["kernel"];
  if (kind === "split") {
    const f = createLineFields(16);
    let x = 0;
    for (const p of parts) {
      for (let i = 0; i < p.count; i++) x += splitFields(p.buf, p.starts[i]!, p.ends[i]!, f);
      total += p.count;
    }
    if (x < 0) console.log(x);
  } else {
    const kernel = (): [number, number] => {
      const r = process.resourceUsage();
      return [r.systemCPUTime / 1e6, r.minorPageFault];
    };
    const once = (): { builder: GraphBuilder; csr: Csr; total: number; phases: number[] } => {
      const t0 = cpuSeconds();
      let total = 0;
      const builder = kind === "graphology" ? new GraphologyBuilder() : new CompactBuilder({ rows: kind !== "compact-previous" });
      for (const p of parts) {
        const schema = SCHEMAS[p.stream];
        const plan = arch.plan(schema);
        const c = builder instanceof CompactBuilder ? compilePlan(plan, builder, schema, { dedupe: kind !== "compact-nodedupe" }) : undefined;
        total += addLines(builder, plan, schema, p.buf, p.starts, p.ends, p.count, {}, c).events;
      }
      const phases = [cpuSeconds() - t0];
      // The previous builder adds the events' edges to its edge table first; the row-wise one freezes them directly.
      if (builder instanceof CompactBuilder && !builder.rows) builder.flush();
      phases.push(cpuSeconds() - t0 - phases[0]!);
      const csr = builder.toCsr();
      phases.push(cpuSeconds() - t0 - phases[0]! - phases[1]!);
      return { builder, csr, total, phases };
    };
    const k0 = kernel();
    const first = once();
    ({ builder, csr, total, phases } = first);
    cpuFirst = cpuSeconds() - c0;
    const k1 = kernel();
    kernelUse = { first: [k1[0] - k0[0], k1[1] - k0[1]], warm: [] };
    wallFirst = Number(process.hrtime.bigint() - w0) / 1e9;
    for (let r = 1; r < rounds; r++) {
      // As a pipeline worker does after each interval (the new builder only: the baseline is the previous code).
      if (builder instanceof CompactBuilder && builder.rows) {
        builder.release();
        CompactBuilder.recycle(csr!);
      }
      builder = undefined;
      csr = undefined;
      const t = cpuSeconds();
      const kw = kernel();
      ({ builder, csr } = once());
      warm.push(cpuSeconds() - t);
      const kx = kernel();
      kernelUse.warm.push([kx[0] - kw[0], kx[1] - kw[1]]);
    }
  }
  const cpu = cpuFirst ?? cpuSeconds() - c0;
  const wall = wallFirst ?? Number(process.hrtime.bigint() - w0) / 1e9;
  const edges = csr ? edgeCount(csr) : 0;
  const fileBytes = csr ? encodeGraph(csr).length : 0;
  const gzBytes = csr ? encodeGraph(csr, { gzip: true }).length : 0;
  return {
    label: `${kind} ${workload}`,
    events: total,
    cpuSeconds: cpu,
    wallSeconds: wall,
    rssMB: peakRssMB(),
    vertices: builder?.vertexCount ?? 0,
    edges,
    builderBytesPerEdge: builder instanceof CompactBuilder ? builder.byteLength / Math.max(1, edges) : NaN,
    fileBytesPerEdge: csr ? fileBytes / Math.max(1, edges) : NaN,
    gzBytesPerEdge: csr ? gzBytes / Math.max(1, edges) : NaN,
    phases,
    warm,
    kernel: kernelUse,
  };
}

function runChild(kind: Kind, workload: Workload, scale: number, limit?: number, rounds = 1): Measure {
  const args = ["--max-old-space-size=8192", process.argv[1]!, "--child", kind, workload, String(scale), limit === undefined ? "all" : String(limit), String(rounds)];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench/graph: child ${kind} ${workload} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure;
}

/**
 * The run with the least CPU time of `repeats` fresh child processes (a shared
 * host's load only ever slows a run down), with the spread of the others.
 */
function bestOf(repeats: number, kind: Kind, workload: Workload, scale: number, limit?: number, rounds = 1): Measure & { spread: string } {
  const runs = Array.from({ length: repeats }, () => runChild(kind, workload, scale, limit, rounds));
  runs.sort((a, b) => a.cpuSeconds - b.cpuSeconds);
  return { ...runs[0]!, spread: runs.map((r) => r.cpuSeconds.toFixed(2)).join("/") };
}

function main(argv: string[]): void {
  if (argv[0] === "--child") {
    const m = measure(argv[1] as Kind, argv[2] as Workload, Number(argv[3]), argv[4] === undefined || argv[4] === "all" ? undefined : Number(argv[4]), argv[5] === undefined ? 1 : Number(argv[5]));
    process.stdout.write(JSON.stringify(m) + "\n");
    return;
  }
  const quick = argv.includes("--quick");
  const ri = argv.indexOf("--repeat");
  const repeats = ri >= 0 ? Number(argv[ri + 1]) : 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`bench/graph: --repeat must be a positive integer, got '${argv[ri + 1]}'`);
  const scale = quick ? 0.1 : 1;
  const rdi = argv.indexOf("--rounds");
  const rounds = rdi >= 0 ? Number(argv[rdi + 1]) : 5;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench/graph: --rounds must be a positive integer, got '${argv[rdi + 1]}'`);
  const withGraphology = !argv.includes("--no-graphology");
  const wi = argv.indexOf("--workloads");
  const all: Workload[] = ["auth", "auth-distinct", "mixed"];
  const workloads = wi >= 0 ? (argv[wi + 1] ?? "").split(",").map((x) => x as Workload) : all;
  for (const w of workloads) if (!all.includes(w)) throw new Error(`bench/graph: unknown workload '${w}'; expected ${all.join(", ")}`);
  // graphology is slow (minutes for the full hour): all lines of the auth and mixed hours in a full run,
  // the first lines only for the extra auth-distinct case and with --quick.
  const graphologyLimit = (w: Workload): number | undefined => (quick ? 20_000 : w === "auth-distinct" ? 100_000 : undefined);
  ensureData(scale);
  const cal = runChild("calibrate", "auth", scale);
  const rows: (Measure & { spread: string })[] = [];
  for (const w of workloads) {
    rows.push(bestOf(repeats, "split", w, scale));
    rows.push(bestOf(repeats, "compact-previous", w, scale, undefined, rounds));
    rows.push(bestOf(repeats, "compact", w, scale, undefined, rounds));
    rows.push(bestOf(repeats, "compact-nodedupe", w, scale));
    if (withGraphology) rows.push(bestOf(1, "graphology", w, scale, graphologyLimit(w)));
  }
  const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "-");
  const header = ["run", "events", "cpu s", "cpu s of each run", "wall s", "events/s (cpu)", "vs split", "peak RSS MB", "vertices", "edges", "B/edge mem", "B/edge .tlg", "B/edge .tlg.gz"];
  const table = rows.map((r) => {
    const w = r.label.split(" ")[1];
    const base = rows.find((b) => b.label === `split ${w}`)!;
    const rate = r.events / r.cpuSeconds;
    return [r.label, fmt(r.events), fmt(r.cpuSeconds, 2), r.spread, fmt(r.wallSeconds, 2), fmt(rate), fmt(rate / (base.events / base.cpuSeconds), 3), fmt(r.rssMB), fmt(r.vertices), fmt(r.edges), fmt(r.builderBytesPerEdge, 1), fmt(r.fileBytesPerEdge, 1), fmt(r.gzBytesPerEdge, 1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`graph building, arch all-category-no-attr, lines in memory, generator scale ${scale} (node ${process.version})`);
  console.log(`machine calibration: a trivial byte loop costs ${fmt(cal.nsPerByte ?? NaN, 2)} ns/byte (it ranged 1.1-1.8 on the shared 2-core development host, higher when other tenants load it: compare runs made at similar values)`);
  console.log(line(header));
  for (const r of table) console.log(line(r));
  console.log("split = splitting lines into fields only (the parsing ceiling); compact-nodedupe = without distinct-event counting;");
  const limited = workloads.filter((w) => graphologyLimit(w) !== undefined);
  if (withGraphology && limited.length > 0) console.log(`graphology runs on the first ${graphologyLimit(limited[0]!)!.toLocaleString("en-US")} lines of each stream for ${limited.join(", ")} (it is slow).`);
  console.log(`rates are per CPU second of one core, from the fastest of ${repeats} runs (fresh processes) of split and compact; graphology runs once.`);
  console.log("B/edge mem = vertex + edge tables of the compact builder (capacity, not just the used part) per distinct edge.");
  console.log(`warm worker (same process, builds 2..${rounds} of the same hour, fresh builders, lines in memory), per hour:`);
  for (const r of rows.filter((x) => x.warm !== undefined && x.warm.length > 0)) {
    const mean = r.warm!.reduce((a, b) => a + b, 0) / r.warm!.length;
    console.log(`  ${r.label.padEnd(widths[0]!)}  ${fmt(mean, 2)} CPU-s (${r.warm!.map((x) => x.toFixed(2)).join("/")})  ${fmt(r.events / mean)} events per CPU-s`);
  }
  console.log("of which in the kernel (zeroing the fresh memory the build touches: minor page faults), first build | later builds (mean):");
  for (const r of rows.filter((x) => x.kernel !== undefined && x.label.startsWith("compact"))) {
    const k = r.kernel!;
    const n = Math.max(1, k.warm.length);
    const ws = k.warm.reduce((a, b) => a + b[0], 0) / n;
    const wf = k.warm.reduce((a, b) => a + b[1], 0) / n;
    console.log(`  ${r.label.padEnd(widths[0]!)}  ${fmt(k.first[0], 2)} s, ${fmt(k.first[1])} faults | ${fmt(ws, 2)} s, ${fmt(wf)} faults`);
  }
  console.log("compact-previous = the edge-table builder (line bodies counted, events' edges hashed, then frozen), the baseline; compact = ids counted, row-wise freezing (issue 13).");
  console.log("where the CPU time goes (compact): lines -> distinct events (split, intern, count) | their edges -> edge table (previous only) | freeze to CSR (rows)");
  for (const r of rows.filter((x) => x.phases !== undefined && x.label.startsWith("compact"))) {
    const [a, b, c] = r.phases!;
    const pct = (x: number): string => `${((100 * x) / r.cpuSeconds).toFixed(0)}%`;
    console.log(`  ${r.label.padEnd(widths[0]!)}  ${fmt(a!, 2)} s (${pct(a!)}) | ${fmt(b!, 2)} s (${pct(b!)}) | ${fmt(c!, 2)} s (${pct(c!)})`);
  }
  const auth = rows.find((r) => r.label === "compact auth");
  if (auth?.warm !== undefined && auth.warm.length > 0) {
    // Issue 13's goal, on the real-volume auth hour: >= 1 M events per CPU-s warm, >= 0.8 M fresh.
    const fresh = auth.events / auth.cpuSeconds / 1e6;
    const warm = auth.events / (auth.warm.reduce((a, b) => a + b, 0) / auth.warm.length) / 1e6;
    const verdict = (x: number, goal: number): string => `${fmt(x, 2)} M/s (goal ${fmt(goal, 1)}: ${x >= goal ? "met" : "not met"})`;
    console.log(`goal of issue 13, compact auth at calibration ${fmt(cal.nsPerByte ?? NaN, 2)} ns/byte: fresh ${verdict(fresh, 0.8)}, warm ${verdict(warm, 1)}`);
  }
}

if (process.argv[1]?.endsWith("graph.js")) main(process.argv.slice(2));
