/**
 * Worker thread of the LANL generator (`generate.ts`): receives {@link SynthJob}s, runs
 * them with {@link runJob}, reports progress and completion. Runs from `dist/`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { contextFor, runJob, type JobMessage, type SynthJob } from "./generate.js";
import type { ResolvedOptions } from "./calendar.js";
import type { RedteamCalendar } from "./redteam.js";
import type { RedteamSource } from "./redteam-file.js";
import { isStopMessage } from "../../io/worker-stop.js";

const { options, calendar, redteamFile } = workerData as { options: ResolvedOptions; calendar: RedteamCalendar; redteamFile: RedteamSource | undefined };
const port = parentPort;
if (port) {
  port.on("message", (job: SynthJob) => {
    if (isStopMessage(job, port)) return;
    const post = (m: JobMessage): void => port.postMessage(m);
    runJob(contextFor(options, calendar, redteamFile), job, (lines) => post({ type: "progress", lines }))
      .then((lines) => post({ type: "done", lines }))
      .catch((err: unknown) => post({ type: "error", message: (err as Error).stack ?? String(err) }));
  });
}
