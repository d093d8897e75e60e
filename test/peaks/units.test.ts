// Unit tests of the smaller modules: wall clock and Python datetime text, the window rule,
// glob expansion, GST row operations with int/float typing, the local table order, the peak rule.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGlob, componentRegExp } from "../../src/peaks/glob.js";
import { GlobalTable, inferGlobalRow, parseGlobalTable, pyOsErrorText, pyStrRepr, refreshGlobalTable, serializeGlobalTable, updateGlobalRow, type GlobalRow } from "../../src/peaks/gst.js";
import { LocalTableBuilder, localStats, type LocalStats } from "../../src/peaks/lst.js";
import { evaluatePeak, findPeaks } from "../../src/peaks/peak.js";
import { PyNum } from "../../src/peaks/pyfloat.js";
import { formatLogLine } from "../../src/peaks/log.js";
import { WallClock, formatNaive, parseDate, parseInstant, parseNaiveDateTime } from "../../src/peaks/wallclock.js";
import { InvalidIntervalError, resolveWindow } from "../../src/peaks/window.js";
import { tempDir } from "./helpers.js";

const D = (y: number, m: number, d: number, h = 0): number => Date.UTC(y, m - 1, d, h);

describe("wallclock", () => {
  it("converts instants to wall time in a zone, with DST", () => {
    const ny = new WallClock({ zone: "America/New_York" });
    expect(formatNaive(ny.wall(Date.parse("2021-09-01T03:30:00Z")))).toBe("2021-08-31 23:30:00");
    expect(formatNaive(ny.wall(Date.parse("2021-12-01T03:30:00Z")))).toBe("2021-11-30 22:30:00");
    const kol = new WallClock({ zone: "Asia/Kolkata" });
    expect(formatNaive(kol.wall(Date.parse("2021-09-01T18:29:59.999Z")))).toBe("2021-09-01 23:59:59.999000");
    expect(new WallClock().wall(123456)).toBe(123456);
    expect(() => new WallClock({ zone: "Nowhere/Land" })).toThrow(/telemetry-lab\/peaks\/wallclock: unknown time zone/);
  });
  it("formats like Python str(datetime)", () => {
    expect(formatNaive(D(2021, 9, 1))).toBe("2021-09-01 00:00:00");
    expect(formatNaive(D(2021, 9, 1) + 1)).toBe("2021-09-01 00:00:00.001000");
    expect(formatNaive(Date.UTC(999, 0, 1))).toBe("0999-01-01 00:00:00");
  });
  it("parses like strptime", () => {
    expect(parseDate("2021-09-01")).toBe(D(2021, 9, 1));
    expect(parseDate("2021-9-1")).toBe(D(2021, 9, 1));
    expect(parseDate("2020-02-29")).toBe(D(2020, 2, 29));
    expect(parseDate("2021-02-29")).toBeUndefined();
    expect(parseDate("2021-13-01")).toBeUndefined();
    expect(parseDate("2021:09:01")).toBeUndefined();
    expect(parseDate("21-09-01")).toBeUndefined();
    expect(parseNaiveDateTime("2021-09-01 10:20:30")).toBe(Date.UTC(2021, 8, 1, 10, 20, 30));
    expect(parseNaiveDateTime("2021-09-01 24:00:00")).toBeUndefined();
  });
  it("parses ISO-8601 instants", () => {
    expect(parseInstant("2021-09-02T10:00:00Z")).toBe(Date.UTC(2021, 8, 2, 10));
    expect(parseInstant("2021-09-02T12:00:00+02:00")).toBe(Date.UTC(2021, 8, 2, 10));
    expect(parseInstant("2021-09-02T10:00:00")).toBe(Date.UTC(2021, 8, 2, 10));
    expect(parseInstant("2021-09-02")).toBe(Date.UTC(2021, 8, 2));
    expect(parseInstant("2021-09-02T10:00:00.25Z")).toBe(Date.UTC(2021, 8, 2, 10, 0, 0, 250));
    expect(() => parseInstant("yesterday")).toThrow(/not an ISO-8601 instant/);
  });
  it("log line format", () => {
    expect(formatLogLine("Loading local tables", { time: Date.UTC(2021, 8, 15, 12, 0, 11, 900), rssBytes: 12.9 * 2 ** 20 })).toBe("INFO -> [2021-09-15 12:00:11] [0012mb] Loading local tables");
    expect(formatLogLine("x", { rssBytes: 12345 * 2 ** 20, level: "DEBUG" })).toMatch(/^DEBUG -> \[.*\] \[12345mb\] x$/);
  });
});

