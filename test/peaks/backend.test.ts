// ScanOptions.keep across the backends, and CachedBackend's time range.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FILE_TYPE_ANALYZER } from "../../src/peaks/analyzers.js";
import { BadRecordError, JsonBackend, MemoryBackend, type Backend } from "../../src/peaks/backend.js";
import { CachedBackend } from "../../src/peaks/cached-backend.js";
import { fileRecord, tempDir, writeJsonArray, writeJsonLines } from "./helpers.js";

const RECS = [
  fileRecord("2021-09-01T01:00:00Z", "benign", "PeExeFile", "a"),
  fileRecord("2021-09-02T01:00:00Z", "malicious", "ZipArchiveFile", "b"),
  fileRecord("2021-09-03T01:00:00Z", "benign", "PdfDocFile", "c"),
  fileRecord("2021-09-02T05:00:00Z", "malicious", "ZipArchiveFile", "d"),
];
const SEP2 = Date.parse("2021-09-02T00:00:00Z");
const SEP3 = Date.parse("2021-09-03T00:00:00Z");
const keep = (t: number): boolean => t >= SEP2 && t < SEP3;

async function samples(backend: Backend, options = {}): Promise<{ samples: string[]; records: number; badRecords: number }> {
  const out: string[] = [];
  const s = await backend.scan(FILE_TYPE_ANALYZER, (r) => out.push(`${r.sample}@${new Date(r.time).toISOString().slice(0, 10)}`), options);
  return { samples: out, records: s.records, badRecords: s.badRecords };
}

describe("ScanOptions.keep", () => {
  it("delivers only the records it keeps, and still counts every record (JSON, memory, cached)", async () => {
    const dir = tempDir();
    const json = new JsonBackend(writeJsonLines(join(dir, "f.jsonl.gz"), RECS, true));
    const backends: Backend[] = [json, new MemoryBackend(RECS), await CachedBackend.load(json, FILE_TYPE_ANALYZER)];
    for (const b of backends) {
      expect(await samples(b)).toEqual({ samples: ["a@2021-09-01", "b@2021-09-02", "c@2021-09-03", "d@2021-09-02"], records: 4, badRecords: 0 });
      expect(await samples(b, { keep })).toEqual({ samples: ["b@2021-09-02", "d@2021-09-02"], records: 4, badRecords: 0 });
    }
  });
  it("checks the records it does not keep: a bad one fails, or is counted with --skip-bad-records", async () => {
    const dir = tempDir();
    const bad = [...RECS, { ...fileRecord("2021-09-05T00:00:00Z", "benign", "PeExeFile", "e"), "file.llfile_type": undefined }];
    const file = writeJsonArray(join(dir, "bad.json"), bad);
    await expect(samples(new JsonBackend(file), { keep })).rejects.toThrow(BadRecordError);
    await expect(samples(new JsonBackend(file), { keep })).rejects.toThrow(/bad\.json: record 5: field 'file\.llfile_type' missing/);
    expect(await samples(new JsonBackend(file), { keep, skipBadRecords: true })).toEqual({ samples: ["b@2021-09-02", "d@2021-09-02"], records: 4, badRecords: 1 });
  });
});

describe("CachedBackend", () => {
  it("reports the time range of its records", async () => {
    const cached = await CachedBackend.load(new MemoryBackend(RECS), FILE_TYPE_ANALYZER);
    expect(cached.timeRange()).toEqual({ min: Date.parse("2021-09-01T01:00:00Z"), max: Date.parse("2021-09-03T01:00:00Z") });
    expect((await CachedBackend.load(new MemoryBackend([]), FILE_TYPE_ANALYZER)).timeRange()).toBeUndefined();
  });
});
