import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { groundTruth } from "../../src/evaluation/labels.js";
import { evaluate, formatEvaluation, labelArtefacts, type Evaluation, type EvaluationRow } from "../../src/evaluation/evaluate.js";
import { ntlmIndicator } from "../../src/evaluation/controls.js";
import type { ScoreFrame } from "../../src/dynamics/frame.js";
import { frames, H0, H1, H2, makeLanl, REDTEAM, tempDir, writeGz } from "./helpers.js";

let dir = "";
let ev: Evaluation;
const row = (score: string, unit: string, role = "all"): EvaluationRow => {
  const r = ev.rows.find((x) => x.score === score && x.unit === unit && x.role === role);
  if (r === undefined) throw new Error(`no row ${score} ${unit} ${role}`);
  return r;
};

async function* asyncFrames(list: ScoreFrame[]): AsyncGenerator<ScoreFrame> {
  for (const f of list) yield f;
}

beforeAll(async () => {
  dir = tempDir("evaluate");
  makeLanl(dir);
  ev = await evaluate({
    // "sparse" has no frame for hour 1; "early" starts before the span (skipped frame)
    series: {
      hand: frames(),
      sparse: asyncFrames(frames([H0, H2])),
    },
    eventScores: { ntlm: ntlmIndicator },
    labels: groundTruth(REDTEAM),
    test: { start: H0, end: "2015-01-01T03:00:00" },
    dir,
  });
});

