/**
 * A pool of worker threads running interval tasks (`task.ts`, `worker.ts`), one task at a
 * time per worker (an interval graph can take hundreds of MB), or inline in the calling
 * thread when `jobs` is 0 (tests, notebooks without a build). Results come back as
 * promises; each task writes its own files, so the output does not depend on `jobs`.
 */
import { Worker } from "node:worker_threads";
import { compiledModule } from "../../io/repo.js";
import { runIntervalTask, type IntervalTask, type TaskResult } from "./task.js";

const MODULE = "telemetry-lab/graph/pipeline/pool";

interface Queued {
  id: number;
  task: IntervalTask;
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

/**
 * Runs interval tasks on `jobs` worker threads (0: inline, one after the other).
 *
 * @example
 * const pool = new IntervalPool(2);
 * const r = await pool.run(task); // r.stats.edges; the graph file is written
 * await pool.close();
 */
export class IntervalPool {
  private readonly workers: Worker[] = [];
  private readonly running: Array<Queued | undefined> = [];
  private readonly queue: Queued[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private inline: Promise<unknown> = Promise.resolve();

  constructor(readonly jobs: number) {
    if (!Number.isSafeInteger(jobs) || jobs < 0) throw new Error(`${MODULE}: jobs must be a non-negative integer, got ${jobs}`);
    if (jobs === 0) return;
    const file = compiledModule("src/graph/pipeline/worker");
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(file);
      w.on("message", (msg: { id: number; result?: TaskResult; error?: string }) => {
        const q = this.running[i];
        if (q === undefined || q.id !== msg.id) return;
        this.running[i] = undefined;
        if (msg.error !== undefined) q.reject(new Error(msg.error));
        else q.resolve(msg.result!);
        this.dispatch();
      });
      w.on("error", (err) => this.fail(err));
      w.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`${MODULE}: worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.running.push(undefined);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const q of this.queue.splice(0)) q.reject(err);
    for (let i = 0; i < this.running.length; i++) {
      this.running[i]?.reject(err);
      this.running[i] = undefined;
    }
  }

  private dispatch(): void {
    for (let i = 0; i < this.workers.length && this.queue.length > 0; i++) {
      if (this.running[i] !== undefined) continue;
      const q = this.queue.shift()!;
      this.running[i] = q;
      this.workers[i]!.postMessage({ id: q.id, task: q.task });
    }
  }

  /** Builds and writes one interval's graph. */
  run(task: IntervalTask): Promise<TaskResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.jobs === 0) {
      const p = this.inline.then(() => runIntervalTask(task));
      this.inline = p.catch(() => undefined);
      return p;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers (tasks still queued are rejected). */
  async close(): Promise<void> {
    for (const q of this.queue.splice(0)) q.reject(new Error(`${MODULE}: pool closed`));
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
