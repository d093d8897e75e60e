/**
 * `telemetry-lab verify DIR`: checks a LANL experiment tree without changing it, and
 * reports every problem with the file and the reason.
 *
 * - Partitions (`DIR/partitions/<interval>/`): every file of `summary.json` exists under
 *   its final name, has the size its stream's manifest records, is sound gzip (CRC-32 and
 *   length of every member, RFC 1952) and holds the number of lines the summary gives;
 *   no partition file is missing from the summary; no temporary (`.partial`,
 *   `.inprogress`) or lock of a dead process is left.
 * - Graphs (`DIR/experiments/<interval>/<frame>/<arch>/`): every interval of `summary.json`
 *   has its graph and statistics, and each graph passes `verifyGraphFile` (size against
 *   its statistics, gzip, `.tlg` header and payload CRC-32); no temporary is left.
 *
 * Exit status 0 when everything is sound, 1 when a problem was found, 2 on a usage error.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { verifyGraphFile } from "../graph/pipeline/pipeline.js";
import type { IntervalStats } from "../graph/pipeline/task.js";
import { ownerAlive, parseLockOwner } from "../io/lock.js";
import { readLineBatches } from "../lanl/reader.js";
import { readManifest } from "../partition/manifest.js";
import type { PartitionSummary } from "../partition/summary.js";
import { formatIsoUtc, parseIsoUtc } from "../time/interval.js";

const NAME = "telemetry-lab verify";

/** One problem: the file and what is wrong with it. */
export interface Problem {
  file: string;
  reason: string;
}

/** What {@link verifyTree} returns. */
export interface VerifyReport {
  partitionFiles: number;
  graphs: number;
  problems: Problem[];
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Temporaries and dead locks anywhere under `dir`. */
function leftovers(dir: string, problems: Problem[]): void {
  for (const name of list(dir)) {
    const p = join(dir, name);
    if (isDir(p)) {
      leftovers(p, problems);
      continue;
    }
    if (name.endsWith(".partial") || name.endsWith(".inprogress")) {
      problems.push({ file: p, reason: "temporary file left by an interrupted run (the next run of its stage removes it)" });
    } else if (name.endsWith(".lock")) {
      let owner;
      try {
        owner = parseLockOwner(readFileSync(p, "utf8"));
      } catch {
        owner = undefined;
      }
      if (owner === undefined || !ownerAlive(owner)) problems.push({ file: p, reason: "lock of a process that is no longer running" });
    }
  }
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const b of readLineBatches(path)) n += b.count;
  return n;
}

async function verifyPartitions(root: string, problems: Problem[]): Promise<number> {
  let checked = 0;
  const summaryPath = join(root, "summary.json");
  let summary: PartitionSummary;
  try {
    summary = JSON.parse(readFileSync(summaryPath, "utf8")) as PartitionSummary;
  } catch (err) {
    problems.push({ file: summaryPath, reason: existsSync(summaryPath) ? `unreadable summary (${(err as Error).message})` : "missing: the partitioning did not finish" });
    return 0;
  }
  const originEpoch = parseIsoUtc(summary.origin);
  for (const s of summary.streams) {
    const m = readManifest(join(root, ".state", `${s.stream}.json`));
    const sizes = new Map<string, number>();
    if (m !== undefined) {
      if (!m.complete) problems.push({ file: join(root, ".state", `${s.stream}.json`), reason: `stream '${s.stream}' is unfinished` });
      for (const [i, f] of Object.entries(m.files)) sizes.set(formatIsoUtc(originEpoch + Number(i) * summary.intervalSeconds), f.bytes);
    }
    for (const [name, events] of Object.entries(s.perInterval)) {
      const file = join(root, s.stream, `${name}.txt.gz`);
      checked += 1;
      if (!existsSync(file)) {
        problems.push({ file, reason: `missing (the summary lists ${events} events)` });
        continue;
      }
      const size = statSync(file).size;
      const want = sizes.get(name);
      if (want !== undefined && size !== want) {
        problems.push({ file, reason: `size ${size} bytes, its manifest records ${want}` });
        continue;
      }
      try {
        const n = await countLines(file);
        if (n !== events) problems.push({ file, reason: `${n} lines, the summary lists ${events}` });
      } catch (err) {
        problems.push({ file, reason: (err as Error).message.replace(/^telemetry-lab\/lanl\/reader: [^:]*: /, "") });
      }
    }
    for (const name of list(join(root, s.stream))) {
      if (name.startsWith(".") || !name.endsWith(".txt.gz")) continue;
      if (!(name.slice(0, -".txt.gz".length) in s.perInterval)) problems.push({ file: join(root, s.stream, name), reason: "not in the summary" });
    }
  }
  return checked;
}

