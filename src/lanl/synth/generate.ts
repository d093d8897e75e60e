/**
 * Writes a synthetic LANL data set: `DIR/raw/{auth,proc,flows,dns,redteam}.txt.gz`
 * (LANL's formats: no header, commas, integer seconds from 1, `?` for missing, sorted by
 * time) and `DIR/synth.json` (the options, population sizes, campaign and counts, so
 * every figure can be reproduced).
 *
 * Work is split into jobs of one stream × one day (half a day for 1–2-day sets); jobs run in worker threads
 * (`dist/src/lanl/synth/worker.js`) or in-process, each job writes one gzip member to
 * a temporary part file (generation and compression overlap: zlib works on libuv's
 * thread pool), and one writer per stream appends the parts in order to the final file
 * (written atomically) as soon as each is complete, while later jobs still run, so no
 * serial concatenation pass remains at the end and at most the parts of the jobs ahead
 * of the oldest unfinished one sit on disk. Workers share the jobs so that each mostly
 * continues its own previous range of a stream (no warm-up hours regenerated; see
 * {@link scheduler}). Job boundaries depend only on the options, so the output is
 * byte-identical whatever the number of workers. The files are multi-member gzip, which
 * `zcat`, Python's `gzip` (pandas) and our reader read as one stream.
 */
import { availableParallelism } from "node:os";
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { createGzip, gzipSync } from "node:zlib";
import { Worker } from "node:worker_threads";
import { createAtomicStream, removeStaleTemporaries, tempPathFor, writeFileAtomic } from "../../io/atomic.js";
import { compiledModule } from "../../io/repo.js";
import { stopWorkers } from "../../io/worker-stop.js";
import { createProgress } from "../../notebook/progress.js";
import { SYNTH_STREAMS, expectedPerDay, isWeekend, resolveOptions, streamPresent, weeklyMean, type ResolvedOptions, type SynthOptions, type SynthStream } from "./calendar.js";
import { createContext, generateHours, type SynthContext } from "./streams.js";
import { labelLine, type RedteamCalendar } from "./redteam.js";
import { readRedteamFile, type RedteamSource } from "./redteam-file.js";
import { populationSizes } from "./entities.js";

/** Options of {@link generate}. */
export interface GenerateOptions extends SynthOptions {
  /** Output folder; files go to `out/raw/`. */
  out: string;
  /** Campaign calendar: "late" (default: last 40% of days), "lanl" (real days), "none". */
  redteam?: RedteamCalendar;
  /**
   * A red-team file in LANL's format (plain or gzip) whose events are embedded at their
   * real times instead of a modelled campaign (`redteam-file.ts`); only its labels within
   * the generated days are written. Excludes `redteam` and `attackScale`.
   */
  redteamFile?: string;
  /** Worker threads; 0 runs in-process. Default: available cores (at most 4). */
  workers?: number;
  /** gzip level of the event files. Default 1 (speed; about 10% larger than level 6). */
  gzipLevel?: number;
  /** Streams to write. Default all four. */
  streams?: readonly SynthStream[];
  /** No progress bar. */
  quiet?: boolean;
}

/** Defaults of {@link GenerateOptions} beyond the {@link SynthOptions} defaults. */
export const GENERATE_DEFAULTS = Object.freeze({ redteam: "late" as RedteamCalendar, gzipLevel: 1 });

