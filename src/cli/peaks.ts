/**
 * `telemetry-peak-analyzer` / `telemetry-lab peaks`: the drop-in replacement of VMware's Python
 * `telemetry-peak-analyzer` command (same options, defaults, log lines, files and exit codes:
 * spec `peak-analyzer.md` §7-§8), plus `--tz`, `--now`, `--skip-bad-records`, and `-s`/`-e`
 * alone combined with `-d`. `peaks synth ...` runs the feed generator.
 *
 * Options are parsed like Python argparse (short options glued or separate, `--long=value`,
 * unique prefixes of long options, last occurrence wins); usage errors exit with 2.
 */
import { basename } from "node:path";
import { ANALYZER_NAMES, analyzerByName } from "../peaks/analyzers.js";
import { analyze } from "../peaks/analyzer.js";
import { formatLogLine } from "../peaks/log.js";
import { WallClock, parseDate, parseInstant, validateZone } from "../peaks/wallclock.js";
import { InvalidIntervalError } from "../peaks/window.js";
import { createProgress, type Progress } from "../notebook/progress.js";

interface OptionSpec {
  short?: string;
  long: string;
  dest: string;
  metavar?: string;
  flag?: boolean;
  help: string;
}

const OPTIONS: OptionSpec[] = [
  { short: "-c", long: "--config-file", dest: "config", metavar: "CONFIG_FILE", help: "ini file read by the Elasticsearch backends (default: ./data/config.ini; ignored by JsonBackend)" },
  { short: "-s", long: "--start-date", dest: "start", metavar: "START_DATE", help: "local window start date, YYYY-MM-DD (00:00 in --tz)" },
  { short: "-e", long: "--end-date", dest: "end", metavar: "END_DATE", help: "local window end date, YYYY-MM-DD, exclusive" },
  { short: "-d", long: "--delta", dest: "delta", metavar: "DELTA", help: "window length in days when -s/-e are not both given (default: 1)" },
  { short: "-k", long: "--delay", dest: "delay", metavar: "DELAY", help: "days the window end is moved back from today (default: 0)" },
  { short: "-t", long: "--threshold", dest: "threshold", metavar: "THRESHOLD", help: "submission threshold overriding every suggested threshold (0 = not set)" },
  { short: "-a", long: "--analyzer", dest: "analyzer", metavar: "ANALYZER", help: "analyzer: telemetry_peak_analyzer.analyzers.FileTypePeakAnalyzer (default) or ...NetworkTypePeakAnalyzer; short names FileTypePeakAnalyzer, NetworkTypePeakAnalyzer, file, network" },
  { short: "-b", long: "--backend-class", dest: "backend", metavar: "BACKEND_CLASS", help: "backend: telemetry_peak_analyzer.backends.JsonBackend (default; short names JsonBackend, json)" },
  { short: "-n", long: "--backend-input", dest: "input", metavar: "BACKEND_INPUT", help: "(required) glob of JSON files: one top-level array, JSON Lines, or gzip of either; expanded in sorted order (quote it)" },
  { short: "-m", long: "--global-table", dest: "gst", metavar: "GLOBAL_TABLE", help: "global statistics table to load and save (default: global_table.json)" },
  { short: "-o", long: "--output-file", dest: "output", metavar: "OUTPUT_FILE", help: "write the peaks as JSON here" },
  { short: "-v", long: "--verbose", dest: "verbose", flag: true, help: "DEBUG log level" },
  { long: "--tz", dest: "tz", metavar: "ZONE", help: "IANA time zone in which days are cut (default: UTC; the original used the machine's zone)" },
  { long: "--now", dest: "now", metavar: "ISO-8601", help: "instant taken as 'now' for -d/-k windows and the backend-built global table (default: the clock)" },
  { long: "--skip-bad-records", dest: "skipBad", flag: true, help: "count, report and skip records with a missing field or a bad timestamp instead of failing" },
  { short: "-h", long: "--help", dest: "help", flag: true, help: "show this help message and exit" },
];

const JSON_BACKENDS = new Set(["telemetry_peak_analyzer.backends.JsonBackend", "JsonBackend", "json"]);
const TINA_BACKENDS = new Set([
  "telemetry_peak_analyzer.backends.tina.TinaBackend",
  "telemetry_peak_analyzer.backends.tina.NetworkTinaBackend",
  "TinaBackend",
  "NetworkTinaBackend",
  "tina",
]);

function progName(): string {
  const script = basename(process.argv[1] ?? "");
  return script.startsWith("telemetry-peak-analyzer") ? "telemetry-peak-analyzer" : "telemetry-lab peaks";
}

function usage(prog: string): string {
  const parts = OPTIONS.map((o) => {
    const name = o.short ?? o.long;
    const text = o.flag ? name : `${name} ${o.metavar}`;
    return o.dest === "input" ? text : `[${text}]`;
  });
  return `usage: ${prog} ${parts.join(" ")}`;
}

