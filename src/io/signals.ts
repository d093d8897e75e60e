/**
 * SIGINT / SIGTERM for the command line: instead of dying silently with its locks and
 * temporaries in place, a command stops its workers, runs the clean-ups its stages
 * registered ({@link onInterrupt}: terminate worker pools, delete this process's
 * temporaries, release locks), prints one line (`<name>: interrupted; rerun to resume`)
 * and exits with the shell's code for the signal: 128 + signal number, 130 for SIGINT
 * (2) and 143 for SIGTERM (15) (POSIX `sh`, "Exit Status for Commands").
 * A second signal during the clean-up exits at once.
 */
const MODULE = "telemetry-lab/io/signals";

/** Exit code of each handled signal (128 + its number). */
export const SIGNAL_EXIT_CODES = Object.freeze({ SIGINT: 130, SIGTERM: 143 } as const);

/** Options of {@link onInterrupt}. */
export interface InterruptOptions {
  /** Clean-ups run in ascending order (stop workers 0, remove files 1, release locks 2). Default 1. */
  order?: number;
}

/** Defaults of {@link InterruptOptions}. */
export const INTERRUPT_DEFAULTS = Object.freeze({ order: 1 });

interface Entry {
  fn: () => void | Promise<void>;
  order: number;
  seq: number;
}

const entries = new Set<Entry>();
let seq = 0;
let installed: { name: string; handler: (signal: NodeJS.Signals) => void } | undefined;
let interrupting = false;

/**
 * Registers a clean-up to run if the process is interrupted; returns its removal (call it
 * once the resource is gone).
 *
 * @example
 * const off = onInterrupt(() => rmSync(lockPath, { force: true }), { order: 2 });
 * // ... work ...
 * off(); // normal end: the lock was released by its owner
 */
export function onInterrupt(fn: () => void | Promise<void>, options: InterruptOptions = {}): () => void {
  const order = options.order ?? INTERRUPT_DEFAULTS.order;
  if (!Number.isFinite(order)) throw new Error(`${MODULE}: order must be a finite number, got ${order}`);
  const e: Entry = { fn, order, seq: seq++ };
  entries.add(e);
  return () => {
    entries.delete(e);
  };
}

/** Runs every registered clean-up (each at most once; errors ignored), in order. */
export async function runInterruptCleanups(timeoutMs = 5000): Promise<void> {
  const list = [...entries].sort((a, b) => a.order - b.order || a.seq - b.seq);
  entries.clear();
  for (const e of list) {
    try {
      const r = e.fn();
      if (r instanceof Promise) await Promise.race([r.catch(() => undefined), new Promise((res) => setTimeout(res, timeoutMs).unref())]);
    } catch {
      // a clean-up that fails must not stop the others
    }
  }
}

/**
 * Installs the SIGINT / SIGTERM handlers (once; later calls only return the removal).
 * `name` starts the printed line. Returns the removal of the handlers.
 *
 * @example
 * const uninstall = installInterruptHandlers("telemetry-lab lanl partition");
 * // on Ctrl-C: "telemetry-lab lanl partition: interrupted; rerun to resume", exit 130
 */
export function installInterruptHandlers(name: string): () => void {
  if (installed !== undefined) return () => undefined;
  const handler = (signal: NodeJS.Signals): void => {
    const code = SIGNAL_EXIT_CODES[signal as keyof typeof SIGNAL_EXIT_CODES] ?? 1;
    if (interrupting) process.exit(code);
    interrupting = true;
    // One line only: what the stopped stages would print on the way out (a closed pool's
    // error, a progress display) is silenced.
    const write = process.stderr.write.bind(process.stderr);
    const silent = ((..._args: unknown[]) => true) as typeof process.stderr.write;
    process.stderr.write = silent;
    process.stdout.write = silent;
    void runInterruptCleanups().finally(() => {
      write(`${name}: interrupted; rerun to resume\n`);
      process.exit(code);
    });
  };
  installed = { name, handler };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    if (installed?.handler !== handler) return;
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
    installed = undefined;
  };
}
