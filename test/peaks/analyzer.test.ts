import { readFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pyFloatRepr, roundDigits, sampleStdevOfInts } from "../../src/peaks/pyfloat.js";
import { cli, fileRecord, peakLines, repeat, tempDir, writeJsonArray, writeJsonLines } from "./helpers.js";

// Fixture A (file-type analyzer), hand-computed from the spec (peak-analyzer.md §4-§7):
// 2021-09-01: malicious/ZipArchiveFile z1 x3, z2 x1 (sub 4, samp 2); benign/PeExeFile p1 x1;
//             suspicious/PdfDocFile d1 x2.
// 2021-09-02: malicious/ZipArchiveFile z3 x60 + 40 single samples (sub 100, samp 41, max 60);
//             benign/PeExeFile p1 x2, p2 x2 (sub 4, samp 2); suspicious/NewType n1 x1.
const DAY1 = [
  ...repeat(3, "2021-09-01T10:00:00Z", "malicious", "ZipArchiveFile", "z1"),
  fileRecord("2021-09-01T11:00:00Z", "malicious", "ZipArchiveFile", "z2"),
  fileRecord("2021-09-01T12:00:00Z", "benign", "PeExeFile", "p1"),
  ...repeat(2, "2021-09-01T23:59:59.999Z", "suspicious", "PdfDocFile", "d1"),
];
const DAY2 = [
  ...repeat(60, "2021-09-02T00:00:00Z", "malicious", "ZipArchiveFile", "z3"),
  ...Array.from({ length: 40 }, (_, i) => fileRecord("2021-09-02T08:00:00Z", "malicious", "ZipArchiveFile", `zz${i}`)),
  ...repeat(2, "2021-09-02T09:00:00Z", "benign", "PeExeFile", "p1"),
  ...repeat(2, "2021-09-02T09:00:00Z", "benign", "PeExeFile", "p2"),
  fileRecord("2021-09-02T10:00:00Z", "suspicious", "NewType", "n1"),
];

function row(start: string, end: string, ...values: (number | string)[]): string {
  return [`"${start}"`, `"${end}"`, ...values.map(String)].map((v) => `      ${v}`).join(",\n");
}
function gstText(entries: Record<string, Record<string, string>>): string {
  const d0s = Object.keys(entries).sort();
  if (d0s.length === 0) return "{}";
  return (
    "{\n" +
    d0s
      .map((d0) => {
        const d1s = Object.keys(entries[d0]!).sort();
        return `  "${d0}": {\n` + d1s.map((d1) => `    "${d1}": [\n${entries[d0]![d1]}\n    ]`).join(",\n") + "\n  }";
      })
      .join(",\n") +
    "\n}"
  );
}

const GST1 = gstText({
  benign: { PeExeFile: row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 1, 1, 1, 1, 1, 1, 500) },
  malicious: { ZipArchiveFile: row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 4, 4, 2, 2, 2, 2, 90) },
  suspicious: { PdfDocFile: row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 2, 1, 1, 2, 2, 2) },
});
// Day 2 update (W = 1 -> 2): sub avg int(round((4+100)/2)) = 52; samp avg round(21.5) = 22
// (half to even); benign sub avg round(2.5) = 2 (half to even; Math.round would give 3).
const GST2 = gstText({
  benign: { PeExeFile: row("2021-09-01 00:00:00", "2021-09-03 00:00:00", 2, 2, 4, 2, 2, 2, 2, 500) },
  malicious: { ZipArchiveFile: row("2021-09-01 00:00:00", "2021-09-03 00:00:00", 2, 52, 100, 22, 41, 2, 2, 90) },
  suspicious: {
    NewType: row("2021-09-02 00:00:00", "2021-09-03 00:00:00", 1, 1, 1, 1, 1, 1, 1, 1),
    PdfDocFile: row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 2, 1, 1, 2, 2, 2),
  },
});
const ZIP_STD = sampleStdevOfInts(41, 100n, 3640n); // 60^2 + 40 * 1^2
const ZIP_MEAN = 100 / 41;