function help(prog: string): string {
  const lines = [
    usage(prog),
    "",
    "Detect peaks (waves of one file type, or of one threat) in telemetry feeds: a local statistics",
    "table of the window is compared with a global statistics table, which is then slid forward.",
    "Same options, log lines, files and exit codes as VMware's Python telemetry-peak-analyzer.",
    "",
    "options:",
    ...OPTIONS.map((o) => {
      const names = [o.short, o.long].filter(Boolean).map((n) => (o.flag ? n : `${n} ${o.metavar}`)).join(", ");
      return `  ${names}\n      ${o.help}`;
    }),
    "",
    "Differences from the original (documented):",
    "  - -s or -e given alone is combined with -d (start + d days, end - d days); the original ignored it.",
    "  - days are cut in --tz (default UTC), not the machine's zone; --tz <local zone> reproduces the original.",
    "  - -n globs are expanded in sorted order; JSON Lines and gzip are read too; each file is read once.",
    "  - an unreadable or corrupt global table is an error naming the file (left untouched);",
    "    a missing one still falls back to the backend; writes are atomic; missing folders are created.",
    "  - an -n pattern that matches no file is an error naming it (exit 1); the global table is left untouched.",
    "  - a record with a missing field or a bad timestamp is an error naming file, record and field",
    "    (exit 1), unless --skip-bad-records.",
    "",
    "exit codes: 0 ok; 1 error (bad input, bad global table, invalid interval, unknown analyzer/backend); 2 usage.",
    "",
    `  ${prog} synth ...   generate a synthetic feed (see '${prog} synth --help')`,
  ];
  return lines.join("\n");
}

class UsageError extends Error {}

type Parsed = Record<string, string | boolean | undefined>;

function findOption(arg: string): { spec: OptionSpec; inline?: string } | undefined {
  if (arg.startsWith("--")) {
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let spec = OPTIONS.find((o) => o.long === name);
    if (spec === undefined) {
      const matches = OPTIONS.filter((o) => o.long.startsWith(name));
      if (matches.length > 1) {
        throw new UsageError(`ambiguous option: ${name} could match ${matches.map((m) => m.long).join(", ")}`);
      }
      spec = matches[0];
    }
    if (spec === undefined) return undefined;
    return inline === undefined ? { spec } : { spec, inline };
  }
  if (arg.startsWith("-") && arg.length >= 2) {
    const spec = OPTIONS.find((o) => o.short === arg.slice(0, 2));
    if (spec === undefined) return undefined;
    return arg.length > 2 ? { spec, inline: arg.slice(2) } : { spec };
  }
  return undefined;
}

function optName(spec: OptionSpec): string {
  return [spec.short, spec.long].filter(Boolean).join("/");
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

/** Parses argv like argparse; throws UsageError. */
export function parsePeaksArgs(argv: readonly string[]): Parsed {
  const out: Parsed = {};
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      unknown.push(...argv.slice(i + 1));
      break;
    }
    const found = arg.startsWith("-") && !NEGATIVE_NUMBER.test(arg) ? findOption(arg) : undefined;
    if (found === undefined) {
      unknown.push(arg);
      continue;
    }
    const { spec, inline } = found;
    if (spec.flag) {
      if (inline !== undefined && spec.long && arg.startsWith("--")) throw new UsageError(`argument ${optName(spec)}: ignored explicit argument '${inline}'`);
      out[spec.dest] = true;
      if (inline !== undefined && !arg.startsWith("--")) {
        // glued short flags (-vh): re-scan the rest as short options
        argv = [...argv.slice(0, i + 1), `-${inline}`, ...argv.slice(i + 1)];
      }
      continue;
    }
    if (inline !== undefined) {
      out[spec.dest] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith("-") && next.length > 1 && !NEGATIVE_NUMBER.test(next))) {
      throw new UsageError(`argument ${optName(spec)}: expected one argument`);
    }
    out[spec.dest] = next;
    i += 1;
  }
  if (out.help) return out;
  if (unknown.length > 0) throw new UsageError(`unrecognized arguments: ${unknown.join(" ")}`);
  if (out.input === undefined) throw new UsageError("the following arguments are required: -n/--backend-input");
  return out;
}

/** Python `int(text)` as argparse's `type=int`. */
function parsePyInt(text: string, spec: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new UsageError(`argument ${spec}: invalid int value: '${text}'`);
  const n = Number(t.replace(/_/g, ""));
  if (!Number.isSafeInteger(n)) throw new UsageError(`argument ${spec}: invalid int value: '${text}'`);
  return n;
}

function parseCliDate(text: string | undefined, spec: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDate(text);
  if (ms === undefined) throw new UsageError(`argument ${spec}: invalid is_valid_date value: '${text}'`);
  return ms;
}

