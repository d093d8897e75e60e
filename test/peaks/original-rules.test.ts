// N = 2 equals the original's rules: a deliberately literal, independent re-statement of the
// Python program (spec peak-analyzer.md §3-§6: group_by rows in first-occurrence order, the
// local dict-of-dicts, stats, backend stats, peaks, refresh) run side by side with analyze()
// on the two example files and on random chains of daily runs.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, type AnalyzeResult } from "../../src/peaks/analyzer.js";
import { GlobalTable } from "../../src/peaks/gst.js";
import { PyNum, pyMeanOfInts, roundDigits, roundHalfEven, sampleStdevOfInts } from "../../src/peaks/pyfloat.js";
import { WallClock, formatNaive } from "../../src/peaks/wallclock.js";
import { fileRecord, tempDir, writeJsonArray } from "./helpers.js";

type Rec = Record<string, unknown>;
type Row = PyNum[] & { start: number; end: number };
type Gst = Map<string, Map<string, Row>>;
const DAY = 86_400_000;
const FLOORS: Record<string, number> = { malicious: 90, benign: 500 };
const floor = (d0: string): number => FLOORS[d0] ?? 0;
const I = PyNum.int;
const pmax = (a: PyNum, b: PyNum): PyNum => (b.value > a.value ? b : a);

function mkRow(start: number, end: number, values: PyNum[]): Row {
  return Object.assign(values, { start, end }) as Row;
}

interface RefResult {
  peaks: string[];
  gst: Gst;
}

