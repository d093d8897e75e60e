/**
 * The units an anomaly score is evaluated on, from per-vertex scores: how each unit's
 * candidates are read and how each candidate gets a score (`lanl-method.md` §1e, "How to
 * make our numbers comparable", item 2).
 *
 * - **event**: every auth event of the interval (read from its partition,
 *   `DIR/partitions/<interval>/auth/<start>.txt.gz`), scored by the **max** over its
 *   artifacts' scores (the entity artifacts by default: source and destination user,
 *   source and destination computer; `artifacts: "all"` adds the auth-type, logon-type,
 *   orientation and result hubs). NaN artifact scores are skipped; an event whose
 *   artifacts are all unscored gets NaN.
 * - **edge-snapshot**: every distinct directed pair (source computer → destination
 *   computer) of the interval's auth events, as Euler (King & Huang, NDSS 2022) and Argus
 *   (Xu et al., IEEE S&P 2024) score them, with score = **max**(s(src), s(dst)) by default
 *   (`min` and `mean` are the alternatives), where s(src) is the score of the source
 *   computer's vertex (`computer_source::C1` or `computer::C1`). Self-loops (src = dst)
 *   and pairs with a `?` computer are left out, as Argus drops self-loops.
 * - **interval**: the interval's score is the mean of its candidate vertices' scores
 *   (S(t) = mean_n s_n(t), §1d), or their max, or the mean of the k highest; NaN skipped.
 *
 * The entity-interval unit needs no reading: see `entityCandidates` in `labels.ts`.
 */
import { readLineBatches } from "../lanl/reader.js";
import { createLineFields, lineTime, splitFields } from "../lanl/parse.js";
import { SCHEMAS } from "../lanl/schema.js";
import { eventArtifacts, type EventPlan } from "../graph/arch/arch.js";
import type { ScoreFrame } from "../dynamics/frame.js";
import { eventKey, pairKey, type GroundTruth } from "./labels.js";

const MODULE = "telemetry-lab/evaluation/units";

/** Which artifacts of an auth event score it. */
export type EventArtifacts = "entities" | "all";

/** How an edge's score is made from its endpoints' scores. */
export type EdgeCombine = "max" | "min" | "mean";

/** How an interval's score is made from its vertices' scores: mean, max, or the mean of the top k. */
export type IntervalAggregate = "mean" | "max" | { readonly topMean: number };

/** Options of {@link readAuthInterval}. */
export interface AuthIntervalOptions {
  /** Artifacts that score an event. Default "entities". */
  artifacts?: EventArtifacts;
}

/** Defaults of the unit options. */
export const UNITS_DEFAULTS = Object.freeze({
  artifacts: "entities" as EventArtifacts,
  edgeCombine: "max" as EdgeCombine,
  intervalAggregate: "mean" as IntervalAggregate,
});

/** One interval's auth events and computer pairs, with their labels, ready to be scored. */
export interface AuthInterval {
  readonly start: string;
  /** Vertex names met in the interval (local id = index). */
  readonly names: readonly string[];
  /** Number of events. */
  readonly events: number;
  /** Artifact slots per event. */
  readonly slots: number;
  /** `events × slots` local vertex ids, −1 for a dropped slot. */
  readonly artifacts: Int32Array;
  /** Per event: 1 when it matches a red-team label on (time, source user, src, dst). */
  readonly labels: Uint8Array;
  /** Per event: 1 when its auth type is NTLM (the NTLM control). */
  readonly ntlm: Uint8Array;
  /** Per distinct directed pair: local ids of the source and destination computer vertices (−1 when the architecture has none). */
  readonly pairSrc: Int32Array;
  readonly pairDst: Int32Array;
  /** Per pair: 1 when a red-team label has that (src, dst) in the interval. */
  readonly pairLabels: Uint8Array;
  /** Positive pairs of the interval without any auth event (`src\tdst`). */
  readonly missingPairs: readonly string[];
  /** Labels of the interval matched by at least one event, and labels without a matching event. */
  readonly matchedLabels: number;
  readonly unmatchedLabels: number;
}

