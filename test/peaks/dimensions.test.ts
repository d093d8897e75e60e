// N = 1 and N = 3 dimensions, the network analyzer, non-string dimension values, and the
// in-memory API (MemoryBackend, GlobalTable objects) used by notebooks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/peaks/analyzer.js";
import { defineAnalyzer, NETWORK_ANALYZER } from "../../src/peaks/analyzers.js";
import { JsonBackend, MemoryBackend } from "../../src/peaks/backend.js";
import { CachedBackend } from "../../src/peaks/cached-backend.js";
import { FILE_TYPE_ANALYZER } from "../../src/peaks/analyzers.js";
import { parseGlobalTable } from "../../src/peaks/gst.js";
import { globalTableRecords, localStatsRecords, peakRecords } from "../../src/peaks/tables.js";
import { cli, fileRecord, peakLines, repeat, tempDir, writeJsonArray, writeJsonLines } from "./helpers.js";

const ONE = defineAnalyzer({ name: "TypeOnly", timeField: "utc_timestamp", sampleField: "file.sha1", dimensions: ["file.llfile_type"], crossDimensions: [], floors: { ZipArchiveFile: 10 } });
const THREE = defineAnalyzer({
  name: "SeverityTypeOrigin",
  timeField: "utc_timestamp",
  sampleField: "file.sha1",
  dimensions: ["task.severity", "file.llfile_type", "source.origin"],
  crossDimensions: ["source.user_id"],
  floors: { malicious: 5 },
});

describe("one dimension", () => {
  it("infers, updates and flags per value; files nest one level", async () => {
    const recs = [
      ...repeat(3, "2021-09-01T01:00:00Z", "malicious", "ZipArchiveFile", "a"),
      ...repeat(1, "2021-09-01T02:00:00Z", "benign", "PdfDocFile", "p"),
      ...repeat(12, "2021-09-02T01:00:00Z", "malicious", "ZipArchiveFile", "w"),
      ...repeat(1, "2021-09-02T01:00:00Z", "benign", "ZipArchiveFile", "x"),
    ];
    const backend = new MemoryBackend(recs);
    const d1 = await analyze({ analyzer: ONE, input: backend, start: "2021-09-01", end: "2021-09-02", globalTable: null });
    expect(d1.globalTableText).toBe(
      '{\n  "PdfDocFile": [\n    "2021-09-01 00:00:00",\n    "2021-09-02 00:00:00",\n    1,\n    1,\n    1,\n    1,\n    1,\n    1,\n    1,\n    1\n  ],\n' +
        '  "ZipArchiveFile": [\n    "2021-09-01 00:00:00",\n    "2021-09-02 00:00:00",\n    1,\n    3,\n    3,\n    1,\n    1,\n    3,\n    3,\n    10\n  ]\n}',
    );
    const d2 = await analyze({ analyzer: ONE, input: backend, start: "2021-09-02", end: "2021-09-03", globalTable: d1.globalAfter });
    // ZipArchiveFile: 13 submissions >= 10, 2 samples (12 + 1): mean 6.5 > 0.8 * 3
    expect(d2.peaks.map((p) => p.path)).toEqual([["ZipArchiveFile"]]);
    expect(d2.outputText).toBe('{\n  "ZipArchiveFile": [\n    13,\n    2,\n    12,\n    6.5,\n    7.7781745930520225,\n    0.0,\n    3,\n    10\n  ]\n}');
    expect(d2.messages).toContain("TelemetryPeak(ZipArchiveFile)");
    // the in-memory GST given was not modified
    expect(d1.globalAfter.get(["ZipArchiveFile"])!.windowCount.value).toBe(1);
    expect(d2.globalAfter.get(["ZipArchiveFile"])!.windowCount.value).toBe(2);
  });
});

