/**
 * Detection evaluated against the red-team labels: every score series (the detector and
 * the trivial controls) on the same units and the same test span, in one table of average
 * precision, ROC AUC, and recall and precision at alert budgets per day and per hour, with
 * the positive counts; and the label artefacts that must be disclosed beside it.
 *
 * Source: `lanl-method.md` §1e ("How to make our numbers comparable": state the unit, the
 * labels, the span; AP and recall at a budget are the headline; always report the trivial
 * controls; disclose C17693's share, day 8, the flows gaps). Units and ground truth:
 * `labels.ts`, `units.ts`; metrics: `metrics.ts`; controls: `controls.ts`.
 *
 * Rows and candidates per unit:
 * - `entity-interval`: the user and computer vertices of the reference series' frame of each
 *   interval (the detector's by default: the interval graph's vertices), per role and `all`;
 *   a positive absent from the frame is added with score NaN (ranked lowest) and counted in
 *   `missing`; any series without a frame for an interval scores NaN there.
 * - `interval`: every interval of the span; score = the aggregate of its entity candidates'
 *   scores (mean by default); per-hour budgets are not defined for it (NaN).
 * - `event`: every auth event of the span (one per line of the auth partitions); `missing`
 *   counts the label keys that match no auth event (they cannot be scored).
 * - `edge-snapshot`: every directed computer pair of the interval's auth events; positive pairs
 *   without an event are added with score NaN and counted in `missing`.
 * Budget groups: the UTC day and hour from the origin of the interval's start. Negatives of
 * the event and edge units are aggregated by (interval, score) before ranking (exact: tied
 * rows enter the metrics together), so memory grows with the distinct scores, not the events.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ScoreFrame } from "../dynamics/frame.js";
import type { RedteamEvent } from "../lanl/redteam.js";
import { intervalStarts } from "../graph/pipeline/layout.js";
import { isoDuration } from "../time/duration.js";
import { formatIsoUtc, parseIsoUtc } from "../time/interval.js";
import { atBudget, averagePrecision, rankDescending, rocAuc } from "./metrics.js";
import { ENTITY_ROLES, entityCandidates, eventKey, isPositiveInterval, type GroundTruth, type RoleSelector } from "./labels.js";
import {
  eventScores,
  frameIndex,
  intervalScore,
  pairScores,
  readAuthInterval,
  scoresOf,
  UNITS_DEFAULTS,
  type AuthInterval,
  type EdgeCombine,
  type EventArtifacts,
  type IntervalAggregate,
} from "./units.js";
import type { EventScorer } from "./controls.js";

const MODULE = "telemetry-lab/evaluation/evaluate";

/** The units a score is evaluated on. */
export type Unit = "entity-interval" | "interval" | "event" | "edge-snapshot";

/** Every unit, in report order. */
export const UNITS: readonly Unit[] = Object.freeze(["entity-interval", "interval", "event", "edge-snapshot"] as Unit[]);

/** A series of score frames, in increasing time order (intervals may be skipped). */
export type ScoreSeries = Iterable<ScoreFrame> | AsyncIterable<ScoreFrame>;

/** What {@link evaluate} evaluates. */
export interface EvaluationInput {
  /** Score series by name (the detector first, then the controls). */
  readonly series: Readonly<Record<string, ScoreSeries>>;
  /** Event-level scores, evaluated on the event unit only (e.g. `{ ntlm: ntlmIndicator }`). */
  readonly eventScores?: Readonly<Record<string, EventScorer>>;
  readonly labels: GroundTruth;
  /** Units to report. Default all ({@link UNITS}). */
  readonly units?: readonly Unit[];
  /** The test span [start, end), ISO starts on the labels' interval grid. */
  readonly test: { readonly start: string; readonly end: string };
  /** The LANL folder holding `partitions/<interval>/auth/` (needed by the event and edge units). */
  readonly dir?: string;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** The series whose frame nodes are the entity candidates. Default: the first series. */
  reference?: string;
  /** Alert budgets per day. Default [10, 100]. */
  perDay?: readonly number[];
  /** Alert budgets per hour. Default [3, 5, 10] (ANSSI's Rec@3/5/10). */
  perHour?: readonly number[];
  /** Artifacts that score an event. Default "entities". */
  artifacts?: EventArtifacts;
  /** Edge score from its endpoints. Default "max". */
  edgeCombine?: EdgeCombine;
  /** Interval score from its vertices. Default "mean". */
  intervalAggregate?: IntervalAggregate;
}

