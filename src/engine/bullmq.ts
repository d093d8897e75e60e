/**
 * The BullMQ engine, coordinator side: the tasks of a stage become jobs on a BullMQ queue
 * in Redis, run by `telemetry-lab worker` processes (`worker.ts`) on any machine that sees
 * the data folder at the same path; this side enqueues them, follows the queue's events
 * (progress, completions, failures) and hands back the results.
 *
 * - Job ids are the tasks' content ids (`taskId`): a re-submission adds nothing twice, and
 *   a rerun after a crash of the coordinator finds its jobs still waiting or running and
 *   waits for them. A job that had ended (completed or failed) is submitted anew: the stage
 *   only submits tasks whose outputs are not on disk and verified.
 * - Each job is tried `attempts` times with exponential back-off; a worker killed mid-job
 *   leaves a job whose lock expires, and another worker takes it up (BullMQ's stalled-job
 *   recovery). The outputs are atomic, so the retried job writes the same bytes.
 * - After every job ended, the batch fails naming each task that failed for good, with the
 *   worker's error text ({@link TaskFailures}).
 *
 * Source: BullMQ 5 (Queue, QueueEvents, job ids, retries, stalled jobs), docs.bullmq.io.
 */
import type { Job, Queue, QueueEvents } from "bullmq";
import type { Engine, RunHandlers, TaskFailure } from "./engine.js";
import { TaskFailures } from "./engine.js";
import { parseRedisUrl, probeRedis, scrub, type RedisTarget } from "./redis.js";
import { taskId, type Task } from "./task.js";

const MODULE = "telemetry-lab/engine/bullmq";

/** Options of {@link connectBullmq}. */
export interface BullmqOptions {
  /** Queue name (workers must listen on the same). Default "telemetry-lab". */
  queue?: string;
  /** Redis key prefix of the queue. Default "bull". */
  prefix?: string;
  /** Tries per job (a stalled job's recovery does not count as one). Default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled at each retry. Default 1000. */
  backoffMs?: number;
  /** How often the job states are read besides the queue's events, in ms. Default 5000. */
  pollMs?: number;
  /** Give up connecting after this many ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Where notices go (no worker listening, jobs found from an earlier run, status lines). Default: standard error. */
  log?: (line: string) => void;
  /** A status line (jobs done, running, waiting, rate) this often, in ms; 0: never. Default: 10000 when standard error is not a terminal (a terminal has the progress bar), else 0. */
  statusMs?: number;
}

/** Defaults of {@link BullmqOptions}. */
export const BULLMQ_DEFAULTS = Object.freeze({ queue: "telemetry-lab", prefix: "bull", attempts: 3, backoffMs: 1000, pollMs: 5000, connectTimeoutMs: 5000, statusMs: 10_000 });

/** What {@link connectBullmq} returns: the engine and its connection. */
export class BullmqEngine implements Engine {
  readonly kind = "bullmq" as const;
  private workers = 0;

  /** Use {@link connectBullmq}. */
  constructor(
    readonly target: RedisTarget,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly options: Required<Omit<BullmqOptions, "log">> & { log: (line: string) => void },
  ) {}

  describe(): string {
    return `bullmq (queue '${this.options.queue}' at ${this.target.display}, ${plural(this.workers, "worker")} connected)`;
  }

  /** Workers connected to the queue now. */
  async workerCount(): Promise<number> {
    this.workers = await this.queue.getWorkersCount();
    return this.workers;
  }

