/**
 * Worker-thread entry of the graph pipeline: receives interval tasks, builds and writes
 * each interval's graph (`runIntervalTask`), answers with its statistics. Loaded from
 * `dist/` by `pool.ts` through `compiledModule("src/graph/pipeline/worker")`.
 *
 * Message in: `{ id, task }`. Message out: `{ id, result }` or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads";
import { runIntervalTask, type IntervalTask } from "./task.js";

if (parentPort) {
  const port = parentPort;
  port.on("message", (msg: { id: number; task: IntervalTask }) => {
    runIntervalTask(msg.task).then(
      (result) => port.postMessage({ id: msg.id, result }),
      (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
