import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FieldKind, readJsonRecords } from "../../src/peaks/json-records.js";

const dir = mkdtempSync(join(tmpdir(), "peaks-records-"));

async function read(name: string, content: string | Buffer, fields: string[], chunkSize?: number): Promise<Array<{ n: number; obj: boolean; values: (string | null)[] }>> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const out: Array<{ n: number; obj: boolean; values: (string | null)[] }> = [];
  await readJsonRecords(
    path,
    fields,
    (v) => {
      out.push({ n: v.recordNumber, obj: v.isObject, values: fields.map((_, i) => (v.kinds[i] === FieldKind.Missing ? null : `${v.kinds[i]}:${v.texts[i]}`)) });
    },
    chunkSize === undefined ? {} : { chunkSize },
  );
  return out;
}

const ARRAY = `[
  {"a": "x", "skip": {"nested": ["]", "}", {"deep": "\\"q"}]}, "b": 12, "c": null},
  {"b": 1.5e3, "a": "caf\\u00e9 \\"q\\"", "c": true, "z": [1, 2, {"a": "no"}]},
  {"a": "\u00fcnicode", "b": -0}
]
`;

describe("readJsonRecords", () => {
  const expected = [
    { n: 1, obj: true, values: ["1:x", "2:12", "5:null"] },
    { n: 2, obj: true, values: ['1:café "q"', "2:1.5e3", "3:true"] },
    { n: 3, obj: true, values: ["1:\u00fcnicode", "2:-0", null] },
  ];
  it("reads a top-level array, only wanted top-level fields", async () => {
    expect(await read("a.json", ARRAY, ["a", "b", "c"])).toEqual(expected);
  });
  it("gives the same result with tiny chunks (records straddling chunks)", async () => {
    for (const size of [1, 2, 3, 7, 13]) expect(await read(`a${size}.json`, ARRAY, ["a", "b", "c"], size)).toEqual(expected);
  });
  it("reads JSON Lines", async () => {
    const lines = '{"a": "x", "b": 1}\n{"a": "y"}\n\n{"b": 2}\n';
    expect(await read("l.jsonl", lines, ["a", "b"], 5)).toEqual([
      { n: 1, obj: true, values: ["1:x", "2:1"] },
      { n: 2, obj: true, values: ["1:y", null] },
      { n: 3, obj: true, values: [null, "2:2"] },
    ]);
  });
  it("reads gzip of either (by magic bytes)", async () => {
    expect(await read("a.json.gz", gzipSync(ARRAY), ["a", "b", "c"], 4)).toEqual(expected);
    expect(await read("l.data", gzipSync('{"a": "x"}\n{"a": "y"}'), ["a"])).toEqual([
      { n: 1, obj: true, values: ["1:x"] },
      { n: 2, obj: true, values: ["1:y"] },
    ]);
  });
  it("reports non-object elements", async () => {
    expect(await read("n.json", '[1, {"a": "x"}, "s"]', ["a"])).toEqual([
      { n: 1, obj: false, values: [null] },
      { n: 2, obj: true, values: ["1:x"] },
      { n: 3, obj: false, values: [null] },
    ]);
  });
  it("reads an empty array and an empty file", async () => {
    expect(await read("e.json", "[]", ["a"])).toEqual([]);
    expect(await read("e2.json", "", ["a"])).toEqual([]);
  });
  it("fails on trailing garbage, truncation, and bad syntax naming the file", async () => {
    await expect(read("t1.json", '[{"a": "x"}] [', ["a"])).rejects.toThrow(/t1\.json: byte \d+.*trailing data/);
    await expect(read("t2.json", '[{"a": "x"}, {"a": ', ["a"])).rejects.toThrow(/t2\.json.*unexpected end of file/);
    await expect(read("t3.json", '[{"a": "x"}', ["a"])).rejects.toThrow(/t3\.json.*not closed/);
    await expect(read("t4.json", '[{"a" "x"}]', ["a"])).rejects.toThrow(/t4\.json.*expected ':'/);
    await expect(read("t5.json", "hello", ["a"])).rejects.toThrow(/t5\.json.*expected '\['/);
  });
  it("fails on corrupt gzip", async () => {
    const gz = gzipSync('[{"a": "x"}]');
    await expect(read("c.json.gz", gz.subarray(0, gz.length - 6), ["a"])).rejects.toThrow(/c\.json\.gz/);
  });
});

describe("readJsonRecords errors", () => {
  it("names a missing file or a directory", async () => {
    await expect(readJsonRecords(join(dir, "missing.json"), ["a"], () => undefined)).rejects.toThrow(/missing\.json: cannot read: ENOENT/);
    await expect(readJsonRecords(dir, ["a"], () => undefined)).rejects.toThrow(/cannot read: EISDIR/);
  });
});

describe("readJsonRecords key positions", () => {
  it("finds the wanted keys whatever their order, escaped names included, across chunk boundaries", async () => {
    const lines = '{"a": "1", "b": 2, "c": 3}\n{"b": 4, "c": 5, "a": "6"}\n{"\\u0061": "7", "bb": 8}\n{"a": "9", "b": 10, "c": 11}\n{"c": 12}\n';
    for (const size of [3, 8, 1 << 20]) {
      expect(await read(`k${size}.jsonl`, lines, ["a", "b"], size)).toEqual([
        { n: 1, obj: true, values: ["1:1", "2:2"] },
        { n: 2, obj: true, values: ["1:6", "2:4"] },
        { n: 3, obj: true, values: ["1:7", null] },
        { n: 4, obj: true, values: ["1:9", "2:10"] },
        { n: 5, obj: true, values: [null, null] },
      ]);
    }
  });
});
