/**
 * Worker-thread entry of the embedding stage: answers `learn`, `features` and `roles`
 * tasks (`task.ts`). Loaded from `dist/` through `compiledModule("src/embedding/pipeline/worker")`.
 */
import { serveTasks } from "../../io/task-pool.js";
import { runEmbedTask } from "./task.js";

serveTasks(runEmbedTask);
