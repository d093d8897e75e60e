/**
 * `telemetry-lab peaks synth`: writes a synthetic telemetry feed and its
 * ground-truth sidecar (see `src/peaks/synth.ts` for the model). The `peaks`
 * group dispatches `peaks synth ...` here.
 */
import { integerOption, parseCommand } from "./args.js";
import { DEFAULTS, writeFeed, type SynthFields, type SynthFormat, type SynthSchema } from "../peaks/synth.js";
import { createProgress } from "../notebook/progress.js";

const HELP = `usage: telemetry-lab peaks synth --out DIR|FILE [options]

Writes a synthetic telemetry feed for the peak analyzer, deterministic per seed,
plus a ground-truth sidecar listing the injected waves.

  --out PATH         folder (writes telemetry.json + truth/waves.json, or network.json +
                     truth/network-waves.json), or a file ending in .json, .jsonl,
                     .json.gz or .jsonl.gz (sidecar truth/<name>.waves.json beside it);
                     the answer key is kept out of reach of a feed glob such as '*.json'
  --schema S         file (task.severity x file.llfile_type, sample file.sha1) or
                     network (event.impact x threat.name.keyword, sample event.id);
                     default ${DEFAULTS.schema}
  --days N           number of UTC days (default ${DEFAULTS.days})
  --start DATE       first day, YYYY-MM-DD (default ${DEFAULTS.start})
  --seed N           PRNG seed (default ${DEFAULTS.seed})
  --records N        exact number of records (default: about --daily-volume x days)
  --daily-volume N   mean records per day without waves (default ${DEFAULTS.file.dailyVolume} file,
                     ${DEFAULTS.network.dailyVolume} network)
  --types N          number of file types / threats (default ${DEFAULTS.file.types} file, ${DEFAULTS.network.types} network)
  --waves N          number of injected waves, 0 for a clean feed (default ${DEFAULTS.waves})
  --initial-days N   days kept free of waves: the initial global window (default ${DEFAULTS.initialDays})
  --fields F         full (every field of the original's example files) or core
                     (index, dimensions, cross dimensions only); default ${DEFAULTS.fields}
  --format F         json (one top-level array, the original's format) or jsonl;
                     default from --out's extension, else json
  --gzip             gzip the feed (default from --out's extension)
  --quiet            no progress bar
  -h, --help         this help

Example: telemetry-lab peaks synth --out data/peaks
         telemetry-lab peaks synth --out data/bench/feed-1m.jsonl.gz --records 1000000 --fields core
`;

function intOption(value: string | undefined, name: string): number | undefined {
  return integerOption("telemetry-lab/cli/peaks-synth", name, value, { min: Number.MIN_SAFE_INTEGER });
}

/** Runs `peaks synth` with `argv` (the arguments after `synth`); returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: "telemetry-lab peaks synth",
    usage: HELP,
    positionals: 0,
    options: {
      out: { type: "string" },
      schema: { type: "string" },
      days: { type: "string" },
      start: { type: "string" },
      seed: { type: "string" },
      records: { type: "string" },
      "daily-volume": { type: "string" },
      types: { type: "string" },
      waves: { type: "string" },
      "initial-days": { type: "string" },
      fields: { type: "string" },
      format: { type: "string" },
      gzip: { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const v = parsed.values;
  if (v.out === undefined) {
    process.stderr.write(`telemetry-lab peaks synth: --out is required\n\n${HELP}`);
    return 2;
  }
  try {
    const schema = (v.schema ?? DEFAULTS.schema) as SynthSchema;
    const format = v.format as SynthFormat | undefined;
    if (format !== undefined && format !== "json" && format !== "jsonl") {
      throw new Error(`telemetry-lab/cli/peaks-synth: --format must be json or jsonl, got '${format}'`);
    }
    const records = intOption(v.records, "records");
    const progress = createProgress({ label: "peaks synth", unit: "records", quiet: v.quiet === true });
    const started = Date.now();
    const summary = await writeFeed({
      out: v.out,
      schema,
      days: intOption(v.days, "days"),
      start: v.start,
      seed: intOption(v.seed, "seed"),
      records,
      dailyVolume: intOption(v["daily-volume"], "daily-volume"),
      types: intOption(v.types, "types"),
      waves: intOption(v.waves, "waves"),
      initialDays: intOption(v["initial-days"], "initial-days"),
      fields: v.fields as SynthFields | undefined,
      format,
      gzip: v.gzip,
      onProgress: (done, total) => {
        progress.setTotal(total);
        progress.update(done);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    progress.finish(`${summary.records} records in ${seconds.toFixed(1)} s`);
    const lines = [
      `wrote ${summary.feed} (${summary.records} records, ${summary.bytes} bytes, ${summary.format}${summary.gzip ? ", gzip" : ""}) in ${seconds.toFixed(2)} s`,
      `wrote ${summary.sidecar}`,
      ...summary.plan.waves.map(
        (w) => `  wave: ${w.dim0} / ${w.dim1} on ${w.date}: ${w.submissions} submissions, ${w.samples} samples (normal day: ${w.baselineSubmissions})`,
      ),
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}
