/**
 * Parquet files for flat tables (one value per row and column, no nulls): a minimal
 * writer and a reader of the same subset, both synchronous and dependency-free.
 *
 * Source: the Apache Parquet format specification (`parquet-format`: `README.md`,
 * `Encodings.md` and `src/main/thrift/parquet.thrift`, format 2.x) and the Apache Thrift
 * compact protocol (`thrift/doc/specs/thrift-compact-protocol.md`).
 *
 * What is written (every choice fixed, so one table always gives the same bytes):
 * ```
 * "PAR1"
 * row group 0: column chunk 0: [PageHeader][PLAIN values] [PageHeader][PLAIN values] ...
 *              column chunk 1: ...
 * row group 1: ...                       (rows split every `rowGroupRows`)
 * FileMetaData (Thrift compact)  <u32 LE length>  "PAR1"
 * ```
 * - Columns are REQUIRED leaves of one flat schema: `string` = BYTE_ARRAY annotated STRING
 *   (converted type UTF8), `double` = DOUBLE, `int32` = INT32, `int64` = INT64.
 * - Data pages are v1, PLAIN-encoded and UNCOMPRESSED (no definition or repetition levels,
 *   as the columns are required and flat); a chunk's pages are split at row boundaries at
 *   about `pageBytes` bytes.
 * - No statistics, no page index, no bloom filter, no timestamps, `created_by` a fixed
 *   string; `key_value_metadata` holds {@link ParquetTable.metadata} in its key order.
 *
 * PLAIN pages without compression are the baseline every Parquet reader implements (pyarrow
 * and fastparquet for pandas, polars, DuckDB); embedding features hardly compress anyway
 * (snappy saved 6 % on 1e5 x 40 random doubles with hyparquet-writer). The test reads the files
 * back with DuckDB, an independent reader. Written this way rather than with an npm writer
 * because the candidates (hyparquet-writer, hyparquet) are ESM-only, which tslab's CommonJS
 * can `require` only from Node 20.19 on, and hyparquet reads asynchronously only.
 *
 * The reader ({@link readParquet}) reads this subset from any writer: flat REQUIRED columns of
 * the four types, PLAIN v1 data pages, no compression. Anything else (nulls, dictionaries,
 * snappy, nested columns) is refused with an error naming the file and what it met.
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { TextDecoder } from "node:util";
import { writeFileAtomic } from "./atomic.js";

const MODULE = "telemetry-lab/io/parquet";

/** The column types this module writes and reads. */
export type ParquetColumnType = "string" | "double" | "int32" | "int64";

/** One column: a name, a type and one value per row. */
export type ParquetColumn =
  | { readonly name: string; readonly type: "string"; readonly values: readonly string[] }
  | { readonly name: string; readonly type: "double"; readonly values: Float64Array }
  | { readonly name: string; readonly type: "int32"; readonly values: Int32Array }
  | { readonly name: string; readonly type: "int64"; readonly values: BigInt64Array };

/** A flat table: columns of equal length, and optional key/value metadata of the file. */
export interface ParquetTable {
  readonly columns: ParquetColumn[];
  /** Written as the file's `key_value_metadata`, in key order; absent when the file has none. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link writeParquet} and {@link encodeParquet}. */
export interface ParquetWriteOptions {
  /** Rows per row group (the last one may be shorter). Default 131072 (2^17). */
  rowGroupRows?: number;
  /** A data page is closed at the first row boundary at or past this many value bytes. Default 1 MiB. */
  pageBytes?: number;
  /** The file's `created_by`. Default "telemetry-lab/io/parquet". */
  createdBy?: string;
}

/**
 * Defaults of {@link ParquetWriteOptions}. With 2^17 rows a row group of 40 doubles holds
 * 40 MiB, each double column chunk one 1 MiB page: small enough for any reader to hold a
 * row group, large enough that the metadata stays small (8 row groups for 1e6 rows).
 */
export const PARQUET_WRITE_DEFAULTS = Object.freeze({
  rowGroupRows: 131_072,
  pageBytes: 1_048_576,
  createdBy: "telemetry-lab/io/parquet",
});

const MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x31); // "PAR1"
const LITTLE_ENDIAN = endianness() === "LE";