describe("a chain of daily runs (file-type analyzer, fixture A)", () => {
  let dir: string;
  let feed: string;
  let gst: string;
  beforeAll(() => {
    dir = tempDir();
    feed = writeJsonArray(join(dir, "feed.json"), [...DAY2, ...DAY1]);
    gst = join(dir, "state", "global_table.json"); // missing folder: created on save
  });

  it("day 1: no GST file -> backend (empty with a real clock) -> rows inferred, no peaks", async () => {
    const out = join(dir, "out", "peaks-1.json");
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "-o", out]);
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.messages).toEqual([
      "Loading Peak Analyzer from 2021-09-01 00:00:00 to 2021-09-02 00:00:00 with t=None",
      "Loading backend 'JsonBackend'",
      "Loaded files:",
      `\t${feed}`,
      "Loading analyzer 'FileTypePeakAnalyzer' with backend 'JsonBackend'",
      `Loading global tables from file '${gst}'`,
      `\tFailed: [Errno 2] No such file or directory: '${gst}'`,
      "Loading global tables from the backend",
      "Loading local tables",
      "Getting peaks",
      `Saving output to: ${out}`,
      "Refreshing global tables",
      `Saving global tables to '${gst}'`,
    ]);
    expect(readFileSync(gst, "utf8")).toBe(GST1);
    expect(readFileSync(out, "utf8")).toBe("{}");
  });

  it("day 2: the wave of z3 is a peak (all three criteria); GST slides forward", async () => {
    const out = join(dir, "peaks-2.json");
    const r = await cli(["-n", feed, "-s", "2021-09-02", "-e", "2021-09-03", "-m", gst, "-o", out]);
    expect(r.rc).toBe(0);
    expect(r.messages).toEqual([
      "Loading Peak Analyzer from 2021-09-02 00:00:00 to 2021-09-03 00:00:00 with t=None",
      "Loading backend 'JsonBackend'",
      "Loaded files:",
      `\t${feed}`,
      "Loading analyzer 'FileTypePeakAnalyzer' with backend 'JsonBackend'",
      `Loading global tables from file '${gst}'`,
      "Loading local tables",
      "Getting peaks",
      ...peakLines("malicious", "ZipArchiveFile", [100, 41, 60, "2.44", pyFloatRepr(roundDigits(ZIP_STD, 2)), "0.6", 2, 90]),
      `Saving output to: ${out}`,
      "Refreshing global tables",
      `Saving global tables to '${gst}'`,
    ]);
    expect(readFileSync(out, "utf8")).toBe(
      `{\n  "malicious": {\n    "ZipArchiveFile": [\n      100,\n      41,\n      60,\n      ${pyFloatRepr(ZIP_MEAN)},\n      ${pyFloatRepr(ZIP_STD)},\n      0.6,\n      2,\n      90\n    ]\n  }\n}`,
    );
    expect(pyFloatRepr(ZIP_MEAN)).toBe("2.4390243902439024");
    expect(readFileSync(gst, "utf8")).toBe(GST2);
  });

  it("re-running day 2 leaves the GST untouched (window already covered)", async () => {
    const before = readFileSync(gst, "utf8");
    const r = await cli(["-n", feed, "-s", "2021-09-02", "-e", "2021-09-03", "-m", gst]);
    expect(r.rc).toBe(0);
    expect(readFileSync(gst, "utf8")).toBe(before);
    // NewType now has a row: threshold 1, gmax 1, mean 1 > 0.8 -> peak on re-run
    expect(r.messages.filter((m) => m.startsWith("TelemetryPeak"))).toEqual(["TelemetryPeak(malicious, ZipArchiveFile)", "TelemetryPeak(suspicious, NewType)"]);
  });

  it("an older window keeps rows but still flags against them", async () => {
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(r.rc).toBe(0);
    expect(readFileSync(gst, "utf8")).toBe(GST2);
    // suspicious/PdfDocFile: sub 2 >= threshold 2, mean 2 > 0.8 * 2
    expect(r.messages.filter((m) => m.startsWith("TelemetryPeak"))).toEqual(["TelemetryPeak(suspicious, PdfDocFile)"]);
  });
});

