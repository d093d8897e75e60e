/**
 * An engine runs a batch of {@link Task}s and hands back their results. Two engines run
 * the same tasks with the same outputs:
 *
 * - `local` (`local.ts`, the default): worker threads of this process, or inline; needs
 *   nothing running.
 * - `bullmq` (`bullmq.ts`): jobs on a BullMQ queue in Redis, run by `telemetry-lab worker`
 *   processes on any number of machines that see the data folder at the same path.
 *
 * The stages (`lanl graphs`, `lanl roles`, `lanl detect`) build their task lists, decide
 * what is already done from the outputs on disk, and hand the rest to an engine.
 *
 * Source: the seed's Dask `LocalCluster` / `Client(address)` switch, with BullMQ on Redis
 * as the distributed engine of the Node ecosystem.
 */
import { removeStaleTemporaries } from "../io/atomic.js";
import type { Task } from "./task.js";

/** The engines. */
export const ENGINE_KINDS = Object.freeze(["local", "bullmq"] as const);

/** One of {@link ENGINE_KINDS}. */
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** Callbacks of {@link Engine.runAll}. */
export interface RunHandlers<R> {
  /** Called once per task as its result arrives (in completion order). */
  onResult?: (task: Task, result: R) => void;
  /** Called with what a running task reports (e.g. intervals scored so far). */
  onProgress?: (task: Task, progress: unknown) => void;
}

/** Runs tasks. */
export interface Engine {
  readonly kind: EngineKind;
  /** One line for people: `local (2 worker threads)`, `bullmq (queue q at redis://host:6379/0, 3 workers)`. */
  describe(): string;
  /**
   * Runs every task; resolves with their results in the order of `tasks`. Rejects when a
   * task fails: the local engine at the first failure, with that task's error; the BullMQ
   * engine after every task ended, with a {@link TaskFailures} naming each failed one.
   */
  runAll<R>(tasks: readonly Task[], handlers?: RunHandlers<R>): Promise<R[]>;
  /** Releases the engine's threads or connections (queued jobs stay queued). */
  close(): Promise<void>;
}

/** One task that failed for good: after its retries, with the worker's error text. */
export interface TaskFailure {
  task: Task;
  jobId: string;
  attempts: number;
  reason: string;
}

/**
 * The error of a batch in which tasks failed: its message names every failed interval,
 * its stage, its attempts and the worker's error, one per line.
 *
 * @example
 * new TaskFailures([{ task, jobId, attempts: 3, reason: "…: line 7: 6 fields, expected 9" }]).message;
 * // "1 of the tasks failed after their retries:\n  graphs 2015-01-01T03:00:00 (3 attempts): …: line 7: 6 fields, expected 9"
 */
export class TaskFailures extends Error {
  constructor(readonly failures: readonly TaskFailure[]) {
    super(
      `${failures.length} of the tasks failed after their retries:\n` +
        failures.map((f) => `  ${f.task.stage} ${f.task.interval} (${f.attempts} attempt${f.attempts === 1 ? "" : "s"}): ${f.reason}`).join("\n"),
    );
    this.name = "TaskFailures";
  }
}

/**
 * Before a stage's tasks run: the temporaries of crashed runs in its output folders go.
 * Under BullMQ they stay: one may belong to a job of an earlier, interrupted run still
 * running on another machine (its pid means nothing here); {@link sweepAfter} clears them.
 *
 * @example
 * sweepBefore(options.engine, [plan.graphsDir, plan.statsDir]);
 */
export function sweepBefore(engine: Engine | undefined, folders: readonly string[]): void {
  if (engine?.kind === "bullmq") return;
  for (const f of folders) removeStaleTemporaries(f);
}

/**
 * After every task of a stage completed: what a killed worker had half-written goes. Under
 * BullMQ every temporary goes, whatever its pid (the stage's jobs are all done, and the
 * killed worker may have run on another machine); locally, those of dead processes.
 *
 * @example
 * sweepAfter(options.engine, [plan.graphsDir, plan.statsDir]);
 */
export function sweepAfter(engine: Engine | undefined, folders: readonly string[]): void {
  for (const f of folders) removeStaleTemporaries(f, { anyOwner: engine?.kind === "bullmq" });
}