describe("window rule", () => {
  it("uses -s/-e when both are given, else today's UTC date", () => {
    expect(resolveWindow({ start: D(2021, 9, 1), end: D(2021, 9, 4) })).toEqual({ start: D(2021, 9, 1), end: D(2021, 9, 4) });
    expect(resolveWindow({ now: D(2021, 9, 3, 23) })).toEqual({ start: D(2021, 9, 2), end: D(2021, 9, 3) });
    expect(resolveWindow({ now: D(2021, 9, 3, 1), delta: 3, delay: 2 })).toEqual({ start: D(2021, 8, 29), end: D(2021, 9, 1) });
    expect(resolveWindow({ start: D(2021, 9, 1), delta: 2 })).toEqual({ start: D(2021, 9, 1), end: D(2021, 9, 3) });
    expect(resolveWindow({ end: D(2021, 9, 4), delta: 2 })).toEqual({ start: D(2021, 9, 2), end: D(2021, 9, 4) });
  });
  it("rejects end <= start", () => {
    expect(() => resolveWindow({ start: D(2021, 9, 2), end: D(2021, 9, 1) })).toThrow(InvalidIntervalError);
    expect(() => resolveWindow({ start: D(2021, 9, 2), end: D(2021, 9, 1) })).toThrow("Invalid time interval 2021-09-02 - 2021-09-01");
    expect(() => resolveWindow({ delta: 0, now: D(2021, 9, 2) })).toThrow(InvalidIntervalError);
  });
});

describe("glob", () => {
  it("expands like Python glob, sorted, no dot files", () => {
    const dir = tempDir();
    for (const f of ["b.json", "a.json", "c.jsonl.gz", ".h.json", "x[1].json"]) writeFileSync(join(dir, f), "[]");
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "d.json"), "[]");
    expect(expandGlob(join(dir, "*.json"))).toEqual(["a.json", "b.json", "x[1].json"].map((f) => join(dir, f)));
    expect(expandGlob(join(dir, "?.json*"))).toEqual(["a.json", "b.json", "c.jsonl.gz"].map((f) => join(dir, f)));
    expect(expandGlob(join(dir, "[ab].json"))).toEqual(["a.json", "b.json"].map((f) => join(dir, f)));
    expect(expandGlob(join(dir, "[!ab].json*"))).toEqual([join(dir, "c.jsonl.gz")]);
    expect(expandGlob(join(dir, "*", "*.json"))).toEqual([join(dir, "sub", "d.json")]);
    expect(expandGlob(join(dir, ".*.json"))).toEqual([join(dir, ".h.json")]);
    expect(expandGlob(join(dir, "a.json"))).toEqual([join(dir, "a.json")]);
    expect(expandGlob(join(dir, "zzz.json"))).toEqual([]);
    expect(componentRegExp("a.b").test("axb")).toBe(false);
  });
});

function L(path: string[], sub: number, samp: number): LocalStats {
  return { path, subCount: sub, sampCount: samp } as unknown as LocalStats;
}
const G = (over: Partial<GlobalRow> = {}): GlobalRow => ({
  startTs: D(2021, 9, 1),
  endTs: D(2021, 9, 2),
  windowCount: PyNum.int(1),
  subCountAvg: PyNum.int(4),
  subCountMax: PyNum.int(4),
  sampCountAvg: PyNum.int(2),
  sampCountMax: PyNum.int(2),
  sampSubCountAvg: PyNum.int(2),
  sampSubCountMax: PyNum.int(2),
  thresholdSuggested: PyNum.int(90),
  ...over,
});

