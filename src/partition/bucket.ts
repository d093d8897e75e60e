/**
 * Bucketing one block of LANL lines by time interval, and compressing each bucket.
 *
 * This is the partitioner's hot loop, run in worker threads (`worker.ts`) or inline.
 * The seed (hamelin, "Anomaly detection of heterogeneous telemetry data using graph
 * embeddings", prelude) assigns each event to `origin + floor(t / interval) * interval`
 * and writes one gzip CSV per (stream, interval); here a block (a few MiB of whole lines)
 * is scanned once at the byte level: each line is validated with `lineTime`
 * (`src/lanl/parse.ts`), runs of consecutive lines of the same interval are copied as
 * whole byte ranges, unchanged, and every interval's bytes are gzip-compressed as one
 * gzip member. A partition file is the concatenation, in block order, of the members of
 * every block that has lines of its interval (RFC 1952 §2.2: a gzip file is a series of
 * members; zcat, Python's gzip and pandas read them through).
 */
import { gzipSync } from "node:zlib";
import { lineTime, rejectReason } from "../lanl/parse.js";

const NL = 10;

/**
 * Commas in `b[s, e)`, counting whole aligned 32-bit words at once (SWAR: a byte equal
 * to ',' becomes zero after XOR; the exact zero-byte test of "Bit Twiddling Hacks").
 * `words` is an Int32Array over the same bytes (little or big endian alike), or undefined.
 */
export function countCommas(b: Uint8Array, words: Int32Array | undefined, s: number, e: number): number {
  let n = 0;
  let i = s;
  if (words !== undefined) {
    const aligned = (s + 3) & ~3;
    for (; i < e && i < aligned; i++) if (b[i] === 44) n++;
    const last = e & ~3;
    for (let k = i >> 2, ke = last >> 2; k < ke; k++) {
      const x = words[k]! ^ 0x2c2c2c2c;
      const z = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
      if (z !== 0) n += Math.imul(z >>> 7, 0x01010101) >>> 24;
    }
    if (last > i) i = last;
  }
  for (; i < e; i++) if (b[i] === 44) n++;
  return n;
}

/** What a worker needs to bucket a block of one stream. */
export interface BucketContext {
  /** Comma-separated fields per line, time included (schema's `fieldCount`). */
  fieldCount: number;
  /** Interval length in seconds. */
  intervalSeconds: number;
  /** Smallest accepted time (inclusive), in seconds since the origin. */
  startTime: number;
  /** Largest accepted time (exclusive), in seconds since the origin; `Infinity` for none. */
  endTime: number;
  /** zlib level for the gzip members (1..9). */
  level: number;
}

/** A rejected line of a block. */
export interface BlockReject {
  /** 0-based index of the line in its block. */
  line: number;
  /** Why it was rejected, e.g. "expected 9 fields, got 7". */
  reason: string;
  /** The line as read (latin1), without its `\n`. */
  text: string;
}

/** One interval's share of a block. */
export interface Bucket {
  /** Interval index: the interval starts at `index * intervalSeconds` seconds after the origin. */
  index: number;
  /** Lines (events) of the interval in the block. */
  count: number;
  /** Uncompressed bytes of those lines (newlines included). */
  rawBytes: number;
  /** The lines as one gzip member (compressed) or their raw bytes (when not compressed). */
  data: Uint8Array;
}

/** The result of bucketing one block. */
export interface BlockResult {
  /** Lines in the block (events + rejects + out of range). */
  lines: number;
  /** Buckets in increasing interval index. */
  buckets: Bucket[];
  rejects: BlockReject[];
  /** Valid lines before `startTime`. */
  before: number;
  /** Valid lines at or after `endTime`. */
  after: number;
}

/**
 * Scans a block of whole lines (the last one ends with `\n`) and groups its valid lines
 * by interval, without compressing. Lines keep their bytes (a `\r` before `\n` too).
 *
 * Rejected: an empty line, a time that is not a non-negative integer of at most 15
 * digits, a field count other than `ctx.fieldCount`. Valid lines outside
 * `[startTime, endTime)` are only counted (`before`, `after`).
 *
 * @example
 * const r = bucketBlock(Buffer.from("1,C1,C2\n3700,C3,C4\nx,C5\n"),
 *   { fieldCount: 3, intervalSeconds: 3600, startTime: 0, endTime: Infinity, level: 1 });
 * r.buckets.map((b) => [b.index, b.count]); // [[0, 1], [1, 1]]
 * r.rejects[0]; // { line: 2, reason: "time is not a non-negative integer: 'x'", text: "x,C5" }
 */