describe("-t threshold", () => {
  let dir: string;
  let feed: string;
  beforeAll(() => {
    dir = tempDir();
    feed = writeJsonArray(join(dir, "feed.json"), [...DAY1, ...DAY2]);
  });
  async function day2(t: string | undefined): Promise<{ peaks: string[]; gst: string; messages: string[] }> {
    const gst = join(dir, `gst-${t}.json`);
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    const r = await cli(["-n", feed, "-s", "2021-09-02", "-e", "2021-09-03", "-m", gst, ...(t === undefined ? [] : ["-t", t])]);
    expect(r.rc).toBe(0);
    return { peaks: r.messages.filter((m) => m.startsWith("TelemetryPeak")), gst: readFileSync(gst, "utf8"), messages: r.messages };
  }
  it("equality counts (sub_count >= t) and t is reported as the threshold", async () => {
    const r = await day2("100");
    expect(r.peaks).toEqual(["TelemetryPeak(malicious, ZipArchiveFile)"]);
    expect(r.messages).toContain("\tglobal_threshold_suggested: 100");
    expect(r.messages[0]).toBe("Loading Peak Analyzer from 2021-09-02 00:00:00 to 2021-09-03 00:00:00 with t=100");
    expect(r.gst).toBe(GST2); // -t never changes the GST
  });
  it("one above the count: no peak", async () => {
    expect((await day2("101")).peaks).toEqual([]);
  });
  it("-t 0 behaves like no -t (Python `or`), but is printed", async () => {
    const r = await day2("0");
    expect(r.peaks).toEqual(["TelemetryPeak(malicious, ZipArchiveFile)"]);
    expect(r.messages).toContain("\tglobal_threshold_suggested: 90");
    expect(r.messages[0]).toContain("with t=0");
  });
  it("a low -t overrides the floors (benign 4 >= 3, mean 2 > 0.8 * 1)", async () => {
    const r = await day2("3");
    expect(r.peaks).toEqual(["TelemetryPeak(malicious, ZipArchiveFile)", "TelemetryPeak(benign, PeExeFile)"]);
  });
  it("negative -t is used as given", async () => {
    const r = await day2("-5");
    expect(r.peaks).toEqual(["TelemetryPeak(malicious, ZipArchiveFile)", "TelemetryPeak(benign, PeExeFile)"]);
  });
});

describe("windows", () => {
  it("an empty window: no peaks, {} output, GST unchanged", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const gst = join(dir, "gst.json");
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    const out = join(dir, "o.json");
    const r = await cli(["-n", feed, "-s", "2021-09-10", "-e", "2021-09-11", "-m", gst, "-o", out]);
    expect(r.rc).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("{}");
    expect(readFileSync(gst, "utf8")).toBe(GST1);
  });
  it("an empty window with no GST writes {}", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const gst = join(dir, "gst.json");
    const r = await cli(["-n", feed, "-s", "2021-10-10", "-e", "2021-10-11", "-m", gst]);
    expect(r.rc).toBe(0);
    expect(readFileSync(gst, "utf8")).toBe("{}");
  });
  it("a multi-day first window counts as ONE window", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), [...DAY1, ...DAY2]);
    const gst = join(dir, "gst.json");
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-03", "-m", gst]);
    const text = readFileSync(gst, "utf8");
    // malicious/Zip: s = 104, c = 43, r = round(104/43) = 2, threshold max(104, 90)
    expect(text).toContain(`"ZipArchiveFile": [\n${row("2021-09-01 00:00:00", "2021-09-03 00:00:00", 1, 104, 104, 43, 43, 2, 2, 104)}\n    ]`);
  });
  it("-s alone is combined with -d (documented addition)", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-d", "3", "-m", join(dir, "g.json")]);
    expect(r.messages[0]).toBe("Loading Peak Analyzer from 2021-09-01 00:00:00 to 2021-09-04 00:00:00 with t=None");
    const r2 = await cli(["-n", feed, "-e", "2021-09-04", "-m", join(dir, "g2.json")]);
    expect(r2.messages[0]).toBe("Loading Peak Analyzer from 2021-09-03 00:00:00 to 2021-09-04 00:00:00 with t=None");
  });
  it("-d/-k count back from --now's UTC date", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const r = await cli(["-n", feed, "-d", "2", "-k", "1", "--now", "2021-09-05T23:30:00-02:00", "-m", join(dir, "g.json")]);
    // now = 2021-09-06T01:30Z; end = (now - 1 day).date() = 2021-09-05
    expect(r.messages[0]).toBe("Loading Peak Analyzer from 2021-09-03 00:00:00 to 2021-09-05 00:00:00 with t=None");
  });
  it("unpadded dates are accepted like strptime", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const r = await cli(["-n", feed, "-s", "2021-9-1", "-e", "2021-09-2", "-m", join(dir, "g.json")]);
    expect(r.rc).toBe(0);
    expect(r.messages[0]).toBe("Loading Peak Analyzer from 2021-09-01 00:00:00 to 2021-09-02 00:00:00 with t=None");
  });
});

