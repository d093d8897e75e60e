/**
 * A pool of worker threads running interval tasks (`task.ts`, `worker.ts`), one task at a
 * time per worker (an interval graph can take hundreds of MB), or inline in the calling
 * thread when `jobs` is 0 (tests, notebooks without a build). Results come back as
 * promises; each task writes its own files, so the output does not depend on `jobs`.
 */
import { TaskPool } from "../../io/task-pool.js";
import { runIntervalTask, type IntervalTask, type TaskResult } from "./task.js";

/**
 * Runs interval tasks on `jobs` worker threads (0: inline, one after the other).
 *
 * @example
 * const pool = new IntervalPool(2);
 * const r = await pool.run(task); // r.stats.edges; the graph file is written
 * await pool.close();
 */
export class IntervalPool extends TaskPool<IntervalTask, TaskResult> {
  constructor(jobs: number) {
    super(jobs, "src/graph/pipeline/worker", runIntervalTask);
  }
}