function reference(records: Rec[], o: { start: number; end: number; zone: string; gst: Gst | null; now: number; t?: number }): RefResult {
  const clock = new WallClock({ zone: o.zone });
  const wall = (r: Rec): number => clock.wall(r.utc_timestamp as number);
  // group_by(start, end, index, dims + cross dims)
  const groups = new Map<string, { d0: string; d1: string; idx: string; count: number }>();
  for (const r of records) {
    const w = wall(r);
    if (!(o.start <= w && w < o.end)) continue;
    const k = JSON.stringify([r["task.severity"], r["file.llfile_type"], r["source.user_id"], r["source.origin"], r["file.sha1"]]);
    const g = groups.get(k);
    if (g) g.count += 1;
    else groups.set(k, { d0: r["task.severity"] as string, d1: r["file.llfile_type"] as string, idx: r["file.sha1"] as string, count: 1 });
  }
  const LT = new Map<string, Map<string, Map<string, number>>>();
  for (const g of groups.values()) {
    if (!LT.has(g.d0)) LT.set(g.d0, new Map());
    const a = LT.get(g.d0)!;
    if (!a.has(g.d1)) a.set(g.d1, new Map());
    const b = a.get(g.d1)!;
    b.set(g.idx, (b.get(g.idx) ?? 0) + g.count);
  }
  // global tables: file or backend stats
  let G: Gst;
  if (o.gst !== null) G = o.gst;
  else {
    G = new Map();
    const ge = o.now;
    const gs = ge - 7 * DAY;
    const dates = new Set<number>();
    for (const r of records) {
      const w = wall(r);
      if (gs <= w && w < ge) dates.add(Math.floor(w / DAY));
    }
    const perDate = new Map<number, Map<string, { sub: number; s: Set<string> }>>();
    const d0s: string[] = [];
    const d1s: string[] = [];
    for (const r of records) {
      const day = Math.floor(wall(r) / DAY);
      if (!dates.has(day)) continue;
      const d0 = r["task.severity"] as string;
      const d1 = r["file.llfile_type"] as string;
      if (!d0s.includes(d0)) d0s.push(d0);
      if (!d1s.includes(d1)) d1s.push(d1);
      if (!perDate.has(day)) perDate.set(day, new Map());
      const m = perDate.get(day)!;
      const k = JSON.stringify([d0, d1]);
      if (!m.has(k)) m.set(k, { sub: 0, s: new Set() });
      m.get(k)!.sub += 1;
      m.get(k)!.s.add(r["file.sha1"] as string);
    }
    for (const d0 of d0s)
      for (const d1 of d1s) {
        const subs: number[] = [];
        const samps: number[] = [];
        const ratios: PyNum[] = [];
        for (const day of dates) {
          const c = perDate.get(day)?.get(JSON.stringify([d0, d1]));
          subs.push(c ? c.sub : 0);
          samps.push(c ? c.s.size : 0);
          ratios.push(c ? PyNum.float(c.sub / c.s.size) : I(0));
        }
        const A = pyMeanOfInts(subs.reduce((a, b) => a + b, 0), dates.size);
        const C = pyMeanOfInts(samps.reduce((a, b) => a + b, 0), dates.size);
        const rmax = ratios.reduce((a, b) => pmax(a, b));
        const ia = A.isFloat ? roundHalfEven(A.value) : A.value;
        const row = mkRow(gs, ge, [I(7), I(ia), I(Math.max(...subs)), I(C.isFloat ? roundHalfEven(C.value) : C.value), I(Math.max(...samps)), I(C.value === 0 ? 0 : roundHalfEven(A.value / C.value)), rmax, pmax(I(ia), I(floor(d0)))]);
        if (!G.has(d0)) G.set(d0, new Map());
        G.get(d0)!.set(d1, row);
      }
  }
  // local stats + peaks
  const peaks: string[] = [];
  const stats: Array<{ d0: string; d1: string; s: number; c: number }> = [];
  for (const [d0, a] of LT)
    for (const [d1, b] of a) {
      const v = [...b.values()];
      const sub = v.reduce((x, y) => x + y, 0);
      const n = v.length;
      const mx = Math.max(...v);
      const mean = pyMeanOfInts(sub, n);
      const std = PyNum.float(n < 2 ? 0 : sampleStdevOfInts(n, BigInt(sub), v.reduce((x, y) => x + BigInt(y) * BigInt(y), 0n)));
      const ratio = PyNum.float(sub > 50 ? roundDigits(mx / sub, 2) : 0);
      stats.push({ d0, d1, s: sub, c: n });
      const g = G.get(d0)?.get(d1);
      if (!g) continue;
      const thr = o.t ? I(o.t) : (g[7] as PyNum);
      const gmax = g[6] as PyNum;
      if (sub >= thr.value && (mean.value > 0.8 * gmax.value || ratio.value > 0.5 || mx > mean.value + std.value)) {
        peaks.push([d0, d1, sub, n, mx, mean, std, ratio, gmax, thr].map(String).join("|"));
      }
    }
  // refresh
  const out: Gst = new Map([...G].map(([k, m]) => [k, new Map(m)]));
  for (const { d0, d1, s, c } of stats) {
    const g = G.get(d0)?.get(d1);
    const r = roundHalfEven(s / c);
    if (!out.has(d0)) out.set(d0, new Map());
    if (!g) out.get(d0)!.set(d1, mkRow(o.start, o.end, [I(1), I(s), I(s), I(c), I(c), I(r), I(r), pmax(I(s), I(floor(d0)))]));
    else if (o.start >= g.end) {
      const W = g[0] as PyNum;
      const W1 = W.value + 1;
      const avg = (old: PyNum, x: number): PyNum => I(roundHalfEven((old.value * W.value + x) / W1));
      const sa = avg(g[1]!, s);
      out.get(d0)!.set(d1, mkRow(g.start, o.end, [I(W1), sa, pmax(g[2]!, I(s)), avg(g[3]!, c), pmax(g[4]!, I(c)), avg(g[5]!, r), pmax(g[6]!, I(r)), pmax(g[7]!, sa)]));
    }
  }
  return { peaks, gst: out };
}

function refGstRows(g: Gst): string[] {
  const rows: string[] = [];
  for (const [d0, m] of g) for (const [d1, r] of m) rows.push([d0, d1, formatNaive(r.start), formatNaive(r.end), ...r.map(String)].join("|"));
  return rows.sort();
}
function ourGstRows(g: GlobalTable): string[] {
  return [...g]
    .map((e) => [...e.path, formatNaive(e.row.startTs), formatNaive(e.row.endTs), ...[e.row.windowCount, e.row.subCountAvg, e.row.subCountMax, e.row.sampCountAvg, e.row.sampCountMax, e.row.sampSubCountAvg, e.row.sampSubCountMax, e.row.thresholdSuggested].map(String)].join("|"))
    .sort();
}
function ourPeaks(r: AnalyzeResult): string[] {
  return r.peaks.map((p) => [...p.path, p.subCount, p.sampCount, p.sampSubCountMax, p.sampSubCountMean, p.sampSubCountStd, p.sampSubRatio, p.globalSampSubCountMax, p.globalThresholdSuggested].map(String).join("|"));
}