/** Defaults of {@link EvaluateOptions}. */
export const EVALUATE_DEFAULTS = Object.freeze({
  perDay: Object.freeze([10, 100]) as readonly number[],
  perHour: Object.freeze([3, 5, 10]) as readonly number[],
  artifacts: UNITS_DEFAULTS.artifacts,
  edgeCombine: UNITS_DEFAULTS.edgeCombine,
  intervalAggregate: UNITS_DEFAULTS.intervalAggregate,
});

/** Recall and precision at one budget. */
export interface BudgetFigure {
  readonly per: "day" | "hour";
  readonly budget: number;
  /** Alerts raised over the span. */
  readonly alerts: number;
  /** Positives among them (fractional at tied cuts). */
  readonly truePositives: number;
  readonly recall: number;
  readonly precision: number;
}

/** One row of the evaluation table. */
export interface EvaluationRow {
  /** Score series (or event scorer) name. */
  readonly score: string;
  readonly unit: Unit;
  /** Role of the entity-interval unit; `all` for the other units. */
  readonly role: RoleSelector;
  /** Positive units (events, vertex-intervals, pairs, intervals). */
  readonly positives: number;
  /** Candidate units, positives included. */
  readonly candidates: number;
  /** Positives with no candidate row (see the module comment), included in `positives` except for the event unit. */
  readonly missing: number;
  readonly ap: number;
  readonly rocAuc: number;
  readonly budgets: readonly BudgetFigure[];
}

/** The table and what it covers. */
export interface Evaluation {
  readonly test: { readonly start: string; readonly end: string };
  /** Intervals of the span. */
  readonly intervals: number;
  /** Positive intervals of the span. */
  readonly positiveIntervals: number;
  /** Labels (rows of the red-team list) in the span. */
  readonly labels: number;
  readonly rows: readonly EvaluationRow[];
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/**
 * Growable columns of (score, label, weight, hour) rows: 13 bytes a row, 8 more once a
 * weight other than 1 is pushed (the aggregated negatives of the event and edge units).
 */
class RowStore {
  scores = new Float64Array(1024);
  labels = new Uint8Array(1024);
  weights: Float64Array | undefined;
  hours = new Int32Array(1024);
  n = 0;
  missing = 0;

  push(score: number, label: number, weight: number, hour: number): void {
    if (this.n === this.labels.length) this.grow();
    const i = this.n++;
    this.scores[i] = score;
    this.labels[i] = label;
    this.hours[i] = hour;
    if (weight !== 1 && this.weights === undefined) {
      this.weights = new Float64Array(this.labels.length).fill(1);
    }
    if (this.weights !== undefined) this.weights[i] = weight;
  }

  /** Pushes positives one by one and negatives aggregated by score. */
  pushAggregated(scores: Float64Array, labels: Uint8Array, hour: number): void {
    const neg = new Map<number, number>();
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      if (labels[i] === 1) this.push(s, 1, 1, hour);
      else neg.set(s, (neg.get(s) ?? 0) + 1);
    }
    for (const [s, w] of neg) this.push(s, 0, w, hour);
  }

  private grow(): void {
    const m = this.labels.length * 2;
    const s = new Float64Array(m);
    s.set(this.scores);
    this.scores = s;
    const h = new Int32Array(m);
    h.set(this.hours);
    this.hours = h;
    const l = new Uint8Array(m);
    l.set(this.labels);
    this.labels = l;
    if (this.weights !== undefined) {
      const w = new Float64Array(m).fill(1);
      w.set(this.weights);
      this.weights = w;
    }
  }
}

/** Pulls frames of one series in step with the span's intervals. */
class Aligner {
  private readonly it: Iterator<ScoreFrame> | AsyncIterator<ScoreFrame>;
  private peeked: ScoreFrame | undefined;
  private peekedAt = NaN;
  private done = false;

  constructor(
    private readonly name: string,
    series: ScoreSeries,
  ) {
    this.it = Symbol.asyncIterator in series ? (series as AsyncIterable<ScoreFrame>)[Symbol.asyncIterator]() : (series as Iterable<ScoreFrame>)[Symbol.iterator]();
  }

