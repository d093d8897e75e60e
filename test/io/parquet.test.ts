import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import {
  decodeParquet,
  encodeParquet,
  PARQUET_WRITE_DEFAULTS,
  readParquet,
  writeParquet,
  type ParquetColumn,
  type ParquetTable,
} from "../../src/io/parquet.js";
import { TMP_SUFFIX } from "../../src/io/atomic.js";
import { Prng } from "../../src/random/prng.js";

// The independent reader: DuckDB (its own C++ Parquet reader), through @duckdb/node-api.
let instance: DuckDBInstance;
let duck: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  duck = await instance.connect();
});
afterAll(() => {
  duck?.closeSync();
  instance?.closeSync();
});

async function duckRead(path: string): Promise<{ names: string[]; types: string[]; columns: unknown[][] }> {
  const r = await duck.runAndReadAll("SELECT * FROM read_parquet(?)", [path]);
  return { names: r.columnNames(), types: r.columnTypes().map(String), columns: r.getColumns() as unknown[][] };
}

const DUCK_TYPE = { string: "VARCHAR", double: "DOUBLE", int32: "INTEGER", int64: "BIGINT" } as const;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Asserts that DuckDB reads `table` back from `path` value for value (Object.is: -0, NaN exact).
 * Strings are compared as the hex of the UTF-8 bytes DuckDB holds: @duckdb/node-api drops a
 * leading U+FEFF when it turns a VARCHAR into a JS string (it does so for `chr(65279) || 'x'`
 * too), so its strings cannot show that the file kept the BOM.
 */
async function expectDuckDbReads(path: string, table: ParquetTable): Promise<void> {
  const got = await duckRead(path);
  expect(got.names).toEqual(table.columns.map((c) => c.name));
  expect(got.types).toEqual(table.columns.map((c) => DUCK_TYPE[c.type]));
  const select = table.columns.map((c) => (c.type === "string" ? `hex(encode(${quote(c.name)}))` : quote(c.name))).join(", ");
  const r = await duck.runAndReadAll(`SELECT ${select} FROM read_parquet(?)`, [path]);
  const columns = r.getColumns() as unknown[][];
  table.columns.forEach((column, j) => {
    const expected =
      column.type === "string"
        ? column.values.map((v) => Buffer.from(v, "utf8").toString("hex").toUpperCase())
        : Array.from(column.values as ArrayLike<unknown>);
    const actual = columns[j] ?? [];
    expect(actual.length).toBe(expected.length);
    const bad = expected.findIndex((v, i) => !Object.is(v, actual[i]));
    expect(bad, `column ${column.name} row ${bad}: wrote ${String(expected[bad])}, DuckDB read ${String(actual[bad])}`).toBe(-1);
  });
}

/** Asserts that our own reader gives `table` back exactly. */
function expectSame(got: ParquetTable, table: ParquetTable): void {
  expect(got.columns.map((c) => [c.name, c.type])).toEqual(table.columns.map((c) => [c.name, c.type]));
  table.columns.forEach((column, j) => {
    const values = got.columns[j]!.values;
    expect(values.constructor).toBe(column.type === "string" ? Array : column.values.constructor);
    const expected = Array.from(column.values as ArrayLike<unknown>);
    const actual = Array.from(values as ArrayLike<unknown>);
    expect(actual.length).toBe(expected.length);
    expect(expected.findIndex((v, i) => !Object.is(v, actual[i]))).toBe(-1);
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "tl-parquet-"));

const EDGE: ParquetTable = {
  columns: [
    {
      name: "node",
      type: "string",
      values: ["C1", "C17693::U8@DOM1", "", "Zürich ∑ 日本", "\u{1F600} astral", "\uFEFFleading BOM", "e\u0301 combining", "a\u0000nul", "x".repeat(300)],
    },
    {
      name: "feature::degree",
      type: "double",
      values: Float64Array.of(0, -0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 4096, 0.1 + 0.2, Number.NaN, -Infinity),
    },
    { name: "role", type: "int32", values: Int32Array.of(0, -1, 1, 2147483647, -2147483648, 7, 42, 3, 0) },
    { name: "count", type: "int64", values: BigInt64Array.of(0n, -1n, 9223372036854775807n, -9223372036854775808n, 2n ** 53n + 1n, 5n, 6n, 7n, 8n) },
  ],
  metadata: { interval: "2015-01-01T05:00:00", preset: "graphrole", "ü::key": "ü::value" },
};

/** A larger table: doubles from random 64-bit patterns (every exponent, subnormals, NaN payloads), random strings. */
function randomTable(rows: number, doubles: number, seed: number): ParquetTable {
  const rng = new Prng(seed);
  const columns: ParquetColumn[] = [];
  const names: string[] = [];
  for (let i = 0; i < rows; i++) {
    const len = rng.next() % 12;
    let s = "";
    for (let k = 0; k < len; k++) {
      const r = rng.next();
      const cp = r % 4 === 0 ? 0x10000 + (r >>> 2) % 0xfffff : r % 4 === 1 ? 0x80 + (r >>> 2) % 0xd780 : 0x20 + (r >>> 2) % 0x5f;
      s += String.fromCodePoint(cp);
    }
    names.push(s);
  }
  columns.push({ name: "node", type: "string", values: names });
  const bits = new DataView(new ArrayBuffer(8));
  for (let j = 0; j < doubles; j++) {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      bits.setUint32(0, rng.next());
      bits.setUint32(4, rng.next());
      v[i] = j === 0 ? bits.getFloat64(0) : rng.float() * 10 ** ((j % 7) - 3);
    }
    columns.push({ name: `f${j}`, type: "double", values: v });
  }
  columns.push({ name: "hard", type: "int32", values: Int32Array.from({ length: rows }, () => rng.next() | 0) });
  return { columns };
}

