/**
 * Streaming line reader for LANL files, gzip or plain, in batches of lines.
 *
 * Each batch is one Buffer plus the start/end offsets of its lines, so a consumer can
 * parse at the byte level ({@link lineTime} in `parse.ts`) without creating a string
 * per line. Lines end at `\n`; a trailing `\r` is excluded from the line (CRLF files);
 * a last line without a newline is still delivered. Gzip is recognised by its magic
 * bytes (1f 8b), so `.txt` and `.txt.gz` both work; concatenated gzip members (as
 * `split --filter='gzip'` or parallel gzip write them) are read through.
 * Memory is bounded by the chunk size, independent of the file size.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";

const NL = 10;
const CR = 13;

/** One batch of consecutive lines. */
export interface LineBatch {
  /** Bytes holding the lines (a fresh buffer per batch: safe to keep or transfer). */
  readonly buf: Buffer;
  /** Line i is `buf[starts[i], ends[i])`, without `\n` or a trailing `\r`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Number of lines in the batch. */
  readonly count: number;
  /** 1-based line number of the batch's first line in the file. */
  readonly firstLine: number;
  /** Bytes of the file (compressed, when gzip) read so far, for progress. */
  readonly bytesRead: number;
}

/** Options of {@link readLineBatches}. */
export interface ReadLineBatchesOptions {
  /** Read size from disk in bytes. Default 1 MiB. */
  readSize?: number;
  /** Decompressed chunk size in bytes (about the size of one batch). Default 256 KiB. */
  chunkSize?: number;
  /** Force gzip (`true`) or plain (`false`); default: detect from the magic bytes. */
  gzip?: boolean;
}

/** Defaults of {@link readLineBatches}. */
export const DEFAULTS: Required<Omit<ReadLineBatchesOptions, "gzip">> = Object.freeze({
  readSize: 1 << 20,
  chunkSize: 1 << 18,
});

/**
 * True when the file starts with the gzip magic bytes.
 *
 * @example
 * isGzipFile("data/lanl/raw/auth.txt.gz"); // true
 */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a 0-byte `.gz` file: it is not a valid gzip stream (even an empty text
 * compresses to a 20-byte member, RFC 1952), so it is a truncated or failed download,
 * not an empty input.
 *
 * @throws naming the file.
 * @example
 * assertGzipNotEmpty("raw/auth.txt.gz"); // throws "...: raw/auth.txt.gz: 0 bytes: not a valid gzip file ..."
 */
export function assertGzipNotEmpty(path: string, size?: number): void {
  if (!path.endsWith(".gz")) return;
  let bytes = size;
  if (bytes === undefined) {
    try {
      bytes = statSync(path).size;
    } catch {
      return; // opening it reports what is wrong
    }
  }
  if (bytes === 0) {
    throw new Error(`telemetry-lab/lanl/reader: ${path}: 0 bytes: not a valid gzip file (truncated or failed download?); remove it or fetch it again`);
  }
}

/** Lines of a buffer (count of `\n`). */
export function countNewlines(data: Uint8Array): number {
  let n = 0;
  for (let p = data.indexOf(NL); p >= 0; p = data.indexOf(NL, p + 1)) n++;
  return n;
}

/**
 * Reads a gzip or plain text file as batches of lines.
 *
 * @example
 * let lines = 0;
 * for await (const batch of readLineBatches("data/lanl/raw/dns.txt.gz")) lines += batch.count;
 * // lines === number of lines in the file
 */
export async function* readLineBatches(path: string, options: ReadLineBatchesOptions = {}): AsyncGenerator<LineBatch> {
  const readSize = options.readSize ?? DEFAULTS.readSize;
  const chunkSize = options.chunkSize ?? DEFAULTS.chunkSize;
  if (!(readSize > 0) || !(chunkSize >= 1024)) {
    throw new Error(`telemetry-lab/lanl/reader: ${path}: readSize must be > 0 and chunkSize >= 1024`);
  }
  assertGzipNotEmpty(path);
  let gzip: boolean;
  try {
    gzip = options.gzip ?? isGzipFile(path);
  } catch (err) {
    throw new Error(`telemetry-lab/lanl/reader: ${path}: cannot open: ${(err as Error).message}`);
  }
  const file = createReadStream(path, { highWaterMark: readSize });
  let bytesRead = 0;
  file.on("data", (c) => {
    bytesRead += c.length;
  });
  let source: Readable = file;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize });
    file.on("error", (err) => gunzip.destroy(err));
    source = file.pipe(gunzip);
  }
  let carry: Buffer | null = null;
  let nextLine = 1;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const last = chunk.lastIndexOf(NL);
      if (last < 0) {
        carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
        continue;
      }
      const head = chunk.subarray(0, last + 1);
      const data: Buffer = carry ? Buffer.concat([carry, head]) : head;
      carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : null;
      const batch = splitLines(data, nextLine, bytesRead, false);
      nextLine += batch.count;
      yield batch;
    }
  } catch (err) {
    const complete = nextLine - 1 + (carry === null ? 0 : countNewlines(carry));
    const what = gzip ? "truncated or corrupt gzip stream" : "read failed";
    throw new Error(`telemetry-lab/lanl/reader: ${path}: ${what} after line ${complete} (the last complete line): ${(err as Error).message}`);
  } finally {
    file.destroy();
  }
  if (carry && carry.length > 0) yield splitLines(carry, nextLine, bytesRead, true);
}

/**
 * Finds the lines of `data`; when `final`, text after the last `\n` is a line too.
 * (`data` normally ends with `\n`.)
 */
export function splitLines(data: Buffer, firstLine: number, bytesRead: number, final: boolean): LineBatch {
  let n = 0;
  for (let p = data.indexOf(NL); p >= 0; p = data.indexOf(NL, p + 1)) n++;
  const tail = final && (data.length === 0 || data[data.length - 1] !== NL) ? 1 : 0;
  const starts = new Int32Array(n + tail);
  const ends = new Int32Array(n + tail);
  let s = 0;
  let i = 0;
  for (let p = data.indexOf(NL); p >= 0; p = data.indexOf(NL, p + 1)) {
    starts[i] = s;
    ends[i] = p > s && data[p - 1] === CR ? p - 1 : p;
    i++;
    s = p + 1;
  }
  if (tail) {
    starts[i] = s;
    ends[i] = data.length > s && data[data.length - 1] === CR ? data.length - 1 : data.length;
    i++;
  }
  return { buf: data, starts, ends, count: i, firstLine, bytesRead };
}

/**
 * Reads a whole (small) file as an array of line strings, e.g. `redteam.txt.gz`.
 *
 * @example
 * (await readAllLines("redteam.txt.gz")).length; // 749
 */
export async function readAllLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.count; i++) lines.push(b.buf.toString("latin1", b.starts[i], b.ends[i]));
  }
  return lines;
}

/**
 * The first `n` lines of a (gzip or plain) file, read from its first batches only.
 * LANL files are ASCII; `latin1` keeps every byte as one character.
 *
 * @example
 * await headLines("data/lanl/raw/dns.txt.gz", 2); // ["3,C1960,C529", "6,C254,C1058"]
 */
export async function headLines(path: string, n: number, encoding: BufferEncoding = "latin1"): Promise<string[]> {
  const lines: string[] = [];
  if (n <= 0) return lines;
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.count && lines.length < n; i++) lines.push(b.buf.toString(encoding, b.starts[i], b.ends[i]));
    if (lines.length >= n) break;
  }
  return lines;
}