describe("evaluate on the hand-made folder (hand-computed figures)", () => {
  it("covers the span and lists rows per series, unit and role", () => {
    expect(ev.intervals).toBe(3);
    expect(ev.positiveIntervals).toBe(2);
    expect(ev.labels).toBe(3);
    expect(ev.rows.map((r) => `${r.score}/${r.unit}/${r.role}`).slice(0, 7)).toEqual([
      "hand/entity-interval/all",
      "hand/entity-interval/source-computer",
      "hand/entity-interval/destination-computer",
      "hand/entity-interval/user",
      "hand/interval/all",
      "hand/event/all",
      "hand/edge-snapshot/all",
    ]);
    expect(ev.rows.at(-1)!.score).toBe("ntlm");
    expect(ev.rows.filter((r) => r.score === "ntlm").map((r) => r.unit)).toEqual(["event"]);
  });

  it("entity-interval: per role", () => {
    // source computers: +0.9, +0.9 above -0.5, -0.05, -0.5, -0.1
    expect(row("hand", "entity-interval", "source-computer")).toMatchObject({ positives: 2, candidates: 6, missing: 0, ap: 1, rocAuc: 1 });
    // destination computers: -0.6, {-0.4, +0.4}, +0.3, -0.2, -0.05, +NaN (C5, missing)
    const d = row("hand", "entity-interval", "destination-computer");
    expect(d).toMatchObject({ positives: 3, candidates: 7, missing: 1 });
    expect(d.ap).toBeCloseTo(1 / 9 + 1 / 6 + 1 / 7, 14);
    // users: 9 rows at 0 (4 positive), 2 at NaN: AP = 4/9, AUC = 4·(5·½ + 2)/(4·7)
    const u = row("hand", "entity-interval", "user");
    expect(u).toMatchObject({ positives: 4, candidates: 11 });
    expect(u.ap).toBeCloseTo(4 / 9, 14);
    expect(u.rocAuc).toBeCloseTo(9 / 14, 14);
    const all = row("hand", "entity-interval", "all");
    // positives: 4 (hour 0) + 4 present and 1 missing (hour 2); candidates: 10 + 8 + 6
    expect(all).toMatchObject({ positives: 9, candidates: 24, missing: 1 });
  });

  it("interval: mean of the entity scores", () => {
    // hour 0: 1.8/10 = 0.18 (+); hour 1: 1.4/6 (-); hour 2: 1.7/5 = 0.34 (+)
    expect(row("hand", "interval")).toMatchObject({ positives: 2, candidates: 3, rocAuc: 0.5 });
    expect(row("hand", "interval").ap).toBeCloseTo(5 / 6, 14);
    expect(row("hand", "interval").budgets.filter((b) => b.per === "hour").every((b) => Number.isNaN(b.recall))).toBe(true);
  });

  it("event: max over artifacts, the join on (time, source user, src, dst)", () => {
    // positives 0.9 ×3; negatives 0.5, 0.05, 0.6, 0.2, 0.9; the 7300 label has no event
    const e = row("hand", "event");
    expect(e).toMatchObject({ positives: 3, candidates: 8, missing: 1, ap: 0.75 });
    expect(e.rocAuc).toBeCloseTo(0.9, 14);
    // NTLM indicator: positives 1,1,1; negatives 0, 0, 1, 0, 1 -> AP 3/5, AUC 4/5
    const n = row("ntlm", "event");
    expect(n).toMatchObject({ positives: 3, candidates: 8 });
    expect(n.ap).toBeCloseTo(0.6, 14);
    expect(n.rocAuc).toBeCloseTo(0.8, 14);
  });

  it("edge-snapshot: max of the endpoints, missing positive pairs ranked last", () => {
    // rows +0.9, -0.5 | -0.6, -0.2 | -0.9, +0.9, +NaN
    const g = row("hand", "edge-snapshot");
    expect(g).toMatchObject({ positives: 3, candidates: 7, missing: 1 });
    expect(g.ap).toBeCloseTo(37 / 63, 14);
    expect(g.rocAuc).toBeCloseTo(7 / 12, 14);
    const h1 = g.budgets.find((b) => b.per === "hour" && b.budget === 3)!;
    // 3 alerts per hour take every pair: hour 0 (2 pairs), hour 1 (2), hour 2 (3, the NaN one included)
    expect(h1).toMatchObject({ alerts: 7, truePositives: 3, recall: 1 });
    expect(h1.precision).toBeCloseTo(3 / 7, 14);
  });

  it("a series without a frame for an interval scores NaN there, on the same candidates", () => {
    for (const [unit, role] of [
      ["entity-interval", "all"],
      ["event", "all"],
      ["edge-snapshot", "all"],
      ["interval", "all"],
    ] as const) {
      expect(row("sparse", unit, role).candidates).toBe(row("hand", unit, role).candidates);
      expect(row("sparse", unit, role).positives).toBe(row("hand", unit, role).positives);
    }
    // hour 1 has no positive: its negatives (0.6, 0.2) drop to NaN, below every positive either way
    expect(row("sparse", "event")).toMatchObject({ ap: 0.75, rocAuc: 0.9 });
    // entity-interval, all: hour 1's eight negatives go to NaN; the positives' ranks do not change
    expect(row("sparse", "entity-interval").rocAuc).toBeGreaterThan(row("hand", "entity-interval").rocAuc);
  });

  it("formats a table", () => {
    const text = formatEvaluation(ev.rows);
    expect(text.split("\n")[0]).toMatch(/^score\s+unit\s+role\s+pos\s+cand\s+miss\s+AP\s+ROC-AUC\s+R@10\/d\s+R@100\/d\s+R@3\/h\s+R@5\/h\s+R@10\/h\s+P@10\/d\s+P@100\/d$/);
    expect(text.split("\n").length).toBe(ev.rows.length + 1);
  });
});

