/**
 * The on-disk graph format `.tlg` ("telemetry-lab graph"), optionally gzipped
 * (`.tlg.gz`): a versioned header, the vertex table and the upper-triangular CSR
 * arrays, with CRC-32 checksums. Readers detect gzip by its magic bytes.
 *
 * Layout, version 1 (all integers little-endian, arrays packed without padding):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0  | 8 | magic `TLGRAPH\0` |
 * | 8  | 4 | format version (u32) = 1 |
 * | 12 | 4 | header length in bytes (u32) = 64 |
 * | 16 | 4 | vertex count n (u32) |
 * | 20 | 4 | edge count m (u32): undirected edges, self-loops included, each once |
 * | 24 | 4 | name blob length in bytes (u32) |
 * | 28 | 4 | weight encoding (u32): 0 = float64, 1 = uint32 (all weights integral in 0..2^32-1) |
 * | 32 | 8 | payload length in bytes (u64) |
 * | 40 | 4 | CRC-32 of the payload (u32) |
 * | 44 | 16 | reserved, zero |
 * | 60 | 4 | CRC-32 of header bytes 0..59 (u32) |
 *
 * Payload, right after the header:
 * 1. name offsets: u32 x (n+1), byte offsets into the name blob (first 0, last = blob length);
 * 2. name blob: the UTF-8 vertex names, concatenated; vertex i is names[i];
 * 3. row offsets: u32 x (n+1) into the edge arrays;
 * 4. targets: u32 x m; row u lists its neighbours v >= u, strictly ascending;
 * 5. weights: float64 x m or uint32 x m (per the weight encoding).
 *
 * Each undirected edge is stored once (in the row of its smaller id); readers
 * rebuild the symmetric CSR. Vertex order is kept (builders write name order).
 */
import { readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { endianness } from "node:os";
import { writeFileAtomic } from "../../io/atomic.js";
import { csrFromEdges, type Csr } from "../csr.js";
import { crc32 } from "./crc32.js";

/** Magic bytes at the start of every (uncompressed) graph file. */
export const TLG_MAGIC = "TLGRAPH\0";
/** Format version written by this build (and the highest it reads). */
export const TLG_VERSION = 1;
/** Header length of version 1. */
export const TLG_HEADER_BYTES = 64;

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8", { fatal: true });
const MODULE = "telemetry-lab/graph/format/tlg";

function checkEndianness(): void {
  if (endianness() !== "LE") throw new Error(`${MODULE}: big-endian hosts are not supported`);
}

/** Options of {@link encodeGraph} and {@link writeGraph}. */
export interface TlgWriteOptions {
  /** gzip the bytes. Default (writeGraph): true when the path ends in `.gz`; encodeGraph: false. */
  gzip?: boolean;
  /** gzip level 1..9. Default 6. */
  level?: number;
}

/** Defaults of {@link TlgWriteOptions}. */
export const TLG_DEFAULTS = { level: 6 } as const;

/**
 * The UTF-8 bytes of all `names` back to back and their offsets (length n + 1):
 * one encoder call for the lot (names are usually ASCII, then a byte offset is
 * a string offset), one call per name otherwise.
 */
function encodeNames(names: readonly string[]): { bytes: Uint8Array; offsets: Uint32Array } {
  const n = names.length;
  const offsets = new Uint32Array(n + 1);
  const all = names.join("");
  const bytes = Buffer.from(all, "utf8");
  if (bytes.length === all.length) {
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + names[i]!.length;
    return { bytes, offsets };
  }
  const encoded = names.map((s) => ENCODER.encode(s));
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + encoded[i]!.length;
  const out = new Uint8Array(offsets[n]!);
  for (let i = 0; i < n; i++) out.set(encoded[i]!, offsets[i]!);
  return { bytes: out, offsets };
}

/**
 * Encodes a graph in the `.tlg` format (see the module comment).
 *
 * @example
 * const bytes = encodeGraph(csr);            // Buffer starting with "TLGRAPH\0"
 * decodeGraph(bytes, "mem");                 // an equal Csr
 */
export function encodeGraph(g: Csr, options: TlgWriteOptions = {}): Buffer {
  checkEndianness();
  const n = g.names.length;
  const { bytes: nameBytes, offsets: nameOffsets } = encodeNames(g.names);
  const blob = nameBytes.length;
  // Upper-triangular rows: the suffix of each sorted row with v >= u.
  const rowOffsets = new Uint32Array(n + 1);
  let m = 0;
  for (let u = 0; u < n; u++) {
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) if (g.targets[k]! >= u) m++;
    rowOffsets[u + 1] = m;
  }
  const targets = new Uint32Array(m);
  const weights = new Float64Array(m);
  let integral = true;
  let j = 0;
  for (let u = 0; u < n; u++) {
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) {
      const v = g.targets[k]!;
      if (v < u) continue;
      targets[j] = v;
      const w = g.weights[k]!;
      weights[j++] = w;
      if (integral && !(Number.isInteger(w) && w >= 0 && w <= 0xffffffff && !Object.is(w, -0))) integral = false;
    }
  }
  const wBytes = integral ? 4 * m : 8 * m;
  const payloadLen = 4 * (n + 1) + blob + 4 * (n + 1) + 4 * m + wBytes;
  const buf = Buffer.alloc(TLG_HEADER_BYTES + payloadLen);
  let p = TLG_HEADER_BYTES;
  const put = (arr: ArrayBufferView): void => {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    buf.set(bytes, p);
    p += bytes.length;
  };
  put(nameOffsets);
  buf.set(nameBytes, p);
  p += nameBytes.length;
  put(rowOffsets);
  put(targets);
  put(integral ? Uint32Array.from(weights) : weights);
  // Header.
  buf.write(TLG_MAGIC, 0, "latin1");
  buf.writeUInt32LE(TLG_VERSION, 8);
  buf.writeUInt32LE(TLG_HEADER_BYTES, 12);
  buf.writeUInt32LE(n, 16);
  buf.writeUInt32LE(m, 20);
  buf.writeUInt32LE(blob, 24);
  buf.writeUInt32LE(integral ? 1 : 0, 28);
  buf.writeBigUInt64LE(BigInt(payloadLen), 32);
  buf.writeUInt32LE(crc32(buf.subarray(TLG_HEADER_BYTES)), 40);
  buf.writeUInt32LE(crc32(buf.subarray(0, 60)), 60);
  if (options.gzip) return gzipSync(buf, { level: options.level ?? TLG_DEFAULTS.level });
  return buf;
}

/** Copies `count` u32 from `buf` at `offset` (no alignment requirement). */
function u32s(buf: Buffer, offset: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  new Uint8Array(out.buffer).set(buf.subarray(offset, offset + 4 * count));
  return out;
}

/**
 * Decodes `.tlg` bytes (gzipped or not). `source` names the file in errors.
 * Throws a clear error on anything wrong: bad magic, unknown version,
 * truncation, checksum mismatch, inconsistent arrays.
 */
