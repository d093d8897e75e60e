/**
 * The local engine: tasks on worker threads of this process (`thread.ts`), one task at a
 * time per thread, or inline in the calling thread when `jobs` is 0 (tests, notebooks).
 * It is the project's `TaskPool` behind the {@link Engine} interface, and the default of
 * every stage: it needs nothing running.
 */
import { TaskPool } from "../io/task-pool.js";
import type { Engine, RunHandlers } from "./engine.js";
import { runTask } from "./stages.js";
import type { Task } from "./task.js";

/**
 * Runs tasks on `jobs` worker threads (0: inline, one after the other). Stops at the
 * first failure, with that task's error.
 *
 * @example
 * const engine = new LocalEngine(2);
 * const results = await engine.runAll(tasks, { onResult: (t) => console.log(t.interval) });
 * await engine.close();
 */
export class LocalEngine implements Engine {
  readonly kind = "local" as const;
  private readonly pool: TaskPool<Task, unknown>;

  constructor(readonly jobs: number) {
    this.pool = new TaskPool<Task, unknown>(jobs, "src/engine/thread", runTask);
  }

  describe(): string {
    return this.jobs === 0 ? "local (inline)" : `local (${this.jobs} worker thread${this.jobs === 1 ? "" : "s"})`;
  }

  async runAll<R>(tasks: readonly Task[], handlers: RunHandlers<R> = {}): Promise<R[]> {
    return Promise.all(
      tasks.map((task) =>
        this.pool
          .run(task, handlers.onProgress === undefined ? undefined : (p) => handlers.onProgress!(task, p))
          .then((r) => {
            handlers.onResult?.(task, r as R);
            return r as R;
          }),
      ),
    );
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