describe("three dimensions", () => {
  it("orders the LST depth-first by first occurrence and nests files three levels", async () => {
    const recs = [
      fileRecord("2021-09-01T01:00:00Z", "malicious", "Zip", "a", { "source.origin": "SMB" }),
      fileRecord("2021-09-01T01:00:00Z", "benign", "Pdf", "b", { "source.origin": "API" }),
      fileRecord("2021-09-01T01:00:00Z", "malicious", "Pe", "c", { "source.origin": "API" }),
      fileRecord("2021-09-01T01:00:00Z", "malicious", "Zip", "d", { "source.origin": "API" }),
      ...Array.from({ length: 6 }, () => fileRecord("2021-09-02T01:00:00Z", "malicious", "Zip", "w", { "source.origin": "SMB" })),
    ];
    const backend = new MemoryBackend(recs);
    const d1 = await analyze({ analyzer: THREE, input: backend, start: "2021-09-01", end: "2021-09-02", globalTable: null });
    expect(d1.local.map((l) => l.path.join("/"))).toEqual(["malicious/Zip/SMB", "malicious/Zip/API", "malicious/Pe/API", "benign/Pdf/API"]);
    const reread = parseGlobalTable(d1.globalTableText, 3);
    expect(reread.size).toBe(4);
    expect(reread.get(["malicious", "Zip", "SMB"])!.thresholdSuggested.value).toBe(5);
    expect(d1.globalTableText.startsWith('{\n  "benign": {\n    "Pdf": {\n      "API": [\n        "2021-09-01 00:00:00",')).toBe(true);
    const d2 = await analyze({ analyzer: THREE, input: backend, start: "2021-09-02", end: "2021-09-03", globalTable: reread });
    expect(d2.peaks.map((p) => p.path.join("/"))).toEqual(["malicious/Zip/SMB"]);
    expect(d2.messages).toContain("TelemetryPeak(malicious, Zip, SMB)");
    expect(d2.outputText.startsWith('{\n  "malicious": {\n    "Zip": {\n      "SMB": [\n        6,\n')).toBe(true);
    expect(() => parseGlobalTable(d1.globalTableText, 2)).toThrow(/expected an array of 10 values/);
  });
});

describe("network analyzer", () => {
  const ev = (at: string, impact: unknown, threat: string, id: string): Record<string, unknown> => ({
    utc_timestamp: Date.parse(at),
    "event.id": id,
    "event.impact": impact,
    "threat.name.keyword": threat,
    "source.user_id": 7,
  });
  it("uses event.impact x threat.name.keyword, no floors; int impacts round-trip through the GST", async () => {
    const dir = tempDir();
    const feed = writeJsonLines(join(dir, "net.jsonl"), [
      ev("2021-09-01T01:00:00Z", 70, "Emotet", "e1"),
      ev("2021-09-01T01:00:00Z", 100, "Emotet", "e2"),
      ev("2021-09-01T02:00:00Z", 70, "Emotet", "e1"),
      ...Array.from({ length: 5 }, (_, i) => ev("2021-09-02T01:00:00Z", 70, "Emotet", `x${i % 2}`)),
    ]);
    const gst = join(dir, "gst.json");
    const a = ["-a", "telemetry_peak_analyzer.analyzers.NetworkTypePeakAnalyzer", "-n", feed, "-m", gst];
    const r1 = await cli([...a, "-s", "2021-09-01", "-e", "2021-09-02"]);
    expect(r1.rc).toBe(0);
    expect(r1.messages[4]).toBe("Loading analyzer 'NetworkTypePeakAnalyzer' with backend 'JsonBackend'");
    // int keys sort numerically (as Python sorts int keys): 70 before 100
    const text1 = readFileSync(gst, "utf8");
    expect(text1.indexOf('"70"')).toBeLessThan(text1.indexOf('"100"'));
    expect(text1).toContain('"Emotet": [\n      "2021-09-01 00:00:00",\n      "2021-09-02 00:00:00",\n      1,\n      2,\n      2,\n      1,\n      1,\n      2,\n      2,\n      2\n    ]');
    const out = join(dir, "out.json");
    const r2 = await cli([...a, "-s", "2021-09-02", "-e", "2021-09-03", "-o", out, "-a", "network"]);
    expect(r2.rc).toBe(0);
    // 5 events, 2 ids (3 + 2): mean 2.5 > 0.8 * 2; threshold = inferred sub_count 2 (no floor)
    expect(r2.messages).toEqual(expect.arrayContaining(peakLines("70", "Emotet", [5, 2, 3, "2.5", "0.71", "0.0", 2, 2])));
    expect(readFileSync(out, "utf8")).toBe('{\n  "70": {\n    "Emotet": [\n      5,\n      2,\n      3,\n      2.5,\n      0.7071067811865476,\n      0.0,\n      2,\n      2\n    ]\n  }\n}');
    const text2 = readFileSync(gst, "utf8");
    expect(text2.indexOf('"70"')).toBeLessThan(text2.indexOf('"100"'));
    expect(text2).toContain('"2021-09-03 00:00:00",\n      2,\n      4,\n      5,');
  });
  it("network config fields", () => {
    expect(NETWORK_ANALYZER.sampleField).toBe("event.id");
    expect(NETWORK_ANALYZER.crossDimensions).toEqual(["source.user_id"]);
    expect(NETWORK_ANALYZER.globalTableAgeDays).toBe(7);
  });
});

