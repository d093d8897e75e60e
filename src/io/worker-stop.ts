/**
 * Stopping worker threads by letting them end, not by terminating them.
 *
 * `Worker.terminate()` stops a thread's isolate at once, while V8 may still be
 * optimizing its code on a background thread; Node.js 20 can then abort the
 * whole process in that compile job (`node_platform.cc ... ForIsolate:
 * Assertion (data.first) != nullptr`, seen once in this project's CI, in
 * `lanl synth`). A worker whose event loop ends by itself drains its
 * platform's pending tasks before its isolate goes away. So the parent posts
 * {@link STOP_MESSAGE}; the worker closes its port ({@link isStopMessage}) and
 * its loop ends; a worker that has not exited after `graceMs` (busy, or stuck)
 * is terminated.
 *
 * Source: Node.js `worker_threads` (a worker exits when its event loop has
 * nothing left to do; `MessagePort.close()`).
 */
import type { MessagePort, Worker } from "node:worker_threads";

/** The message asking a worker to close its port and end. */
export const STOP_MESSAGE = "telemetry-lab:stop-worker";

/** Options of {@link stopWorkers}. */
export interface StopWorkersOptions {
  /** Milliseconds to wait for a worker to end by itself before terminating it. Default 5000. */
  graceMs?: number;
}

/** Defaults of {@link StopWorkersOptions}. */
export const STOP_WORKERS_DEFAULTS: Readonly<Required<StopWorkersOptions>> = Object.freeze({ graceMs: 5000 });

/**
 * Worker side: whether `msg` is {@link STOP_MESSAGE}; if so, `port` is closed
 * (the worker's loop then ends once its last task is answered).
 *
 * @example
 * port.on("message", (msg) => {
 *   if (isStopMessage(msg, port)) return;
 *   // ... serve msg
 * });
 */
export function isStopMessage(msg: unknown, port: MessagePort): boolean {
  if (msg !== STOP_MESSAGE) return false;
  port.close();
  return true;
}

/**
 * Parent side: asks every worker to end ({@link STOP_MESSAGE}) and waits for
 * each to exit; one still running after `graceMs` is terminated.
 *
 * @example
 * await stopWorkers(workers); // every worker has exited
 */
export async function stopWorkers(workers: readonly Worker[], options: StopWorkersOptions = {}): Promise<void> {
  const { graceMs } = { ...STOP_WORKERS_DEFAULTS, ...options };
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.threadId < 0) return resolve(); // already exited
          const timer = setTimeout(() => void w.terminate(), graceMs);
          w.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          try {
            w.postMessage(STOP_MESSAGE);
          } catch {
            void w.terminate();
          }
        }),
    ),
  );
}
