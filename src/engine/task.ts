/**
 * The unit of work that every engine runs: one task of one per-interval stage. A task
 * names its stage, its experiment and its interval, carries its stage's input as plain
 * JSON data (so it travels to a worker thread or through Redis unchanged), and is
 * idempotent: its stage writes its outputs atomically (`io/atomic.ts`) from inputs on
 * the shared data folder, so running it twice, on any machine, gives the same bytes.
 *
 * Job ids are derived from the task's content ({@link taskId}), so a re-submission of
 * the same task is recognised (BullMQ adds a job id only once) and a rerun after a crash
 * finds the jobs it had queued.
 *
 * Sources: the seed's Dask pipeline (one delayed call per (stream, interval)); BullMQ's
 * "Job IDs" documentation (custom ids deduplicate jobs).
 */
import { createHash } from "node:crypto";

const MODULE = "telemetry-lab/engine/task";

/** The per-interval stages an engine runs (see `stages.ts`). */
export const STAGES = Object.freeze(["graphs", "features-learn", "features", "roles", "scores"] as const);

/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** One task: a stage, its experiment folder, its interval, and the stage's input. */
export interface Task<I = unknown> {
  stage: Stage;
  /** The experiment folder the task writes into (absolute, as seen by every worker). */
  experiment: string;
  /** The interval's start (ISO), or `START/END` for a task over a span (the scores' recurrence). */
  interval: string;
  /** The stage's input: plain JSON data (no typed arrays, no functions). */
  input: I;
}

/**
 * Checks that `task` is a well-formed task whose input survives JSON unchanged, and
 * returns it; throws naming what is wrong.
 *
 * @example
 * checkTask({ stage: "graphs", experiment: "/d/e", interval: "2015-01-01T00:00:00", input: {} }); // the task
 */
export function checkTask<I>(task: Task<I>): Task<I> {
  if (!STAGES.includes(task.stage)) throw new Error(`${MODULE}: unknown stage '${String(task.stage)}'; expected one of ${STAGES.join(", ")}`);
  if (typeof task.experiment !== "string" || task.experiment === "") throw new Error(`${MODULE}: a ${task.stage} task needs its experiment folder`);
  if (typeof task.interval !== "string" || task.interval === "") throw new Error(`${MODULE}: a ${task.stage} task needs its interval`);
  const text = JSON.stringify(task.input);
  if (text === undefined || JSON.stringify(JSON.parse(text)) !== text || !isPlain(task.input)) {
    throw new Error(`${MODULE}: the input of ${task.stage} ${task.interval} is not plain JSON data`);
  }
  return task;
}

/** Plain data: primitives, arrays and objects made by `{}` (no typed arrays, dates, maps, class instances). */
function isPlain(x: unknown): boolean {
  if (x === null || typeof x !== "object") return true;
  if (Array.isArray(x)) return x.every(isPlain);
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(x).every(isPlain);
}

/**
 * The task's deterministic job id: `<stage>.<interval without colons>.<16 hex digits of
 * the SHA-1 of the whole task>` (BullMQ ids may not contain `:`). Equal tasks give equal
 * ids; a task of another experiment or configuration gives another id.
 *
 * @example
 * taskId({ stage: "graphs", experiment: "/d/e", interval: "2015-01-01T03:00:00", input: { level: 3 } });
 * // "graphs.2015-01-01T030000.3c5e...": the same string on every machine and every run
 */
export function taskId(task: Task): string {
  const digest = createHash("sha1").update(canonicalJson(task)).digest("hex").slice(0, 16);
  return `${task.stage}.${task.interval.replace(/[:/]/g, (c) => (c === "/" ? "_" : ""))}.${digest}`;
}

/**
 * JSON with object keys sorted at every level, so that equal data gives equal text
 * whatever the order its keys were set in.
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (x !== null && typeof x === "object") {
    const keys = Object.keys(x as object)
      .filter((k) => (x as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((x as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(x);
}