function toGst(t: GlobalTable): Gst {
  const g: Gst = new Map();
  for (const e of t) {
    const [d0, d1] = e.path as [string, string];
    if (!g.has(d0)) g.set(d0, new Map());
    const r = e.row;
    g.get(d0)!.set(d1, mkRow(r.startTs, r.endTs, [r.windowCount, r.subCountAvg, r.subCountMax, r.sampCountAvg, r.sampCountMax, r.sampSubCountAvg, r.sampSubCountMax, r.thresholdSuggested]));
  }
  return g;
}

const EXAMPLES = "../shared/datasets/telemetry-peak-analyzer";
const haveExamples = existsSync(join(EXAMPLES, "telemetry_example_1.json"));
const D = (s: string): number => Date.parse(s + "T00:00:00Z");

describe.skipIf(!haveExamples)("the two example files", () => {
  const load = (n: number): Rec[] => JSON.parse(readFileSync(join(EXAMPLES, `telemetry_example_${n}.json`), "utf8")) as Rec[];
  const both = (): Rec[] => [...load(1), ...load(2)];
  const glob = join(EXAMPLES, "telemetry_example_*.json");

  it("match the dataset README's counts", async () => {
    const r = await analyze({ input: glob, start: "2021-09-01", end: "2021-09-02", globalTable: null });
    const sum = (f: (l: AnalyzeResult["local"][number]) => number, pred: (p: readonly string[]) => boolean = () => true): number =>
      r.local.filter((l) => pred(l.path)).reduce((a, l) => a + f(l), 0);
    expect(sum((l) => l.subCount)).toBe(1000);
    expect(sum((l) => l.subCount, (p) => p[0] === "benign")).toBe(500);
    expect(sum((l) => l.subCount, (p) => p[0] === "malicious")).toBe(405);
    expect(sum((l) => l.subCount, (p) => p[0] === "suspicious")).toBe(95);
    expect(r.local.filter((l) => l.path[0] === "benign").length).toBe(17);
    expect(r.local.filter((l) => l.path[0] !== "benign").length).toBe(34);
  });

  it("real clock: the backend GST is empty, every row is inferred, no peaks (spec §5.2)", async () => {
    const dir = tempDir();
    const gst = join(dir, "global_table.json");
    const out = join(dir, "out.json");
    const r = await analyze({ input: glob, start: "2021-09-01", end: "2021-09-02", globalTable: gst, output: out });
    expect(r.globalSource).toBe("backend");
    expect(r.globalBefore.size).toBe(0);
    expect(r.peaks).toEqual([]);
    expect(readFileSync(out, "utf8")).toBe("{}");
    expect(r.globalAfter.size).toBe(51);
    const ref = reference(both(), { start: D("2021-09-01"), end: D("2021-09-02"), zone: "UTC", gst: null, now: Date.now() });
    expect(ourGstRows(r.globalAfter)).toEqual(refGstRows(ref.gst));
    // re-running the window that built the GST flags combinations at or above their threshold
    const r2 = await analyze({ input: glob, start: "2021-09-01", end: "2021-09-02", globalTable: gst });
    const ref2 = reference(both(), { start: D("2021-09-01"), end: D("2021-09-02"), zone: "UTC", gst: toGst(r.globalAfter), now: Date.now() });
    expect(ourPeaks(r2)).toEqual(ref2.peaks);
    expect(r2.peaks.length).toBeGreaterThan(0);
    expect(readFileSync(gst, "utf8")).toBe(r.globalTableText); // window already covered: unchanged
  });

  it("America/New_York splits file 2 over two days (115 + 385 records)", async () => {
    const input = join(EXAMPLES, "telemetry_example_2.json");
    const a = await analyze({ input, start: "2021-08-31", end: "2021-09-01", globalTable: null, tz: "America/New_York" });
    const b = await analyze({ input, start: "2021-09-01", end: "2021-09-02", globalTable: null, tz: "America/New_York" });
    expect(a.local.reduce((s, l) => s + l.subCount, 0)).toBe(115);
    expect(b.local.reduce((s, l) => s + l.subCount, 0)).toBe(385);
  });

  it.each([
    ["UTC", "2021-09-02T00:00:00Z", "2021-09-01", "2021-09-02", undefined],
    ["UTC", "2021-09-01T05:00:00Z", "2021-09-01", "2021-09-02", 3],
    ["America/New_York", "2021-09-01T12:00:00Z", "2021-08-31", "2021-09-01", undefined],
    ["America/Los_Angeles", "2021-09-03T00:00:00Z", "2021-08-31", "2021-09-02", 0],
  ])("frozen now, backend GST, tz %s now %s window %s..%s t=%s: same as the original's rules", async (zone, now, s, e, t) => {
    const r = await analyze({ input: glob, start: s, end: e, globalTable: null, now, tz: zone, threshold: t });
    const ref = reference(both(), { start: D(s), end: D(e), zone, gst: null, now: Date.parse(now), ...(t === undefined ? {} : { t }) });
    expect(r.globalBefore.size).toBeGreaterThan(0);
    expect(ourPeaks(r)).toEqual(ref.peaks);
    expect(ourGstRows(r.globalAfter)).toEqual(refGstRows(ref.gst));
  });
});

