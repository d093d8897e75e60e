/**
 * `telemetry-lab lanl roles DIR [options]`: the per-interval embedding stage after
 * `lanl graphs` — ReFeX features with a list fixed on the training span, a RolX basis
 * fitted once on the training vertices, role memberships of every interval on that basis.
 * Thin wrapper over `embedRoles` (`src/embedding/pipeline/pipeline.ts`).
 */
import { commandEngine, ENGINE_OPTION_TABLE, ENGINE_USAGE } from "../engine-options.js";
import { choiceOptionError, countOptionError, parseCommand } from "../args.js";
import { ARCH_OPTION_TABLE, archOptionsOf } from "./arch-options.js";
import { archNames } from "../../graph/arch/registry.js";
import { formatCount } from "../../notebook/progress.js";
import { embedRoles, ROLES_DEFAULTS, type RolesRun } from "../../embedding/pipeline/pipeline.js";
import { DEFAULTS } from "../../graph/pipeline/pipeline.js";
import type { RefexPreset } from "../../embedding/refex.js";

const NAME = "telemetry-lab lanl roles";

const USAGE = `usage: ${NAME} DIR [options]

For every interval graph of the experiment (built first by 'lanl graphs' when missing):
ReFeX features with one feature list fixed on the training span, a RolX role basis fitted
once on the training span's vertices (stacked), and each interval's role memberships by
projection on that fixed basis. Writes, beside the graphs:
  <experiment>/features/feature-list.json, <start>.parquet  (node, <features>)
  <experiment>/roles/model.json, <start>.parquet            (node, role_0..role_{K-1}, role, scale, residual)
  <experiment>/roles/summary.json                           (role mass per interval)
Parallel over intervals; killed and rerun, it resumes and trusts only verified tables.

options:
  --interval D       interval length: 1h, 30m, 1d, P0DT1H0M0S (default ${DEFAULTS.interval})
  --start ISO        time frame start (default: first partition file)
  --end ISO          time frame end, exclusive (default: end of the last partition file)
  --arch NAME        graph architecture (default ${DEFAULTS.arch}); known: ${archNames().join(", ")}
  --train START/END  training span for the feature list and the basis (default: the frame's first day)
  --preset P         graphrole | llnl (default ${ROLES_DEFAULTS.preset})
  --roles K          number of roles (default: chosen by MDL)
  --fit-rows N       at most N training rows in the role fit, even stride (default ${ROLES_DEFAULTS.fitRows})
  --transform T      nnls (default: exact per vertex) | mu (sklearn's NMF.transform)
  --seed N           seed of the role fit (default ${ROLES_DEFAULTS.seed})
  --jobs N           worker threads (default: number of cores; 0 = no workers)
${ENGINE_USAGE}
  --types T, --drop-missing, --exclude LIST, --bins LIST   architecture options, as for 'lanl graphs'
  --json             print the summary as JSON
  --quiet            no progress bar
  -h, --help         this help
`;

/** The run as a short table. */
export function formatRolesRun(run: RolesRun): string {
  const b = run.basis;
  const v = run.intervals.map((s) => s.rows);
  const rows: Array<[string, string]> = [
    ["features", `${run.featuresDir} (${run.featureList.features.length} features, list fixed on ${b.train.start}/${b.train.end})`],
    ["roles", `${run.rolesDir}`],
    ["basis", `${b.roles} roles, ${b.bits} bits (${b.preset}), NMF relative error ${b.nmfRelErr.toPrecision(4)}, fitted on ${formatCount(b.train.fitRows)} of ${formatCount(b.train.rows)} training rows`],
    ["intervals", `${run.intervals.length} (${run.written} tables written, ${run.reused} verified from an earlier run)`],
    ["vertices", `${formatCount(v.reduce((a, x) => a + x, 0))} vertex-intervals in ${run.seconds.toFixed(1)} s`],
  ];
  return rows.map(([k, val]) => `${k.padEnd(10)} ${val}`).join("\n") + "\n";
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
      train: { type: "string" },
      preset: { type: "string" },
      roles: { type: "string" },
      "fit-rows": { type: "string" },
      seed: { type: "string" },
      transform: { type: "string" },
      jobs: { type: "string" },
      ...ENGINE_OPTION_TABLE,
      ...ARCH_OPTION_TABLE,
      json: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usageError =
    countOptionError(NAME, { jobs: v.jobs, roles: v.roles, "fit-rows": v["fit-rows"], seed: v.seed }) ??
    choiceOptionError(NAME, "preset", v.preset, ["graphrole", "llnl"]) ??
    choiceOptionError(NAME, "transform", v.transform, ["nnls", "mu"]);
  if (usageError !== undefined) {
    process.stderr.write(`${usageError}\n`);
    return 2;
  }
  const archOptions = archOptionsOf(v);
  const num = (x: string | undefined): number | undefined => (x === undefined ? undefined : Number(x));
  // The engine first: an unreachable Redis fails here, before anything is written.
  const opened = await commandEngine(NAME, v);
  if (typeof opened === "number") return opened;
  const { engine } = opened;
  try {
    const result = await embedRoles(positionals[0]!, {
      interval: v.interval,
      start: v.start,
      end: v.end,
      arch: v.arch,
      archOptions,
      train: v.train,
      preset: v.preset as RefexPreset | undefined,
      roles: num(v.roles),
      fitRows: num(v["fit-rows"]),
      seed: num(v.seed),
      transform: v.transform as "nnls" | "mu" | undefined,
      jobs: num(v.jobs),
      engine,
      quiet: v.quiet,
    });
    if (v.json) {
      const { featuresDir, rolesDir, featureList, basis, intervals, written, reused, seconds } = result;
      const { F, ...model } = basis;
      process.stdout.write(JSON.stringify({ featuresDir, rolesDir, features: featureList.features, model: { ...model, F: { rows: F.rows, cols: F.cols } }, written, reused, seconds, intervals }, null, 1) + "\n");
    } else {
      process.stdout.write(formatRolesRun(result));
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await engine?.close();
  }
}