describe("globs, JSON Lines and gzip", () => {
  it("several files (array, JSON Lines, gzip) give the same bytes as one file; sorted order", async () => {
    const dir = tempDir();
    const one = writeJsonArray(join(dir, "all.json"), [...DAY1, ...DAY2]);
    const parts = join(dir, "parts");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(parts);
    const f2 = writeJsonLines(join(parts, "feed-2.jsonl.gz"), DAY2.slice(0, 50), true);
    const f1 = writeJsonArray(join(parts, "feed-1.json"), DAY1);
    const f3 = writeJsonLines(join(parts, "feed-3.jsonl"), DAY2.slice(50));
    writeJsonLines(join(parts, ".feed-hidden.jsonl"), DAY2); // dot files are not matched by *
    const outs: string[] = [];
    for (const [input, tag] of [
      [one, "one"],
      [join(parts, "feed-*"), "glob"],
    ] as const) {
      const gst = join(dir, `gst-${tag}.json`);
      const out = join(dir, `out-${tag}.json`);
      await cli(["-n", input, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
      const r = await cli(["-n", input, "-s", "2021-09-02", "-e", "2021-09-03", "-m", gst, "-o", out]);
      expect(r.rc).toBe(0);
      if (tag === "glob") expect(r.messages.slice(2, 6)).toEqual(["Loaded files:", `\t${f1}`, `\t${f2}`, `\t${f3}`]);
      outs.push(readFileSync(gst, "utf8") + readFileSync(out, "utf8"));
    }
    expect(outs[1]).toBe(outs[0]);
    expect(outs[0]!.startsWith(GST2)).toBe(true);
  });
  it("a pattern with no match is an error naming it; the global table is left untouched (the original wrote {})", async () => {
    const dir = tempDir();
    for (const pattern of [join(dir, "nothing-*.json"), join(dir, "nosuch.json")]) {
      const r = await cli(["-n", pattern, "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json")]);
      expect(r.rc).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([`telemetry-lab peaks: error: telemetry-lab/peaks/analyzer: no file matches the input pattern '${pattern}'`]);
      expect(existsSync(join(dir, "g.json"))).toBe(false);
    }
    writeFileSync(join(dir, "g.json"), "{\"kept\": 1}");
    const r = await cli(["-n", join(dir, "nosuch.json"), "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json")]);
    expect(r.rc).toBe(1);
    expect(readFileSync(join(dir, "g.json"), "utf8")).toBe("{\"kept\": 1}");
  });
});