describe("evaluate: budgets and errors", () => {
  it("recall at 1 alert per hour on the edges, ties at the cut fractional", async () => {
    const e = await evaluate(
      { series: { hand: frames() }, labels: groundTruth(REDTEAM), test: { start: H0, end: "2015-01-01T03:00:00" }, dir, units: ["edge-snapshot"] },
      { perHour: [1], perDay: [2] },
    );
    const [day, hour] = e.rows[0]!.budgets;
    // per hour: hour 0 top 0.9(+) -> 1; hour 1 -> 0; hour 2 block {0.9-, 0.9+}, one of two -> 0.5
    expect(hour).toMatchObject({ per: "hour", budget: 1, alerts: 3, truePositives: 1.5, recall: 0.5, precision: 0.5 });
    // per day (one day): top 2 of block {0.9+, 0.9-, 0.9+} -> 2·2/3
    expect(day!.truePositives).toBeCloseTo(4 / 3, 14);
    expect(day!.alerts).toBe(2);
  });

  it("skips frames before the span and refuses frames out of order", async () => {
    const early = [{ start: "2014-12-31T23:00:00", nodes: ["computer_source::C9"], scores: Float64Array.of(5) }, ...frames()];
    const e = await evaluate({ series: { early }, labels: groundTruth(REDTEAM), test: { start: H0, end: "2015-01-01T03:00:00" }, units: ["entity-interval"] });
    expect(e.rows[0]!.candidates).toBe(24);
    const bad = [frames()[1]!, frames()[0]!];
    await expect(evaluate({ series: { bad }, labels: groundTruth(REDTEAM), test: { start: H0, end: "2015-01-01T03:00:00" }, units: ["interval"] })).rejects.toThrow(
      /^telemetry-lab\/evaluation\/evaluate: series 'bad': frames must come in increasing time order/,
    );
  });

  it("needs dir for the event and edge units, a known reference, a span on the grid", async () => {
    const gt = groundTruth(REDTEAM);
    await expect(evaluate({ series: { a: frames() }, labels: gt, test: { start: H0, end: H2 } })).rejects.toThrow(/need 'dir'/);
    await expect(evaluate({ series: { a: frames() }, labels: gt, test: { start: H0, end: H2 }, units: ["interval"] }, { reference: "b" })).rejects.toThrow(/reference series 'b'/);
    await expect(evaluate({ series: { a: frames() }, labels: gt, test: { start: "2015-01-01T00:30:00", end: H2 }, units: ["interval"] })).rejects.toThrow(/not on the P0DT1H0M0S grid/);
  });

  it("an interval without an auth partition has no events; its labels count as missing", async () => {
    const d = tempDir("evaluate-empty");
    mkdirSync(join(d, "partitions", "P0DT1H0M0S", "auth"), { recursive: true });
    writeGz(join(d, "partitions", "P0DT1H0M0S", "auth", `${H1}.txt.gz`), []);
    const e = await evaluate({ series: { hand: frames() }, labels: groundTruth(REDTEAM), test: { start: H0, end: "2015-01-01T03:00:00" }, dir: d, units: ["event", "edge-snapshot"] });
    expect(e.rows[0]).toMatchObject({ unit: "event", positives: 0, candidates: 0, missing: 3 });
    expect(e.rows[0]!.ap).toBeNaN();
    expect(e.rows[1]).toMatchObject({ unit: "edge-snapshot", positives: 3, candidates: 3, missing: 3 });
  });
});

describe("labelArtefacts", () => {
  it("discloses the source concentration, the busiest day and the flows gaps", () => {
    const events = [
      { time: 10, user: "U1@DOM1", src: "C17693", dst: "C1" },
      { time: 10, user: "U1@DOM1", src: "C17693", dst: "C1" },
      { time: 86_400 + 5, user: "U2@DOM1", src: "C17693", dst: "C2" },
      { time: 86_400 + 7300, user: "U2@DOM1", src: "C22409", dst: "C3" },
      { time: 3 * 86_400, user: "U3@DOM1", src: "C19932", dst: "C4" },
    ];
    const d = tempDir("artefacts");
    writeGz(join(d, "partitions", "P0DT1H0M0S", "flows", "2015-01-01T05:00:00.txt.gz"), ["1,0,C1,N1,C2,N2,6,1,1"]);
    writeGz(join(d, "partitions", "P0DT1H0M0S", "flows", "2015-01-03T05:00:00.txt.gz"), ["1,0,C1,N1,C2,N2,6,1,1"]);
    const a = labelArtefacts(events, { dir: d });
    expect(a).toMatchObject({ labels: 5, distinct: 4, c17693Share: 0.6, activeHours: 4, perDay: { 0: 2, 1: 2, 3: 1 } });
    expect(a.sources[0]).toEqual({ computer: "C17693", labels: 3, share: 0.6 });
    expect(a.busiestDay).toEqual({ day: 0, date: "2015-01-01", labels: 2, share: 0.4 });
    expect(a.flowsGaps).toEqual(["2015-01-02", "2015-01-04"]);
    expect(labelArtefacts(events).flowsGaps).toBeUndefined();
    expect(labelArtefacts([]).c17693Share).toBeNaN();
  });
});