describe("GST rows", () => {
  it("infers one window; floors apply", () => {
    const r = inferGlobalRow(L(["malicious", "Zip"], 5, 2), D(2021, 9, 1), D(2021, 9, 4), 90);
    // r = int(round(2.5)) = 2 (half to even)
    expect([r.windowCount, r.subCountAvg, r.subCountMax, r.sampCountAvg, r.sampCountMax, r.sampSubCountAvg, r.sampSubCountMax, r.thresholdSuggested].map(String)).toEqual(["1", "5", "5", "2", "2", "2", "2", "90"]);
    expect(inferGlobalRow(L(["x", "y"], 7, 2), 0, 1, 0).sampSubCountAvg.value).toBe(4); // round(3.5) = 4
  });
  it("updates with half-to-even running means, tie-keeping maxima, non-decreasing threshold", () => {
    const u = updateGlobalRow(G({ windowCount: PyNum.int(3), subCountAvg: PyNum.int(10), thresholdSuggested: PyNum.int(8) }), L(["a", "b"], 6, 3), D(2021, 9, 5));
    // (10*3 + 6)/4 = 9; samp (2*3 + 3)/4 = 2.25 -> 2; r = 2 -> (2*3+2)/4 = 2; threshold max(8, 9) = 9
    expect([u.windowCount, u.subCountAvg, u.subCountMax, u.sampCountAvg, u.sampCountMax, u.sampSubCountAvg, u.sampSubCountMax, u.thresholdSuggested].map(String)).toEqual(["4", "9", "6", "2", "3", "2", "2", "9"]);
    expect(formatNaive(u.startTs)).toBe("2021-09-01 00:00:00");
    expect(formatNaive(u.endTs)).toBe("2021-09-05 00:00:00");
    // float values from a file keep their type through max() ties
    const f = updateGlobalRow(G({ sampSubCountMax: PyNum.float(2), subCountMax: PyNum.float(9.5) }), L(["a", "b"], 4, 2), D(2021, 9, 3));
    expect(String(f.sampSubCountMax)).toBe("2.0");
    expect(String(f.subCountMax)).toBe("9.5");
    // a float average is rounded to an int
    const g = updateGlobalRow(G({ subCountAvg: PyNum.float(4.5) }), L(["a", "b"], 4, 2), D(2021, 9, 3));
    expect(String(g.subCountAvg)).toBe("4"); // round(8.5 / 2 = 4.25)
  });
  it("refresh keeps, updates or infers; never deletes", () => {
    const gst = new GlobalTable(2);
    gst.set(["a", "old"], G());
    gst.set(["a", "kept"], G());
    const local = [L(["a", "old"], 4, 2), L(["b", "new"], 3, 3)];
    const older = refreshGlobalTable(gst, local, D(2021, 8, 30), D(2021, 8, 31), { floorOf: () => 0 });
    expect(older.get(["a", "old"])).toBe(gst.get(["a", "old"]));
    expect(formatNaive(older.get(["b", "new"])!.startTs)).toBe("2021-08-30 00:00:00");
    const later = refreshGlobalTable(gst, local, D(2021, 9, 2), D(2021, 9, 3), { floorOf: () => 0 });
    expect(later.get(["a", "old"])!.windowCount.value).toBe(2);
    expect(later.get(["a", "kept"])).toBe(gst.get(["a", "kept"]));
    expect(later.size).toBe(3);
    expect(gst.size).toBe(2);
  });
  it("serializes and parses back byte-identically", () => {
    const gst = new GlobalTable(2);
    gst.set(["malicious", "Zip"], G({ sampSubCountMax: PyNum.float(1.5) }));
    gst.set(["benign", "Pe\u00e9"], G());
    const text = serializeGlobalTable(gst);
    expect(text.startsWith('{\n  "benign": {\n    "Pe\\u00e9": [\n      "2021-09-01 00:00:00",')).toBe(true);
    expect(serializeGlobalTable(parseGlobalTable(text, 2))).toBe(text);
    expect(serializeGlobalTable(new GlobalTable(2))).toBe("{}");
  });
  it("names problems in a GST file", () => {
    expect(() => parseGlobalTable("[]", 2, "f.json")).toThrow("f.json: expected a JSON object at the top level, found an array");
    expect(() => parseGlobalTable('{"a": {"b": ["2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 3, 4, 5, 6, 7, "x"]}}', 2, "f.json")).toThrow(
      'f.json: entry ["a","b"]: threshold_suggested must be a number, found "x"',
    );
    expect(() => parseGlobalTable("{", 2, "f.json")).toThrow(/f\.json: corrupt JSON: Expecting property name/);
  });
  it("Python OSError text", () => {
    expect(pyOsErrorText({ code: "ENOENT" } as NodeJS.ErrnoException, "/x/g.json")).toBe("[Errno 2] No such file or directory: '/x/g.json'");
    expect(pyStrRepr("it's")).toBe('"it\'s"');
  });
});