describe("frozen --now with the backend-built GST", () => {
  // D = local dates with records in [now - 7 days, now); each such date counts whole.
  const recs = [
    ...repeat(2, "2021-09-01T10:00:00Z", "malicious", "ZipArchiveFile", "s1"),
    fileRecord("2021-09-01T10:00:00Z", "malicious", "ZipArchiveFile", "s2"),
    fileRecord("2021-09-01T10:00:00Z", "benign", "PeExeFile", "s3"),
    fileRecord("2021-09-02T01:00:00Z", "malicious", "ZipArchiveFile", "s4"),
    fileRecord("2021-09-02T23:00:00Z", "malicious", "ZipArchiveFile", "s5"), // after 'now', same date: counted
    fileRecord("2021-08-20T10:00:00Z", "benign", "OldType", "s6"), // before the global window
  ];
  const expected = (start: string, end: string): string =>
    gstText({
      benign: {
        PeExeFile: row(start, end, 7, 0, 1, 0, 1, 1, "1.0", 500),
        ZipArchiveFile: row(start, end, 7, 0, 0, 0, 0, 0, 0, 500),
      },
      malicious: {
        PeExeFile: row(start, end, 7, 0, 0, 0, 0, 0, 0, 90),
        ZipArchiveFile: row(start, end, 7, 2, 3, 2, 2, 1, "1.5", 90),
      },
    });
  it("builds rows over the cross product; quirks kept; the window does not update them", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), recs);
    const gst = join(dir, "gst.json");
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "--now", "2021-09-02T12:00:00Z", "-t", "1"]);
    expect(r.rc).toBe(0);
    expect(readFileSync(gst, "utf8")).toBe(expected("2021-08-26 12:00:00", "2021-09-02 12:00:00"));
    // -t 1: malicious/Zip mean 1.5 > 0.8 * 1.5; benign/PeExe mean 1 > 0.8 * 1.0
    const std = pyFloatRepr(roundDigits(Math.SQRT1_2, 2));
    expect(r.messages.slice(r.messages.indexOf("Getting peaks") + 1, -2)).toEqual([
      ...peakLines("malicious", "ZipArchiveFile", [3, 2, 2, "1.5", std, "0.0", "1.5", 1]),
      ...peakLines("benign", "PeExeFile", [1, 1, 1, 1, "0.0", "0.0", "1.0", 1]),
    ]);
  });
  it("microseconds of 'now' are written, then dropped when the file is re-read", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), recs);
    const gst = join(dir, "gst.json");
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "--now", "2021-09-02T12:00:00.250Z"]);
    expect(readFileSync(gst, "utf8")).toBe(expected("2021-08-26 12:00:00.250000", "2021-09-02 12:00:00.250000"));
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(readFileSync(gst, "utf8")).toBe(expected("2021-08-26 12:00:00", "2021-09-02 12:00:00"));
  });
  it("a zero row (threshold 0, gmax 0) makes any later occurrence a peak (suspicious)", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), [
      fileRecord("2021-09-01T10:00:00Z", "suspicious", "A", "x1"),
      fileRecord("2021-09-01T10:00:00Z", "malicious", "B", "x2"),
      fileRecord("2021-09-03T10:00:00Z", "suspicious", "B", "x3"),
    ]);
    const gst = join(dir, "gst.json");
    await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "--now", "2021-09-02T00:00:00Z"]);
    expect(readFileSync(gst, "utf8")).toContain(`"B": [\n${row("2021-08-26 00:00:00", "2021-09-02 00:00:00", 7, 0, 0, 0, 0, 0, 0, 0)}`);
    const r = await cli(["-n", feed, "-s", "2021-09-03", "-e", "2021-09-04", "-m", gst]);
    expect(r.messages.filter((m) => m.startsWith("TelemetryPeak"))).toEqual(["TelemetryPeak(suspicious, B)"]);
  });
});

describe("--tz", () => {
  it("cuts days in the given zone", async () => {
    const dir = tempDir();
    // 2021-09-01T03:30Z is 2021-08-31 23:30 in New York (EDT, UTC-4)
    const feed = writeJsonArray(join(dir, "feed.json"), [
      fileRecord("2021-09-01T03:30:00Z", "malicious", "A", "a1"),
      fileRecord("2021-09-01T04:00:00Z", "malicious", "A", "a2"),
      fileRecord("2021-09-02T03:59:59.999Z", "malicious", "A", "a3"),
      fileRecord("2021-09-02T04:00:00Z", "malicious", "A", "a4"),
      fileRecord("2021-09-02T19:00:00Z", "malicious", "A", "a5"), // 2021-09-03 00:30 in Kolkata
    ]);
    const count = async (tz: string | undefined, s: string, e: string): Promise<string> => {
      const gst = join(dir, `g-${tz}-${s}.json`);
      await cli(["-n", feed, "-s", s, "-e", e, "-m", gst, ...(tz === undefined ? [] : ["--tz", tz])]);
      return readFileSync(gst, "utf8");
    };
    expect(await count("America/New_York", "2021-09-01", "2021-09-02")).toContain(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 2, 2, 2, 1, 1, 90));
    expect(await count("America/New_York", "2021-08-31", "2021-09-01")).toContain(row("2021-08-31 00:00:00", "2021-09-01 00:00:00", 1, 1, 1, 1, 1, 1, 1, 90));
    expect(await count(undefined, "2021-09-01", "2021-09-02")).toContain(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 2, 2, 2, 1, 1, 90));
    expect(await count("UTC", "2021-09-02", "2021-09-03")).toContain(row("2021-09-02 00:00:00", "2021-09-03 00:00:00", 1, 3, 3, 3, 3, 1, 1, 90));
    expect(await count("Asia/Kolkata", "2021-09-02", "2021-09-03")).toContain(row("2021-09-02 00:00:00", "2021-09-03 00:00:00", 1, 2, 2, 2, 2, 1, 1, 90));
  });
  it("handles a DST change inside the window (Europe/Rome, 2021-10-31 is 25 hours long)", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), [
      fileRecord("2021-10-30T22:00:00Z", "benign", "A", "a1"), // 00:00 CEST 10-31
      fileRecord("2021-10-31T22:59:59Z", "benign", "A", "a2"), // 23:59:59 CET 10-31
      fileRecord("2021-10-31T23:00:00Z", "benign", "A", "a3"), // 00:00 CET 11-01
      fileRecord("2021-10-30T21:59:59Z", "benign", "A", "a4"), // 23:59:59 CEST 10-30
    ]);
    const gst = join(dir, "g.json");
    await cli(["-n", feed, "-s", "2021-10-31", "-e", "2021-11-01", "-m", gst, "--tz", "Europe/Rome"]);
    expect(readFileSync(gst, "utf8")).toContain(row("2021-10-31 00:00:00", "2021-11-01 00:00:00", 1, 2, 2, 2, 2, 1, 1, 500));
  });
  it("rejects an unknown zone with a usage error", async () => {
    const r = await cli(["-n", "x", "--tz", "Mars/Olympus"]);
    expect(r.rc).toBe(2);
    expect(r.stderr).toContain("argument --tz: invalid time zone value: 'Mars/Olympus'");
  });
});

