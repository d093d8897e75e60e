/**
 * The BullMQ engine, worker side (`telemetry-lab worker`): a long-running process that
 * takes jobs from the queue and runs each task (`stages.ts`) on a worker thread, so that
 * the process's own event loop stays free to renew its job locks however long a task
 * computes. Start one per machine (or several); each machine must see the data folder at
 * the path the coordinator gave (a shared file system).
 *
 * - `concurrency` jobs at a time, on as many threads.
 * - A job's lock lasts `lockSeconds`; if this process dies (`kill -9`, a lost machine), the
 *   lock expires and another worker's stalled-job check puts the job back in the queue.
 * - {@link RunningWorker.close}: no new job is taken; the running ones finish (SIGTERM).
 * - One line per job start, end and failed try, naming this worker (`host:pid`).
 *
 * Source: BullMQ 5 `Worker` (concurrency, lockDuration, stalledInterval, maxStalledCount).
 */
import { hostname } from "node:os";
import type { Job, Worker } from "bullmq";
import { TaskPool } from "../io/task-pool.js";
import { BULLMQ_DEFAULTS } from "./bullmq.js";
import { parseRedisUrl, probeRedis, scrub } from "./redis.js";
import { runTask } from "./stages.js";
import type { Task } from "./task.js";

const MODULE = "telemetry-lab/engine/worker";

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Queue name. Default "telemetry-lab". */
  queue?: string;
  /** Redis key prefix. Default "bull". */
  prefix?: string;
  /** Jobs at a time (one worker thread each). Default 1. */
  concurrency?: number;
  /** Lock of a running job, renewed every half of it; a dead worker's job is retried this long after. Default 30. */
  lockSeconds?: number;
  /** How often a job may stall (its worker died) before it fails. Default 2. */
  maxStalled?: number;
  /** Run tasks in this thread instead of worker threads (tests). Default false. */
  inline?: boolean;
  /** Where one line per job goes. Default: standard error. */
  log?: (line: string) => void;
}

/** Defaults of {@link WorkerOptions}. */
export const WORKER_DEFAULTS = Object.freeze({ queue: BULLMQ_DEFAULTS.queue, prefix: BULLMQ_DEFAULTS.prefix, concurrency: 1, lockSeconds: 30, maxStalled: 2, inline: false });

/** A started worker. */
export interface RunningWorker {
  /** `host:pid`, as in the log lines. */
  readonly name: string;
  /** Jobs finished and failed (tries) so far. */
  readonly counts: { completed: number; failed: number };
  /** Stops taking jobs, lets the running ones finish, closes the connections. */
  close(): Promise<void>;
  /** Stops at once: running jobs are abandoned (their locks expire; another worker retries them). */
  kill(): Promise<void>;
}

/**
 * Connects to Redis (one attempt: an unreachable Redis fails at once, naming the URL
 * without its password) and starts taking jobs.
 *
 * @example
 * const w = await startWorker("redis://127.0.0.1:6379", { concurrency: 2 });
 * // "worker host:4242: graphs 2015-01-01T03:00:00 done in 1.42 s"
 * await w.close();
 */
export async function startWorker(url: string, options: WorkerOptions = {}): Promise<RunningWorker> {
  const o = { ...WORKER_DEFAULTS, log: (line: string) => void process.stderr.write(line + "\n"), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<WorkerOptions>;
  if (!Number.isSafeInteger(o.concurrency) || o.concurrency < 1) throw new Error(`${MODULE}: concurrency must be a positive integer, got ${o.concurrency}`);
  if (!(o.lockSeconds >= 1)) throw new Error(`${MODULE}: lockSeconds must be at least 1, got ${o.lockSeconds}`);
  const target = parseRedisUrl(url);
  await probeRedis(target);
  const { Worker } = await import("bullmq");
  const name = `${hostname()}:${process.pid}`;
  const threads = o.inline ? 0 : o.concurrency;
  let pool = new TaskPool<Task, unknown>(threads, "src/engine/thread", runTask);
  const counts = { completed: 0, failed: 0 };
  const processor = async (job: Job<Task>): Promise<unknown> => {
    // A thread that died (out of memory) takes its pool with it: start a fresh one.
    if (pool.broken) {
      const old = pool;
      pool = new TaskPool<Task, unknown>(threads, "src/engine/thread", runTask);
      void old.close();
    }
    return pool.run(job.data, (p) => void job.updateProgress(p as number).catch(() => undefined));
  };
  const worker: Worker = new Worker(o.queue, processor, {
    connection: { ...target.options, maxRetriesPerRequest: null },
    prefix: o.prefix,
    concurrency: o.concurrency,
    lockDuration: o.lockSeconds * 1000,
    stalledInterval: o.lockSeconds * 1000,
    maxStalledCount: o.maxStalled,
    autorun: false,
  });
  const describe = (job: Job<Task>): string => `${job.data?.stage ?? job.name} ${job.data?.interval ?? job.id}`;
  worker.on("active", (job) => {
    o.log(`worker ${name}: ${describe(job)} started (try ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1})`);
  });
  worker.on("completed", (job) => {
    counts.completed++;
    const r = job.returnvalue as { seconds?: number } | undefined;
    o.log(`worker ${name}: ${describe(job)} done${typeof r?.seconds === "number" ? ` in ${r.seconds.toFixed(2)} s` : ""}`);
  });
  worker.on("failed", (job, err) => {
    counts.failed++;
    if (job === undefined) return;
    const attempts = job.opts.attempts ?? 1;
    o.log(`worker ${name}: ${describe(job)} failed (try ${job.attemptsMade} of ${attempts}): ${scrub(err.message, target.secret)}`);
  });
  const seen = new Set<string>();
  worker.on("error", (err) => {
    const line = `worker ${name}: Redis at ${target.display}: ${scrub(err.message, target.secret)}`;
    if (seen.has(line)) return;
    seen.add(line);
    o.log(line);
  });
  void worker.run().catch((err: Error) => o.log(`worker ${name}: ${scrub(err.message, target.secret)}`));
  await worker.waitUntilReady();
  o.log(`worker ${name}: listening on queue '${o.queue}' at ${target.display} (${o.concurrency} at a time, lock ${o.lockSeconds} s)`);
  return {
    name,
    counts,
    async close() {
      await worker.close();
      await pool.close();
    },
    async kill() {
      await worker.close(true);
      await pool.close();
    },
  };
}