  /** The frame starting at `t` (epoch seconds), or undefined; frames before `t` are skipped. */
  async at(t: number): Promise<ScoreFrame | undefined> {
    for (;;) {
      if (this.peeked === undefined) {
        if (this.done) return undefined;
        const r = await this.it.next();
        if (r.done) {
          this.done = true;
          return undefined;
        }
        const f = r.value;
        let ft: number;
        try {
          ft = parseIsoUtc(f.start);
        } catch (e) {
          throw new Error(`${MODULE}: series '${this.name}': ${(e as Error).message}`);
        }
        if (ft <= this.peekedAt) throw new Error(`${MODULE}: series '${this.name}': frames must come in increasing time order ('${f.start}')`);
        if (f.scores.length !== f.nodes.length) throw new Error(`${MODULE}: series '${this.name}': frame ${f.start} has ${f.nodes.length} nodes and ${f.scores.length} scores`);
        this.peeked = f;
        this.peekedAt = ft;
      }
      if (this.peekedAt < t) {
        this.peeked = undefined;
        continue;
      }
      if (this.peekedAt === t) {
        const f = this.peeked;
        this.peeked = undefined;
        return f;
      }
      return undefined;
    }
  }
}

function storeKey(score: string, unit: Unit, role: RoleSelector): string {
  return `${score}\u0000${unit}\u0000${role}`;
}

/**
 * Evaluates score series against the red-team labels on the chosen units over a test span
 * (see the module comment for the units' rows), streaming over the intervals: one frame
 * per series and one auth partition in memory at a time.
 *
 * @throws when the span is not on the labels' grid, a series is out of time order, the
 *   reference series does not exist, or the event or edge unit is asked without `dir`.
 * @example
 * const ev = await evaluate({
 *   series: { detector: detectorFrames, ...controlSeries(source) },
 *   eventScores: { ntlm: ntlmIndicator },
 *   labels: groundTruth(await readRedteam("data/lanl/raw/redteam.txt.gz")),
 *   test: { start: "2015-01-07T21:00:00", end: "2015-01-11T00:00:00" },
 *   dir: "data/lanl",
 * });
 * ev.rows[0];
 * // on data/lanl: { score: "detector", unit: "entity-interval", role: "all", positives: 1317, candidates: 483300, missing: 0, ap: …, rocAuc: …, budgets: [...] }
 */
