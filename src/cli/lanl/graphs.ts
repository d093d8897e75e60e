/**
 * `telemetry-lab lanl graphs DIR [options]`: one artifact graph per interval from the
 * partitions, in the seed's experiment layout. Thin wrapper over `buildGraphs`
 * (`src/graph/pipeline/pipeline.ts`).
 */
import { commandEngine, ENGINE_OPTION_TABLE, ENGINE_USAGE } from "../engine-options.js";
import { listOption, parseCommand } from "../args.js";
import { ARCH_OPTION_TABLE, archOptionsOf } from "./arch-options.js";
import { archNames } from "../../graph/arch/registry.js";
import { formatCount } from "../../notebook/progress.js";
import { buildGraphs, planGraphs, DEFAULTS, type GraphsOptions, type GraphsPlan, type GraphsRun } from "../../graph/pipeline/pipeline.js";
import { partitionFile, partitionsRoot } from "../../graph/pipeline/layout.js";
import { displayPath } from "../../io/display-path.js";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { BuilderKind } from "../../graph/pipeline/interval-graph.js";

const NAME = "telemetry-lab lanl graphs";

const USAGE = `usage: ${NAME} DIR [options]

Builds one artifact graph per interval of [--start, --end) from the partitions
DIR/partitions/<interval>/<stream>/<start>.txt.gz (made by 'telemetry-lab lanl partition'):
per (stream, interval) graphs, absorbed into one graph per interval, written as
DIR/experiments/<interval>/<start>__<end>/<arch>/graphs/<interval start>.tlg.gz
(statistics in stats/<start>.json, a summary in summary.json beside graphs/).
An interval without events gives an empty graph; a time frame that holds no partition file
at all is warned about on stderr. Killed and rerun, it resumes; rerun after completion, it
does nothing.

options:
  --interval D       interval length of the partitions: 1h, 30m, 1d, P0DT1H0M0S (default ${DEFAULTS.interval})
  --start ISO        time frame start, on the interval grid (default: first partition file)
  --end ISO          time frame end, exclusive (default: end of the last partition file)
  --arch NAME        graph architecture (default ${DEFAULTS.arch}); known: ${archNames().join(", ")}
  --builder B        compact | graphology (default ${DEFAULTS.builder}; same output, compact is faster)
  --streams LIST     comma-separated streams to combine (default: auth,proc,flows,dns, those present)
  --jobs N           worker threads, one interval each (default: number of cores; 0 = no workers)
${ENGINE_USAGE}
  --level N          gzip level of the graph files, 1..9 (default ${DEFAULTS.level})
  --origin ISO       anchor of the partitions' interval grid (default ${DEFAULTS.origin})
  architecture options (non-default ones are appended to the architecture's folder name):
  --types T          field | entity: artifact types per field, or merged entities (computer::C1)
  --drop-missing     leave out '?' (missing) values
  --exclude LIST     fields left out, or 'hubs' (auth, logon, direction, result, protocol, action)
  --bins LIST        numeric fields turned into log2-bin artifacts, or 'all'
  --json             print the summary as JSON
  --quiet            no progress bar
  -h, --help         this help
`;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** The run as a short table. */
export function formatRun(run: GraphsRun): string {
  const p = run.plan;
  const v = run.intervals.map((s) => s.vertices);
  const e = run.intervals.map((s) => s.edges);
  const rows: Array<[string, string]> = [
    ["graphs", displayPath(p.graphsDir)],
    ["architecture", `${p.archFolder} (builder ${p.builder})`],
    ["streams", p.streams.join(", ")],
    ["intervals", `${p.intervals.length} (${run.built.length} built, ${run.skipped.length} already there, ${run.intervals.filter((s) => s.events === 0).length} empty)`],
    ["events read", `${formatCount(run.events)} in ${run.seconds.toFixed(1)} s (${formatCount(run.seconds > 0 ? run.events / run.seconds : 0)}/s)`],
    ["vertices / graph", `min ${formatCount(Math.min(...v))}, median ${formatCount(median(v))}, max ${formatCount(Math.max(...v))}`],
    ["edges / graph", `min ${formatCount(Math.min(...e))}, median ${formatCount(median(e))}, max ${formatCount(Math.max(...e))}`],
  ];
  return rows.map(([k, val]) => `${k.padEnd(17)} ${val}`).join("\n") + "\n";
}

/**
 * A warning when no interval of the plan's time frame has a partition file of any of its
 * streams (every graph would be empty), naming the frame and the partitions' own span.
 */
export function emptyFrameWarning(plan: GraphsPlan): string | undefined {
  const any = plan.intervals.some((iv) => plan.streams.some((s) => existsSync(partitionFile(plan.dir, plan.intervalSeconds, s, iv))));
  if (any || plan.intervals.length === 0) return undefined;
  const root = partitionsRoot(plan.dir, plan.intervalSeconds);
  const names = plan.streams
    .flatMap((s) => {
      try {
        return readdirSync(join(root, s)).filter((n) => n.endsWith(".txt.gz"));
      } catch {
        return [];
      }
    })
    .sort();
  const span = names.length ? `the partitions span ${names[0]!.slice(0, -7)} .. ${names[names.length - 1]!.slice(0, -7)}` : "there is no partition file";
  return `${NAME}: warning: the time frame ${plan.start} .. ${plan.end} holds no partition under ${displayPath(root)} (${span}): its ${plan.intervals.length} graphs are empty`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: NAME,
    usage: USAGE,
    positionals: 1,
    positionalName: "data folder",
    options: {
      interval: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      arch: { type: "string" },
      builder: { type: "string" },
      streams: { type: "string" },
      jobs: { type: "string" },
      ...ENGINE_OPTION_TABLE,
      origin: { type: "string" },
      level: { type: "string" },
      ...ARCH_OPTION_TABLE,
      json: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  if (v.jobs !== undefined && !/^\d+$/.test(v.jobs)) {
    process.stderr.write(`${NAME}: --jobs must be a non-negative integer, got '${v.jobs}'\n`);
    return 2;
  }
  if (v.level !== undefined && !/^\d$/.test(v.level)) {
    process.stderr.write(`${NAME}: --level must be 1..9, got '${v.level}'\n`);
    return 2;
  }
  // The engine first: an unreachable Redis fails here, before anything is written.
  const opened = await commandEngine(NAME, v);
  if (typeof opened === "number") return opened;
  const { engine } = opened;
  const archOptions = archOptionsOf(v);
  try {
    const options: GraphsOptions = {
      interval: v.interval,
      start: v.start,
      end: v.end,
      arch: v.arch,
      archOptions,
      builder: v.builder as BuilderKind | undefined,
      streams: listOption(v.streams),
      jobs: v.jobs === undefined ? undefined : Number(v.jobs),
      engine,
      origin: v.origin,
      level: v.level === undefined ? undefined : Number(v.level),
      quiet: v.quiet,
    };
    const warning = emptyFrameWarning(planGraphs(positionals[0]!, options));
    if (warning !== undefined) process.stderr.write(`${warning}\n`);
    const result = await buildGraphs(positionals[0]!, options);
    for (const r of result.rebuilt) process.stderr.write(`${NAME}: rebuilt ${r.file}: it failed its check (${r.reason})\n`);
    if (v.json) {
      const { plan, intervals, built, skipped, events, seconds, summaryPath } = result;
      process.stdout.write(JSON.stringify({ graphsDir: plan.graphsDir, summaryPath, built: built.length, skipped: skipped.length, events, seconds, intervals }, null, 1) + "\n");
    } else {
      process.stdout.write(formatRun(result));
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await engine?.close();
  }
}