export function bucketBlock(block: Uint8Array, ctx: BucketContext): BlockResult {
  const { fieldCount, intervalSeconds, startTime, endTime } = ctx;
  // Runs of consecutive accepted lines in the same interval: [start, end) bytes + index.
  let runStarts = new Int32Array(256);
  let runEnds = new Int32Array(256);
  let runIndex = new Float64Array(256);
  let runCounts = new Int32Array(256);
  let runs = 0;
  let curIndex = -1;
  let curStart = -1;
  let curEnd = -1;
  let curCount = 0;
  const rejects: BlockReject[] = [];
  let before = 0;
  let after = 0;
  let lines = 0;
  const n = block.length;
  const closeRun = (): void => {
    if (curCount === 0) return;
    if (runs === runStarts.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      runStarts = grow(runStarts);
      runEnds = grow(runEnds);
      runCounts = grow(runCounts);
      const f = new Float64Array(runIndex.length * 2);
      f.set(runIndex);
      runIndex = f;
    }
    runStarts[runs] = curStart;
    runEnds[runs] = curEnd;
    runIndex[runs] = curIndex;
    runCounts[runs] = curCount;
    runs++;
    curCount = 0;
  };
  // Per line: the leading time parsed byte by byte, the line end found by memchr
  // (Buffer#indexOf), the commas counted four bytes at a time (countCommas). Lines that
  // fail go through lineTime/rejectReason (src/lanl/parse.ts) for the verdict.
  const buf = Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  const words = block.byteOffset % 4 === 0 ? new Int32Array(block.buffer, block.byteOffset, n >> 2) : undefined;
  let s = 0;
  while (s < n) {
    let e = s;
    let t = 0;
    let c = 0;
    while (e < n && (c = block[e]!) >= 48 && c <= 57) {
      t = t * 10 + (c - 48);
      e++;
    }
    const digits = e - s;
    let ok = digits > 0 && digits <= 15 && e < n && c === 44;
    const timeEnd = e;
    e = buf.indexOf(NL, e);
    if (e < 0) e = n;
    if (ok) ok = 1 + countCommas(block, words, timeEnd, e) === fieldCount;
    const next = e < n ? e + 1 : n; // the line's bytes incl. its newline
    if (!ok) {
      // slow path (rare): exact rules of lineTime (CR handling, one-field lines)
      t = lineTime(block, s, e, fieldCount);
      ok = t >= 0;
    }
    if (!ok) {
      closeRun();
      rejects.push({
        line: lines,
        reason: rejectReason(block, s, e, fieldCount) ?? "rejected",
        text: Buffer.from(block.buffer, block.byteOffset + s, e - s).toString("latin1"),
      });
    } else if (t < startTime) {
      closeRun();
      before++;
    } else if (t >= endTime) {
      closeRun();
      after++;
    } else {
      const index = Math.floor(t / intervalSeconds);
      if (curCount > 0 && index === curIndex && s === curEnd) {
        curEnd = next;
        curCount++;
      } else {
        closeRun();
        curIndex = index;
        curStart = s;
        curEnd = next;
        curCount = 1;
      }
    }
    lines++;
    s = next;
  }
  closeRun();

  // Gather runs per interval, in order of first appearance, then sort by index.
  const byIndex = new Map<number, { count: number; bytes: number; runs: number[] }>();
  for (let r = 0; r < runs; r++) {
    const idx = runIndex[r]!;
    let g = byIndex.get(idx);
    if (g === undefined) {
      g = { count: 0, bytes: 0, runs: [] };
      byIndex.set(idx, g);
    }
    g.count += runCounts[r]!;
    g.bytes += runEnds[r]! - runStarts[r]!;
    g.runs.push(r);
  }
  const buckets: Bucket[] = [];
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  for (const idx of indexes) {
    const g = byIndex.get(idx)!;
    // A last line without newline (end of file) gets one: lines are kept, terminators added.
    const lastRun = g.runs[g.runs.length - 1]!;
    const needsNl = block[runEnds[lastRun]! - 1] !== NL ? 1 : 0;
    let data: Uint8Array;
    if (g.runs.length === 1 && !needsNl) {
      data = block.subarray(runStarts[lastRun]!, runEnds[lastRun]!);
    } else {
      const out = Buffer.allocUnsafe(g.bytes + needsNl);
      let o = 0;
      for (const r of g.runs) {
        out.set(block.subarray(runStarts[r]!, runEnds[r]!), o);
        o += runEnds[r]! - runStarts[r]!;
      }
      if (needsNl) out[o++] = NL;
      data = out.subarray(0, o);
    }
    buckets.push({ index: idx, count: g.count, rawBytes: data.length, data });
  }
  return { lines, buckets, rejects, before, after };
}

/**
 * Buckets a block and compresses every bucket into one gzip member (zlib level
 * `ctx.level`, fixed zlib parameters, so equal input gives equal bytes).
 *
 * @example
 * const r = partitionBlock(Buffer.from("1,C1,C2\n"), { fieldCount: 3, intervalSeconds: 3600,
 *   startTime: 0, endTime: Infinity, level: 1 });
 * gunzipSync(r.buckets[0].data).toString(); // "1,C1,C2\n"
 */
export function partitionBlock(block: Uint8Array, ctx: BucketContext): BlockResult {
  const result = bucketBlock(block, ctx);
  for (const b of result.buckets) b.data = gzipSync(b.data, { level: ctx.level });
  return result;
}