/** The auth plan used to score events, and the slots of the two computer fields in it. */
function scoringPlan(gt: GroundTruth, artifacts: EventArtifacts): { plan: EventPlan; srcSlot: number; dstSlot: number } {
  let plan = gt.entityPlan.plan;
  if (artifacts === "all") plan = gt.authPlan;
  else if (artifacts !== "entities") {
    throw new Error(`${MODULE}: artifacts must be "entities" or "all", got '${String(artifacts)}'`);
  }
  return {
    plan,
    srcSlot: plan.fields.findIndex((f) => f.field === "computer_source"),
    dstSlot: plan.fields.findIndex((f) => f.field === "computer_destination"),
  };
}

const NTLM = Buffer.from("NTLM", "latin1");

/**
 * Reads one interval's auth partition into events and directed computer pairs with their
 * red-team labels. Events are the lines of the file (duplicates included: each line is an
 * event); artifact names follow the architecture (`eventArtifacts`), one look-up per
 * distinct value.
 *
 * @throws naming the file and line when a line is malformed, or when the file cannot be read.
 * @example
 * const ai = await readAuthInterval("data/lanl/partitions/P0DT1H0M0S/auth/2015-01-05T12:00:00.txt.gz", "2015-01-05T12:00:00", gt);
 * ai.events;                // 7561 (one per line)
 * ai.labels.reduce((a, b) => a + b, 0); // red-team events matched in that hour
 */
