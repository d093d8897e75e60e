/**
 * A pool of worker threads that bucket and compress blocks (`worker.ts`), or the same
 * work inline in the calling thread when `jobs` is 0 (tests, notebooks without a build).
 *
 * Tasks are dispatched to the least-busy worker; results come back as promises, so the
 * caller decides the order in which it consumes them (the partitioner consumes them in
 * block order, which makes the output independent of the number of workers).
 */
import { Worker } from "node:worker_threads";
import { compiledModule } from "../io/repo.js";
import { stopWorkers } from "../io/worker-stop.js";
import { partitionBlock, type BlockResult, type BucketContext } from "./bucket.js";

/** A {@link BlockResult} whose bucket data live in one ArrayBuffer (cheap to transfer). */
export interface PackedResult extends Omit<BlockResult, "buckets"> {
  buckets: Array<{ index: number; count: number; rawBytes: number; offset: number; length: number }>;
  data: Uint8Array;
}

/** Copies every bucket's bytes into one buffer (for `postMessage` with a transfer list). */
export function packResult(r: BlockResult): PackedResult {
  let total = 0;
  for (const b of r.buckets) total += b.data.length;
  const data = new Uint8Array(total);
  const buckets: PackedResult["buckets"] = [];
  let o = 0;
  for (const b of r.buckets) {
    data.set(b.data, o);
    buckets.push({ index: b.index, count: b.count, rawBytes: b.rawBytes, offset: o, length: b.data.length });
    o += b.data.length;
  }
  return { lines: r.lines, rejects: r.rejects, before: r.before, after: r.after, buckets, data };
}

/** The inverse of {@link packResult} (views, no copy). */
export function unpackResult(p: PackedResult): BlockResult {
  const data = p.data;
  return {
    lines: p.lines,
    rejects: p.rejects,
    before: p.before,
    after: p.after,
    buckets: p.buckets.map((b) => ({
      index: b.index,
      count: b.count,
      rawBytes: b.rawBytes,
      data: data.subarray(b.offset, b.offset + b.length),
    })),
  };
}

interface Pending {
  resolve: (r: BlockResult) => void;
  reject: (e: Error) => void;
}

/**
 * Runs `partitionBlock` on `jobs` worker threads (0: inline).
 *
 * @example
 * const pool = new BlockPool(2);
 * const r = await pool.run(Buffer.from("1,C1,C2\n"), ctx); // r.buckets[0].data is a gzip member
 * await pool.close();
 */
export class BlockPool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(readonly jobs: number) {
    if (!Number.isSafeInteger(jobs) || jobs < 0) {
      throw new Error(`telemetry-lab/partition/pool: jobs must be a non-negative integer, got ${jobs}`);
    }
    if (jobs === 0) return;
    const file = compiledModule("src/partition/worker");
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(file);
      w.on("message", (msg: { id: number; result?: PackedResult; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (p === undefined) return;
        this.pending.delete(msg.id);
        this.busy[p.worker]!--;
        if (msg.error !== undefined) p.reject(new Error(`telemetry-lab/partition/pool: worker failed: ${msg.error}`));
        else p.resolve(unpackResult(msg.result!));
      });
      w.on("error", (err) => this.fail(err));
      w.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`telemetry-lab/partition/pool: worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
  }

  /** Buckets and compresses `block` (its buffer is transferred: do not reuse it). */
  run(block: Buffer, ctx: BucketContext): Promise<BlockResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.jobs === 0) {
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(partitionBlock(block, ctx));
          } catch (err) {
            reject(err as Error);
          }
        }),
      );
    }
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i]! < this.busy[w]!) w = i;
    const id = this.nextId++;
    this.busy[w]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      const own = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength;
      let data = block;
      if (!own) {
        data = Buffer.allocUnsafeSlow(block.length);
        block.copy(data);
      }
      this.workers[w]!.postMessage({ id, block: data, ctx }, [data.buffer as ArrayBuffer]);
    });
  }

  /** Stops the workers, letting each end by itself ({@link stopWorkers}). */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await stopWorkers(ws);
  }
}