export async function evaluate(input: EvaluationInput, options: EvaluateOptions = {}): Promise<Evaluation> {
  const t0 = performance.now();
  const gt = input.labels;
  const units = input.units ?? UNITS;
  for (const u of units) if (!UNITS.includes(u)) throw new Error(`${MODULE}: unknown unit '${u}'; expected one of ${UNITS.join(", ")}`);
  const names = Object.keys(input.series);
  const eventNames = Object.keys(input.eventScores ?? {});
  if (names.length === 0 && eventNames.length === 0) throw new Error(`${MODULE}: no score series to evaluate`);
  for (const n of eventNames) if (names.includes(n)) throw new Error(`${MODULE}: '${n}' is both a series and an event score`);
  const reference = options.reference ?? names[0];
  if (reference !== undefined && !names.includes(reference)) throw new Error(`${MODULE}: reference series '${reference}' is not among ${names.join(", ")}`);
  const perDay = options.perDay ?? EVALUATE_DEFAULTS.perDay;
  const perHour = options.perHour ?? EVALUATE_DEFAULTS.perHour;
  const artifacts = options.artifacts ?? EVALUATE_DEFAULTS.artifacts;
  const edgeCombine = options.edgeCombine ?? EVALUATE_DEFAULTS.edgeCombine;
  const aggregate = options.intervalAggregate ?? EVALUATE_DEFAULTS.intervalAggregate;
  const needAuth = units.includes("event") || units.includes("edge-snapshot");
  if (needAuth && input.dir === undefined) throw new Error(`${MODULE}: the event and edge-snapshot units need 'dir' (the LANL folder with the auth partitions)`);

  let starts: string[];
  try {
    starts = intervalStarts(input.test.start, input.test.end, gt.intervalSeconds);
  } catch (e) {
    throw new Error(`${MODULE}: test span: ${(e as Error).message}`);
  }
  const origin = parseIsoUtc(gt.origin);
  if ((((parseIsoUtc(starts[0]!) - origin) % gt.intervalSeconds) + gt.intervalSeconds) % gt.intervalSeconds !== 0) {
    throw new Error(`${MODULE}: test start ${input.test.start} is not on the ${isoDuration(gt.intervalSeconds)} grid anchored at ${gt.origin}`);
  }
  const roles: RoleSelector[] = ["all", ...ENTITY_ROLES];
  const stores = new Map<string, RowStore>();
  const store = (score: string, unit: Unit, role: RoleSelector): RowStore => {
    const k = storeKey(score, unit, role);
    let s = stores.get(k);
    if (s === undefined) stores.set(k, (s = new RowStore()));
    return s;
  };
  // fix the row order: series, then event scores; units; roles
  for (const n of names) {
    for (const u of units) {
      if (u === "entity-interval") for (const r of roles) store(n, u, r);
      else store(n, u, "all");
    }
  }
  if (units.includes("event")) for (const n of eventNames) store(n, "event", "all");

  const aligners = names.map((n) => new Aligner(n, input.series[n]!));
  let positiveIntervals = 0;
  let labelsInSpan = 0;
  const spanStart = parseIsoUtc(starts[0]!);
  const spanEnd = parseIsoUtc(input.test.end);
  for (const e of gt.events) if (origin + e.time >= spanStart && origin + e.time < spanEnd) labelsInSpan++;

  for (const start of starts) {
    const t = parseIsoUtc(start);
    const hour = Math.floor((t - origin) / 3600);
    const frames: (ScoreFrame | undefined)[] = [];
    for (const a of aligners) frames.push(await a.at(t));
    const positiveInterval = isPositiveInterval(gt, start);
    if (positiveInterval) positiveIntervals++;
    const indexes = frames.map((f) => (f === undefined ? undefined : frameIndex(f)));

    if (units.includes("entity-interval") || units.includes("interval")) {
      const refFrame = frames[names.indexOf(reference!)];
      const refNodes = refFrame?.nodes ?? [];
      const aligned = frames.map((f, s) => (f === refFrame && f !== undefined ? f.scores : scoresOf(refNodes, f, indexes[s])));
      for (const role of roles) {
        const c = entityCandidates(gt, start, refNodes, role);
        names.forEach((name, s) => {
          const sc = aligned[s]!;
          if (role === "all" && units.includes("interval")) {
            const vals = new Float64Array(c.rows.length);
            for (let i = 0; i < c.rows.length; i++) vals[i] = sc[c.rows[i]!]!;
            store(name, "interval", "all").push(intervalScore(vals, aggregate), positiveInterval ? 1 : 0, 1, hour);
          }
          if (!units.includes("entity-interval")) return;
          const st = store(name, "entity-interval", role);
          for (let i = 0; i < c.rows.length; i++) st.push(sc[c.rows[i]!]!, c.labels[i]!, 1, hour);
          for (let i = 0; i < c.missing.length; i++) st.push(NaN, 1, 1, hour);
          st.missing += c.missing.length;
        });
      }
    }

    if (needAuth) {
      const path = join(input.dir!, "partitions", isoDuration(gt.intervalSeconds), "auth", `${start}.txt.gz`);
      const ai: AuthInterval = existsSync(path) ? await readAuthInterval(path, start, gt, { artifacts }) : emptyAuthInterval(gt, start);
      names.forEach((name, s) => {
        const local = scoresOf(ai.names, frames[s], indexes[s]);
        if (units.includes("event")) {
          const st = store(name, "event", "all");
          st.pushAggregated(eventScores(ai, local), ai.labels, hour);
          st.missing += ai.unmatchedLabels;
        }
        if (units.includes("edge-snapshot")) {
          const st = store(name, "edge-snapshot", "all");
          st.pushAggregated(pairScores(ai, local, edgeCombine), ai.pairLabels, hour);
          for (let i = 0; i < ai.missingPairs.length; i++) st.push(NaN, 1, 1, hour);
          st.missing += ai.missingPairs.length;
        }
      });
      if (units.includes("event")) {
        for (const name of eventNames) {
          const sc = input.eventScores![name]!(ai);
          if (sc.length !== ai.events) throw new Error(`${MODULE}: event score '${name}' gave ${sc.length} scores for ${ai.events} events (${start})`);
          const st = store(name, "event", "all");
          st.pushAggregated(sc, ai.labels, hour);
          st.missing += ai.unmatchedLabels;
        }
      }
    }
  }

  const rows: EvaluationRow[] = [];
  for (const [key, st] of stores) {
    const [score, unit, role] = key.split("\u0000") as [string, Unit, RoleSelector];
    rows.push(figures(score, unit, role, st, perDay, perHour, unit !== "interval"));
  }
  return {
    test: { start: starts[0]!, end: formatIsoUtc(spanEnd) },
    intervals: starts.length,
    positiveIntervals,
    labels: labelsInSpan,
    rows,
    seconds: (performance.now() - t0) / 1000,
  };
}