// parquet.thrift enums
const TYPE_INT32 = 1;
const TYPE_INT64 = 2;
const TYPE_DOUBLE = 5;
const TYPE_BYTE_ARRAY = 6;
const CONVERTED_UTF8 = 0;
const CONVERTED_INT_32 = 17;
const CONVERTED_INT_64 = 18;
const REPETITION_REQUIRED = 0;
const ENCODING_PLAIN = 0;
const ENCODING_RLE = 3;
const CODEC_UNCOMPRESSED = 0;
const PAGE_DATA = 0;

// Thrift compact protocol type ids
const T_BOOL_TRUE = 1;
const T_BOOL_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

const PHYSICAL: Record<ParquetColumnType, number> = { string: TYPE_BYTE_ARRAY, double: TYPE_DOUBLE, int32: TYPE_INT32, int64: TYPE_INT64 };
const WIDTH: Record<ParquetColumnType, number> = { string: 0, double: 8, int32: 4, int64: 8 };
const MAX_I32 = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes `table` to `path` as a Parquet file, atomically (through a `.partial` temporary
 * beside it, renamed when complete: see `src/io/atomic.ts`), creating missing folders.
 * Synchronous. The same table and options always give the same bytes.
 *
 * @throws when the table has no column, a name is empty or repeated, columns differ in
 *   length, values do not match their type, or a string is not well-formed UTF-16.
 * @example
 * writeParquet("out/roles/2015-01-01T05.parquet", {
 *   columns: [
 *     { name: "vertex", type: "string", values: ["C1", "C2"] },
 *     { name: "role_0", type: "double", values: Float64Array.of(0.75, 0.1) },
 *     { name: "hard", type: "int32", values: Int32Array.of(0, 2) },
 *   ],
 *   metadata: { interval: "2015-01-01T05:00:00" },
 * });
 * // DuckDB: SELECT * FROM 'out/roles/2015-01-01T05.parquet' -> ('C1', 0.75, 0), ('C2', 0.1, 2)
 */
export function writeParquet(path: string, table: ParquetTable, options: ParquetWriteOptions = {}): void {
  writeFileAtomic(path, encodeParquet(table, options, path));
}

/**
 * The bytes of the Parquet file {@link writeParquet} writes for `table`.
 *
 * @param source names the destination in error messages (default "table").
 * @example
 * const bytes = encodeParquet({ columns: [{ name: "x", type: "int32", values: Int32Array.of(7) }] });
 * Buffer.from(bytes.subarray(0, 4)).toString(); // "PAR1"
 */
