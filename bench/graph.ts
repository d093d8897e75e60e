/**
 * Benchmark of graph building (issue 5): events/s and peak RSS of the
 * `compact` and `graphology` builders on >= 1 M synthetic auth events and on a
 * realistic mixed hour (0.76 M auth, 0.31 M proc, 0.19 M flows, 30 k dns:
 * lanl-method.md, checklist), with the architecture `all-category-no-attr`;
 * bytes per edge of the builder and of the `.tlg` / `.tlg.gz` files.
 *
 * Baseline measured in the same run: splitting the same lines into fields
 * (`splitFields`) without building anything, the parsing ceiling.
 * Each measurement runs in a child process (fresh heap) so peak RSS is its own.
 *
 * Usage: node dist/bench/graph.js [--quick] [--events N]
 */
import { spawnSync } from "node:child_process";
import { encodeGraph } from "../src/graph/format/tlg.js";
import { CompactBuilder } from "../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../src/graph/builder/graphology.js";
import type { GraphBuilder } from "../src/graph/builder/builder.js";
import { addLines, compilePlan, lineOffsets } from "../src/graph/events.js";
import { allCategoryNoAttr } from "../src/graph/arch/all-category-no-attr.js";
import { SCHEMAS, type LanlStream } from "../src/lanl/schema.js";
import { createLineFields, splitFields } from "../src/lanl/parse.js";

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
 * Synthetic LANL-like lines of one stream: entity popularity is heavy-tailed
 * and about a third of the events repeat a recent event's fields (as real
 * hours do: machine accounts re-authenticating), over one hour of time.
 */
export function synthLines(stream: LanlStream, n: number, seed: number): Buffer {
  const rnd = mulberry32(seed);
  const out: string[] = [];
  const recent: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = 3600 + Math.floor((i / n) * 3600);
    let body: string;
    if (recent.length > 0 && rnd() < 0.35) {
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
  seconds: number;
  rssMB: number;
  vertices: number;
  edges: number;
  builderBytesPerEdge: number;
  fileBytesPerEdge: number;
  gzBytesPerEdge: number;
}

type Workload = "auth" | "mixed";

function workload(kind: Workload, events: number): [LanlStream, number][] {
  if (kind === "auth") return [["auth", events]];
  const f = events / 1.29e6;
  return [
    ["auth", Math.round(0.76e6 * f)],
    ["proc", Math.round(0.31e6 * f)],
    ["flows", Math.round(0.19e6 * f)],
    ["dns", Math.round(0.03e6 * f)],
  ];
}

/** One measurement, run inside the child process. */
function measure(builderKind: string, kind: Workload, events: number): Measure {
  const parts = workload(kind, events).map(([s, n], i) => {
    const buf = synthLines(s, n, 1000 + i);
    return { stream: s, buf, ...lineOffsets(buf) };
  });
  const arch = allCategoryNoAttr();
  let total = 0;
  const t0 = process.hrtime.bigint();
  let builder: GraphBuilder | undefined;
  if (builderKind === "split") {
    const f = createLineFields(16);
    let x = 0;
    for (const p of parts) {
      for (let i = 0; i < p.count; i++) x += splitFields(p.buf, p.starts[i]!, p.ends[i]!, f);
      total += p.count;
    }
    if (x < 0) console.log(x);
  } else {
    // One builder per stream, then absorbed into the interval's graph: the seed's make_graph + combine_graphs.
    const graphs: GraphBuilder[] = [];
    for (const p of parts) {
      const b = builderKind === "compact" ? new CompactBuilder() : new GraphologyBuilder();
      const schema = SCHEMAS[p.stream];
      const plan = arch.plan(schema);
      const c = b instanceof CompactBuilder ? compilePlan(plan, b, schema) : undefined;
      total += addLines(b, plan, schema, p.buf, p.starts, p.ends, p.count, {}, c).events;
      graphs.push(b);
    }
    builder = graphs.length === 1 ? graphs[0]! : builderKind === "compact" ? new CompactBuilder() : new GraphologyBuilder();
    if (graphs.length > 1) for (const g of graphs) builder.absorb(g);
  }
  const csr = builder?.toCsr();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const edges = builder?.edgeCount ?? 0;
  let fileBytes = 0;
  let gzBytes = 0;
  if (csr) {
    fileBytes = encodeGraph(csr).length;
    gzBytes = encodeGraph(csr, { gzip: true }).length;
  }
  return {
    label: `${builderKind} ${kind}`,
    events: total,
    seconds,
    rssMB: process.resourceUsage().maxRSS / 1024,
    vertices: builder?.vertexCount ?? 0,
    edges,
    builderBytesPerEdge: builder instanceof CompactBuilder ? builder.byteLength / Math.max(1, edges) : NaN,
    fileBytesPerEdge: fileBytes / Math.max(1, edges),
    gzBytesPerEdge: gzBytes / Math.max(1, edges),
  };
}

function runChild(builderKind: string, kind: Workload, events: number): Measure {
  const r = spawnSync(process.execPath, ["--max-old-space-size=8192", process.argv[1]!, "--child", builderKind, kind, String(events)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`bench/graph: child ${builderKind} ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure;
}

function main(argv: string[]): void {
  if (argv[0] === "--child") {
    process.stdout.write(JSON.stringify(measure(argv[1]!, argv[2] as Workload, Number(argv[3]))) + "\n");
    return;
  }
  const quick = argv.includes("--quick");
  const ei = argv.indexOf("--events");
  const events = ei >= 0 ? Number(argv[ei + 1]) : quick ? 200_000 : 1_290_000;
  const gEvents = quick ? Math.min(events, 100_000) : Math.min(events, 300_000);
  const rows: Measure[] = [];
  for (const kind of ["auth", "mixed"] as const) {
    rows.push(runChild("split", kind, events));
    rows.push(runChild("compact", kind, events));
    rows.push(runChild("graphology", kind, gEvents));
  }
  const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "-");
  const header = ["run", "events", "s", "events/s", "vs split", "peak RSS MB", "vertices", "edges", "B/edge mem", "B/edge .tlg", "B/edge .tlg.gz"];
  const table = rows.map((r) => {
    const base = rows.find((b) => b.label === `split ${r.label.split(" ")[1]}`)!;
    const rate = r.events / r.seconds;
    return [r.label, fmt(r.events), fmt(r.seconds, 2), fmt(rate), fmt(rate / (base.events / base.seconds), 3), fmt(r.rssMB), fmt(r.vertices), fmt(r.edges), fmt(r.builderBytesPerEdge, 1), fmt(r.fileBytesPerEdge, 1), fmt(r.gzBytesPerEdge, 1)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`graph building, arch all-category-no-attr, synthetic LANL-like lines in memory (node ${process.version})`);
  console.log(line(header));
  for (const r of table) console.log(line(r));
  console.log("split = byte-level field splitting only (the parsing ceiling); graphology runs on fewer events (slow).");
  console.log("mixed = one hour's stream mix (auth 59%, proc 24%, flows 15%, dns 2%), one builder per stream absorbed into one graph.");
}

if (process.argv[1]?.endsWith("graph.js")) main(process.argv.slice(2));