function emptyAuthInterval(gt: GroundTruth, start: string): AuthInterval {
  const positive = gt.pairs.get(start);
  return {
    start,
    names: [],
    events: 0,
    slots: 0,
    artifacts: new Int32Array(0),
    labels: new Uint8Array(0),
    ntlm: new Uint8Array(0),
    pairSrc: new Int32Array(0),
    pairDst: new Int32Array(0),
    pairLabels: new Uint8Array(0),
    missingPairs: positive === undefined ? [] : [...positive],
    matchedLabels: 0,
    unmatchedLabels: gt.eventKeys.get(start)?.size ?? 0,
  };
}

function figures(
  score: string,
  unit: Unit,
  role: RoleSelector,
  st: RowStore,
  perDay: readonly number[],
  perHour: readonly number[],
  hourly: boolean,
): EvaluationRow {
  const n = st.n;
  const scores = st.scores.subarray(0, n);
  const labels = st.labels.subarray(0, n);
  const weights = st.weights?.subarray(0, n);
  const hours = st.hours.subarray(0, n);
  const days = Int32Array.from(hours, (h) => Math.floor(h / 24));
  const order = rankDescending(scores);
  let positives = 0;
  let candidates = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    candidates += w;
    if (labels[i] === 1) positives += w;
  }
  const budgets: BudgetFigure[] = [];
  for (const b of perDay) {
    const r = atBudget(scores, labels, days, { budget: b, order, ...(weights && { weights }) });
    budgets.push({ per: "day", budget: b, alerts: r.alerts, truePositives: r.truePositives, recall: r.recall, precision: r.precision });
  }
  for (const b of perHour) {
    if (hourly) {
      const r = atBudget(scores, labels, hours, { budget: b, order, ...(weights && { weights }) });
      budgets.push({ per: "hour", budget: b, alerts: r.alerts, truePositives: r.truePositives, recall: r.recall, precision: r.precision });
    } else budgets.push({ per: "hour", budget: b, alerts: NaN, truePositives: NaN, recall: NaN, precision: NaN });
  }
  return {
    score,
    unit,
    role,
    positives,
    candidates,
    missing: st.missing,
    ap: averagePrecision(scores, labels, { order, ...(weights && { weights }) }),
    rocAuc: rocAuc(scores, labels, { order, ...(weights && { weights }) }),
    budgets,
  };
}

/**
 * The evaluation as a fixed-width text table (one line per row; `R@10/d` = recall at 10
 * alerts per day, `P@100/d` precision at 100 per day, `R@3/h` … recall per hour).
 *
 * @example
 * formatEvaluation(ev.rows);
 * // score            unit             role                 pos      cand       AP   ROC-AUC  R@10/d ...
 */