describe("programmatic API for notebooks", () => {
  it("returns LST, GST and peaks as records, with criteria", async () => {
    const recs = [
      ...repeat(3, "2021-09-01T01:00:00Z", "suspicious", "Zip", "a"),
      ...repeat(5, "2021-09-02T01:00:00Z", "suspicious", "Zip", "a"),
      fileRecord("2021-09-02T01:00:00Z", "suspicious", "Zip", "b"),
    ];
    const backend = new MemoryBackend(recs);
    const logs: string[] = [];
    const d1 = await analyze({ input: backend, start: "2021-09-01", end: "2021-09-02", globalTable: null, log: (m) => logs.push(m) });
    expect(logs[1]).toBe("Loading backend 'MemoryBackend'");
    const d2 = await analyze({ input: backend, start: "2021-09-02", end: "2021-09-03", globalTable: d1.globalAfter });
    const dims = d2.analyzer.dimensions;
    expect(localStatsRecords(d2.local, dims)).toEqual([
      { "task.severity": "suspicious", "file.llfile_type": "Zip", sub_count: 6, samp_count: 2, samp_sub_count_max: 5, samp_sub_count_mean: 3, samp_sub_count_std: 2.8284271247461903, samp_sub_ratio: 0 },
    ]);
    expect(peakRecords(d2.peaks, dims)).toEqual([
      {
        "task.severity": "suspicious",
        "file.llfile_type": "Zip",
        sub_count: 6,
        samp_count: 2,
        samp_sub_count_max: 5,
        samp_sub_count_mean: 3,
        samp_sub_count_std: 2.8284271247461903,
        samp_sub_ratio: 0,
        global_samp_sub_count_max: 3,
        global_threshold_suggested: 3,
        criterion_global_count: true,
        criterion_ratio: false,
        criterion_spread: false,
      },
    ]);
    expect(globalTableRecords(d2.globalAfter, dims)[0]).toMatchObject({ start_ts: "2021-09-01 00:00:00", end_ts: "2021-09-03 00:00:00", window_count: 2, sub_count_avg: 4, threshold_suggested: 4 });
  });
  it("bad in-memory records name the record and field", async () => {
    const backend = new MemoryBackend([fileRecord("2021-09-01T01:00:00Z", "benign", "A", "a"), { utc_timestamp: 1 }], "MemoryBackend", "notebook-feed");
    await expect(analyze({ input: backend, start: "2021-09-01", end: "2021-09-02", globalTable: null })).rejects.toThrow("notebook-feed: record 2: field 'file.sha1' missing");
  });
  it("rejects analyzers without dimensions", () => {
    expect(() => defineAnalyzer({ name: "x", timeField: "t", sampleField: "s", dimensions: [], crossDimensions: [] })).toThrow(/at least one dimension/);
  });
});

