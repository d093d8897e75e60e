/**
 * `telemetry-lab worker --redis URL [--concurrency N] [--queue NAME] [--lock S]`: a
 * long-running BullMQ worker (`src/engine/worker.ts`) that runs the per-interval tasks
 * queued by `lanl graphs|roles|detect --engine bullmq`. SIGTERM or SIGINT: no new job, the
 * running ones finish, exit 0; a second signal stops at once (the abandoned jobs' locks
 * expire and another worker retries them).
 */
import { countOptionError, parseCommand } from "./args.js";
import { DEFAULT_REDIS_URL, REDIS_ENV } from "./engine-options.js";
import { startWorker, WORKER_DEFAULTS } from "../engine/worker.js";

const NAME = "telemetry-lab worker";

const USAGE = `usage: ${NAME} [--redis URL] [options]

Takes the jobs of 'telemetry-lab lanl graphs|roles|detect --engine bullmq' from a BullMQ
queue in Redis and runs them, each on a worker thread, until stopped. Start one per
machine; every machine must see the data folder at the same path (shared storage).
One line per job on standard error.

options:
  --redis URL        redis://[user:password@]host[:port][/db] or rediss://... (TLS)
                     (default: $${REDIS_ENV}, else ${DEFAULT_REDIS_URL})
  --queue NAME       queue to take jobs from (default ${WORKER_DEFAULTS.queue})
  --concurrency N    jobs at a time, one thread each (default ${WORKER_DEFAULTS.concurrency}; an hour's
                     graph of the full LANL set takes about 0.5 GB)
  --lock S           job lock in seconds, renewed while the job runs; a job of a worker
                     that died is taken up again this long after (default ${WORKER_DEFAULTS.lockSeconds})
  -h, --help         this help

SIGTERM / SIGINT: takes no new job, finishes the running ones, exits 0. A second signal
exits at once; its jobs go back to the queue when their lock expires.
`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: NAME,
    usage: USAGE,
    positionals: 0,
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      concurrency: { type: "string" },
      lock: { type: "string" },
    },
  });
  if (typeof parsed === "number") return parsed;
  const { values: v } = parsed;
  const usageError = countOptionError(NAME, { concurrency: v.concurrency, lock: v.lock });
  if (usageError !== undefined || v.concurrency === "0" || v.lock === "0") {
    process.stderr.write(`${usageError ?? `${NAME}: --${v.concurrency === "0" ? "concurrency" : "lock"} must be at least 1`}\n`);
    return 2;
  }
  const url = v.redis ?? process.env[REDIS_ENV] ?? DEFAULT_REDIS_URL;
  let worker;
  try {
    worker = await startWorker(url, {
      queue: v.queue,
      concurrency: v.concurrency === undefined ? undefined : Number(v.concurrency),
      lockSeconds: v.lock === undefined ? undefined : Number(v.lock),
    });
  } catch (err) {
    process.stderr.write(`${NAME}: ${(err as Error).message}\n`);
    return 1;
  }
  const w = worker;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`${NAME} ${w.name}: ${signal} again: stopping now; the running jobs return to the queue when their lock expires\n`);
        void w.kill().finally(() => resolve(signal === "SIGINT" ? 130 : 143));
        return;
      }
      stopping = true;
      process.stderr.write(`${NAME} ${w.name}: ${signal}: taking no new job, finishing the running ones (${signal} again to stop now)\n`);
      void w.close().then(
        () => {
          process.stderr.write(`${NAME} ${w.name}: stopped (${w.counts.completed} jobs done, ${w.counts.failed} tries failed)\n`);
          resolve(0);
        },
        (err: Error) => {
          process.stderr.write(`${NAME} ${w.name}: ${err.message}\n`);
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