async function runSynth(argv: string[]): Promise<number> {
  const specifier = "./peaks-synth.js";
  let mod: { run?: (argv: string[]) => Promise<number> };
  try {
    mod = (await import(specifier)) as { run?: (argv: string[]) => Promise<number> };
  } catch (err) {
    process.stderr.write(`telemetry-lab peaks synth: the feed generator is not available (${(err as Error).message})\n`);
    return 1;
  }
  if (typeof mod.run !== "function") {
    process.stderr.write("telemetry-lab peaks synth: the feed generator module does not export run(argv)\n");
    return 1;
  }
  return mod.run(argv);
}

/**
 * Runs the command on `argv` (without node and script) and returns the exit code.
 *
 * @example
 * await run(["-n", "data/peaks/feed.jsonl.gz", "-s", "2021-09-01", "-e", "2021-09-02", "-o", "out/peaks.json"]);
 * // stderr: INFO -> [2026-11-21 21:00:00] [0052mb] Loading Peak Analyzer from 2021-09-01 00:00:00 to ...
 * // 0
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === "synth") return runSynth(argv.slice(1));
  const prog = progName();
  let args: Parsed;
  let start: number | undefined;
  let end: number | undefined;
  let delta = 1;
  let delay = 0;
  let threshold: number | undefined;
  let tz = "UTC";
  let now: number | undefined;
  try {
    args = parsePeaksArgs(argv);
    if (args.help) {
      process.stdout.write(help(prog) + "\n");
      return 0;
    }
    start = parseCliDate(args.start as string | undefined, "-s/--start-date");
    end = parseCliDate(args.end as string | undefined, "-e/--end-date");
    if (args.delta !== undefined) delta = parsePyInt(args.delta as string, "-d/--delta");
    if (args.delay !== undefined) delay = parsePyInt(args.delay as string, "-k/--delay");
    if (args.threshold !== undefined) threshold = parsePyInt(args.threshold as string, "-t/--threshold");
    if (args.tz !== undefined) {
      try {
        tz = validateZone(args.tz as string);
      } catch {
        throw new UsageError(`argument --tz: invalid time zone value: '${args.tz as string}'`);
      }
    }
    if (args.now !== undefined) {
      try {
        now = parseInstant(args.now as string);
      } catch {
        throw new UsageError(`argument --now: invalid ISO-8601 instant value: '${args.now as string}'`);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${usage(prog)}\n${prog}: error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // Errors the original raised before logging started (rc 1).
  if (start !== undefined && end !== undefined && end <= start) {
    process.stderr.write(`ValueError: ${new InvalidIntervalError(start, end).message}\n`);
    return 1;
  }
  const analyzerName = (args.analyzer as string | undefined) ?? "telemetry_peak_analyzer.analyzers.FileTypePeakAnalyzer";
  if (ANALYZER_NAMES[analyzerName] === undefined) {
    process.stderr.write(`${prog}: error: ${analyzerByNameError(analyzerName)}\n`);
    return 1;
  }
  const backendName = (args.backend as string | undefined) ?? "telemetry_peak_analyzer.backends.JsonBackend";
  if (TINA_BACKENDS.has(backendName)) {
    process.stderr.write(`${prog}: error: backend '${backendName}' needs VMware's private Elasticsearch client (tina-client) and is not available; use JsonBackend\n`);
    return 1;
  }
  if (!JSON_BACKENDS.has(backendName)) {
    process.stderr.write(`${prog}: error: unknown backend '${backendName}' (known: telemetry_peak_analyzer.backends.JsonBackend, JsonBackend, json)\n`);
    return 1;
  }

  const clock = new WallClock({ zone: tz });
  const level = "INFO";
  let progress: Progress | undefined;
  const endProgress = (): void => {
    if (progress !== undefined) {
      progress.finish();
      progress = undefined;
    }
  };
  try {
    await analyze({
      analyzer: analyzerByName(analyzerName),
      input: args.input as string,
      start,
      end,
      delta,
      delay,
      threshold,
      globalTable: (args.gst as string | undefined) ?? "global_table.json",
      output: args.output as string | undefined,
      now,
      tz,
      skipBadRecords: args.skipBad === true,
      log: (m) => {
        endProgress();
        process.stderr.write(formatLogLine(m, { level, clock }) + "\n");
      },
      onProgress: (records, bytes) => {
        progress ??= createProgress({ label: "peaks: reading records", unit: "records" });
        progress.update(records, bytes);
      },
    });
    endProgress();
    return 0;
  } catch (err) {
    endProgress();
    if (err instanceof InvalidIntervalError) {
      process.stderr.write(`ValueError: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`${prog}: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function analyzerByNameError(name: string): string {
  try {
    analyzerByName(name);
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}