describe("local tables", () => {
  it("orders by first occurrence of dim0, then dim1 within it", () => {
    const b = new LocalTableBuilder(2, 1);
    b.add(["A", "x"], "s1", ["API"]);
    b.add(["B", "y"], "s2", ["API"]);
    b.add(["A", "z"], "s3", ["SMB"]);
    b.add(["A", "x"], "s1", ["SMB"]);
    expect(b.tables().map((t) => t.path.join("/"))).toEqual(["A/x", "A/z", "B/y"]);
    const s = localStats(b.tables()[0]!, {}, ["source.origin"]);
    expect([s.subCount, s.sampCount, s.sampSubCountMax, String(s.sampSubCountMean), String(s.sampSubCountStd), String(s.sampSubRatio)]).toEqual([2, 1, 2, "2", "0.0", "0.0"]);
    expect([...s.crossStats["source.origin"]!]).toEqual([["API", 1], ["SMB", 1]]);
  });
  it("ratio only above 50 submissions (strict), rounded half-even", () => {
    const mk = (counts: number[]): LocalStats => {
      const b = new LocalTableBuilder(1, 0);
      counts.forEach((c, i) => {
        for (let k = 0; k < c; k++) b.add(["t"], `s${i}`, []);
      });
      return localStats(b.tables()[0]!);
    };
    expect(String(mk([25, 25]).sampSubRatio)).toBe("0.0"); // 50 is not > 50
    expect(String(mk([26, 25]).sampSubRatio)).toBe("0.51");
    // 0.125 exactly: 8 of 64 -> round(0.125, 2) = 0.12
    expect(String(mk([8, ...Array.from({ length: 56 }, () => 1)]).sampSubRatio)).toBe("0.12");
    expect(String(mk([9, 7]).sampSubCountMean)).toBe("8");
    expect(String(mk([9, 8]).sampSubCountMean)).toBe("8.5");
  });
});

describe("peak rule", () => {
  const stats = (sub: number, samp: number, max: number, mean: PyNum, std: number, ratio: number): LocalStats =>
    ({ path: ["a", "b"], subCount: sub, sampCount: samp, sampSubCountMax: max, sampSubCountMean: mean, sampSubCountStd: PyNum.float(std), sampSubRatio: PyNum.float(ratio), crossStats: {} }) as LocalStats;
  it("comparisons are strict except the threshold", () => {
    // mean 1.6 vs 0.8 * 2 = 1.6: not greater
    expect(evaluatePeak(stats(10, 5, 2, PyNum.float(1.6), 0.4, 0), PyNum.int(10), PyNum.int(2)).criteria).toEqual({ globalCount: false, ratio: false, spread: false });
    // ratio 0.5 is not > 0.5; max 2 == mean 1.5 + std 0.5 is not >
    expect(evaluatePeak(stats(100, 50, 2, PyNum.float(1.5), 0.5, 0.5), PyNum.int(100), PyNum.int(5)).isPeak).toBe(false);
    expect(evaluatePeak(stats(100, 50, 2, PyNum.float(1.5), 0.5, 0.51), PyNum.int(100), PyNum.int(5)).isPeak).toBe(true);
    expect(evaluatePeak(stats(99, 50, 2, PyNum.float(1.5), 0.5, 0.51), PyNum.int(100), PyNum.int(5)).isPeak).toBe(false);
  });
  it("README step 2: criteria 1 and 3 fire", () => {
    const r = evaluatePeak(stats(11083, 3028, 426, PyNum.float(11083 / 3028), 11.5375, 0.04), PyNum.int(629), PyNum.int(2));
    expect(r).toEqual({ isPeak: true, criteria: { globalCount: true, ratio: false, spread: true } });
  });
  it("skips combinations without a global row; -t 0 is ignored", () => {
    const gst = new GlobalTable(2);
    gst.set(["a", "b"], G({ thresholdSuggested: PyNum.int(50), sampSubCountMax: PyNum.int(1) }));
    const l = [stats(10, 10, 1, PyNum.int(1), 0, 0), { ...stats(10, 10, 1, PyNum.int(1), 0, 0), path: ["new", "x"] } as LocalStats];
    expect(findPeaks(l, gst)).toEqual([]);
    expect(findPeaks(l, gst, { threshold: 0 })).toEqual([]);
    expect(findPeaks(l, gst, { threshold: 10 }).map((p) => [p.path, p.globalThresholdSuggested.value])).toEqual([[["a", "b"], 10]]);
  });
});
