/**
 * `telemetry-lab lanl compare DIR --archs A,B,... [--intervals 1h,30m] [--scores S1,S2]
 * [--grid G] [--jobs N]`: graph architectures compared on detection quality and cost, one
 * row per (architecture, interval length, score). Thin wrapper over `compare`
 * (`src/evaluation/compare.ts`); architecture specs: `src/graph/arch/spec.ts`.
 */
import { commandEngine, ENGINE_OPTION_TABLE, ENGINE_USAGE } from "../engine-options.js";
import { choiceOptionError, countOptionError, listOption, parseCommand } from "../args.js";
import { archNames } from "../../graph/arch/registry.js";
import { expandGrid, parseArchSpecs, type ArchSpecValue } from "../../graph/arch/spec.js";
import { DETECTOR_NAMES, DEFAULT_DETECTOR, type DetectorName } from "../../evaluation/detect.js";
import { compare, formatCompare } from "../../evaluation/compare.js";
import type { RefexPreset } from "../../embedding/refex.js";

const NAME = "telemetry-lab lanl compare";

const USAGE = `usage: ${NAME} DIR --archs SPECS [options]

Runs or reuses every stage (partitions shared per interval length; graphs, features, roles,
scores cached per architecture) through 'lanl detect' for every architecture and interval
length, and writes one results table, DIR/experiments/compare/<name>.parquet and .csv, one row
per (architecture, interval length, score): AP, ROC AUC, recall at 10 and 100 alerts per day at
the entity-interval unit (overall and per role) and at the event unit; vertices and edges per
interval, bytes on disk, seconds of each stage. Prints it sorted by AP, controls as reference rows.

Architecture specs: NAME or NAME:option,option=value,... (list values joined with +, 'none'
for the empty list); several specs separated by ';' or ','. Options: types=field|entity,
dropMissing, exclude=hubs|F1+F2|none, bins=all|F1+F2|none, duplicates=networkx|set,
pandasNa=false. JSON form: '{"arch":"shallow","options":{"types":"entity"}}' or an array.
Known architectures: ${archNames().join(", ")}.

options:
  --archs SPECS      architectures (text or JSON)
  --grid GRID        a grid: option values with | alternatives expand to every combination,
                     e.g. 'all-category-no-attr:exclude=hubs|none,dropMissing=true|false,types=field|entity'
                     (8 architectures); several grids separated by ';'. Adds to --archs.
  --intervals LIST   interval lengths (default 1h), e.g. 1h,30m
  --scores LIST      detectors reported (default ${DEFAULT_DETECTOR}; 'all' for every one): ${DETECTOR_NAMES.join(", ")}
  --start ISO, --end ISO   time frame (default: the partitions' span)
  --train START/END, --test START/END   spans, as for 'lanl detect'
  --preset P, --roles K    roles options, as for 'lanl detect'
  --jobs N           worker threads of each stage (default: cores)
${ENGINE_USAGE}
  --name STEM        results file stem (default results)
  --force            evaluate again even when a verified record exists
  --json             print the rows as JSON
  --quiet            no progress bar
  -h, --help         this help
`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: NAME,
    usage: USAGE,
    positionals: 1,
    positionalName: "data folder",
    options: {
      archs: { type: "string" },
      grid: { type: "string" },
      intervals: { type: "string" },
      scores: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      train: { type: "string" },
      test: { type: "string" },
      preset: { type: "string" },
      roles: { type: "string" },
      jobs: { type: "string" },
      ...ENGINE_OPTION_TABLE,
      name: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usageError = countOptionError(NAME, { jobs: v.jobs, roles: v.roles }) ?? choiceOptionError(NAME, "preset", v.preset, ["graphrole", "llnl"]);
  if (usageError !== undefined) {
    process.stderr.write(`${usageError}\n`);
    return 2;
  }
  if (v.archs === undefined && v.grid === undefined) {
    process.stderr.write(`${NAME}: give --archs or --grid\n\n${USAGE}`);
    return 2;
  }
  let specs: ArchSpecValue[];
  try {
    specs = [...(v.archs !== undefined ? parseArchSpecs(v.archs) : []), ...(v.grid !== undefined ? expandGrid(v.grid) : [])];
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 2;
  }
  let scores: DetectorName[] | undefined;
  if (v.scores !== undefined) {
    scores = v.scores === "all" ? [...DETECTOR_NAMES] : (listOption(v.scores) as DetectorName[]);
    const bad = scores.find((s) => !DETECTOR_NAMES.includes(s));
    if (bad !== undefined) {
      process.stderr.write(`${NAME}: --scores: unknown score '${bad}'; expected ${DETECTOR_NAMES.join(", ")} or all\n`);
      return 2;
    }
  }
  // The engine first: an unreachable Redis fails here, before anything is written.
  const opened = await commandEngine(NAME, v);
  if (typeof opened === "number") return opened;
  const { engine } = opened;
  try {
    const r = await compare(positionals[0]!, {
      archs: specs,
      intervals: v.intervals === undefined ? undefined : listOption(v.intervals),
      scores,
      start: v.start,
      end: v.end,
      train: v.train,
      test: v.test,
      preset: v.preset as RefexPreset | undefined,
      roles: v.roles === undefined ? undefined : Number(v.roles),
      jobs: v.jobs === undefined ? undefined : Number(v.jobs),
      engine,
      name: v.name,
      force: v.force,
      quiet: v.quiet,
    });
    if (v.json) {
      const configs = r.configs.map((c) => ({ arch: c.rows[0]?.arch, interval: c.interval, archFolder: c.plan.archFolder, experimentDir: c.plan.experimentDir, scoresDir: c.scoresDir, cached: c.cached, seconds: c.seconds }));
      process.stdout.write(JSON.stringify({ parquet: r.parquetPath, csv: r.csvPath, seconds: r.seconds, configs, rows: r.rows }, null, 1) + "\n");
    } else {
      const cached = r.configs.filter((c) => c.cached).length;
      process.stdout.write(`${r.configs.length} configurations (${cached} fully cached) in ${r.seconds.toFixed(1)} s; table: ${r.parquetPath} and .csv\n`);
      process.stdout.write("detector rows sorted by entity-interval AP; R@k/d = recall at k alerts per day; V/int, E/int = mean vertices, edges per interval; s-* = stage seconds (- = built outside compare)\n\n");
      process.stdout.write(formatCompare(r.rows));
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await engine?.close();
  }
}