describe("io/parquet", () => {
  it("DuckDB reads every value back exactly: UTF-8 and '::' strings, -0, subnormals, extremes, 0.1+0.2, NaN, int32/int64 limits", async () => {
    const path = join(tmp(), "edge.parquet");
    writeParquet(path, EDGE);
    await expectDuckDbReads(path, EDGE);
    const kv = await duck.runAndReadAll("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(?)", [path]);
    expect(kv.getRowObjects()).toEqual(Object.entries(EDGE.metadata!).map(([k, v]) => ({ k, v })));
    const meta = await duck.runAndReadAll("SELECT DISTINCT created_by, format_version FROM parquet_file_metadata(?)", [path]);
    expect(meta.getRowObjects()).toEqual([{ created_by: PARQUET_WRITE_DEFAULTS.createdBy, format_version: 1n }]);
  });

  it("DuckDB reads many row groups and pages exactly (1000 rows of random bit patterns, groups of 96 rows, 200-byte pages)", async () => {
    const table = randomTable(1000, 5, 9);
    const dir = tmp();
    writeParquet(join(dir, "small-groups.parquet"), table, { rowGroupRows: 96, pageBytes: 200 });
    writeParquet(join(dir, "default.parquet"), table);
    const groups = await duck.runAndReadAll("SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata(?)", [join(dir, "small-groups.parquet")]);
    expect(groups.getRowObjects()).toEqual([{ n: 11 }]);
    await expectDuckDbReads(join(dir, "small-groups.parquet"), table);
    await expectDuckDbReads(join(dir, "default.parquet"), table);
    expectSame(readParquet(join(dir, "small-groups.parquet")), table);
  });

  it("DuckDB reads an empty table (0 rows) with its column types", async () => {
    const path = join(tmp(), "empty.parquet");
    const table: ParquetTable = { columns: [{ name: "node", type: "string", values: [] }, { name: "x", type: "double", values: new Float64Array(0) }] };
    writeParquet(path, table);
    const got = await duckRead(path);
    expect(got.types).toEqual(["VARCHAR", "DOUBLE"]);
    expect(got.columns.flat()).toEqual([]);
    const count = await duck.runAndReadAll("SELECT count(*)::INTEGER AS n FROM read_parquet(?)", [path]);
    expect(count.getRowObjects()).toEqual([{ n: 0 }]);
    expectSame(readParquet(path), table);
  });

  it("readParquet gives the table back exactly, typed arrays included, with its metadata", () => {
    const path = join(tmp(), "edge.parquet");
    writeParquet(path, EDGE, { rowGroupRows: 4, pageBytes: 8 });
    const got = readParquet(path);
    expectSame(got, EDGE);
    expect(got.metadata).toEqual(EDGE.metadata);
  });

  it("is deterministic: the same table gives the same bytes, wherever and whenever it is written", () => {
    const table = randomTable(300, 3, 4);
    const a = join(tmp(), "a.parquet");
    const b = join(tmp(), "sub", "b.parquet");
    writeParquet(a, table);
    writeParquet(b, table);
    const bytes = readFileSync(a);
    expect(bytes.equals(readFileSync(b))).toBe(true);
    expect(Buffer.from(encodeParquet(table)).equals(bytes)).toBe(true);
    expect(bytes.includes(Buffer.from(PARQUET_WRITE_DEFAULTS.createdBy))).toBe(true);
    // A different table gives different bytes (the comparison above can fail).
    const other = randomTable(300, 3, 5);
    expect(Buffer.from(encodeParquet(other)).equals(bytes)).toBe(false);
  });

  it("writes atomically: no temporary left on success, and a failed write leaves the old file and no temporary", () => {
    const dir = tmp();
    const path = join(dir, "roles.parquet");
    writeParquet(path, EDGE);
    writeParquet(path, randomTable(50, 2, 1)); // replaces
    expect(readdirSync(dir)).toEqual(["roles.parquet"]);
    expect(readParquet(path).columns[0]!.values.length).toBe(50);
    const before = readFileSync(path);
    const bad: ParquetTable = { columns: [{ name: "x", type: "double", values: Float64Array.of(1, 2) }, { name: "y", type: "int32", values: Int32Array.of(1) }] };
    expect(() => writeParquet(path, bad)).toThrow(`telemetry-lab/io/parquet: ${path}: column 'y' has 1 values, column 'x' has 2`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith(TMP_SUFFIX))).toEqual([]);
    writeParquet(join(dir, "new", "deep", "f.parquet"), EDGE);
    expect(existsSync(join(dir, "new", "deep", "f.parquet"))).toBe(true);
  });

  it("refuses bad tables with errors that name the file and the problem", () => {
    const p = join(tmp(), "bad.parquet");
    const expectError = (table: unknown, message: string): void => {
      expect(() => writeParquet(p, table as ParquetTable)).toThrow(`telemetry-lab/io/parquet: ${p}: ${message}`);
    };
    expectError({ columns: [] }, "a Parquet table needs at least one column");
    expectError({ columns: [{ name: "a", type: "double", values: Float64Array.of(1) }, { name: "a", type: "double", values: Float64Array.of(2) }] }, "column 'a' appears twice");
    expectError({ columns: [{ name: "", type: "double", values: Float64Array.of(1) }] }, "column names must be non-empty strings");
    expectError({ columns: [{ name: "a", type: "double", values: [1, 2] }] }, "column 'a' of type double needs a Float64Array of values, got Array");
    expectError({ columns: [{ name: "a", type: "int32", values: Float64Array.of(1) }] }, "column 'a' of type int32 needs an Int32Array of values, got Float64Array");
    expectError({ columns: [{ name: "a", type: "float", values: Float64Array.of(1) }] }, "column 'a': unknown type 'float'");
    expectError({ columns: [{ name: "a", type: "string", values: ["ok", 3] }] }, "column 'a' row 1: expected a string, got number");
    expectError({ columns: [{ name: "a", type: "string", values: ["ok", "lone \uD800 surrogate"] }] }, "column 'a' row 1 is not well-formed UTF-16");
    expect(existsSync(p)).toBe(false);
    expect(() => writeParquet(p, EDGE, { rowGroupRows: 0 })).toThrow(`telemetry-lab/io/parquet: ${p}: rowGroupRows must be an integer`);
  });

  it("readParquet refuses what it cannot read, naming the file: not Parquet, truncated, missing, nullable columns", async () => {
    const dir = tmp();
    const text = join(dir, "text.parquet");
    writeFileSync(text, "node,x\nC1,1\n");
    expect(() => readParquet(text)).toThrow(`telemetry-lab/io/parquet: ${text}: not a Parquet file`);
    const good = encodeParquet(EDGE);
    expect(() => decodeParquet(good.subarray(0, good.length - 1), "cut.parquet")).toThrow("telemetry-lab/io/parquet: cut.parquet: not a Parquet file");
    const shifted = good.slice(); // footer length 10 bytes short: the metadata parse starts mid-footer
    const view = new DataView(shifted.buffer);
    view.setUint32(shifted.length - 8, view.getUint32(shifted.length - 8, true) - 10, true);
    expect(() => decodeParquet(shifted, "shifted.parquet")).toThrow(/^telemetry-lab\/io\/parquet: shifted\.parquet: /);
    const long = good.slice();
    new DataView(long.buffer).setUint32(long.length - 8, long.length, true);
    expect(() => decodeParquet(long, "long.parquet")).toThrow(`telemetry-lab/io/parquet: long.parquet: footer length ${long.length} exceeds the file`);
    expect(() => readParquet(join(dir, "missing.parquet"))).toThrow(`telemetry-lab/io/parquet: ${join(dir, "missing.parquet")}: cannot read`);
    // DuckDB writes nullable (OPTIONAL) columns, which this reader does not read.
    const duckFile = join(dir, "duck.parquet");
    await duck.run(`COPY (SELECT 1.5::DOUBLE AS x) TO '${duckFile}' (FORMAT parquet)`);
    expect(() => readParquet(duckFile)).toThrow(`telemetry-lab/io/parquet: ${duckFile}: column 'x': OPTIONAL (nullable) columns are not supported`);
  });
});