export async function readAuthInterval(
  path: string,
  start: string,
  gt: GroundTruth,
  options: AuthIntervalOptions = {},
): Promise<AuthInterval> {
  const { plan, srcSlot, dstSlot } = scoringPlan(gt, options.artifacts ?? UNITS_DEFAULTS.artifacts);
  const slots = plan.fields.length;
  const fieldCount = SCHEMAS.auth.fieldCount;
  const names: string[] = [];
  const byName = new Map<string, number>();
  const bySlot = plan.fields.map(() => new Map<string, number>());
  const one = plan.fields.map((f) => ({ ...plan, fields: [f] }) as EventPlan);
  const values = new Array<string>(fieldCount - 1).fill("");
  const localId = (slot: number, raw: string): number => {
    const cache = bySlot[slot]!;
    let id = cache.get(raw);
    if (id !== undefined) return id;
    values[plan.fields[slot]!.column] = raw;
    const [name] = eventArtifacts(one[slot]!, values);
    if (name === undefined) id = -1;
    else {
      id = byName.get(name);
      if (id === undefined) {
        id = names.length;
        names.push(name);
        byName.set(name, id);
      }
    }
    cache.set(raw, id);
    return id;
  };
  const labelTimes = gt.eventTimes.get(start) ?? new Set<number>();
  const labelKeys = gt.eventKeys.get(start) ?? new Set<string>();
  const positivePairs = gt.pairs.get(start);
  const matched = new Set<string>();

  let artifacts = new Int32Array(1024 * slots);
  let labels = new Uint8Array(1024);
  let ntlm = new Uint8Array(1024);
  let n = 0;
  const computers = new Map<string, number>();
  const computerId = (raw: string): number => {
    let id = computers.get(raw);
    if (id === undefined) computers.set(raw, (id = computers.size));
    return id;
  };
  const pairIndex = new Map<number, number>();
  const pSrc: number[] = [];
  const pDst: number[] = [];
  const pLab: number[] = [];
  const seenPairs = new Set<string>();
  const f = createLineFields(fieldCount);
  try {
    for await (const b of readLineBatches(path)) {
      const buf = b.buf;
      for (let i = 0; i < b.count; i++) {
        const s = b.starts[i]!;
        const e = b.ends[i]!;
        const time = lineTime(buf, s, e, fieldCount);
        if (time < 0) {
          if (e - s === 0) continue;
          throw new Error(`line ${b.firstLine + i}: not an auth line of ${fieldCount} fields`);
        }
        splitFields(buf, s, e, f);
        if (n === labels.length) {
          const a2 = new Int32Array(artifacts.length * 2);
          a2.set(artifacts);
          artifacts = a2;
          const l2 = new Uint8Array(labels.length * 2);
          l2.set(labels);
          labels = l2;
          const t2 = new Uint8Array(ntlm.length * 2);
          t2.set(ntlm);
          ntlm = t2;
        }
        for (let k = 0; k < slots; k++) {
          const col = plan.fields[k]!.column + 1;
          artifacts[n * slots + k] = localId(k, buf.toString("latin1", f.starts[col], f.ends[col]));
        }
        const src = buf.toString("latin1", f.starts[3], f.ends[3]);
        const dst = buf.toString("latin1", f.starts[4], f.ends[4]);
        if (labelTimes.has(time)) {
          const key = eventKey(time, buf.toString("latin1", f.starts[1], f.ends[1]), src, dst);
          if (labelKeys.has(key)) {
            labels[n] = 1;
            matched.add(key);
          }
        }
        ntlm[n] = f.ends[5]! - f.starts[5]! === 4 && buf.compare(NTLM, 0, 4, f.starts[5], f.ends[5]) === 0 ? 1 : 0;
        n++;
        if (src !== dst && src !== "?" && dst !== "?") {
          const key = computerId(src) * 67108864 + computerId(dst);
          if (!pairIndex.has(key)) {
            pairIndex.set(key, pSrc.length);
            pSrc.push(srcSlot < 0 ? -1 : localId(srcSlot, src));
            pDst.push(dstSlot < 0 ? -1 : localId(dstSlot, dst));
            const pk = pairKey(src, dst);
            const positive = positivePairs?.has(pk) ?? false;
            pLab.push(positive ? 1 : 0);
            if (positive) seenPairs.add(pk);
          }
        }
      }
    }
  } catch (err) {
    throw new Error(`${MODULE}: ${path}: ${(err as Error).message}`);
  }
  return {
    start,
    names,
    events: n,
    slots,
    artifacts: artifacts.subarray(0, n * slots),
    labels: labels.subarray(0, n),
    ntlm: ntlm.subarray(0, n),
    pairSrc: Int32Array.from(pSrc),
    pairDst: Int32Array.from(pDst),
    pairLabels: Uint8Array.from(pLab),
    missingPairs: positivePairs === undefined ? [] : [...positivePairs].filter((k) => !seenPairs.has(k)),
    matchedLabels: matched.size,
    unmatchedLabels: labelKeys.size - matched.size,
  };
}

/**
 * The scores of `names` in a score frame (NaN for a name the frame does not hold).
 * `index` is the frame's name → row map when already built.
 *
 * @example
 * scoresOf(["b", "z"], { start: "2015-01-01T00:00:00", nodes: ["a", "b"], scores: Float64Array.of(1, 2) });
 * // Float64Array [2, NaN]
 */
export function scoresOf(names: readonly string[], frame: ScoreFrame | undefined, index?: ReadonlyMap<string, number>): Float64Array {
  const out = new Float64Array(names.length).fill(NaN);
  if (frame === undefined) return out;
  if (frame.scores.length !== frame.nodes.length) {
    throw new Error(`${MODULE}: frame ${frame.start} has ${frame.nodes.length} nodes and ${frame.scores.length} scores`);
  }
  const ix = index ?? frameIndex(frame);
  for (let i = 0; i < names.length; i++) {
    const r = ix.get(names[i]!);
    if (r !== undefined) out[i] = frame.scores[r]!;
  }
  return out;
}