describe("random chains of daily runs: same peaks and GST as the original's rules", () => {
  function feed(seed: number): Rec[] {
    let s = seed;
    const rnd = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const sev = ["malicious", "benign", "suspicious"];
    const types = ["ZipArchiveFile", "PeExeFile", "PdfDocFile", "JarArchiveFile", "DocxFile"];
    const out: Rec[] = [];
    for (let day = 0; day < 7; day++) {
      const n = 150 + Math.floor(rnd() * 250);
      for (let i = 0; i < n; i++) {
        const sv = sev[Math.floor(rnd() * rnd() * 3)]!;
        const ty = types[Math.floor(rnd() * rnd() * 5)]!;
        const sample = `h${Math.floor(rnd() * rnd() * 120)}`;
        out.push(fileRecord(new Date(Date.UTC(2021, 8, 1 + day) + Math.floor(rnd() * DAY)).toISOString(), sv, ty, sample));
      }
      if (rnd() < 0.6) {
        // a wave: one sample of one type resubmitted many times
        const ty = types[Math.floor(rnd() * 5)]!;
        const k = 20 + Math.floor(rnd() * 120);
        for (let i = 0; i < k; i++) out.push(fileRecord(new Date(Date.UTC(2021, 8, 1 + day, 12) + i * 1000).toISOString(), "malicious", ty, `wave${day}`));
      }
    }
    // shuffle a little (file order matters for first-occurrence order)
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  it.each([
    [1, "UTC", null],
    [2, "America/Los_Angeles", null],
    [3, "UTC", "2021-09-03T06:00:00Z"],
    [4, "Asia/Tokyo", "2021-09-02T18:30:00Z"],
  ])("seed %s zone %s now %s", async (seed, zone, now) => {
    const recs = feed(seed);
    const dir = tempDir();
    const input = writeJsonArray(join(dir, "feed.json"), recs);
    const gstPath = join(dir, "gst.json");
    const windows: Array<[string, string, number | undefined]> = [
      ["2021-09-01", "2021-09-03", undefined],
      ["2021-09-03", "2021-09-04", undefined],
      ["2021-09-04", "2021-09-05", 0],
      ["2021-09-02", "2021-09-03", undefined], // older window
      ["2021-09-05", "2021-09-06", 40],
      ["2021-09-06", "2021-09-07", undefined],
      ["2021-09-07", "2021-09-08", 60],
    ];
    let refGst: Gst | null = null;
    let totalPeaks = 0;
    for (const [s, e, t] of windows) {
      const r = await analyze({ input, start: s, end: e, threshold: t, globalTable: gstPath, tz: zone, ...(now === null ? {} : { now }) });
      const ref = reference(recs, { start: D(s), end: D(e), zone, gst: refGst, now: now === null ? Date.now() : Date.parse(now), ...(t === undefined ? {} : { t }) });
      expect(ourPeaks(r), `${s}..${e}`).toEqual(ref.peaks);
      expect(ourGstRows(r.globalAfter), `${s}..${e}`).toEqual(refGstRows(ref.gst));
      refGst = ref.gst;
      totalPeaks += r.peaks.length;
    }
    expect(totalPeaks).toBeGreaterThan(0);
  });
});