export function encodeParquet(table: ParquetTable, options: ParquetWriteOptions = {}, source = "table"): Uint8Array {
  const opts = { ...PARQUET_WRITE_DEFAULTS, ...options };
  const fail = (what: string): never => {
    throw new Error(`${MODULE}: ${source}: ${what}`);
  };
  if (!Number.isInteger(opts.rowGroupRows) || opts.rowGroupRows < 1 || opts.rowGroupRows > MAX_I32) {
    fail(`rowGroupRows must be an integer in [1, ${MAX_I32}], got ${opts.rowGroupRows}`);
  }
  if (!Number.isInteger(opts.pageBytes) || opts.pageBytes < 1 || opts.pageBytes > 1 << 30) {
    fail(`pageBytes must be an integer in [1, 2^30], got ${opts.pageBytes}`);
  }
  const rows = validateTable(table, fail);
  const columns = table.columns;

  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const push = (bytes: Uint8Array): void => {
    parts.push(bytes);
    offset += bytes.length;
  };
  const rowGroups: { start: number; rows: number; chunks: { pageOffset: number; bytes: number }[] }[] = [];
  for (let start = 0; start < rows; start += opts.rowGroupRows) {
    const groupRows = Math.min(opts.rowGroupRows, rows - start);
    const chunks: { pageOffset: number; bytes: number }[] = [];
    for (const column of columns) {
      const pageOffset = offset;
      for (const page of encodePages(column, start, start + groupRows, opts.pageBytes, fail)) {
        push(pageHeader(page.rows, page.body.length));
        push(page.body);
      }
      chunks.push({ pageOffset, bytes: offset - pageOffset });
    }
    rowGroups.push({ start, rows: groupRows, chunks });
  }

  const t = new ThriftWriter();
  t.i32(1, 1); // version
  t.listBegin(2, T_STRUCT, columns.length + 1); // schema
  t.elementBegin();
  t.string(4, "schema");
  t.i32(5, columns.length); // num_children
  t.elementEnd();
  for (const column of columns) {
    t.elementBegin();
    t.i32(1, PHYSICAL[column.type]);
    t.i32(3, REPETITION_REQUIRED);
    t.string(4, column.name);
    if (column.type === "string") {
      t.i32(6, CONVERTED_UTF8);
      t.structBegin(10); // logicalType
      t.structBegin(1); // STRING
      t.structEnd();
      t.structEnd();
    }
    t.elementEnd();
  }
  t.i64(3, rows); // num_rows
  t.listBegin(4, T_STRUCT, rowGroups.length);
  rowGroups.forEach((group, ordinal) => {
    t.elementBegin();
    t.listBegin(1, T_STRUCT, columns.length);
    let groupBytes = 0;
    group.chunks.forEach((chunk, c) => {
      const column = columns[c]!;
      groupBytes += chunk.bytes;
      t.elementBegin();
      t.i64(2, 0); // file_offset (deprecated; 0 as the spec asks)
      t.structBegin(3); // meta_data
      t.i32(1, PHYSICAL[column.type]);
      t.listBegin(2, T_I32, 1);
      t.elementI32(ENCODING_PLAIN);
      t.listBegin(3, T_BINARY, 1);
      t.elementString(column.name);
      t.i32(4, CODEC_UNCOMPRESSED);
      t.i64(5, group.rows); // num_values
      t.i64(6, chunk.bytes); // total_uncompressed_size (headers included)
      t.i64(7, chunk.bytes); // total_compressed_size
      t.i64(9, chunk.pageOffset); // data_page_offset
      t.structEnd();
      t.elementEnd();
    });
    t.i64(2, groupBytes); // total_byte_size
    t.i64(3, group.rows);
    t.i64(5, group.chunks[0]!.pageOffset); // file_offset
    t.i64(6, groupBytes); // total_compressed_size
    t.i16(7, ordinal);
    t.elementEnd();
  });
  const metadata = table.metadata === undefined ? [] : Object.entries(table.metadata);
  if (metadata.length > 0) {
    t.listBegin(5, T_STRUCT, metadata.length);
    for (const [key, value] of metadata) {
      if (typeof value !== "string") fail(`metadata '${key}' must be a string, got ${typeof value}`);
      checkWellFormed(key, () => `metadata key '${key}'`, fail);
      checkWellFormed(value, () => `metadata '${key}'`, fail);
      t.elementBegin();
      t.string(1, key);
      t.string(2, value);
      t.elementEnd();
    }
  }
  t.string(6, opts.createdBy);
  const footer = t.finish();
  push(footer);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  push(length);
  push(MAGIC);

  const out = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Checks the table's shape and types; returns its row count. */
function validateTable(table: ParquetTable, fail: (what: string) => never): number {
  if (table === null || typeof table !== "object" || !Array.isArray(table.columns)) fail("expected { columns: [...] }");
  const columns = table.columns;
  if (columns.length === 0) fail("a Parquet table needs at least one column");
  const seen = new Set<string>();
  let rows = -1;
  for (const column of columns) {
    const name = column?.name;
    if (typeof name !== "string" || name.length === 0) fail(`column names must be non-empty strings, got ${JSON.stringify(name)}`);
    if (seen.has(name)) fail(`column '${name}' appears twice`);
    seen.add(name);
    checkWellFormed(name, () => `column name '${name}'`, fail);
    const values: unknown = column.values;
    const ok =
      (column.type === "string" && Array.isArray(values)) ||
      (column.type === "double" && values instanceof Float64Array) ||
      (column.type === "int32" && values instanceof Int32Array) ||
      (column.type === "int64" && values instanceof BigInt64Array);
    if (!ok) {
      const expected = { string: "an array of strings", double: "a Float64Array", int32: "an Int32Array", int64: "a BigInt64Array" }[
        column.type as ParquetColumnType
      ];
      if (expected === undefined) fail(`column '${name}': unknown type '${String(column.type)}' (expected string, double, int32 or int64)`);
      fail(`column '${name}' of type ${column.type} needs ${expected} of values, got ${describe(values)}`);
    }
    const length = (values as { length: number }).length;
    if (rows < 0) rows = length;
    else if (length !== rows) fail(`column '${name}' has ${length} values, column '${columns[0]!.name}' has ${rows}`);
  }
  return rows;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

function checkWellFormed(s: string, what: () => string, fail: (what: string) => never): void {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) fail(`${what()} is not well-formed UTF-16 (lone surrogate)`);
}

/** Encodes rows [from, to) of a column as PLAIN pages of about `pageBytes` value bytes each. */
function encodePages(
  column: ParquetColumn,
  from: number,
  to: number,
  pageBytes: number,
  fail: (what: string) => never,
): { rows: number; body: Uint8Array }[] {
  const pages: { rows: number; body: Uint8Array }[] = [];
  if (column.type === "string") {
    const values = column.values;
    const lengths = new Int32Array(to - from);
    let pageStart = from;
    let bytes = 0;
    for (let i = from; i < to; i++) {
      const s = values[i];
      if (typeof s !== "string") fail(`column '${column.name}' row ${i}: expected a string, got ${describe(s)}`);
      checkWellFormed(s, () => `column '${column.name}' row ${i}`, fail);
      const n = Buffer.byteLength(s, "utf8");
      lengths[i - from] = n;
      bytes += 4 + n;
      if (bytes >= pageBytes || i === to - 1) {
        const body = Buffer.allocUnsafe(bytes);
        let at = 0;
        for (let j = pageStart; j <= i; j++) {
          const len = lengths[j - from]!;
          body.writeUInt32LE(len, at);
          body.write(values[j]!, at + 4, len, "utf8");
          at += 4 + len;
        }
        if (at !== bytes) fail(`column '${column.name}': internal error encoding rows ${pageStart}..${i}`);
        pages.push({ rows: i - pageStart + 1, body });
        pageStart = i + 1;
        bytes = 0;
      }
    }
    return pages;
  }
  const width = WIDTH[column.type];
  const perPage = Math.max(1, Math.ceil(pageBytes / width));
  const values = column.values;
  for (let start = from; start < to; start += perPage) {
    const end = Math.min(to, start + perPage);
    let body: Uint8Array;
    if (LITTLE_ENDIAN) {
      // PLAIN is little-endian: the typed array's own bytes (copied once, into the file buffer).
      body = new Uint8Array(values.buffer, values.byteOffset + start * width, (end - start) * width);
    } else {
      body = new Uint8Array((end - start) * width);
      const view = new DataView(body.buffer);
      for (let i = start; i < end; i++) {
        const at = (i - start) * width;
        if (column.type === "double") view.setFloat64(at, column.values[i]!, true);
        else if (column.type === "int32") view.setInt32(at, column.values[i]!, true);
        else view.setBigInt64(at, (column.values as BigInt64Array)[i]!, true);
      }
    }
    pages.push({ rows: end - start, body });
  }
  return pages;
}

function pageHeader(rows: number, bytes: number): Uint8Array {
  const t = new ThriftWriter();
  t.i32(1, PAGE_DATA);
  t.i32(2, bytes); // uncompressed_page_size
  t.i32(3, bytes); // compressed_page_size
  t.structBegin(5); // data_page_header
  t.i32(1, rows); // num_values
  t.i32(2, ENCODING_PLAIN);
  t.i32(3, ENCODING_RLE); // definition_level_encoding (no levels: required column)
  t.i32(4, ENCODING_RLE); // repetition_level_encoding
  t.structEnd();
  return t.finish();
}

/** Thrift compact protocol, the subset the Parquet metadata needs (no bools, maps or doubles). */
class ThriftWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly lastField: number[] = [0];

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  private varint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }

  private zigzag(n: number): void {
    if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 51) throw new Error(`${MODULE}: integer ${n} out of range for the metadata`);
    this.varint(n >= 0 ? 2 * n : -2 * n - 1);
  }

  private bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private field(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  i16(id: number, v: number): void {
    this.field(id, T_I16);
    this.zigzag(v);
  }
  i32(id: number, v: number): void {
    this.field(id, T_I32);
    this.zigzag(v);
  }
  i64(id: number, v: number): void {
    this.field(id, T_I64);
    this.zigzag(v);
  }
  string(id: number, s: string): void {
    this.field(id, T_BINARY);
    this.bytes(Buffer.from(s, "utf8"));
  }
  structBegin(id: number): void {
    this.field(id, T_STRUCT);
    this.lastField.push(0);
  }
  structEnd(): void {
    this.byte(0);
    this.lastField.pop();
  }
  listBegin(id: number, elementType: number, size: number): void {
    this.field(id, T_LIST);
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
  }
  /** Starts a struct that is an element of a list. */
  elementBegin(): void {
    this.lastField.push(0);
  }
  elementEnd(): void {
    this.structEnd();
  }
  elementI32(v: number): void {
    this.zigzag(v);
  }
  elementString(s: string): void {
    this.bytes(Buffer.from(s, "utf8"));
  }
  /** Ends the top-level struct and returns its bytes. */
  finish(): Uint8Array {
    this.byte(0);
    return this.buf.slice(0, this.len);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Reads a Parquet file of the subset {@link writeParquet} writes (flat REQUIRED string,
 * double, int32 and int64 columns, PLAIN v1 pages, no compression), from any writer.
 * Synchronous; loads the whole file.
 *
 * @throws when the file is missing, is not Parquet, is truncated, or uses anything outside
 *   that subset (the message names the file, the column and the feature).
 * @example
 * const t = readParquet("out/roles/2015-01-01T05.parquet");
 * t.columns.map((c) => `${c.name}:${c.type}`); // ["vertex:string", "role_0:double", "hard:int32"]
 * t.columns[1]!.values;                         // Float64Array [0.75, 0.1]
 * t.metadata;                                   // { interval: "2015-01-01T05:00:00" }
 */
export function readParquet(path: string): ParquetTable {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${MODULE}: ${path}: cannot read: ${(err as Error).message}`);
  }
  return decodeParquet(bytes, path);
}

/**
 * Decodes the bytes of a Parquet file (see {@link readParquet}).
 *
 * @param source names the file in error messages (default "bytes").
 * @example
 * decodeParquet(encodeParquet({ columns: [{ name: "x", type: "int32", values: Int32Array.of(7) }] })).columns[0]!.values;
 * // Int32Array [7]
 */
export function decodeParquet(bytes: Uint8Array, source = "bytes"): ParquetTable {
  const fail = (what: string): never => {
    throw new Error(`${MODULE}: ${source}: ${what}`);
  };
  const n = bytes.length;
  if (n < 12 || !startsWithMagic(bytes, 0) || !startsWithMagic(bytes, n - 4)) {
    fail(`not a Parquet file (${n} bytes; no "PAR1" at both ends)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getUint32(n - 8, true);
  if (footerLength > n - 12) fail(`footer length ${footerLength} exceeds the file (${n} bytes)`);
  const meta = new ThriftReader(bytes, n - 8 - footerLength, n - 8, (what) => fail(`file metadata: ${what}`)).struct();

  const schema = asList(meta.get(2), "schema", fail).map((e) => asStruct(e, "schema element", fail));
  const root = schema[0] ?? fail("empty schema");
  const leaves = schema.slice(1);
  if (num(root.get(5), "root num_children", fail) !== leaves.length) {
    fail(`nested schemas are not supported (root has ${String(root.get(5))} children, schema lists ${leaves.length} elements)`);
  }
  const columns = leaves.map((leaf) => columnType(leaf, fail));
  const rows = num(meta.get(3), "num_rows", fail);
  if (!Number.isSafeInteger(rows) || rows < 0) fail(`bad num_rows ${rows}`);

  const outputs = columns.map(({ type }) => (type === "string" ? new Array<string>(rows) : new (ARRAY[type])(rows)));
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let rowStart = 0;
  const groups = meta.has(4) ? asList(meta.get(4), "row_groups", fail) : [];
  groups.forEach((g, gi) => {
    const group = asStruct(g, "row group", fail);
    const groupRows = num(group.get(3), `row group ${gi} num_rows`, fail);
    if (rowStart + groupRows > rows) fail(`row group ${gi} holds rows past num_rows ${rows}`);
    const chunks = asList(group.get(1), `row group ${gi} columns`, fail);
    if (chunks.length !== columns.length) fail(`row group ${gi} has ${chunks.length} column chunks, schema ${columns.length}`);
    chunks.forEach((c, ci) => {
      const column = columns[ci]!;
      const where = `row group ${gi}, column '${column.name}'`;
      const chunk = asStruct(c, "column chunk", fail);
      if (chunk.has(1)) fail(`${where}: data in another file (file_path) is not supported`);
      const md = asStruct(chunk.get(3) ?? fail(`${where}: no meta_data`), "column meta_data", fail);
      if (num(md.get(1), "type", fail) !== PHYSICAL[column.type]) fail(`${where}: chunk type differs from the schema`);
      const codec = num(md.get(4), "codec", fail);
      if (codec !== CODEC_UNCOMPRESSED) fail(`${where}: compression codec ${CODEC_NAMES[codec] ?? codec} is not supported (only UNCOMPRESSED)`);
      const values = num(md.get(5), "num_values", fail);
      if (values !== groupRows) fail(`${where}: ${values} values for ${groupRows} rows`);
      if (md.has(11)) fail(`${where}: dictionary pages are not supported (only PLAIN)`);
      let at = num(md.get(9), "data_page_offset", fail);
      const end = at + num(md.get(7), "total_compressed_size", fail);
      if (at < 4 || end > n - 8 - footerLength) fail(`${where}: chunk bytes ${at}..${end} lie outside the data`);
      let row = rowStart;
      const rowEnd = rowStart + groupRows;
      while (row < rowEnd) {
        const reader = new ThriftReader(bytes, at, end, (what) => fail(`${where}: page header at byte ${at}: ${what}`));
        const header = reader.struct();
        const bodyStart = reader.offset;
        const pageType = num(header.get(1), "page type", fail);
        const size = num(header.get(3), "compressed_page_size", fail);
        const bodyEnd = bodyStart + size;
        if (bodyEnd > end) fail(`${where}: page at byte ${at} runs past its chunk`);
        if (pageType !== PAGE_DATA) fail(`${where}: page type ${PAGE_TYPE_NAMES[pageType] ?? pageType} is not supported (only DATA_PAGE)`);
        const dph = asStruct(header.get(5) ?? fail(`${where}: data page without data_page_header`), "data_page_header", fail);
        const count = num(dph.get(1), "num_values", fail);
        const encoding = num(dph.get(2), "encoding", fail);
        if (encoding !== ENCODING_PLAIN) fail(`${where}: encoding ${ENCODING_NAMES[encoding] ?? encoding} is not supported (only PLAIN)`);
        if (row + count > rowEnd) fail(`${where}: pages hold more than ${groupRows} values`);
        decodePlain(bytes, view, bodyStart, bodyEnd, column.type, outputs[ci]!, row, count, decoder, (what) => fail(`${where}: ${what}`));
        row += count;
        at = bodyEnd;
      }
    });
    rowStart += groupRows;
  });
  if (rowStart !== rows) fail(`row groups hold ${rowStart} rows, num_rows says ${rows}`);

  const table: { columns: ParquetColumn[]; metadata?: Record<string, string> } = {
    columns: columns.map(({ name, type }, i) => ({ name, type, values: outputs[i] }) as ParquetColumn),
  };
  if (meta.has(5)) {
    const metadata: Record<string, string> = {};
    for (const kv of asList(meta.get(5), "key_value_metadata", fail)) {
      const entry = asStruct(kv, "key/value", fail);
      metadata[utf8(entry.get(1), decoder, "metadata key", fail)] = entry.has(2) ? utf8(entry.get(2), decoder, "metadata value", fail) : "";
    }
    table.metadata = metadata;
  }
  return table;
}

const ARRAY = { double: Float64Array, int32: Int32Array, int64: BigInt64Array } as const;
const CODEC_NAMES: Record<number, string> = { 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW" };
const PAGE_TYPE_NAMES: Record<number, string> = { 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2" };
const ENCODING_NAMES: Record<number, string> = {
  2: "PLAIN_DICTIONARY",
  3: "RLE",
  4: "BIT_PACKED",
  5: "DELTA_BINARY_PACKED",
  6: "DELTA_LENGTH_BYTE_ARRAY",
  7: "DELTA_BYTE_ARRAY",
  8: "RLE_DICTIONARY",
  9: "BYTE_STREAM_SPLIT",
};

function startsWithMagic(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
}

/** The column type of a schema leaf, refusing anything this module does not read. */
function columnType(leaf: TStruct, fail: (what: string) => never): { name: string; type: ParquetColumnType } {
  const raw = leaf.get(4);
  const name = raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : fail("schema element without a name");
  if (leaf.has(5)) fail(`column '${name}': nested columns are not supported`);
  const repetition = leaf.get(3);
  if (repetition !== REPETITION_REQUIRED) {
    fail(`column '${name}': ${repetition === 1 ? "OPTIONAL (nullable)" : "REPEATED"} columns are not supported (only REQUIRED)`);
  }
  const physical = num(leaf.get(1), `column '${name}' type`, fail);
  const converted = leaf.get(6);
  const logical = leaf.get(10);
  const logicalKind = logical instanceof Map ? [...logical.keys()][0] : undefined;
  if (physical === TYPE_BYTE_ARRAY && (converted === CONVERTED_UTF8 || logicalKind === 1)) return { name, type: "string" };
  if (physical === TYPE_DOUBLE && converted === undefined && logicalKind === undefined) return { name, type: "double" };
  const signedInt = (bits: number, convertedInt: number): boolean => {
    if (converted !== undefined && converted !== convertedInt) return false;
    if (logicalKind === undefined) return true;
    const int = logicalKind === 10 ? (logical as TStruct).get(10) : undefined;
    return int instanceof Map && int.get(1) === bits && int.get(2) === true;
  };
  if (physical === TYPE_INT32 && signedInt(32, CONVERTED_INT_32)) return { name, type: "int32" };
  if (physical === TYPE_INT64 && signedInt(64, CONVERTED_INT_64)) return { name, type: "int64" };
  return fail(
    `column '${name}': physical type ${physical} with converted type ${String(converted)} and logical type ${String(logicalKind)} ` +
      "is not supported (only string, double, int32, int64)",
  );
}

function decodePlain(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  type: ParquetColumnType,
  out: string[] | Float64Array | Int32Array | BigInt64Array,
  row: number,
  count: number,
  decoder: TextDecoder,
  fail: (what: string) => never,
): void {
  if (type === "string") {
    const strings = out as string[];
    let at = start;
    for (let i = 0; i < count; i++) {
      if (at + 4 > end) fail(`page ends inside value ${row + i}`);
      const len = view.getUint32(at, true);
      if (at + 4 + len > end) fail(`page ends inside value ${row + i}`);
      try {
        strings[row + i] = decoder.decode(bytes.subarray(at + 4, at + 4 + len));
      } catch {
        fail(`value ${row + i} is not valid UTF-8`);
      }
      at += 4 + len;
    }
    if (at !== end) fail(`page has ${end - at} bytes after its ${count} values`);
    return;
  }
  const width = WIDTH[type];
  if (end - start !== count * width) fail(`page of ${count} ${type} values has ${end - start} bytes, expected ${count * width}`);
  const target = out as Float64Array | Int32Array | BigInt64Array;
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset + row * width, count * width).set(bytes.subarray(start, end));
    return;
  }
  for (let i = 0; i < count; i++) {
    const at = start + i * width;
    if (type === "double") (target as Float64Array)[row + i] = view.getFloat64(at, true);
    else if (type === "int32") (target as Int32Array)[row + i] = view.getInt32(at, true);
    else (target as BigInt64Array)[row + i] = view.getBigInt64(at, true);
  }
}

type TValue = number | boolean | Uint8Array | TValue[] | TStruct;
type TStruct = Map<number, TValue>;

function num(v: TValue | undefined, what: string, fail: (what: string) => never): number {
  return typeof v === "number" ? v : fail(`${what}: expected an integer, got ${v === undefined ? "nothing" : typeof v}`);
}
function asList(v: TValue | undefined, what: string, fail: (what: string) => never): TValue[] {
  return Array.isArray(v) ? v : fail(`${what}: expected a list`);
}
function asStruct(v: TValue | undefined, what: string, fail: (what: string) => never): TStruct {
  return v instanceof Map ? v : fail(`${what}: expected a struct`);
}
function utf8(v: TValue | undefined, decoder: TextDecoder, what: string, fail: (what: string) => never): string {
  if (!(v instanceof Uint8Array)) return fail(`${what}: expected a string`);
  try {
    return decoder.decode(v);
  } catch {
    return fail(`${what} is not valid UTF-8`);
  }
}

/** Generic Thrift compact protocol reader: structs become maps from field id to value. */
class ThriftReader {
  offset: number;
  private depth = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly fail: (what: string) => never,
  ) {
    this.offset = start;
  }

  private byte(): number {
    if (this.offset >= this.end) this.fail("truncated");
    return this.bytes[this.offset++]!;
  }

  private varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 0x80;
    }
    return this.fail("varint longer than 10 bytes");
  }

  private zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  struct(): TStruct {
    if (++this.depth > 64) this.fail("nested too deeply");
    const fields: TStruct = new Map();
    let last = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) break;
      const type = head & 0x0f;
      const delta = head >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      fields.set(id, type === T_BOOL_TRUE ? true : type === T_BOOL_FALSE ? false : this.value(type));
    }
    this.depth--;
    return fields;
  }

  private value(type: number): TValue {
    switch (type) {
      case T_BOOL_TRUE:
      case T_BOOL_FALSE:
        return this.byte() === 1; // list elements: one byte each
      case T_BYTE: {
        const b = this.byte();
        return b >= 0x80 ? b - 0x100 : b;
      }
      case T_I16:
      case T_I32:
      case T_I64:
        return this.zigzag();
      case T_DOUBLE: {
        if (this.offset + 8 > this.end) this.fail("truncated");
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 8).getFloat64(0, true);
        this.offset += 8;
        return v;
      }
      case T_BINARY: {
        const len = this.varint();
        if (this.offset + len > this.end) this.fail("truncated");
        const v = this.bytes.subarray(this.offset, this.offset + len);
        this.offset += len;
        return v;
      }
      case T_LIST:
      case T_SET: {
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        if (size > this.end - this.offset) this.fail(`list of ${size} elements in ${this.end - this.offset} bytes`);
        const items: TValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(head & 0x0f));
        return items;
      }
      case T_MAP: {
        const size = this.varint();
        if (size === 0) return [];
        const kinds = this.byte();
        if (2 * size > this.end - this.offset) this.fail(`map of ${size} entries in ${this.end - this.offset} bytes`);
        const items: TValue[] = [];
        for (let i = 0; i < size; i++) items.push([this.value(kinds >> 4), this.value(kinds & 0x0f)]);
        return items;
      }
      case T_STRUCT:
        return this.struct();
      default:
        return this.fail(`unknown Thrift type ${type} at byte ${this.offset - 1}`);
    }
  }
}
