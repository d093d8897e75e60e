import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { feedPaths, generateRecords, planFeed, writeFeed } from "../../src/peaks/synth.js";
import { Prng } from "../../src/random/prng.js";

const EXAMPLE = join(__dirname, "..", "..", "..", "shared", "datasets", "telemetry-peak-analyzer", "telemetry_example_2.json");

type Rec = Record<string, unknown>;

function records(options: Parameters<typeof planFeed>[0]): Rec[] {
  const out: Rec[] = [];
  for (const lines of generateRecords(planFeed(options))) for (const l of lines) out.push(JSON.parse(l) as Rec);
  return out;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "peaks-synth-"));
}

describe("peaks/prng", () => {
  it("is deterministic per seed and uniform enough", () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const xs = Array.from({ length: 1000 }, () => a.float());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.float()));
    expect(xs).not.toEqual(Array.from({ length: 1000 }, () => c.float()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe("peaks/synth", () => {
  it("writes byte-identical feeds for the same seed, different ones for another seed", async () => {
    const dir = tmp();
    try {
      const opts = { days: 5, dailyVolume: 400, seed: 3 };
      const a = await writeFeed({ ...opts, out: join(dir, "a.jsonl.gz") });
      const b = await writeFeed({ ...opts, out: join(dir, "b.jsonl.gz") });
      const c = await writeFeed({ ...opts, seed: 4, out: join(dir, "c.jsonl.gz") });
      const bytes = (p: string) => gunzipSync(readFileSync(p));
      expect(bytes(a.feed).equals(bytes(b.feed))).toBe(true);
      expect(bytes(a.feed).equals(bytes(c.feed))).toBe(false);
      expect(readFileSync(a.sidecar, "utf8").replace("a.jsonl.gz", "x")).toBe(readFileSync(b.sidecar, "utf8").replace("b.jsonl.gz", "x"));
      const j1 = await writeFeed({ ...opts, out: join(dir, "j1.json") });
      const j2 = await writeFeed({ ...opts, out: join(dir, "j2.json") });
      expect(readFileSync(j1.feed).equals(readFileSync(j2.feed))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes each format as valid JSON with the same records", async () => {
    const dir = tmp();
    try {
      const opts = { days: 3, dailyVolume: 300, waves: 0 };
      const json = await writeFeed({ ...opts, out: join(dir, "f.json") });
      const jsonl = await writeFeed({ ...opts, out: join(dir, "f.jsonl") });
      const jsonGz = await writeFeed({ ...opts, out: join(dir, "f.json.gz") });
      const jsonlGz = await writeFeed({ ...opts, out: dir, format: "jsonl", gzip: true });
      expect(jsonlGz.feed).toBe(join(dir, "telemetry.jsonl.gz"));
      expect(jsonlGz.sidecar).toBe(join(dir, "truth", "waves.json"));
      const fromArray = JSON.parse(readFileSync(json.feed, "utf8")) as Rec[];
      expect(Array.isArray(fromArray)).toBe(true);
      expect(fromArray.length).toBe(json.records);
      const fromLines = readFileSync(jsonl.feed, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Rec);
      expect(fromLines).toEqual(fromArray);
      expect(JSON.parse(gunzipSync(readFileSync(jsonGz.feed)).toString("utf8"))).toEqual(fromArray);
      const gzLines = gunzipSync(readFileSync(jsonlGz.feed)).toString("utf8").trimEnd().split("\n");
      expect(gzLines.map((l) => JSON.parse(l) as Rec)).toEqual(fromArray);
      // no temporary files left behind
      expect(readFileSync(json.feed).subarray(0, 2).toString()).toBe("[\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes an empty feed as an empty array", async () => {
    const dir = tmp();
    try {
      const s = await writeFeed({ out: join(dir, "e.json"), records: 0, days: 2 });
      expect(JSON.parse(readFileSync(s.feed, "utf8"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hits --records exactly", () => {
    for (const n of [1, 999, 12_345]) {
      const plan = planFeed({ records: n, days: 4 });
      expect(plan.records).toBe(n);
      let count = 0;
      for (const lines of generateRecords(plan)) count += lines.length;
      expect(count).toBe(n);
    }
  });

  it("carries the fields of the original's example files (file schema)", () => {
    const recs = records({ days: 1, dailyVolume: 50, waves: 0 });
    const r = recs[0]!;
    for (const f of ["utc_timestamp", "file.sha1", "task.severity", "file.llfile_type", "source.user_id", "source.origin"]) expect(r).toHaveProperty([f]);
    expect(typeof r["utc_timestamp"]).toBe("number");
    expect(r["utc_timestamp"] as number % 1000).toBe(0);
    expect(r["file.sha1"]).toMatch(/^[0-9a-f]{40}$/);
    expect(r["file.md5"]).toMatch(/^[0-9a-f]{32}$/);
    expect(r["file.sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(r)).toEqual([...Object.keys(r)].sort());
    if (existsSync(EXAMPLE)) {
      const example = (JSON.parse(readFileSync(EXAMPLE, "utf8")) as Rec[])[0]!;
      const always = Object.keys(example).filter((k) => !k.startsWith("analysis.") || k === "analysis.label").filter((k) => k !== "source.subkey_id");
      expect(Object.keys(r).sort()).toEqual(always.sort());
      for (const k of always) expect(typeof r[k]).toBe(typeof example[k]);
    }
  });

  it("carries the network analyzer's fields (network schema)", () => {
    const recs = records({ schema: "network", days: 1, dailyVolume: 100, waves: 0, fields: "core" });
    expect(Object.keys(recs[0]!)).toEqual(["event.id", "event.impact", "source.user_id", "threat.name.keyword", "utc_timestamp"]);
    expect(new Set(recs.map((r) => r["event.impact"]))).toEqual(new Set(["70", "30"]));
  });

  it("orders records by time within [start, start + days)", () => {
    const recs = records({ days: 3, dailyVolume: 500, start: "2022-02-27" });
    const ts = recs.map((r) => r["utc_timestamp"] as number);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts[0]).toBeGreaterThanOrEqual(Date.UTC(2022, 1, 27));
    expect(ts[ts.length - 1]).toBeLessThan(Date.UTC(2022, 2, 2));
  });

  it("gives heavy-tailed series volumes, resubmissions and a diurnal cycle", () => {
    const recs = records({ days: 7, dailyVolume: 3000, waves: 0 });
    const perSeries = new Map<string, number>();
    const perSample = new Map<string, number>();
    const perHour = new Array<number>(24).fill(0);
    for (const r of recs) {
      const k = `${r["task.severity"]}/${r["file.llfile_type"]}`;
      perSeries.set(k, (perSeries.get(k) ?? 0) + 1);
      perSample.set(r["file.sha1"] as string, (perSample.get(r["file.sha1"] as string) ?? 0) + 1);
      perHour[new Date(r["utc_timestamp"] as number).getUTCHours()]! += 1;
    }
    const vols = [...perSeries.values()].sort((a, b) => b - a);
    // largest series at least 100x the smallest present, 10x the median
    expect(vols[0]! / vols[vols.length - 1]!).toBeGreaterThan(100);
    expect(vols[0]! / vols[Math.floor(vols.length / 2)]!).toBeGreaterThan(10);
    const counts = [...perSample.values()];
    const once = counts.filter((c) => c === 1).length / counts.length;
    expect(once).toBeGreaterThan(0.75);
    expect(once).toBeLessThan(0.97);
    expect(Math.max(...counts)).toBeGreaterThan(10);
    expect(perHour[15]!).toBeGreaterThan(2 * perHour[3]!);
  });

  it("injects the waves the sidecar records, after the initial window", async () => {
    const dir = tmp();
    try {
      const s = await writeFeed({ out: join(dir, "w.jsonl"), days: 14, dailyVolume: 2000, seed: 9 });
      const side = JSON.parse(readFileSync(s.sidecar, "utf8")) as { waves: Rec[]; initial_days: number; records: number };
      expect(side.waves.length).toBe(2);
      expect(side.records).toBe(s.records);
      const recs = readFileSync(s.feed, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Rec);
      for (const w of side.waves) {
        const day = (w["date"] as string);
        expect(day > "2021-09-04").toBe(true); // after the 3 initial days
        const perDay = new Map<string, number>();
        const samplesOnDay = new Set<string>();
        for (const r of recs) {
          if (r["task.severity"] !== w["task.severity"] || r["file.llfile_type"] !== w["file.llfile_type"]) continue;
          const dd = new Date(r["utc_timestamp"] as number).toISOString().slice(0, 10);
          perDay.set(dd, (perDay.get(dd) ?? 0) + 1);
          if (dd === day) samplesOnDay.add(r["file.sha1"] as string);
        }
        const others = [...perDay.entries()].filter(([d]) => d !== day).map(([, n]) => n).sort((a, b) => a - b);
        const median = others[Math.floor(others.length / 2)]!;
        expect(perDay.get(day)!).toBeGreaterThan(5 * median);
        expect(perDay.get(day)!).toBeGreaterThanOrEqual(w["submissions"] as number);
        expect(samplesOnDay.size).toBeGreaterThanOrEqual(w["samples"] as number);
        expect(w["samples"] as number).toBeGreaterThan(20);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validates its options with prefixed errors", () => {
    expect(() => planFeed({ days: 0 })).toThrow(/^telemetry-lab\/peaks\/synth: days/);
    expect(() => planFeed({ start: "2021-02-30" })).toThrow(/valid calendar date/);
    expect(() => planFeed({ types: 99 })).toThrow(/types must be at most 30/);
    expect(() => planFeed({ waves: [{ dim0: "malicious", dim1: "NoSuchFile", day: 3 }] })).toThrow(/not in the feed/);
    expect(() => planFeed({ waves: [{ dim0: "malicious", dim1: "PeExeFile", day: 40 }] })).toThrow(/outside the feed/);
    expect(() => feedPaths("x.jsonl", "file", "json")).toThrow(/contradicts/);
  });

  it("places explicit waves by date", () => {
    const plan = planFeed({ days: 10, waves: [{ dim0: "benign", dim1: "PdfDocFile", day: "2021-09-05", submissions: 5000, startHour: 2 }] });
    expect(plan.waves[0]).toMatchObject({ day: 4, date: "2021-09-05", submissions: 5000, startMs: Date.UTC(2021, 8, 5, 2) });
  });
});

describe("peaks/synth with the analyzer (README walkthrough on a generated feed)", () => {
  // Step 1: the initial GST from the first 3 days (inferred rows); step 2: one run per day.
  async function walk(out: string, opts: NonNullable<Parameters<typeof planFeed>[0]>): Promise<{ peaks: Map<string, string[]>; side: { waves: Rec[] } }> {
    const { analyze } = await import("../../src/peaks/analyzer.js");
    const s = await writeFeed({ ...opts, out, fields: "core" });
    const gst = join(out, "..", "global_table.json");
    const day = (i: number): string => new Date(Date.UTC(2021, 8, 1 + i)).toISOString().slice(0, 10);
    await analyze({ input: s.feed, start: day(0), end: day(3), globalTable: gst, now: `${day(0)}T00:00:00Z` });
    const peaks = new Map<string, string[]>();
    for (let d = 3; d < (opts.days ?? 21); d++) {
      const r = await analyze({ input: s.feed, start: day(d), end: day(d + 1), globalTable: gst, now: `${day(d + 1)}T00:00:00Z` });
      peaks.set(day(d), r.peaks.map((p) => p.path.join("/")));
    }
    return { peaks, side: JSON.parse(readFileSync(s.sidecar, "utf8")) as { waves: Rec[] } };
  }

  it("detects each injected wave on its day", async () => {
    const dir = tmp();
    try {
      const { peaks, side } = await walk(join(dir, "feed.jsonl.gz"), { days: 14, dailyVolume: 1500, seed: 5 });
      for (const w of side.waves) {
        expect(peaks.get(w["date"] as string)).toContain(`${w["task.severity"]}/${w["file.llfile_type"]}`);
      }
      // the wave series does not peak on other days
      for (const [d, ps] of peaks) {
        for (const w of side.waves) if (d !== w["date"]) expect(ps).not.toContain(`${w["task.severity"]}/${w["file.llfile_type"]}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("raises no malicious or benign peak on a clean feed (floors 90 / 500)", async () => {
    const dir = tmp();
    try {
      const { peaks } = await walk(join(dir, "feed.jsonl.gz"), { days: 14, dailyVolume: 1500, seed: 5, waves: 0 });
      const flagged = [...peaks.values()].flat();
      expect(flagged.filter((p) => !p.startsWith("suspicious/"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
