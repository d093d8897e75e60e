/**
 * The LANL partitioner: every line of every stream into one gzip file per
 * (stream, interval), losslessly, in parallel, resumably.
 *
 * Port of the seed's prelude (hamelin, "Anomaly detection of heterogeneous telemetry
 * data using graph embeddings": `partition_chunk`, `consolidate_partial_partitions`,
 * `write_partition`), with its layout `DIR/partitions/P0DT1H0M0S/<stream>/<start>.txt.gz`
 * and none of its chunk-boundary bookkeeping: each stream is read once, in order, cut
 * into content-defined blocks of whole lines (`blocks.ts`), and the blocks are bucketed
 * by interval and gzip-compressed by worker threads (`bucket.ts`, `pool.ts`); the main
 * thread appends the results, in block order, to the interval files (`writer.ts`), so
 * the output is the same whatever the number of workers. Streams run concurrently and
 * share the pool. Checkpoints (`manifest.ts`) make a killed run resumable with
 * byte-identical results.
 */
import { createReadStream, existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import { removeOwnTemporaries, removeStaleTemporaries } from "../io/atomic.js";
import { onInterrupt } from "../io/signals.js";
import { assertGzipNotEmpty, countNewlines, isGzipFile } from "../lanl/reader.js";
import { createProgress, type Progress } from "../notebook/progress.js";
import { BlockSplitter } from "./blocks.js";
import type { BlockResult, BucketContext } from "./bucket.js";
import { emptyManifest, lockStream, readManifest, streamFingerprint, writeManifest, type StreamManifest } from "./manifest.js";
import { intervalName, planPartition, type PartitionPlan, type PlanOptions, type StreamPlan } from "./plan.js";
import { BlockPool } from "./pool.js";
import { summarizeFolder, writeSummary, type PartitionSummary } from "./summary.js";
import { AppendFile, StreamFiles } from "./writer.js";

/** Options of {@link partitionLanl}. */
export interface PartitionOptions extends PlanOptions {
  /** Worker threads bucketing and compressing blocks; 0 runs them inline. Default: the machine's cores. */
  jobs?: number;
  /** Block size in bytes of decompressed input (blocks end at the next newline). Default 4 MiB. */
  blockSize?: number;
  /** zlib compression level of the partition files (1 fastest .. 9 smallest). Default 1: deflate is the cost. */
  level?: number;
  /** An interval's file is finished once the stream reaches an interval this many later. Default 2. */
  window?: number;
  /** Time between two checkpoints of a stream, in ms. Default 1000. */
  checkpointMs?: number;
  /** No progress display. Default false. */
  quiet?: boolean;
}

/** Defaults of {@link PartitionOptions} (besides those of {@link PlanOptions}). */
export const DEFAULTS = Object.freeze({ blockSize: 4 << 20, level: 1, window: 2, checkpointMs: 1000, quiet: false });

/** What {@link partitionLanl} returns. */
export interface PartitionRun {
  plan: PartitionPlan;
  /** Summary of every completed stream in the interval folder. */
  summary: PartitionSummary;
  /** Path of `summary.json`. */
  summaryPath: string;
  /** Streams skipped because a previous run completed them. */
  alreadyDone: string[];
  /** Streams resumed from a checkpoint. */
  resumed: string[];
  /** Lines processed in this run and wall time. */
  lines: number;
  seconds: number;
}

const TSV_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n" };

function tsvEscape(s: string): string {
  return s.replace(/[\\\t\r\n]/g, (c) => TSV_ESCAPES[c]!);
}

interface Shared {
  plan: PartitionPlan;
  pool: BlockPool;
  progress: Progress;
  blockSize: number;
  level: number;
  window: number;
  checkpointMs: number;
  maxInFlight: number;
  linesDone: number;
  /** Set when a stream fails: the others stop at their next block. */
  abort?: Error;
}

type StreamOutcome = { manifest: StreamManifest; start: "done" | "resumed" | "fresh" };

/** Partitions one stream (its lock held by the caller); returns its final manifest and how it started. */
async function partitionStream(sp: StreamPlan, sh: Shared): Promise<StreamOutcome> {
  const { plan, pool, progress } = sh;
  const fingerprint = streamFingerprint(plan, sp, { blockSize: sh.blockSize, level: sh.level });
  const files = new StreamFiles(sp.outDir, (i) => intervalName(plan, i));
  const rejects = new AppendFile(sp.rejectsPath, "source\tline\treason\ttext\n");
  const old = readManifest(sp.manifestPath);
  const totalBytes = sp.files.reduce((a, f) => a + f.size, 0);
  let m: StreamManifest;
  let start: "done" | "resumed" | "fresh";
  if (old && old.fingerprint === fingerprint && old.complete && files.restore(old.files) && (old.rejects.count === 0 || existsSync(sp.rejectsPath))) {
    // A completed stream: restore() only checked its files (all final) and tidied the folder.
    progress.add(0, totalBytes);
    return { manifest: old, start: "done" };
  } else if (old && old.fingerprint === fingerprint && !old.complete && files.restore(old.files) && rejects.restore(old.rejects.bytes)) {
    m = old;
    start = "resumed";
  } else {
    files.clear();
    rejects.clear();
    m = emptyManifest(sp.stream, fingerprint);
    writeManifest(sp.manifestPath, m);
    start = "fresh";
  }

  const ctx: BucketContext = {
    fieldCount: sp.fieldCount,
    intervalSeconds: plan.intervalSeconds,
    startTime: plan.startTime,
    endTime: plan.endTime,
    level: sh.level,
  };
  let highest = -Infinity;
  for (const [i] of files.entries()) highest = Math.max(highest, i);
  let lastCheckpoint = Date.now();
  const checkpoint = (): void => {
    m.files = files.snapshot();
    m.rejects.bytes = rejects.bytes;
    writeManifest(sp.manifestPath, m);
    lastCheckpoint = Date.now();
  };

  try {
    for (let fi = 0; fi < sp.files.length; fi++) {
      const file = sp.files[fi]!;
      if (fi < m.position.file) {
        progress.add(0, file.size);
        continue;
      }
      const skip = fi === m.position.file ? m.position.block : 0;
      let line = fi === m.position.file ? m.position.line : 0;
      let blockNo = 0;
      const queue: Array<{ block: number; rawBytes: number; result: Promise<BlockResult> }> = [];

      const handle = async (item: (typeof queue)[number]): Promise<void> => {
        const r = await item.result;
        for (const b of r.buckets) {
          files.append(b.index, b.data, b.count);
          if (b.index > highest) highest = b.index;
        }
        for (const rj of r.rejects) {
          rejects.append(`${file.name}\t${line + rj.line + 1}\t${tsvEscape(rj.reason)}\t${tsvEscape(rj.text)}\n`);
        }
        m.rejects.count += r.rejects.length;
        m.lines += r.lines;
        m.before += r.before;
        m.after += r.after;
        m.rawBytes += item.rawBytes;
        line += r.lines;
        m.position = { file: fi, block: item.block + 1, line };
        files.closeBefore(highest - sh.window);
        sh.linesDone += r.lines;
        progress.add(r.lines);
        if (Date.now() - lastCheckpoint >= sh.checkpointMs) checkpoint();
      };
      const submit = async (block: Buffer): Promise<void> => {
        if (sh.abort) throw new Error(`telemetry-lab/partition/partition: ${sp.stream}: stopped, another stream failed: ${sh.abort.message}`);
        const b = blockNo++;
        if (b < skip) return;
        const result = pool.run(block, ctx);
        result.catch(() => undefined); // handled when awaited, in order
        queue.push({ block: b, rawBytes: block.length, result });
        while (queue.length >= sh.maxInFlight) await handle(queue.shift()!);
      };

      assertGzipNotEmpty(file.path, file.size);
      const input = createReadStream(file.path, { highWaterMark: 1 << 20 });
      input.on("data", (c) => progress.add(0, c.length));
      let source: Readable = input;
      if (isGzipFile(file.path)) {
        const gunzip = createGunzip({ chunkSize: 1 << 18 });
        input.on("error", (err) => gunzip.destroy(err));
        source = input.pipe(gunzip);
      }
      const splitter = new BlockSplitter(sh.blockSize);
      let fed = 0;
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          fed += chunk.length;
          for (const block of splitter.push(chunk)) await submit(block);
        }
      } catch (err) {
        const msg = (err as Error).message;
        if (msg.startsWith("telemetry-lab/")) throw err;
        // The input failed (a truncated gzip, a read error): name its last complete line.
        let complete: number | undefined;
        try {
          while (queue.length > 0) await handle(queue.shift()!);
          complete = line;
          for (const b of splitter.end()) complete += countNewlines(b);
        } catch {
          complete = undefined;
        }
        const what = isGzipFile(file.path) ? "truncated or corrupt gzip stream" : "read failed";
        const at = complete === undefined ? `after ${fed} decompressed bytes` : `after line ${complete} (the last complete line; ${fed} decompressed bytes)`;
        throw new Error(`telemetry-lab/partition/partition: ${file.path}: ${what} ${at}: ${msg}`);
      } finally {
        input.destroy();
      }
      for (const block of splitter.end()) await submit(block);
      while (queue.length > 0) await handle(queue.shift()!);
      m.position = { file: fi + 1, block: 0, line: 0 };
      checkpoint();
    }
    files.finalizeAll();
    rejects.finish();
    m.files = files.snapshot();
    m.rejects.bytes = rejects.bytes;
    let events = 0;
    for (const f of Object.values(m.files)) events += f.events;
    if (events + m.rejects.count + m.before + m.after !== m.lines) {
      throw new Error(
        `telemetry-lab/partition/partition: ${sp.stream}: lost lines: read ${m.lines}, wrote ${events} events + ${m.rejects.count} rejects + ${m.before + m.after} out of range`,
      );
    }
    m.complete = true;
    writeManifest(sp.manifestPath, m);
    return { manifest: m, start };
  } catch (err) {
    files.closeAll();
    rejects.closeQuietly();
    throw err;
  }
}

