/**
 * Lock files that name their owner by pid AND process start time, so that a pid reused
 * by an unrelated process after a crash is not taken for the owner (the start time is
 * field 22 of Linux `/proc/<pid>/stat`, clock ticks since boot, proc(5); elsewhere only
 * the pid is recorded and checked). A lock whose owner is gone is taken over. A held lock
 * is released on SIGINT / SIGTERM (`signals.ts`).
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { onInterrupt } from "./signals.js";

const MODULE = "telemetry-lab/io/lock";

/** What a lock file records. */
export interface LockOwner {
  pid: number;
  /** Process start time (Linux: clock ticks since boot), when known. */
  start?: string;
}

/**
 * Start time of process `pid` (field 22 of `/proc/<pid>/stat`), or undefined where
 * `/proc` is missing or the process does not exist.
 *
 * @example
 * processStartTime(process.pid); // "83412337"
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = fields[19];
    return v !== undefined && /^\d+$/.test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a lock file's text: `<pid>` (older locks) or `<pid> <start>`. */
export function parseLockOwner(text: string): LockOwner | undefined {
  const m = /^\s*(\d+)(?:\s+(\d+))?\s*$/.exec(text);
  if (m === null) return undefined;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return m[2] === undefined ? { pid } : { pid, start: m[2] };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the recorded owner is still running: its pid is alive and, when both are
 * known, started at the recorded time (otherwise the pid was reused).
 *
 * @example
 * ownerAlive({ pid: process.pid, start: processStartTime(process.pid) }); // true
 * ownerAlive({ pid: process.pid, start: "1" });                           // false (reused pid)
 */
export function ownerAlive(owner: LockOwner): boolean {
  if (!pidAlive(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.start;
}

/** Options of {@link takeLock}. */
export interface LockOptions {
  /** The error thrown when a live process holds the lock. Default: a generic one naming the path and pid. */
  busy?: (path: string, owner: LockOwner) => Error;
}

/**
 * Creates lock file `path` for this process (`<pid> <start time>`), taking over a lock
 * whose owner is gone. Returns the release function (also run on SIGINT / SIGTERM).
 *
 * @throws when a live process holds the lock.
 * @example
 * const release = takeLock("parts/.state/auth.json.lock");
 * // ... write ...
 * release();
 */
export function takeLock(path: string, options: LockOptions = {}): () => void {
  mkdirSync(dirname(path), { recursive: true });
  const me: LockOwner = { pid: process.pid, start: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      try {
        writeSync(fd, me.start === undefined ? String(me.pid) : `${me.pid} ${me.start}`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        off();
        rmSync(path, { force: true });
      };
      const off = onInterrupt(release, { order: 2 });
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner: LockOwner | undefined;
      try {
        owner = parseLockOwner(readFileSync(path, "utf8"));
      } catch {
        continue;
      }
      if (owner !== undefined && owner.pid !== process.pid && ownerAlive(owner)) {
        throw options.busy?.(path, owner) ?? new Error(`${MODULE}: ${path}: held by another running process (pid ${owner.pid})`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`${MODULE}: ${path}: cannot take the lock`);
}
