/**
 * A pool of worker threads running plain-data tasks, one task at a time per worker, or
 * inline in the calling thread when `jobs` is 0 (tests, notebooks without a build).
 * Every per-interval stage (graphs, features, roles) runs its tasks through it: a task
 * is structured-cloneable data, and the worker module answers it with the same
 * function the inline path calls, so the output never depends on `jobs`.
 *
 * Worker protocol (see `serveTasks`): message in `{ id, task }`, messages out
 * `{ id, progress }` (any number, optional), then `{ id, result }` or `{ id, error }`.
 *
 * Source: Node.js `worker_threads`; the classic bounded worker-pool pattern.
 */
import { parentPort, Worker } from "node:worker_threads";
import { compiledModule } from "./repo.js";
import { isStopMessage, stopWorkers } from "./worker-stop.js";

const MODULE = "telemetry-lab/io/task-pool";

interface Queued<T, R> {
  id: number;
  task: T;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
  onProgress?: (progress: unknown) => void;
}

/**
 * Runs tasks on `jobs` worker threads loaded from a compiled module, or inline.
 *
 * @example
 * const pool = new TaskPool(2, "src/engine/thread", runTask);
 * const r = await pool.run(task);
 * await pool.close();
 */
export class TaskPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly running: Array<Queued<T, R> | undefined> = [];
  private readonly queue: Array<Queued<T, R>> = [];
  private nextId = 0;
  private failure: Error | undefined;
  private inline: Promise<unknown> = Promise.resolve();

  /**
   * @param jobs worker threads (0: run inline, one task after the other)
   * @param workerModule the worker's module path without extension, e.g. `src/engine/thread`
   * @param runInline the task function, used when `jobs` is 0
   */
  constructor(
    readonly jobs: number,
    workerModule: string,
    private readonly runInline: (task: T, report: (progress: unknown) => void) => Promise<R>,
  ) {
    if (!Number.isSafeInteger(jobs) || jobs < 0) throw new Error(`${MODULE}: jobs must be a non-negative integer, got ${jobs}`);
    if (jobs === 0) return;
    const file = compiledModule(workerModule);
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(file);
      w.on("message", (msg: { id: number; result?: R; error?: string; progress?: unknown }) => {
        const q = this.running[i];
        if (q === undefined || q.id !== msg.id) return;
        if ("progress" in msg) {
          q.onProgress?.(msg.progress);
          return;
        }
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

  /** Whether a worker died (the pool then refuses every task; make a new one). */
  get broken(): boolean {
    return this.failure !== undefined;
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

  /** Runs one task; resolves with its result. `onProgress` receives what the task reports on the way. */
  run(task: T, onProgress?: (progress: unknown) => void): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.jobs === 0) {
      const p = this.inline.then(() => this.runInline(task, (x) => onProgress?.(x)));
      this.inline = p.catch(() => undefined);
      return p;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject, onProgress });
      this.dispatch();
    });
  }

  /** Stops the workers, letting each end by itself ({@link stopWorkers}); tasks still queued are rejected. */
  async close(): Promise<void> {
    for (const q of this.queue.splice(0)) q.reject(new Error(`${MODULE}: pool closed`));
    const ws = this.workers.splice(0);
    await stopWorkers(ws);
  }
}

/**
 * The worker side: answers `{ id, task }` messages with `fn(task, report)`; what the task
 * passes to `report` reaches the caller's `onProgress`. Call it at the top level of a
 * worker module; it does nothing outside a worker thread.
 *
 * @example
 * // src/engine/thread.ts
 * serveTasks(runTask);
 */
export function serveTasks<T, R>(fn: (task: T, report: (progress: unknown) => void) => Promise<R>): void {
  if (!parentPort) return;
  const port = parentPort;
  port.on("message", (msg: { id: number; task: T }) => {
    if (isStopMessage(msg, port)) return;
    fn(msg.task, (progress) => port.postMessage({ id: msg.id, progress })).then(
      (result) => port.postMessage({ id: msg.id, result }),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
