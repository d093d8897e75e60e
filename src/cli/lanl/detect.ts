/**
 * `telemetry-lab lanl detect DIR [options]`: every stage still missing (partitions, graphs,
 * features, roles), the role-dynamics scores of every (vertex, interval), and the evaluation
 * against the red-team labels beside the trivial controls. Thin wrapper over `detect`
 * (`src/evaluation/detect.ts`).
 */
import { commandEngine, ENGINE_OPTION_TABLE, ENGINE_USAGE } from "../engine-options.js";
import { choiceOptionError, countOptionError, parseCommand } from "../args.js";
import { archNames } from "../../graph/arch/registry.js";
import { DEFAULTS } from "../../graph/pipeline/pipeline.js";
import { ROLES_DEFAULTS } from "../../embedding/pipeline/pipeline.js";
import type { RefexPreset } from "../../embedding/refex.js";
import { DEFAULT_DETECTOR, DETECTORS, DETECTOR_NAMES, detect, formatDetect, type DetectorName } from "../../evaluation/detect.js";
import { ARCH_OPTION_TABLE, archOptionsOf } from "./arch-options.js";

const NAME = "telemetry-lab lanl detect";

const USAGE = `usage: ${NAME} DIR [options]

Runs every stage still missing (partition, graphs, features, roles with the basis fitted on
the training span), scores every (vertex, interval) with each detector, writes the score
tables as Parquet beside the roles (<experiment>/scores/<start>.parquet), and, when
DIR/raw/redteam.txt.gz exists, prints the evaluation: every detector beside the trivial
controls, per unit (entity-interval overall and per role, interval, event, edge-snapshot),
with AP, ROC AUC and recall/precision at alert budgets per day (10, 100) and per hour (3, 5, 10).
Resumable: verified tables are reused.

options:
  --interval D       interval length (default ${DEFAULTS.interval})
  --start ISO, --end ISO   time frame (default: the partitions' span)
  --arch NAME        graph architecture (default ${DEFAULTS.arch}); known: ${archNames().join(", ")}
  --train START/END  training span (default: from the start to the interval before the first
                     red-team label; the first two days without labels)
  --test START/END   test span (default: from the end of the training span to the end)
  --score NAME       headline detector, exported by --scores-csv (default ${DEFAULT_DETECTOR}):
${DETECTOR_NAMES.map((d) => `                       ${d}: ${DETECTORS[d]}`).join("\n")}
  --scores-csv FILE  write interval,vertex,score of the headline detector over the test span
                     (gzipped when FILE ends in .gz)
  --preset P         graphrole | llnl (default ${ROLES_DEFAULTS.preset})
  --roles K          number of roles (default: MDL)
  --jobs N           worker threads for graphs, features and roles (default: cores)
${ENGINE_USAGE}
  --no-evaluate      scores only
  --types T, --drop-missing, --exclude LIST, --bins LIST   architecture options, as for 'lanl graphs'
  --json             print the evaluation as JSON
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
      interval: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      arch: { type: "string" },
      train: { type: "string" },
      test: { type: "string" },
      score: { type: "string" },
      "scores-csv": { type: "string" },
      preset: { type: "string" },
      roles: { type: "string" },
      jobs: { type: "string" },
      ...ENGINE_OPTION_TABLE,
      "no-evaluate": { type: "boolean" },
      ...ARCH_OPTION_TABLE,
      json: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v, positionals } = parsed;
  const usageError =
    countOptionError(NAME, { jobs: v.jobs, roles: v.roles }) ??
    choiceOptionError(NAME, "score", v.score, DETECTOR_NAMES) ??
    choiceOptionError(NAME, "preset", v.preset, ["graphrole", "llnl"]);
  if (usageError !== undefined) {
    process.stderr.write(`${usageError}\n`);
    return 2;
  }
  // The engine first: an unreachable Redis fails here, before anything is written.
  const opened = await commandEngine(NAME, v);
  if (typeof opened === "number") return opened;
  const { engine } = opened;
  try {
    const r = await detect(positionals[0]!, {
      interval: v.interval,
      start: v.start,
      end: v.end,
      arch: v.arch,
      archOptions: archOptionsOf(v),
      train: v.train,
      test: v.test,
      score: v.score as DetectorName | undefined,
      scoresCsv: v["scores-csv"],
      preset: v.preset as RefexPreset | undefined,
      roles: v.roles === undefined ? undefined : Number(v.roles),
      jobs: v.jobs === undefined ? undefined : Number(v.jobs),
      engine,
      evaluate: !v["no-evaluate"],
      quiet: v.quiet,
    });
    if (v.json) {
      process.stdout.write(JSON.stringify({ scoresDir: r.scoresDir, train: r.train, test: r.test, score: r.score, written: r.written, reused: r.reused, csvRows: r.csvRows, evaluation: r.evaluation, artefacts: r.artefacts, seconds: r.seconds }, null, 1) + "\n");
    } else {
      const lines = [
        `scores     ${r.scoresDir} (${r.written} tables written, ${r.reused} verified from an earlier run)`,
        `train      ${r.train.start} .. ${r.train.end} (roles basis: ${r.roles.basis.roles} roles, fitted on this span)`,
        `test       ${r.test.start} .. ${r.test.end}`,
        `headline   ${r.score}: ${DETECTORS[r.score]}`,
      ];
      if (r.csvRows !== undefined) lines.push(`scores csv ${v["scores-csv"]} (${r.csvRows} rows)`);
      process.stdout.write(lines.join("\n") + "\n");
      if (r.evaluation !== undefined) {
        const e = r.evaluation;
        process.stdout.write(`\nevaluation: ${e.labels} red-team labels in ${e.positiveIntervals} of ${e.intervals} test intervals; rows sorted by entity-interval AP, controls prefixed control:\n`);
        process.stdout.write(formatDetect(r));
        if (r.artefacts !== undefined) process.stdout.write(`\nlabel artefacts: ${JSON.stringify(r.artefacts)}\n`);
      } else {
        process.stdout.write("no red-team labels (DIR/raw/redteam.txt.gz): scores only\n");
      }
    }
    return 0;
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await engine?.close();
  }
}