describe("original files are readable", () => {
  it("reads a GST written with floats and ints as the original writes them, and keeps their types", async () => {
    const dir = tempDir();
    const gst = join(dir, "gst.json");
    const original =
      '{\n  "malicious": {\n    "ZipArchiveFile": [\n      "2021-08-26 07:00:00.123456",\n      "2021-09-02 07:00:00.123456",\n      7,\n      2,\n      3,\n      2,\n      2,\n      1,\n      1.0,\n      90\n    ]\n  }\n}';
    const { writeFileSync } = await import("node:fs");
    writeFileSync(gst, original);
    const feed = writeJsonArray(join(dir, "f.json"), [fileRecord("2021-09-03T01:00:00Z", "malicious", "ZipArchiveFile", "a")]);
    const r = await cli(["-n", feed, "-s", "2021-09-03", "-e", "2021-09-04", "-m", gst]);
    expect(r.rc).toBe(0);
    // W 7 -> 8: sub avg round((2*7 + 1)/8) = round(1.875) = 2; samp avg round(15/8) = 2;
    // r = 1: samp_sub avg round((7 + 1)/8) = 1; max(1.0, 1) keeps 1.0 (first on ties)
    expect(readFileSync(gst, "utf8")).toBe(
      '{\n  "malicious": {\n    "ZipArchiveFile": [\n      "2021-08-26 07:00:00",\n      "2021-09-04 00:00:00",\n      8,\n      2,\n      3,\n      2,\n      2,\n      1,\n      1.0,\n      90\n    ]\n  }\n}',
    );
  });
});

describe("CachedBackend", () => {
  it("a daily chain over a cached feed gives the same files as re-reading it", async () => {
    const dir = tempDir();
    const recs = [
      ...repeat(3, "2021-09-01T01:00:00Z", "malicious", "ZipArchiveFile", "a"),
      fileRecord("2021-09-01T02:00:00Z", "benign", "PdfDocFile", "p"),
      ...repeat(40, "2021-09-02T01:00:00Z", "malicious", "ZipArchiveFile", "w"),
      ...repeat(3, "2021-09-03T01:00:00Z", "suspicious", "ZipArchiveFile", "s"),
      { ...fileRecord("2021-09-03T01:00:00Z", "benign", "PdfDocFile", "q"), "task.severity": 7 },
    ];
    const feed = writeJsonLines(join(dir, "feed.jsonl"), recs);
    const cached = await CachedBackend.load(new JsonBackend(feed), FILE_TYPE_ANALYZER);
    expect(cached.size).toBe(recs.length);
    expect(cached.loadMessages()).toEqual(["Loaded files:", `\t${feed}`]);
    let a: string[] = [];
    let b: string[] = [];
    for (const [input, sink] of [
      [feed, (x: string[]) => (a = x)],
      [cached, (x: string[]) => (b = x)],
    ] as const) {
      const gst = join(dir, `gst-${typeof input === "string" ? "file" : "cache"}.json`);
      const strip = (m: string): string => m.replace(gst, "<gst>");
      const texts: string[] = [];
      for (const [s, e] of [["2021-09-01", "2021-09-02"], ["2021-09-02", "2021-09-03"], ["2021-09-03", "2021-09-04"]] as const) {
        const r = await analyze({ input, start: s, end: e, globalTable: gst, now: "2021-09-02T06:00:00Z" });
        texts.push(r.globalTableText, r.outputText, r.messages.slice(5).map(strip).join("\n"));
      }
      sink(texts);
    }
    expect(b).toEqual(a);
    expect(a.join("")).toContain('"7": {');
  });
});