/**
 * Partitions the LANL streams of `dir` into `dir/partitions/<interval>/<stream>/<start>.txt.gz`.
 *
 * Every line lands in exactly one place: its interval's file (unchanged, with its
 * newline), the stream's rejects file `partitions/<interval>/rejects/<stream>.tsv`
 * (source file, line number, reason, line), or, when outside `start`/`end`, the
 * out-of-range tally of the summary. Intervals without events get no file (as in the
 * seed). Rerunning after a crash resumes; rerunning after a complete run does nothing.
 *
 * @throws when the plan is invalid (see `planPartition`) or a file cannot be read/written.
 * @example
 * const run = await partitionLanl("data/lanl", { interval: "1h" });
 * run.summary.totals; // { lines: 10234567, events: 10234567, rejects: 0, before: 0, after: 0, files: 4321 }
 * // data/lanl/partitions/P0DT1H0M0S/auth/2015-01-01T05:00:00.txt.gz, ...
 */
export async function partitionLanl(dir: string, options: PartitionOptions = {}): Promise<PartitionRun> {
  const where = "telemetry-lab/partition/partition";
  const plan = planPartition(dir, options);
  const jobs = options.jobs ?? availableParallelism();
  const blockSize = options.blockSize ?? DEFAULTS.blockSize;
  const level = options.level ?? DEFAULTS.level;
  const window = options.window ?? DEFAULTS.window;
  const checkpointMs = options.checkpointMs ?? DEFAULTS.checkpointMs;
  if (!Number.isSafeInteger(jobs) || jobs < 0) throw new Error(`${where}: jobs must be a non-negative integer, got ${jobs}`);
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new Error(`${where}: blockSize must be a positive integer, got ${blockSize}`);
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new Error(`${where}: level must be 1..9, got ${level}`);
  if (!Number.isSafeInteger(window) || window < 0) throw new Error(`${where}: window must be a non-negative integer, got ${window}`);
  const t0 = Date.now();
  const totalBytes = plan.streams.reduce((a, s) => a + s.files.reduce((b, f) => b + f.size, 0), 0);
  const progress = createProgress({
    label: `partition ${plan.streams.map((s) => s.stream).join(",")}`,
    totalBytes,
    unit: "events",
    quiet: options.quiet ?? DEFAULTS.quiet,
  });
  // Locks first: a second run on the same streams fails before touching anything.
  const releases: Array<() => void> = [];
  try {
    for (const sp of plan.streams) releases.push(lockStream(sp.manifestPath));
  } catch (err) {
    for (const r of releases) r();
    progress.finish("not started");
    throw err;
  }
  // Temporaries of killed runs, wherever this stage writes them (stream folders are tidied by restore/clear).
  for (const folder of [plan.root, join(plan.root, ".state"), join(plan.root, "rejects")]) removeStaleTemporaries(folder);
  const pool = new BlockPool(jobs);
  // SIGINT / SIGTERM: stop the workers, then remove this run's temporaries (locks go last, lock.ts).
  // The `.inprogress` files stay: with the manifest they are the resume state.
  const offStop = onInterrupt(() => pool.close(), { order: 0 });
  const offTemps = onInterrupt(() => {
    for (const folder of [plan.root, join(plan.root, ".state"), join(plan.root, "rejects"), ...plan.streams.map((s) => s.outDir)]) removeOwnTemporaries(folder);
  });
  const shared: Shared = {
    plan,
    pool,
    progress,
    blockSize,
    level,
    window,
    checkpointMs,
    maxInFlight: Math.max(2, jobs + 1),
    linesDone: 0,
  };
  const alreadyDone: string[] = [];
  const resumed: string[] = [];
  try {
    // allSettled: every stream stops before the pool closes; the first failure is reported.
    const settled = await Promise.allSettled(
      plan.streams.map((sp) =>
        partitionStream(sp, shared).catch((err: Error) => {
          shared.abort ??= err;
          throw err;
        }),
      ),
    );
    if (shared.abort) throw shared.abort;
    settled.forEach((r, i) => {
      const start = (r as PromiseFulfilledResult<StreamOutcome>).value.start;
      if (start === "done") alreadyDone.push(plan.streams[i]!.stream);
      if (start === "resumed") resumed.push(plan.streams[i]!.stream);
    });
  } finally {
    offStop();
    offTemps();
    await pool.close();
    for (const r of releases) r();
  }
  const summary = summarizeFolder(plan.root, plan.intervalSeconds, plan.intervalIso);
  const summaryPath = writeSummary(plan.root, summary);
  const seconds = (Date.now() - t0) / 1000;
  progress.finish(`${summary.totals.files} files`);
  return { plan, summary, summaryPath, alreadyDone, resumed, lines: shared.linesDone, seconds };
}
