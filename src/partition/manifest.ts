/**
 * The resume manifest of one stream: how far the partitioner got, written atomically
 * (`writeFileAtomic`, `src/io/atomic.ts`) at checkpoints.
 *
 * A checkpoint is taken between two blocks: every byte of every block before it has been
 * written (`write(2)` returned, so it survives the process being killed), and the
 * manifest records the input position of the next block plus the size and state of
 * every partition file and of the rejects file. A rerun truncates the files back to
 * those sizes, deletes whatever was written after the checkpoint, and continues from
 * the recorded block; since blocks are content-defined and consumed in order, it writes
 * exactly the bytes an uninterrupted run would have written.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import { takeLock } from "../io/lock.js";
import type { FileState } from "./writer.js";
import type { PartitionPlan, StreamPlan } from "./plan.js";

/** Position of the next block to process. */
export interface InputPosition {
  /** Index of the input file (chunked layout: in name order). */
  file: number;
  /** Index of the block within that file. */
  block: number;
  /** Lines of that file before the block. */
  line: number;
}

/** Per-stream progress and tallies, as saved. */
export interface StreamManifest {
  version: 1;
  stream: string;
  /** Everything that determines the output bytes; a mismatch means starting afresh. */
  fingerprint: string;
  complete: boolean;
  position: InputPosition;
  /** Partition files by interval index. */
  files: Record<string, FileState>;
  rejects: { count: number; bytes: number };
  /** Lines read (events + rejects + out of range). */
  lines: number;
  /** Valid lines before --start / at or after --end. */
  before: number;
  after: number;
  /** Input bytes (decompressed) consumed. */
  rawBytes: number;
}

/**
 * The fingerprint of a stream's run: the options that shape the output bytes and the
 * identity (name, size, mtime) of its input files. `--jobs` is not part of it: the
 * output does not depend on it.
 *
 * @example
 * streamFingerprint(plan, plan.streams[0], { blockSize: 4 << 20, level: 3 });
 * // '{"interval":3600,"origin":"2015-01-01T00:00:00",...}'
 */
export function streamFingerprint(plan: PartitionPlan, s: StreamPlan, opts: { blockSize: number; level: number }): string {
  return JSON.stringify({
    interval: plan.intervalSeconds,
    origin: plan.origin,
    start: plan.startTime,
    end: Number.isFinite(plan.endTime) ? plan.endTime : null,
    blockSize: opts.blockSize,
    level: opts.level,
    stream: s.stream,
    fieldCount: s.fieldCount,
    inputs: s.files.map((f) => [f.name, f.size, f.mtimeMs]),
  });
}

/** A fresh manifest (nothing done). */
export function emptyManifest(stream: string, fingerprint: string): StreamManifest {
  return {
    version: 1,
    stream,
    fingerprint,
    complete: false,
    position: { file: 0, block: 0, line: 0 },
    files: {},
    rejects: { count: 0, bytes: 0 },
    lines: 0,
    before: 0,
    after: 0,
    rawBytes: 0,
  };
}

/** Reads a manifest; undefined when missing or unreadable (a torn write cannot happen: writes are atomic). */
export function readManifest(path: string): StreamManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(path, "utf8")) as StreamManifest;
    return m.version === 1 ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a manifest atomically. */
export function writeManifest(path: string, m: StreamManifest): void {
  writeFileAtomic(path, JSON.stringify(m));
}

/**
 * Takes the lock of a stream's output (`<manifest>.lock`, holding the owner's pid and
 * process start time, `src/io/lock.ts`), so that two runs never write the same files. A
 * lock left by a killed run (its pid no longer alive, or reused by a process started
 * later) is taken over. Returns the release function (also run on SIGINT / SIGTERM).
 *
 * @throws when a live process holds the lock.
 * @example
 * const release = lockStream("data/lanl/partitions/P0DT1H0M0S/.state/auth.json");
 * // ... partition auth ...
 * release();
 */
export function lockStream(manifestPath: string): () => void {
  return takeLock(`${manifestPath}.lock`, {
    busy: (path, owner) => new Error(`telemetry-lab/partition/manifest: ${path}: another partitioning run (pid ${owner.pid}) is writing this stream`),
  });
}
