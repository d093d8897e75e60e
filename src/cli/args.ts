/**
 * Command-line parsing shared by the `telemetry-lab` commands: node's
 * `util.parseArgs`, plus the conventions every command follows —
 * `-h/--help` prints the usage on stdout and exits 0; a usage error prints one
 * line on stderr (the command, the problem, and a pointer to `--help`) and exits 2;
 * the positional arguments are counted. A negative number after an option that
 * takes a value is that value (`--days -1` reads as `--days=-1`, which parseArgs
 * alone calls ambiguous), so that the command's own check can say what is allowed.
 */
import { parseArgs } from "node:util";

/** The option table of a command, as `util.parseArgs` takes it. */
export type OptionTable = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

/** What a command declares. */
export interface CommandSpec<O extends OptionTable> {
  /** The command as typed, e.g. "telemetry-lab lanl partition" (prefixes messages). */
  name: string;
  /** The full usage text. */
  usage: string;
  /** Options; `help` (`-h`) is added. */
  options: O;
  /** Number of positional arguments: exact, or [min, max]. Default 0. */
  positionals?: number | readonly [number, number];
  /** What the positionals are, for the error message. Default "argument". */
  positionalName?: string;
}

/** The parsed options and positionals of a command. */
export type Parsed<O extends OptionTable> = ReturnType<typeof parseArgs<{ args: string[]; options: O & { help: { type: "boolean"; short: "h" } }; allowPositionals: true; strict: true }>>;

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

/**
 * Parses `argv` against `spec`. Returns the parsed values, or the exit code to
 * return at once (0 after `--help`, 2 after a usage error, both already printed).
 *
 * @example
 * const p = parseCommand(["DIR", "--jobs", "2"], { name: "x", usage: "usage: x DIR", options: { jobs: { type: "string" } }, positionals: 1 });
 * typeof p === "number" ? p : [p.positionals, p.values.jobs] // [["DIR"], "2"]
 */
export function parseCommand<O extends OptionTable>(argv: string[], spec: CommandSpec<O>): Parsed<O> | number {
  const usage = withNewline(spec.usage);
  const help = `see '${spec.name} --help'`;
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: negativeValuesInline(argv, spec.options),
      options: { ...spec.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }) as Parsed<O>;
  } catch (err) {
    process.stderr.write(`${spec.name}: ${usageErrorText(err as Error & { code?: string })} (${help})\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return 0;
  }
  const [min, max] = typeof spec.positionals === "number" ? [spec.positionals, spec.positionals] : spec.positionals ?? [0, 0];
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    const what = spec.positionalName ?? "argument";
    const expected = min === max ? (min === 0 ? "no positional argument" : `${min === 1 ? "one" : min} ${what}${min === 1 ? "" : "s"}`) : `${min} to ${max} ${what}s`;
    process.stderr.write(`${spec.name}: expected ${expected}, got ${n}${n ? ` (${parsed.positionals.join(" ")})` : ""} (${help})\n`);
    return 2;
  }
  return parsed;
}

const NEGATIVE_NUMBER = /^-\d+(?:\.\d+)?$/;

/**
 * `argv` with `--name -1` (and `-n -1`) joined into `--name=-1` when `name` takes a value.
 *
 * @example
 * negativeValuesInline(["--days", "-1"], { days: { type: "string" } }) // ["--days=-1"]
 */
export function negativeValuesInline(argv: readonly string[], options: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    let long: string | undefined;
    if (arg.startsWith("--") && !arg.includes("=")) long = arg.slice(2);
    else if (/^-[A-Za-z]$/.test(arg)) long = Object.keys(options).find((k) => options[k]!.short === arg.slice(1));
    if (long !== undefined && options[long]?.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${long}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs' error, shortened to one line in the toolkit's words. */
function usageErrorText(err: Error & { code?: string }): string {
  const first = err.message.split("\n")[0]!;
  const unknown = /^Unknown option '([^']+)'/.exec(first);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '([^' ]+)[^']*' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  const positional = /^Unexpected argument '([^']+)'/.exec(first);
  if (positional) return `unexpected argument '${positional[1]}'`;
  return first.replace(/\.$/, "");
}

/** Options of {@link integerOption}. */
export interface IntegerOptionOptions {
  /** Smallest accepted value. Default 0. */
  min?: number;
  /** Largest accepted value. Default Number.MAX_SAFE_INTEGER. */
  max?: number;
}

/**
 * Reads an integer option (`undefined` when absent); throws
 * `<command>: --<name> must be an integer in [min, max], got '<value>'`.
 *
 * @example
 * integerOption("telemetry-lab lanl partition", "jobs", "2") // 2
 */
export function integerOption(command: string, name: string, value: string | undefined, options: IntegerOptionOptions = {}): number | undefined {
  if (value === undefined) return undefined;
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const unboundedAbove = max === Number.MAX_SAFE_INTEGER;
    const range =
      min <= Number.MIN_SAFE_INTEGER && unboundedAbove
        ? "an integer"
        : unboundedAbove
          ? min === 0
            ? "a non-negative integer"
            : `an integer >= ${min}`
          : `an integer in [${min}, ${max}]`;
    throw new Error(`${command}: --${name} must be ${range}, got '${value}'`);
  }
  return n;
}

/** Splits a comma-separated list option, dropping empty items. */
export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * The usage error of the first option in `options` that is set and is not a non-negative
 * integer, or undefined when all are fine.
 *
 * @example
 * countOptionError("telemetry-lab lanl roles", { jobs: "2", roles: "x" });
 * // "telemetry-lab lanl roles: --roles must be a non-negative integer, got 'x'"
 */
export function countOptionError(command: string, options: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !/^\d+$/.test(value)) return `${command}: --${name} must be a non-negative integer, got '${value}'`;
  }
  return undefined;
}

/**
 * The usage error of an option that is set to none of `choices`, or undefined.
 *
 * @example
 * choiceOptionError("telemetry-lab embed roles", "preset", "x", ["graphrole", "llnl"]);
 * // "telemetry-lab embed roles: --preset must be graphrole or llnl, got 'x'"
 */
export function choiceOptionError(command: string, name: string, value: string | undefined, choices: readonly string[]): string | undefined {
  if (value === undefined || choices.includes(value)) return undefined;
  const expected = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(", ")}`;
  return `${command}: --${name} must be ${expected}, got '${value}'`;
}