describe("errors", () => {
  it("a corrupt GST file: error naming file and reason, file untouched", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const gst = join(dir, "gst.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(gst, '{"benign": {"PeExeFile": [1, 2');
    const before = statSync(gst).mtimeMs;
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`${gst}: corrupt JSON`);
    expect(readFileSync(gst, "utf8")).toBe('{"benign": {"PeExeFile": [1, 2');
    expect(statSync(gst).mtimeMs).toBe(before);
    writeFileSync(gst, '{"benign": {"PeExeFile": ["2021-09-01", "2021-09-02 00:00:00", 1, 1, 1, 1, 1, 1, 1, 500]}}');
    const r2 = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(r2.rc).toBe(1);
    expect(r2.stderr).toContain(`${gst}: entry ["benign","PeExeFile"]: start_ts is not a "YYYY-MM-DD HH:MM:SS" time: "2021-09-01"`);
    writeFileSync(gst, '{"benign": [1]}');
    const r3 = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(r3.rc).toBe(1);
    expect(r3.stderr).toContain("expected an object (one level per dimension, 2 dimensions)");
  });
  it("a GST file holding {} is a valid empty table: no backend fallback", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const gst = join(dir, "gst.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(gst, "{}");
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "--now", "2021-09-02T00:00:00Z"]);
    expect(r.rc).toBe(0);
    expect(r.messages.slice(5, 8)).toEqual([`Loading global tables from file '${gst}'`, "Loading local tables", "Getting peaks"]);
    expect(readFileSync(gst, "utf8")).toBe(GST1);
  });
  it("an unreadable GST (a directory) is an error, not a silent fallback", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", dir]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`${dir}: cannot read: [Errno 21] Is a directory: '${dir}'`);
  });
  it("a record with a missing field names file, record and field; --skip-bad-records counts it", async () => {
    const dir = tempDir();
    const bad = { ...fileRecord("2021-09-01T10:00:00Z", "benign", "A", "a") } as Record<string, unknown>;
    delete bad["file.sha1"];
    const feed = writeJsonArray(join(dir, "feed.json"), [fileRecord("2021-09-01T10:00:00Z", "benign", "A", "b"), bad]);
    const gst = join(dir, "gst.json");
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`${feed}: record 2: field 'file.sha1' missing`);
    expect(existsSync(gst)).toBe(false);
    const r2 = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", gst, "--skip-bad-records"]);
    expect(r2.rc).toBe(0);
    expect(r2.messages).toContain(`Skipped 1 bad records (first: ${feed}: record 2: field 'file.sha1' missing)`);
    expect(readFileSync(gst, "utf8")).toContain(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 1, 1, 1, 1, 1, 1, 500));
  });
  it("a non-object element is a bad record (counted with --skip-bad-records)", async () => {
    const dir = tempDir();
    const { writeFileSync } = await import("node:fs");
    const feed = join(dir, "feed.json");
    writeFileSync(feed, JSON.stringify([fileRecord("2021-09-01T10:00:00Z", "benign", "A", "b"), 42, fileRecord("2021-09-01T11:00:00Z", "benign", "A", "c")]));
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json")]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`${feed}: record 2: not a JSON object`);
    const r2 = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json"), "--skip-bad-records"]);
    expect(r2.rc).toBe(0);
    expect(r2.messages).toContain(`Skipped 1 bad records (first: ${feed}: record 2: not a JSON object)`);
    expect(readFileSync(join(dir, "g.json"), "utf8")).toContain(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 2, 2, 2, 2, 1, 1, 500));
  });
  it("a bad timestamp names the field", async () => {
    const dir = tempDir();
    const feed = writeJsonLines(join(dir, "feed.jsonl"), [fileRecord("2021-09-01T10:00:00Z", "benign", "A", "b"), { ...fileRecord("2021-09-01T10:00:00Z", "benign", "A", "b"), utc_timestamp: "yesterday" }]);
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json")]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(`${feed}: record 2: field 'utc_timestamp' is not a timestamp (epoch milliseconds): a string "yesterday"`);
  });
  it("bad JSON input is rc 1 naming the file", async () => {
    const dir = tempDir();
    const { writeFileSync } = await import("node:fs");
    const feed = join(dir, "feed.json");
    writeFileSync(feed, '[{"utc_timestamp": 1}');
    const r = await cli(["-n", feed, "-s", "2021-09-01", "-e", "2021-09-02", "-m", join(dir, "g.json")]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toContain(feed);
  });
  it("usage errors exit 2 like argparse", async () => {
    const bad = await cli(["-n", "x", "-s", "2021-13-01"]);
    expect(bad.rc).toBe(2);
    expect(bad.stderr).toMatch(/^usage: /);
    expect(bad.stderr).toContain("error: argument -s/--start-date: invalid is_valid_date value: '2021-13-01'");
    const missing = await cli(["-s", "2021-09-01"]);
    expect(missing.rc).toBe(2);
    expect(missing.stderr).toContain("error: the following arguments are required: -n/--backend-input");
    const badInt = await cli(["-n", "x", "-t", "ten"]);
    expect(badInt.rc).toBe(2);
    expect(badInt.stderr).toContain("argument -t/--threshold: invalid int value: 'ten'");
    const extra = await cli(["-n", "x", "stray"]);
    expect(extra.rc).toBe(2);
    expect(extra.stderr).toContain("unrecognized arguments: stray");
    const noValue = await cli(["-n"]);
    expect(noValue.rc).toBe(2);
    expect(noValue.stderr).toContain("argument -n/--backend-input: expected one argument");
  });
  it("end <= start is rc 1 before any log line", async () => {
    const r = await cli(["-n", "x", "-s", "2021-09-02", "-e", "2021-09-01"]);
    expect(r.rc).toBe(1);
    expect(r.stderr).toBe("ValueError: Invalid time interval 2021-09-02 - 2021-09-01\n");
    const eq = await cli(["-n", "x", "-s", "2021-09-02", "-e", "2021-09-02"]);
    expect(eq.rc).toBe(1);
  });
  it("unknown analyzer or backend, and the Tina backends, are rc 1", async () => {
    expect((await cli(["-n", "x", "-a", "foo.Bar"])).rc).toBe(1);
    expect((await cli(["-n", "x", "-b", "foo.Bar"])).rc).toBe(1);
    const tina = await cli(["-n", "x", "-b", "telemetry_peak_analyzer.backends.tina.TinaBackend"]);
    expect(tina.rc).toBe(1);
    expect(tina.stderr).toContain("tina-client");
  });
  it("--help prints usage on stdout and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain("--backend-input");
    expect(r.stdout).toContain("--skip-bad-records");
  });
  it("long options, --opt=value and unique prefixes work like argparse", async () => {
    const dir = tempDir();
    const feed = writeJsonArray(join(dir, "feed.json"), DAY1);
    const r = await cli([`--backend-input=${feed}`, "--start", "2021-09-01", "--end-date", "2021-09-02", "--global-table", join(dir, "g.json"), "-t5"]);
    expect(r.rc).toBe(0);
    expect(r.messages[0]).toBe("Loading Peak Analyzer from 2021-09-01 00:00:00 to 2021-09-02 00:00:00 with t=5");
  });
});