export function formatEvaluation(rows: readonly EvaluationRow[]): string {
  if (rows.length === 0) return "";
  const heads = rows[0]!.budgets.flatMap((b) => [`R@${b.budget}/${b.per[0]}`]);
  const pHeads = rows[0]!.budgets.filter((b) => b.per === "day").map((b) => `P@${b.budget}/d`);
  const num = (x: number, d = 4): string => (Number.isNaN(x) ? "nan" : x === 0 ? "0" : Math.abs(x) < 10 ** -d ? x.toExponential(1) : x.toFixed(d));
  const cols = ["score", "unit", "role", "pos", "cand", "miss", "AP", "ROC-AUC", ...heads, ...pHeads];
  const body = rows.map((r) => [
    r.score,
    r.unit,
    r.role,
    String(Math.round(r.positives)),
    String(Math.round(r.candidates)),
    String(r.missing),
    num(r.ap),
    num(r.rocAuc),
    ...r.budgets.map((b) => num(b.recall, 3)),
    ...r.budgets.filter((b) => b.per === "day").map((b) => num(b.precision, 3)),
  ]);
  const width = cols.map((c, j) => Math.max(c.length, ...body.map((l) => l[j]!.length)));
  const line = (l: string[]): string => l.map((x, j) => (j < 3 ? x.padEnd(width[j]!) : x.padStart(width[j]!))).join("  ");
  return [line(cols), ...body.map(line)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// label artefacts

/** Options of {@link labelArtefacts}. */
export interface LabelArtefactsOptions {
  /** The data set's origin. Default 2015-01-01T00:00:00. */
  origin?: string;
  /** The LANL folder: with it, the days of the label span without any flows partition are listed. */
  dir?: string;
  /** Interval length of the partitions to look in. Default 3600. */
  intervalSeconds?: number;
}

/** The label artefacts to disclose beside any result (§1e item 5). */
export interface LabelArtefacts {
  /** Label rows, and distinct (time, user, src, dst). */
  readonly labels: number;
  readonly distinct: number;
  /** Source computers by label count, with their share of the rows. */
  readonly sources: readonly { readonly computer: string; readonly labels: number; readonly share: number }[];
  /** Share of the rows whose source is C17693 (93.6 % on the real list). */
  readonly c17693Share: number;
  /** The day (from the origin, 0-based, and its date) with most labels, and its share. */
  readonly busiestDay: { readonly day: number; readonly date: string; readonly labels: number; readonly share: number } | undefined;
  /** Labels per active day (day index → count). */
  readonly perDay: Readonly<Record<number, number>>;
  /** Hours with at least one label. */
  readonly activeHours: number;
  /** Days (dates) between the first and the last label without any flows partition (only with `dir`). */
  readonly flowsGaps: readonly string[] | undefined;
  /** What the labels do not cover. */
  readonly notes: readonly string[];
}

/**
 * The label artefacts of a red-team list: how concentrated the positives are (by source
 * computer, C17693 in particular, and by day), and the flows gaps in the label span.
 *
 * @example
 * labelArtefacts(realLabels);
 * // { labels: 749, distinct: 715, c17693Share: 0.9359..., busiestDay: { day: 8, date: "2015-01-09", labels: 273, share: 0.3645 }, ... }
 */
export function labelArtefacts(events: readonly RedteamEvent[], options: LabelArtefactsOptions = {}): LabelArtefacts {
  const origin = parseIsoUtc(options.origin ?? "2015-01-01T00:00:00");
  const n = events.length;
  const bySource = new Map<string, number>();
  const perDay: Record<number, number> = {};
  const hours = new Set<number>();
  const keys = new Set<string>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of events) {
    bySource.set(e.src, (bySource.get(e.src) ?? 0) + 1);
    const d = Math.floor(e.time / 86400);
    perDay[d] = (perDay[d] ?? 0) + 1;
    hours.add(Math.floor(e.time / 3600));
    keys.add(eventKey(e.time, e.user, e.src, e.dst));
    lo = Math.min(lo, e.time);
    hi = Math.max(hi, e.time);
  }
  const sources = [...bySource]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([computer, c]) => ({ computer, labels: c, share: c / n }));
  let busiestDay: LabelArtefacts["busiestDay"];
  for (const [d, c] of Object.entries(perDay)) {
    const day = Number(d);
    if (busiestDay === undefined || c > busiestDay.labels) busiestDay = { day, date: formatIsoUtc(origin + day * 86400).slice(0, 10), labels: c, share: c / n };
  }
  let flowsGaps: string[] | undefined;
  if (options.dir !== undefined && n > 0) {
    const folder = join(options.dir, "partitions", isoDuration(options.intervalSeconds ?? 3600), "flows");
    const have = new Set<string>();
    if (existsSync(folder)) for (const f of readdirSync(folder)) if (f.endsWith(".txt.gz")) have.add(f.slice(0, 10));
    flowsGaps = [];
    for (let d = Math.floor(lo / 86400); d <= Math.floor(hi / 86400); d++) {
      const date = formatIsoUtc(origin + d * 86400).slice(0, 10);
      if (!have.has(date)) flowsGaps.push(date);
    }
  }
  return {
    labels: n,
    distinct: keys.size,
    sources,
    c17693Share: n > 0 ? (bySource.get("C17693") ?? 0) / n : NaN,
    busiestDay,
    perDay,
    activeHours: hours.size,
    flowsGaps,
    notes: ["only compromise logons are labelled; the attacker's follow-on activity is not (§1a)"],
  };
}