  async runAll<R>(tasks: readonly Task[], handlers: RunHandlers<R> = {}): Promise<R[]> {
    const ids = tasks.map(taskId);
    const indices = new Map<string, number[]>();
    ids.forEach((id, i) => indices.set(id, [...(indices.get(id) ?? []), i]));
    const results = new Array<R>(tasks.length);
    const failures: TaskFailure[] = [];
    const pending = new Set(indices.keys());
    let wake: () => void = () => undefined;
    const completed = (jobId: string, value: unknown): void => {
      if (!pending.delete(jobId)) return;
      for (const i of indices.get(jobId)!) {
        results[i] = value as R;
        handlers.onResult?.(tasks[i]!, value as R);
      }
      if (pending.size === 0) wake();
    };
    const failed = (jobId: string, reason: string, attempts: number): void => {
      if (!pending.delete(jobId)) return;
      const i = indices.get(jobId)![0]!;
      failures.push({ task: tasks[i]!, jobId, attempts, reason: scrub(reason, this.target.secret) });
      if (pending.size === 0) wake();
    };
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => completed(jobId, returnvalue);
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
      if (!pending.has(jobId)) return;
      void this.queue.getJob(jobId).then(
        (job) => failed(jobId, failedReason, job?.attemptsMade ?? this.options.attempts),
        () => failed(jobId, failedReason, this.options.attempts),
      );
    };
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }): void => {
      if (!pending.has(jobId) || handlers.onProgress === undefined) return;
      for (const i of indices.get(jobId)!) handlers.onProgress(tasks[i]!, data);
    };
    const onStalled = ({ jobId }: { jobId: string }): void => {
      if (!pending.has(jobId)) return;
      const t = tasks[indices.get(jobId)![0]!]!;
      this.options.log(`bullmq: ${t.stage} ${t.interval} stalled (its worker stopped renewing the lock: killed, or its machine lost); it runs again`);
    };
    this.events.on("completed", onCompleted);
    this.events.on("stalled", onStalled);
    this.events.on("failed", onFailed);
    this.events.on("progress", onProgress);
    try {
      // Submit: jobs still waiting or running (an earlier, interrupted run) are kept; ended ones are submitted anew.
      const add: Array<{ name: string; data: Task; opts: { jobId: string; attempts: number; backoff: { type: "exponential"; delay: number }; removeOnComplete: { age: number }; removeOnFail: { age: number } } }> = [];
      let resumed = 0;
      for (const chunk of chunks([...indices.keys()], 200)) {
        const jobs = await Promise.all(chunk.map((id) => this.queue.getJob(id)));
        const states = await Promise.all(jobs.map((j) => (j === undefined ? Promise.resolve("missing") : j.getState())));
        for (let k = 0; k < chunk.length; k++) {
          const id = chunk[k]!;
          const state = states[k];
          if (state !== "missing" && state !== "unknown" && state !== "completed" && state !== "failed") {
            resumed++;
            continue;
          }
          if (state === "completed" || state === "failed") await (jobs[k] as Job).remove();
          const task = tasks[indices.get(id)![0]!]!;
          add.push({
            name: task.stage,
            data: task,
            opts: {
              jobId: id,
              attempts: this.options.attempts,
              backoff: { type: "exponential", delay: this.options.backoffMs },
              removeOnComplete: { age: 7 * 86_400 },
              removeOnFail: { age: 7 * 86_400 },
            },
          });
        }
      }
      for (const chunk of chunks(add, 500)) await this.queue.addBulk(chunk);
      if (resumed > 0) this.options.log(`bullmq: ${resumed} of the ${indices.size} jobs were still queued or running from an earlier run; waiting for them`);
      if (pending.size > 0 && (await this.workerCount()) === 0) {
        this.options.log(`bullmq: no worker is connected to queue '${this.options.queue}' at ${this.target.display}; the jobs wait until one starts ('telemetry-lab worker --redis URL --queue ${this.options.queue}')`);
      }
      // Wait: the queue's events, and a look at every pending job's state now and then
      // (an event missed during a reconnection, a job removed by hand).
      const t0 = performance.now();
      let last = { t: t0, left: pending.size };
      while (pending.size > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(this.options.pollMs, this.options.statusMs > 0 ? this.options.statusMs : Infinity)).unref();
        });
        if (pending.size === 0) break;
        const now = performance.now();
        if (this.options.statusMs > 0 && now - last.t >= this.options.statusMs) {
          const c = await this.queue.getJobCounts("active", "waiting", "delayed");
          const done = indices.size - pending.size;
          const rate = (last.left - pending.size) / ((now - last.t) / 1000);
          this.options.log(
            `bullmq: ${done} of ${indices.size} jobs ended${failures.length > 0 ? ` (${failures.length} failed)` : ""} in ${((now - t0) / 1000).toFixed(0)} s; ` +
              `queue: ${c.active ?? 0} running, ${(c.waiting ?? 0) + (c.delayed ?? 0)} waiting; ${rate.toFixed(2)} jobs/s over the last ${((now - last.t) / 1000).toFixed(0)} s; ${plural(await this.workerCount(), "worker")} connected`,
          );
          last = { t: now, left: pending.size };
        }
        for (const chunk of chunks([...pending], 200)) {
          const states = await Promise.all(chunk.map((id) => this.queue.getJobState(id)));
          for (let k = 0; k < chunk.length; k++) {
            const id = chunk[k]!;
            if (states[k] === "completed") {
              const job = await this.queue.getJob(id);
              if (job !== undefined) completed(id, job.returnvalue);
            } else if (states[k] === "failed") {
              const job = await this.queue.getJob(id);
              failed(id, job?.failedReason ?? "failed", job?.attemptsMade ?? this.options.attempts);
            } else if (states[k] === "unknown") {
              failed(id, "the job disappeared from the queue (removed, or the queue was emptied)", 0);
            }
          }
        }
      }
    } finally {
      this.events.off("completed", onCompleted);
      this.events.off("stalled", onStalled);
      this.events.off("failed", onFailed);
      this.events.off("progress", onProgress);
    }
    if (failures.length > 0) {
      const order = new Map(ids.map((id, i) => [id, i]));
      throw new TaskFailures([...failures].sort((a, b) => order.get(a.jobId)! - order.get(b.jobId)!));
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function* chunks<T>(xs: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

/**
 * Connects to the queue at `url` (one attempt, so that an unreachable Redis fails at once
 * with one line naming the URL without its password) and returns the engine.
 *
 * @example
 * const engine = await connectBullmq("redis://127.0.0.1:6379", { queue: "lanl" });
 * await buildGraphs("data/lanl", { engine });
 * await engine.close();
 */
export async function connectBullmq(url: string, options: BullmqOptions = {}): Promise<BullmqEngine> {
  const o = { ...BULLMQ_DEFAULTS, statusMs: process.stderr.isTTY ? 0 : BULLMQ_DEFAULTS.statusMs, log: (line: string) => void process.stderr.write(line + "\n"), ...definedOnly(options) };
  if (!Number.isSafeInteger(o.attempts) || o.attempts < 1) throw new Error(`${MODULE}: attempts must be a positive integer, got ${o.attempts}`);
  if (!/^[A-Za-z0-9._-]+$/.test(o.queue)) throw new Error(`${MODULE}: queue name '${o.queue}' must be letters, digits, '.', '_' or '-'`);
  const target = parseRedisUrl(url);
  await probeRedis(target, { timeoutMs: o.connectTimeoutMs });
  const { Queue, QueueEvents } = await import("bullmq");
  const connection = { ...target.options, maxRetriesPerRequest: null };
  const queue = new Queue(o.queue, { connection, prefix: o.prefix });
  const events = new QueueEvents(o.queue, { connection, prefix: o.prefix });
  // Connection trouble after the start: ioredis reconnects; say it once per kind, password scrubbed.
  const seen = new Set<string>();
  const onError = (err: Error): void => {
    const line = `bullmq: Redis at ${target.display}: ${scrub(err.message, target.secret)} (reconnecting)`;
    if (seen.has(line)) return;
    seen.add(line);
    o.log(line);
  };
  queue.on("error", onError);
  events.on("error", onError);
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  } catch (err) {
    await Promise.allSettled([queue.close(), events.close()]);
    throw new Error(`${MODULE}: cannot open queue '${o.queue}' at ${target.display}: ${scrub((err as Error).message, target.secret)}`);
  }
  const engine = new BullmqEngine(target, queue, events, o);
  await engine.workerCount();
  return engine;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
