/**
 * Worker-thread entry of the graph pipeline: receives interval tasks, builds and writes
 * each interval's graph (`runIntervalTask`), answers with its statistics. Loaded from
 * `dist/` by `pool.ts` through `compiledModule("src/graph/pipeline/worker")`.
 *
 * Message in: `{ id, task }`. Message out: `{ id, result }` or `{ id, error }`.
 */
import { serveTasks } from "../../io/task-pool.js";
import { runIntervalTask } from "./task.js";

serveTasks(runIntervalTask);
