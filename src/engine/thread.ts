/**
 * Worker-thread entry of the engines: answers tasks with `runTask` (`stages.ts`). Loaded
 * from `dist/` by the local engine's pool (`local.ts`) and by the BullMQ worker's pool
 * (`worker.ts`) through `compiledModule("src/engine/thread")`.
 */
import { serveTasks } from "../io/task-pool.js";
import { runTask } from "./stages.js";

serveTasks(runTask);
