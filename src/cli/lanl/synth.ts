/**
 * `telemetry-lab lanl synth`: writes a realistic synthetic LANL cyber1-like data set
 * (see `src/lanl/synth/generate.ts` and `datasets/lanl.md`).
 */
import { describeFsError, isSystemError } from "../../io/fs-error.js";
import { parseCommand } from "../args.js";
import { generate, GENERATE_DEFAULTS } from "../../lanl/synth/generate.js";
import { DEFAULTS, SYNTH_STREAMS, type SynthStream } from "../../lanl/synth/calendar.js";
import type { RedteamCalendar } from "../../lanl/synth/redteam.js";

const HELP = `usage: telemetry-lab lanl synth --out DIR [options]

Writes DIR/raw/{auth,proc,flows,dns,redteam}.txt.gz in LANL cyber1's formats, and
DIR/synth.json (parameters, population, campaign, counts).

options:
  --out DIR            output folder (required)
  --days D             days to generate (default ${DEFAULTS.days})
  --scale S            volume as a fraction of real LANL per-day volumes (default ${DEFAULTS.scale};
                       1 = real per-day volumes, about 31 M events/day; populations scale with sqrt(S))
  --seed N             random seed (default ${DEFAULTS.seed})
  --start-day K        first day's index; times start at K*86400 (default ${DEFAULTS.startDay})
  --redteam CAL        campaign calendar: late (last 40% of the days; default), lanl (the
                       real campaign days 1-29), none
  --attack-scale F     multiply the red-team labels per campaign day (default 1 = real counts,
                       up to 55 per hour; e.g. 0.1 for a rarer, harder-to-see campaign)
  --redteam-file FILE  embed a red-team file in LANL's format (time,user@domain,src,dst; plain
                       or gzip; e.g. LANL's redteam.txt.gz) instead of a modelled campaign: its
                       events become NTLM network logons at their real times, its users and
                       computers get background activity, and its labels within the generated
                       days go to redteam.txt.gz (LANL's are on days 1-29). Not with --redteam
                       or --attack-scale
  --gaps G             lanl: no flows on days 24-25, 30-35 and 37-57, as in LANL cyber1
                       (default); none: every stream on every day
  --byte-order         within each second, write lines in byte order as LANL's files are
                       (default: generation order, about 25% faster; both sorted by time)
  --streams LIST       comma-separated subset of ${SYNTH_STREAMS.join(",")} (default all)
  --workers N          worker threads (default: cores, at most 4; 0 = in-process)
  --gzip-level L       gzip level of the event files, 1-9 (default ${GENERATE_DEFAULTS.gzipLevel}, for speed)
  --quiet              no progress bar
  -h, --help           this help
`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: "telemetry-lab lanl synth",
    usage: HELP,
    positionals: 0,
    options: {
      out: { type: "string" },
      days: { type: "string" },
      scale: { type: "string" },
      seed: { type: "string" },
      "start-day": { type: "string" },
      redteam: { type: "string" },
      "attack-scale": { type: "string" },
      "redteam-file": { type: "string" },
      "byte-order": { type: "boolean" },
      gaps: { type: "string" },
      streams: { type: "string" },
      workers: { type: "string" },
      "gzip-level": { type: "string" },
      quiet: { type: "boolean" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const values: Record<string, string | boolean | undefined> = parsed.values;
  if (typeof values.out !== "string") {
    process.stderr.write(`telemetry-lab lanl synth: --out DIR is required\n\n${HELP}`);
    return 2;
  }
  if (values["redteam-file"] !== undefined) {
    for (const flag of ["redteam", "attack-scale"]) {
      if (values[flag] !== undefined) {
        process.stderr.write(`telemetry-lab lanl synth: --${flag} and --redteam-file cannot be used together: the file's events replace the modelled campaign\n`);
        return 2;
      }
    }
  }
  const num = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) {
      throw new Error(`telemetry-lab/lanl/synth: --${name} must be a number, got '${String(v)}'`);
    }
    return n;
  };
  try {
    const result = await generate({
      out: values.out,
      days: num("days"),
      scale: num("scale"),
      seed: num("seed"),
      startDay: num("start-day"),
      attackScale: num("attack-scale"),
      byteOrder: values["byte-order"] === true ? true : undefined,
      gaps: values.gaps as "lanl" | "none" | undefined,
      redteam: values.redteam as RedteamCalendar | undefined,
      redteamFile: typeof values["redteam-file"] === "string" ? values["redteam-file"] : undefined,
      streams: typeof values.streams === "string" ? (values.streams.split(",").map((s) => s.trim()) as SynthStream[]) : undefined,
      workers: num("workers"),
      gzipLevel: num("gzip-level"),
      quiet: values.quiet === true,
    });
    const rows = Object.entries(result.files).map(
      ([name, f]) => `  ${name.padEnd(8)} ${f.lines.toLocaleString("en-US").padStart(14)} lines ${(f.bytes / 1e6).toFixed(1).padStart(9)} MB  ${f.path}`,
    );
    process.stdout.write(
      [
        `wrote ${values.out}/raw (days ${result.options.startDay}..${result.options.startDay + result.options.days - 1}, scale ${result.options.scale}, seed ${result.options.seed})`,
        ...rows,
        ...(result.redteamFile
          ? [
              `  red team from ${result.redteamFile.name}: ${result.redteamFile.embedded} of its ${result.redteamFile.labels} labels embedded; ` +
                `${result.redteamFile.before + result.redteamFile.after} outside the generated days (${result.redteamFile.before} before, ${result.redteamFile.after} after)`,
            ]
          : []),
        `  ${result.events.toLocaleString("en-US")} events in ${result.seconds.toFixed(1)} s = ${(result.eventsPerSecond / 1e6).toFixed(2)} M events/s`,
        "",
      ].join("\n"),
    );
    return 0;
  } catch (err) {
    // System errors (a file where the output folder should be, no space left, ...) in words.
    process.stderr.write(`${isSystemError(err) ? `telemetry-lab lanl synth: ${describeFsError(err)}` : (err as Error).message}\n`);
    return 1;
  }
}