/** The name → row map of a frame. */
export function frameIndex(frame: ScoreFrame): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < frame.nodes.length; i++) m.set(frame.nodes[i]!, i);
  return m;
}

/**
 * Event scores: the max over each event's artifacts of their scores (`local`, by local id),
 * NaN skipped; NaN when no artifact is scored.
 *
 * @example
 * // two events over artifacts 0,1 and 1,2 with scores [0.1, NaN, 0.7]
 * eventScores({ events: 2, slots: 2, artifacts: Int32Array.of(0, 1, 1, 2) }, Float64Array.of(0.1, NaN, 0.7));
 * // Float64Array [0.1, 0.7]
 */
export function eventScores(ai: Pick<AuthInterval, "events" | "slots" | "artifacts">, local: Float64Array): Float64Array {
  const out = new Float64Array(ai.events);
  const { slots, artifacts } = ai;
  for (let e = 0; e < ai.events; e++) {
    let m = NaN;
    for (let k = 0; k < slots; k++) {
      const id = artifacts[e * slots + k]!;
      if (id < 0) continue;
      const s = local[id]!;
      if (s > m || (m !== m && s === s)) m = s;
    }
    out[e] = m;
  }
  return out;
}

/**
 * Edge scores from the endpoints' scores (`local`, by local id): max (default), min or
 * mean. With one endpoint unscored (NaN, or no computer vertex) the edge takes the other
 * endpoint's score, whatever the combination; with both unscored it is NaN.
 *
 * @example
 * pairScores({ pairSrc: Int32Array.of(0, 2), pairDst: Int32Array.of(1, 1) }, Float64Array.of(0.2, 0.5, NaN));
 * // Float64Array [0.5, 0.5]
 */
export function pairScores(ai: Pick<AuthInterval, "pairSrc" | "pairDst">, local: Float64Array, combine: EdgeCombine = UNITS_DEFAULTS.edgeCombine): Float64Array {
  const n = ai.pairSrc.length;
  const out = new Float64Array(n);
  if (combine !== "max" && combine !== "min" && combine !== "mean") throw new Error(`${MODULE}: edge combination must be max, min or mean, got '${String(combine)}'`);
  for (let p = 0; p < n; p++) {
    const i = ai.pairSrc[p]!;
    const j = ai.pairDst[p]!;
    const a = i < 0 ? NaN : local[i]!;
    const b = j < 0 ? NaN : local[j]!;
    if (a !== a) out[p] = b;
    else if (b !== b) out[p] = a;
    else out[p] = combine === "max" ? Math.max(a, b) : combine === "min" ? Math.min(a, b) : (a + b) / 2;
  }
  return out;
}

/**
 * An interval's score from its vertices' scores (NaN skipped): their mean (default, S(t) of
 * §1d), max, or the mean of the k highest. NaN when no vertex is scored.
 *
 * @example
 * intervalScore(Float64Array.of(1, NaN, 3, 8)); // 4
 * intervalScore(Float64Array.of(1, NaN, 3, 8), { topMean: 2 }); // 5.5
 */
export function intervalScore(scores: ArrayLike<number>, how: IntervalAggregate = UNITS_DEFAULTS.intervalAggregate): number {
  const vals: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s === s) vals.push(s);
  }
  if (vals.length === 0) return NaN;
  if (how === "max") return vals.reduce((a, b) => (b > a ? b : a));
  if (how === "mean") return vals.reduce((a, b) => a + b, 0) / vals.length;
  if (typeof how === "object" && Number.isSafeInteger(how.topMean) && how.topMean > 0) {
    vals.sort((a, b) => b - a);
    const k = Math.min(how.topMean, vals.length);
    let s = 0;
    for (let i = 0; i < k; i++) s += vals[i]!;
    return s / k;
  }
  throw new Error(`${MODULE}: interval aggregate must be "mean", "max" or { topMean: k } with k a positive integer, got ${JSON.stringify(how)}`);
}