export function decodeGraph(bytes: Uint8Array, source: string): Csr {
  checkEndianness();
  const fail = (what: string): never => {
    throw new Error(`${MODULE}: ${source}: ${what}`);
  };
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      fail(`corrupt or truncated gzip stream (${(err as Error).message})`);
    }
  }
  if (buf.length < TLG_HEADER_BYTES) {
    if (buf.length >= 8 && buf.toString("latin1", 0, 8) !== TLG_MAGIC) fail("not a telemetry-lab graph file (bad magic bytes)");
    fail(`truncated: ${buf.length} bytes, the header alone needs ${TLG_HEADER_BYTES}`);
  }
  if (buf.toString("latin1", 0, 8) !== TLG_MAGIC) fail("not a telemetry-lab graph file (bad magic bytes)");
  const version = buf.readUInt32LE(8);
  if (version < 1 || version > TLG_VERSION) fail(`unsupported format version ${version} (this build reads 1..${TLG_VERSION})`);
  if (buf.readUInt32LE(60) !== crc32(buf.subarray(0, 60))) fail("header checksum mismatch (corrupt header)");
  const headerLen = buf.readUInt32LE(12);
  if (headerLen !== TLG_HEADER_BYTES) fail(`header length ${headerLen}, expected ${TLG_HEADER_BYTES}`);
  const n = buf.readUInt32LE(16);
  const m = buf.readUInt32LE(20);
  const blob = buf.readUInt32LE(24);
  const enc = buf.readUInt32LE(28);
  if (enc !== 0 && enc !== 1) fail(`unknown weight encoding ${enc}`);
  const payloadLen = Number(buf.readBigUInt64LE(32));
  const actual = buf.length - TLG_HEADER_BYTES;
  if (actual < payloadLen) fail(`truncated: payload is ${actual} bytes, the header announces ${payloadLen}`);
  if (actual > payloadLen) fail(`${actual - payloadLen} unexpected bytes after the payload`);
  const expectLen = 4 * (n + 1) + blob + 4 * (n + 1) + 4 * m + (enc === 1 ? 4 : 8) * m;
  if (expectLen !== payloadLen) fail(`payload length ${payloadLen} does not match the counts (n=${n}, m=${m}): expected ${expectLen}`);
  const stored = buf.readUInt32LE(40);
  const computed = crc32(buf.subarray(TLG_HEADER_BYTES));
  if (stored !== computed) fail(`payload checksum mismatch (stored ${stored.toString(16)}, computed ${computed.toString(16)}): the file is corrupt`);
  let p = TLG_HEADER_BYTES;
  const nameOffsets = u32s(buf, p, n + 1);
  p += 4 * (n + 1);
  const names = new Array<string>(n);
  if (nameOffsets[0] !== 0 || nameOffsets[n] !== blob) fail("corrupt vertex table (name offsets do not span the name blob)");
  for (let i = 0; i < n; i++) {
    const a = nameOffsets[i]!;
    const b = nameOffsets[i + 1]!;
    if (b < a) fail(`corrupt vertex table (name offsets decrease at vertex ${i})`);
    try {
      names[i] = DECODER.decode(buf.subarray(p + a, p + b));
    } catch {
      fail(`corrupt vertex table (vertex ${i} is not valid UTF-8)`);
    }
  }
  p += blob;
  const rows = u32s(buf, p, n + 1);
  p += 4 * (n + 1);
  const targets = u32s(buf, p, m);
  p += 4 * m;
  let weights: Float64Array;
  if (enc === 1) {
    weights = Float64Array.from(u32s(buf, p, m));
  } else {
    weights = new Float64Array(m);
    new Uint8Array(weights.buffer).set(buf.subarray(p, p + 8 * m));
  }
  if (rows[0] !== 0 || rows[n] !== m) fail("corrupt CSR (row offsets do not span the edge arrays)");
  const us = new Uint32Array(m);
  for (let u = 0; u < n; u++) {
    const a = rows[u]!;
    const b = rows[u + 1]!;
    if (b < a) fail(`corrupt CSR (row offsets decrease at vertex ${u})`);
    let prev = -1;
    for (let k = a; k < b; k++) {
      const v = targets[k]!;
      if (v < u || v >= n || v <= prev) fail(`corrupt CSR (row ${u}: target ${v} out of order or range)`);
      prev = v;
      us[k] = u;
    }
  }
  return csrFromEdges(names, us, targets, weights, { sortByName: false, dropIsolated: false });
}

/**
 * Writes a graph file atomically; gzipped when `options.gzip` or the path ends in `.gz`.
 *
 * @example
 * writeGraph("graphs/2015-01-01T05:00:00.tlg.gz", csr);
 */
export function writeGraph(path: string, g: Csr, options: TlgWriteOptions = {}): void {
  const gzip = options.gzip ?? path.endsWith(".gz");
  writeFileAtomic(path, encodeGraph(g, { ...options, gzip }));
}

/**
 * Reads a graph file written by {@link writeGraph} (gzipped or not).
 *
 * @example
 * readGraph("graphs/2015-01-01T05:00:00.tlg.gz").names.length; // 35112
 */
export function readGraph(path: string): Csr {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${MODULE}: ${path}: cannot read (${(err as Error).message})`);
  }
  return decodeGraph(bytes, path);
}
