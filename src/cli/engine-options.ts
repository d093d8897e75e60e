/**
 * The engine options every per-interval LANL command takes (`lanl graphs`, `lanl roles`,
 * `lanl detect`, `lanl compare`): `--engine local|bullmq`, `--redis URL`, `--queue NAME`,
 * `--attempts N`, their help text, their checks, and the engine they open.
 */
import type { Engine } from "../engine/engine.js";
import { ENGINE_KINDS } from "../engine/engine.js";
import { BULLMQ_DEFAULTS } from "../engine/bullmq.js";
import { choiceOptionError, countOptionError } from "./args.js";

/** Environment variable read when `--redis` is not given (keeps a password out of `ps`). */
export const REDIS_ENV = "TELEMETRY_LAB_REDIS";

/** The Redis of the BullMQ engine when neither `--redis` nor the environment names one. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The `parseCommand` option table of the engine options. */
export const ENGINE_OPTION_TABLE = {
  engine: { type: "string" },
  redis: { type: "string" },
  queue: { type: "string" },
  attempts: { type: "string" },
} as const;

/** The parsed values of {@link ENGINE_OPTION_TABLE}. */
export interface EngineOptionValues {
  engine?: string;
  redis?: string;
  queue?: string;
  attempts?: string;
}

/** The help lines of the engine options. */
export const ENGINE_USAGE = `  --engine E         local: worker threads of this process (default); bullmq: jobs on a Redis
                     queue, run by 'telemetry-lab worker' processes (README: Running on a cluster)
  --redis URL        Redis of the bullmq engine: redis://[user:password@]host[:port][/db] or
                     rediss://... (TLS) (default: $${REDIS_ENV}, else ${DEFAULT_REDIS_URL})
  --queue NAME       BullMQ queue; the workers must listen on the same (default ${BULLMQ_DEFAULTS.queue})
  --attempts N       tries of a job before it counts as failed (default ${BULLMQ_DEFAULTS.attempts})`;

/**
 * The usage error of the engine options, or undefined.
 *
 * @example
 * engineOptionError("telemetry-lab lanl graphs", { engine: "dask" });
 * // "telemetry-lab lanl graphs: --engine must be local or bullmq, got 'dask'"
 */
export function engineOptionError(command: string, v: EngineOptionValues): string | undefined {
  const e = choiceOptionError(command, "engine", v.engine, ENGINE_KINDS) ?? countOptionError(command, { attempts: v.attempts });
  if (e !== undefined) return e;
  if (v.attempts !== undefined && Number(v.attempts) < 1) return `${command}: --attempts must be at least 1, got '${v.attempts}'`;
  if ((v.engine ?? "local") === "local") {
    for (const name of ["redis", "queue", "attempts"] as const) {
      if (v[name] !== undefined) return `${command}: --${name} needs --engine bullmq`;
    }
  }
  return undefined;
}

/**
 * The engine the options ask for: undefined for the local engine (each stage makes its
 * own, sized by `--jobs`), or a connected BullMQ engine (the caller closes it). Throws
 * one line naming the Redis URL, without its password, when it cannot connect.
 *
 * @example
 * const engine = await openEngine({ engine: "bullmq", redis: "redis://127.0.0.1:6390" });
 * engine?.describe(); // "bullmq (queue 'telemetry-lab' at redis://127.0.0.1:6390, 3 workers connected)"
 */
export async function openEngine(v: EngineOptionValues, log?: (line: string) => void): Promise<Engine | undefined> {
  if ((v.engine ?? "local") === "local") return undefined;
  const { connectBullmq } = await import("../engine/bullmq.js");
  const url = v.redis ?? process.env[REDIS_ENV] ?? DEFAULT_REDIS_URL;
  return connectBullmq(url, { queue: v.queue, attempts: v.attempts === undefined ? undefined : Number(v.attempts), log });
}

/**
 * What a command does with its engine options: checks them (usage error: exit code 2),
 * opens the engine (unreachable Redis: one line, exit code 1, before anything is
 * written), and says on standard error which engine runs, unless quiet.
 *
 * @example
 * const opened = await commandEngine("telemetry-lab lanl graphs", v);
 * if (typeof opened === "number") return opened; // the exit code; the line is printed
 * opened.engine; // undefined (local) or a connected BullMQ engine, closed by the caller
 */
export async function commandEngine(command: string, v: EngineOptionValues & { quiet?: boolean }): Promise<{ engine: Engine | undefined } | number> {
  const usage = engineOptionError(command, v);
  if (usage !== undefined) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let engine: Engine | undefined;
  try {
    engine = await openEngine(v, v.quiet ? () => undefined : undefined);
  } catch (err) {
    process.stderr.write(`${command}: ${(err as Error).message}\n`);
    return 1;
  }
  if (engine !== undefined && !v.quiet) process.stderr.write(`${command}: engine ${engine.describe()}\n`);
  return { engine };
}