function verifyExperiment(exp: string, problems: Problem[]): number {
  let checked = 0;
  const summaryPath = join(exp, "summary.json");
  let intervals: string[];
  try {
    intervals = (JSON.parse(readFileSync(summaryPath, "utf8")) as { intervals: IntervalStats[] }).intervals.map((s) => s.start);
  } catch {
    // unfinished (no summary yet): check what is there
    intervals = list(join(exp, "stats"))
      .filter((n) => n.endsWith(".json") && !n.startsWith("."))
      .map((n) => n.slice(0, -".json".length));
    if (!existsSync(summaryPath)) problems.push({ file: summaryPath, reason: "missing: the graph stage did not finish" });
  }
  const graphNames = list(join(exp, "graphs")).filter((n) => !n.startsWith("."));
  const ext = graphNames[0]?.slice(graphNames[0].indexOf(".")) ?? ".tlg.gz";
  for (const start of intervals) {
    const graph = join(exp, "graphs", `${start}${ext}`);
    const statsPath = join(exp, "stats", `${start}.json`);
    checked += 1;
    let stats: IntervalStats;
    try {
      stats = JSON.parse(readFileSync(statsPath, "utf8")) as IntervalStats;
    } catch (err) {
      problems.push({ file: statsPath, reason: existsSync(statsPath) ? `unreadable statistics (${(err as Error).message})` : "missing statistics" });
      continue;
    }
    if (!existsSync(graph)) {
      problems.push({ file: graph, reason: "missing" });
      continue;
    }
    const reason = verifyGraphFile(graph, stats);
    if (reason !== undefined) problems.push({ file: graph, reason });
  }
  const known = new Set(intervals.map((s) => `${s}${ext}`));
  for (const n of graphNames) if (!known.has(n)) problems.push({ file: join(exp, "graphs", n), reason: "not in the experiment's summary" });
  return checked;
}

/**
 * Checks the partitions and graphs under `dir` (see the module comment).
 *
 * @example
 * const r = await verifyTree("data/lanl");
 * r.problems; // [{ file: ".../graphs/2015-01-01T05:00:00.tlg.gz", reason: "payload checksum mismatch" }]
 */
export async function verifyTree(dir: string): Promise<VerifyReport> {
  const problems: Problem[] = [];
  let partitionFiles = 0;
  let graphs = 0;
  const parts = join(dir, "partitions");
  for (const iv of list(parts)) if (isDir(join(parts, iv))) partitionFiles += await verifyPartitions(join(parts, iv), problems);
  const exps = join(dir, "experiments");
  for (const iv of list(exps)) {
    for (const frame of list(join(exps, iv))) {
      for (const arch of list(join(exps, iv, frame))) {
        const exp = join(exps, iv, frame, arch);
        if (isDir(exp)) graphs += verifyExperiment(exp, problems);
      }
    }
  }
  leftovers(dir, problems);
  return { partitionFiles, graphs, problems };
}

const HELP = `usage: telemetry-lab verify DIR

Checks a LANL data folder without changing it: partition files against their summary
and manifests (size, gzip integrity, line counts), graphs against their statistics and
checksums, and leftover temporaries and dead locks. Prints one line per problem
(file: reason). Exit 0 when everything is sound, 1 otherwise.
`;

/** CLI entry: `telemetry-lab verify DIR`. */
export async function run(argv: string[]): Promise<number> {
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
    if (parsed.values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    positionals = parsed.positionals;
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${NAME}: expected one folder\n${HELP}`);
    return 2;
  }
  const dir = positionals[0]!;
  if (!isDir(dir)) {
    process.stderr.write(`${NAME}: ${dir}: no such folder\n`);
    return 2;
  }
  const r = await verifyTree(dir);
  const shown = (p: string): string => {
    const rel = relative(process.cwd(), p);
    return rel.startsWith("..") ? p : rel;
  };
  for (const p of r.problems) process.stdout.write(`${shown(p.file)}: ${p.reason}\n`);
  process.stdout.write(`${NAME}: ${r.partitionFiles} partition files, ${r.graphs} graphs checked; ${r.problems.length === 0 ? "no problem" : `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}`}\n`);
  return r.problems.length === 0 ? 0 : 1;
}
