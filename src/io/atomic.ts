/**
 * Atomic file output: write to a temporary file beside the target, then rename.
 *
 * A reader (or a rerun after a crash) sees either the previous complete file or
 * the new complete file, never a half-written one: `rename(2)` within one
 * folder is atomic on POSIX file systems. Temporary files carry the suffix
 * {@link TMP_SUFFIX} so that a rerun can recognise and delete leftovers.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync, readdirSync, fsyncSync, openSync, closeSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import type { Writable } from "node:stream";
import { outputError } from "./output-error.js";
import { onInterrupt } from "./signals.js";

const MODULE = "telemetry-lab/io/atomic";

/** Suffix of every temporary file written by this module. */
export const TMP_SUFFIX = ".partial";

let counter = 0;

/** Name of a fresh temporary file next to `path` (same folder, so rename is atomic). */
export function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}${TMP_SUFFIX}`);
}

/**
 * Writes `data` to `path` atomically, creating missing folders. Errors name `path`
 * (not the temporary) and say what went wrong in words (`no space left on device`).
 *
 * @example
 * writeFileAtomic("out/global_table.json", "[]");
 * // out/global_table.json now holds "[]"; no out/.global_table.json.*.partial is left
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw outputError(MODULE, path, err);
  }
}

/** A write stream to a temporary file that becomes `path` only on {@link AtomicStream.commit}. */
export interface AtomicStream {
  /** The stream to write to (the temporary file). */
  readonly stream: Writable;
  /** The temporary file's path. */
  readonly tempPath: string;
  /** Ends the stream, flushes it to disk and renames it to the target. */
  commit(): Promise<void>;
  /** Ends the stream and deletes the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

/** Options of {@link createAtomicStream}. */
export interface AtomicStreamOptions {
  /** fsync the file before the rename (durable across power loss; slower). Default false. */
  fsync?: boolean;
}

/**
 * Opens a stream whose content replaces `path` only when committed.
 *
 * @example
 * const out = createAtomicStream("part/2015-01-01T05:00:00.txt.gz");
 * out.stream.write(bytes);
 * await out.commit(); // the file appears complete, or not at all
 */
export function createAtomicStream(path: string, options: AtomicStreamOptions = {}): AtomicStream {
  mkdirSync(dirname(path), { recursive: true });
  const tempPath = tempPathFor(path);
  const stream = createWriteStream(tempPath);
  // Interrupted (SIGINT / SIGTERM) before commit or abort: the temporary goes.
  const off = onInterrupt(() => {
    stream.destroy();
    rmSync(tempPath, { force: true });
  });
  const finished = new Promise<void>((resolve, reject) => {
    stream.once("close", () => resolve());
    stream.once("error", reject);
  });
  return {
    stream,
    tempPath,
    async commit() {
      stream.end();
      await finished.catch((err) => {
        off();
        rmSync(tempPath, { force: true });
        throw outputError(MODULE, path, err);
      });
      if (options.fsync) {
        const fd = openSync(tempPath, "r");
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      renameSync(tempPath, path);
      off();
    },
    async abort() {
      off();
      stream.destroy();
      await finished.catch(() => undefined);
      rmSync(tempPath, { force: true });
    },
  };
}

/** Options of {@link removeStaleTemporaries}. */
export interface StaleOptions {
  /**
   * Remove every temporary, whatever process its name says wrote it (for a folder that
   * nothing writes any more, whose writers ran on other machines). Default false.
   */
  anyOwner?: boolean;
}

/**
 * Deletes temporary files left in `folder` (not recursive) by a crashed run.
 * Temporaries of a process still running (the pid in their name: another run
 * writing the same folder at the same time, or this process) are left alone,
 * unless `anyOwner`. Returns how many were removed.
 *
 * @example
 * removeStaleTemporaries("data/lanl/raw"); // 0 after a clean run
 */
export function removeStaleTemporaries(folder: string, options: StaleOptions = {}): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(".") || !name.endsWith(TMP_SUFFIX)) continue;
    const pid = ownerOf(name);
    if (!options.anyOwner && pid !== undefined && isRunning(pid)) continue;
    rmSync(join(folder, name), { force: true });
    removed += 1;
  }
  return removed;
}

/**
 * Deletes the temporaries of this process in `folder` (not recursive): after its worker
 * threads are stopped by an interrupt, what they were writing. Returns how many.
 *
 * @example
 * removeOwnTemporaries("out/graphs"); // 1 when a worker was writing a graph
 */
export function removeOwnTemporaries(folder: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(".") || !name.endsWith(TMP_SUFFIX) || ownerOf(name) !== process.pid) continue;
    rmSync(join(folder, name), { force: true });
    removed += 1;
  }
  return removed;
}

/** The pid in a temporary's name (`.<name>.<pid>.<n>.partial`), if any. */
function ownerOf(name: string): number | undefined {
  const m = /\.(\d+)\.\d+\.partial$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** Whether process `pid` exists (on this machine). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
