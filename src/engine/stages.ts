/**
 * What each stage's task runs: the dispatch from a {@link Task} to its stage's function,
 * the same in a worker thread of the local engine (`thread.ts`), inline, and in a BullMQ
 * worker process (`worker.ts`).
 *
 * | stage            | function                          | writes                                   |
 * |------------------|-----------------------------------|------------------------------------------|
 * | `graphs`         | `runIntervalTask` (graph)         | `graphs/<start>.tlg.gz`, `stats/<start>.json` |
 * | `features-learn` | `runEmbedTask` (kind `learn`)     | nothing: which features ReFeX keeps      |
 * | `features`       | `runEmbedTask` (kind `features`)  | `features<suffix>/<start>.parquet` + sidecar    |
 * | `roles`          | `runEmbedTask` (kind `roles`)     | `roles<suffix>/<start>.parquet` + sidecar       |
 * | `scores`         | `runScoresTask` (the whole frame) | `scores<suffix>/<start>.parquet` + sidecars     |
 */
import { runIntervalTask, type IntervalTask } from "../graph/pipeline/task.js";
import { runEmbedTask, type EmbedTask } from "../embedding/pipeline/task.js";
import { runScoresTask, type ScoresTask } from "../evaluation/scores.js";
import { checkTask, type Task } from "./task.js";

const MODULE = "telemetry-lab/engine/stages";

/** The embedding task kind each embedding stage runs. */
const EMBED_KIND = Object.freeze({ "features-learn": "learn", features: "features", roles: "roles" } as const);

/**
 * Runs one task: its stage's function on its input. `report` receives progress (the
 * scores task reports the intervals it has scored).
 *
 * @example
 * const r = await runTask({ stage: "graphs", experiment, interval: "2015-01-01T03:00:00", input: intervalTask });
 * (r as TaskResult).stats.edges; // the graph file is written
 */
export async function runTask(task: Task, report: (progress: unknown) => void = () => undefined): Promise<unknown> {
  checkTask(task);
  switch (task.stage) {
    case "graphs":
      return runIntervalTask(task.input as IntervalTask);
    case "features-learn":
    case "features":
    case "roles": {
      const input = task.input as EmbedTask;
      if (input.kind !== EMBED_KIND[task.stage]) throw new Error(`${MODULE}: a ${task.stage} task carries a '${input.kind}' input`);
      return runEmbedTask(input);
    }
    case "scores": {
      let done = 0;
      return runScoresTask(task.input as ScoresTask, () => report(++done));
    }
  }
}