/** What was written. */
export interface GenerateResult {
  readonly options: ResolvedOptions;
  /** Lines and bytes per written file (stream name, plus "redteam"). */
  readonly files: Readonly<Record<string, { lines: number; bytes: number; path: string }>>;
  readonly events: number;
  /**
   * With `redteamFile`: its name and SHA-256, its labels, how many were embedded, and how
   * many fell before the first or after the last generated day.
   */
  readonly redteamFile?: { name: string; sha256: string; labels: number; embedded: number; before: number; after: number };
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** One unit of work: hours [fromHour, toHour) of one stream into one part file. */
export interface SynthJob {
  readonly stream: SynthStream;
  readonly fromHour: number;
  readonly toHour: number;
  readonly part: string;
  readonly gzipLevel: number;
}

/** Message a job sends while running and when done. */
export type JobMessage =
  | { type: "progress"; lines: number }
  | { type: "done"; lines: number }
  | { type: "error"; message: string };

/**
 * Runs one job in the current thread: generates the hours and writes one gzip member.
 *
 * @example
 * await runJob(ctx, { stream: "dns", fromHour: 0, toHour: 24, part: "/tmp/dns.0.gz", gzipLevel: 1 }, () => {});
 */
export async function runJob(ctx: SynthContext, job: SynthJob, onProgress: (lines: number) => void): Promise<number> {
  const gz = createGzip({ level: job.gzipLevel, chunkSize: 1 << 18 });
  const file = createWriteStream(job.part);
  const closed = once(file, "close");
  gz.pipe(file);
  // Compression runs on libuv's thread pool: keep up to IN_FLIGHT_BYTES queued so that
  // the next hour is generated while the previous ones are compressed (waiting for
  // 'drain' after every block, as the 16 kB default high-water mark does, alternates
  // the two and leaves the generator idle a third of the time).
  let queued = 0;
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const fail = (err: Error): void => {
    failure ??= err;
    wake?.();
  };
  gz.once("error", fail);
  file.once("error", fail);
  let total = 0;
  let pending = 0;
  const gaps = ctx.options.gaps;
  for (const block of generateHours(ctx, job.stream, job.fromHour, job.toHour)) {
    if (failure) throw failure;
    // A missing day's lines are generated (the next days' lines do not change) but not written.
    if (!streamPresent(job.stream, Math.floor(block.hour / 24), gaps)) continue;
    total += block.lines;
    pending += block.lines;
    const size = block.bytes.length;
    queued += size;
    gz.write(block.bytes, () => {
      queued -= size;
      wake?.();
    });
    while (queued > IN_FLIGHT_BYTES && !failure) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (pending >= 50_000) {
      onProgress(pending);
      pending = 0;
    }
  }
  if (failure) throw failure;
  if (pending) onProgress(pending);
  gz.end();
  await closed;
  if (failure) throw failure;
  return total;
}

/** Uncompressed bytes a job may queue for compression before it waits (a few blocks). */
const IN_FLIGHT_BYTES = 12 << 20;

const contexts = new Map<string, SynthContext>();

/** The context for options (and red-team file), cached (workers run many jobs on the same options). */
export function contextFor(options: ResolvedOptions, calendar: RedteamCalendar, redteamFile?: RedteamSource): SynthContext {
  const key = JSON.stringify([options, calendar, redteamFile ? [redteamFile.sha256, redteamFile.events.length] : null]);
  let ctx = contexts.get(key);
  if (!ctx) {
    contexts.clear();
    ctx = createContext(options, calendar, redteamFile);
    contexts.set(key, ctx);
  }
  return ctx;
}

/**
 * Jobs of a data set, in output order: one per (stream, day), or per (stream, half-day)
 * for data sets of one or two days (so that two workers share even one day of auth).
 * Depends only on the options, never on the number of workers.
 */
export function planJobs(options: ResolvedOptions, streams: readonly SynthStream[], rawDir: string, gzipLevel: number): SynthJob[] {
  const span = options.days <= 2 ? 12 : 24;
  const jobs: SynthJob[] = [];
  for (const stream of streams) {
    for (let h = 0; h < options.hours; h += span) {
      const fromHour = options.firstHour + h;
      jobs.push({
        stream,
        fromHour,
        toHour: fromHour + span,
        part: tempPathFor(join(rawDir, `${stream}.txt.gz`)),
        gzipLevel,
      });
    }
  }
  return jobs;
}

/**
 * Generates the data set.
 *
 * @throws on invalid options (before writing anything) or a failed job.
 * @example
 * const r = await generate({ out: "data/lanl" });
 * r.files.auth.lines; // ≈ 1.7 M with the defaults
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  if (!options.out) throw new Error("telemetry-lab/lanl/synth: --out DIR is required");
  const resolved = resolveOptions(options);
  const calendar = options.redteam ?? GENERATE_DEFAULTS.redteam;
  if (!["late", "lanl", "none"].includes(calendar)) {
    throw new Error(`telemetry-lab/lanl/synth: --redteam must be late, lanl or none, got '${calendar}'`);
  }
  if (options.redteamFile !== undefined) {
    for (const [given, flag] of [[options.redteam, "--redteam"], [options.attackScale, "--attack-scale"]] as const) {
      if (given !== undefined) {
        throw new Error(`telemetry-lab/lanl/synth: ${flag} and --redteam-file cannot be used together: the file's events replace the modelled campaign`);
      }
    }
  }
  const gzipLevel = options.gzipLevel ?? GENERATE_DEFAULTS.gzipLevel;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) {
    throw new Error(`telemetry-lab/lanl/synth: --gzip-level must be in 1..9, got ${gzipLevel}`);
  }
  const streams = options.streams ?? SYNTH_STREAMS;
  for (const s of streams) {
    if (!SYNTH_STREAMS.includes(s)) throw new Error(`telemetry-lab/lanl/synth: unknown stream '${s}'`);
  }
  const source = options.redteamFile === undefined ? undefined : await readRedteamFile(options.redteamFile);
  // the population must hold the file's names (throws before anything is written)
  if (source) contextFor(resolved, calendar, source);
  const started = performance.now();
  const rawDir = join(options.out, "raw");
  mkdirSync(rawDir, { recursive: true });
  removeStaleTemporaries(rawDir);

  // expected events, for the progress bar: weekends carry about 60% of a weekday's volume
  const dayFactors = (stream: SynthStream): number => {
    let f = 0;
    for (let d = resolved.startDay; d < resolved.startDay + resolved.days; d++) {
      if (streamPresent(stream, d, resolved.gaps)) f += (isWeekend(d) ? 0.6 : 1) / weeklyMean(0.6);
    }
    return f;
  };
  const expected = streams.reduce((a, s) => a + expectedPerDay(s, resolved.scale) * dayFactors(s), 0);
  const progress = createProgress({ label: "lanl synth", total: Math.round(expected), unit: "events", quiet: options.quiet });
  const jobs = planJobs(resolved, streams, rawDir, gzipLevel);
  const workers = Math.max(0, Math.min(options.workers ?? Math.min(4, availableParallelism()), jobs.length));
  // Each job's line count once its part file is complete; a writer per stream appends
  // the parts to the final file in order as soon as they are ready (while later jobs are
  // still running), then deletes them.
  const done = new Map<SynthJob, Deferred<number>>(jobs.map((j) => [j, deferred<number>()]));
  const finish = (job: SynthJob, n: number): void => done.get(job)!.resolve(n);
  try {
    const produce = async (): Promise<void> => {
      try {
        if (workers === 0) {
          const ctx = contextFor(resolved, calendar, source);
          for (const job of jobs) finish(job, await runJob(ctx, job, (n) => progress.add(n)));
        } else {
          await runPool(workers, jobs, resolved, calendar, source, finish, (n) => progress.add(n));
        }
      } catch (err) {
        for (const d of done.values()) d.reject(err as Error);
        throw err;
      }
    };
    // keys in stream order (writers finish in any order with workers; synth.json must not depend on it)
    const files: Record<string, { lines: number; bytes: number; path: string }> = Object.fromEntries(
      streams.map((s) => [s, { lines: 0, bytes: 0, path: join(rawDir, `${s}.txt.gz`) }]),
    );
    const write = async (stream: SynthStream): Promise<void> => {
      const path = join(rawDir, `${stream}.txt.gz`);
      const out = createAtomicStream(path);
      let n = 0;
      try {
        for (const job of jobs.filter((j) => j.stream === stream)) {
          n += await done.get(job)!.promise;
          for await (const chunk of createReadStream(job.part, { highWaterMark: 1 << 20 })) {
            if (!out.stream.write(chunk)) await once(out.stream, "drain");
          }
          rmSync(job.part, { force: true });
        }
        await out.commit();
      } catch (err) {
        await out.abort();
        throw err;
      }
      files[stream] = { lines: n, bytes: statSync(path).size, path };
    };
    const settled = await Promise.allSettled([produce(), ...streams.map(write)]);
    for (const r of settled) if (r.status === "rejected") throw r.reason;
    // Labels: small, written at once.
    const ctx = contextFor(resolved, calendar, source);
    const labelText = ctx.scenario.labels.map((l) => labelLine(l) + "\n").join("");
    const redteamPath = join(rawDir, "redteam.txt.gz");
    const gz = gzipSync(Buffer.from(labelText, "latin1"), { level: 9 });
    writeFileAtomic(redteamPath, gz);
    files.redteam = { lines: ctx.scenario.labels.length, bytes: gz.length, path: redteamPath };
    const events = streams.reduce((a, s) => a + files[s]!.lines, 0);
    const seconds = (performance.now() - started) / 1000;
    const fileInfo = source && {
      name: source.name,
      sha256: source.sha256,
      labels: source.events.length,
      embedded: ctx.scenario.labels.length,
      before: source.events.filter((e) => e.time < resolved.t0).length,
      after: source.events.filter((e) => e.time >= resolved.tEnd).length,
    };
    const redteam = {
      attackers: ctx.scenario.attackers.map((i) => ctx.world.computers[i]),
      schedule: ctx.scenario.schedule,
      labels: ctx.scenario.labels.length,
    };
    writeFileAtomic(
      join(options.out, "synth.json"),
      JSON.stringify(
        {
          generator: "telemetry-lab lanl synth",
          options: fileInfo
            ? { days: resolved.days, scale: resolved.scale, seed: resolved.seed, startDay: resolved.startDay, redteam: "file", redteamFile: fileInfo.name, byteOrder: resolved.byteOrder, gaps: resolved.gaps, gzipLevel }
            : { days: resolved.days, scale: resolved.scale, seed: resolved.seed, startDay: resolved.startDay, redteam: calendar, attackScale: resolved.attackScale, byteOrder: resolved.byteOrder, gaps: resolved.gaps, gzipLevel },
          population: populationSizes(resolved),
          redteam: fileInfo
            ? {
                file: fileInfo.name,
                sha256: fileInfo.sha256,
                fileLabels: fileInfo.labels,
                outside: { before: fileInfo.before, after: fileInfo.after },
                ...redteam,
              }
            : redteam,
          files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { lines: v.lines, bytes: v.bytes }])),
        },
        null,
        2,
      ) + "\n",
    );
    progress.finish(`${events.toLocaleString("en-US")} events in ${seconds.toFixed(1)} s`);
    return { options: resolved, files, events, ...(fileInfo ? { redteamFile: fileInfo } : {}), seconds, eventsPerSecond: events / seconds };
  } finally {
    for (const job of jobs) rmSync(job.part, { force: true });
  }
}

async function runPool(
  size: number,
  jobs: readonly SynthJob[],
  options: ResolvedOptions,
  calendar: RedteamCalendar,
  redteamFile: RedteamSource | undefined,
  onDone: (job: SynthJob, lines: number) => void,
  onProgress: (n: number) => void,
): Promise<void> {
  const script = compiledModule("src/lanl/synth/worker");
  const claim = scheduler(jobs);
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = new Worker(script, { workerData: { options, calendar, redteamFile } });
        workers.push(worker);
        const failed = new Promise<never>((_, reject) => {
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`telemetry-lab/lanl/synth: worker exited with code ${code}`)));
        });
        failed.catch(() => undefined);
        for (let next = claim(undefined); next !== undefined; next = claim(next)) {
          const job = next;
          const done = new Promise<number>((resolve, reject) => {
            const onMessage = (m: JobMessage): void => {
              if (m.type === "progress") onProgress(m.lines);
              else {
                worker.off("message", onMessage);
                if (m.type === "done") resolve(m.lines);
                else reject(new Error(`telemetry-lab/lanl/synth: ${job.stream} hours ${job.fromHour}-${job.toHour}: ${m.message}`));
              }
            };
            worker.on("message", onMessage);
          });
          worker.postMessage(job);
          const lines = await Promise.race([done, failed]);
          claim.finished(job);
          onDone(job, lines);
        }
      }),
    );
  } finally {
    await stopWorkers(workers);
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

/** A promise with its resolve and reject (already handled: rejecting it never goes unnoticed as unhandled). */
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Picks a worker's next job; `finished` tells it a job is complete. */
interface Claim {
  (last: SynthJob | undefined): SynthJob | undefined;
  finished(job: SynthJob): void;
}

/**
 * Work sharing over the jobs (in {@link planJobs} order: runs of consecutive hours per
 * stream). A worker continues with the job after its last one when that job is still
 * free (its thread then skips the warm-up, see `generateHours`); otherwise it takes the
 * free run with the most expected events: from its start when no worker is about to
 * continue into it, else from its middle (the run is split in two). Large runs (auth)
 * are thus shared from the start and the pool ends on small jobs. Only the order of
 * work depends on the number of workers, never the bytes.
 */
function scheduler(jobs: readonly SynthJob[]): Claim {
  const claimed = new Uint8Array(jobs.length);
  const running = new Set<number>();
  const index = new Map(jobs.map((j, i) => [j, i]));
  const same = (i: number, j: number): boolean => jobs[i]!.stream === jobs[j]!.stream && jobs[i]!.toHour === jobs[j]!.fromHour;
  const take = (i: number): SynthJob => {
    claimed[i] = 1;
    running.add(i);
    return jobs[i]!;
  };
  const claim = ((last: SynthJob | undefined): SynthJob | undefined => {
    const l = last === undefined ? -1 : index.get(last)!;
    if (l >= 0 && l + 1 < jobs.length && !claimed[l + 1] && same(l, l + 1)) return take(l + 1);
    let best = -1;
    let bestLength = 0;
    let bestCost = 0;
    for (let i = 0; i < jobs.length; ) {
      if (claimed[i]) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < jobs.length && !claimed[j] && same(j - 1, j)) j++;
      const cost = (j - i) * expectedPerDay(jobs[i]!.stream, 1);
      if (cost > bestCost) {
        best = i;
        bestLength = j - i;
        bestCost = cost;
      }
      i = j;
    }
    if (best < 0) return undefined;
    const continued = best > 0 && running.has(best - 1) && same(best - 1, best);
    return take(continued ? best + Math.floor(bestLength / 2) : best);
  }) as Claim;
  claim.finished = (job) => running.delete(index.get(job)!);
  return claim;
}
