/**
 * Ranking metrics for detection with rare positives: average precision, ROC AUC, and
 * recall and precision at an alert budget per group (per day, per hour).
 *
 * Sources:
 * - Average precision as scikit-learn 1.2.1 `average_precision_score` (the step-wise,
 *   non-interpolated sum AP = Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds,
 *   highest first, R_0 = 0; `sklearn/metrics/_ranking.py`, `_binary_clf_curve` and
 *   `precision_recall_curve`). Rows tied on a score enter together, as one threshold.
 * - ROC AUC as scikit-learn 1.2.1 `roc_auc_score`: the trapezoidal area under the ROC
 *   curve through the distinct thresholds, which is the Mann–Whitney statistic with ties
 *   counted 1/2: P(s⁺ > s⁻) + ½·P(s⁺ = s⁻).
 * - Recall at a budget as ANSSI's UltraLMD `results.ipynb` (Rec@b per hour: the share of
 *   the malicious items that fall in the top-b of their own hour), pooled over groups.
 *   `lanl-method.md` §1e (metrics: AP and recall at a budget are the headline).
 *
 * Conventions, the same in every function here:
 * - Higher score = more anomalous. **NaN ranks lowest**: it is read as −∞, so NaN and −∞
 *   tie at the bottom (a vertex that was not scored is never ranked above a scored one).
 *   −0 and +0 are one value.
 * - `labels[i]` is 1 (positive) or 0 (negative); `weights[i]` ≥ 0 is how many items row i
 *   stands for (default 1), as scikit-learn's `sample_weight`. Since tied rows enter
 *   together, n negative rows with one score and one row of weight n give the same AP,
 *   AUC and budget figures: callers may aggregate negatives by score.
 * - Undefined figures are NaN, not 0: AP and AUC without positives (scikit-learn 1.2.1
 *   warns and returns AP = 0), AUC without negatives (scikit-learn raises), recall
 *   without positives, precision without alerts.
 * - **Ties at a budget's cut count fractionally**: when the top-b of a group ends inside
 *   a block of k tied items holding p positives and m of the k are still needed, the
 *   block contributes m·p/k true positives: the expected count when ties are broken
 *   uniformly at random. Deterministic, independent of row order and of aggregation.
 *   A group with fewer than b items raises as many alerts as it has items.
 * - Ranking uses an LSD radix sort of the float64 keys (stable, O(n)), so that one
 *   ranking of 10^8 rows takes seconds.
 */

const MODULE = "telemetry-lab/evaluation/metrics";

/** Inputs shared by the metrics: optional weights and a precomputed ranking. */
export interface MetricOptions {
  /** Items each row stands for (≥ 0). Default 1 per row. */
  weights?: ArrayLike<number>;
  /** Row order by descending score, from {@link rankDescending}; computed when absent. */
  order?: Uint32Array;
}

/** Options of {@link atBudget}. */
export interface BudgetOptions extends MetricOptions {
  /** Alerts per group: the top-`budget` items of each group. */
  budget: number;
}

/** Recall and precision at one budget. */
export interface BudgetResult {
  /** Alerts per group. */
  readonly budget: number;
  /** Groups with at least one item. */
  readonly groups: number;
  /** Groups with at least one positive. */
  readonly positiveGroups: number;
  /** Alerts raised: Σ_g min(budget, items in g). */
  readonly alerts: number;
  /** Positives among the alerts (fractional at tied cuts). */
  readonly truePositives: number;
  /** Positives in all groups. */
  readonly positives: number;
  /** truePositives / positives; NaN without positives. */
  readonly recall: number;
  /** truePositives / alerts; NaN without alerts. */
  readonly precision: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/** The ranking value of a score: NaN → −∞, −0 → 0. */
function rankValue(x: number): number {
  return x !== x ? -Infinity : x === 0 ? 0 : x;
}

function checkLength(what: string, a: ArrayLike<number> | undefined, n: number): void {
  if (a !== undefined && a.length !== n) throw new Error(`${MODULE}: ${what} has ${a.length} entries, scores have ${n}`);
}

function checkLabels(labels: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw new Error(`${MODULE}: labels[${i}] is ${y}; labels must be 0 or 1`);
  }
}

function checkWeights(weights: ArrayLike<number> | undefined): void {
  if (weights === undefined) return;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || w === Infinity) throw new Error(`${MODULE}: weights[${i}] is ${w}; weights must be finite and >= 0`);
  }
}

/**
 * Row indices by descending score (NaN lowest), stable: rows with equal scores keep their
 * index order. LSD radix sort on the 64-bit keys, 16 bits per pass, passes whose digit is
 * constant skipped.
 *
 * @example
 * rankDescending([0.2, NaN, 0.9, 0.2]); // Uint32Array [2, 0, 3, 1]
 */
export function rankDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  if (n >= 0xffffffff) throw new Error(`${MODULE}: too many rows (${n})`);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = new Uint32Array(n);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    f[0] = rankValue(scores[i]!);
    const h = u[HI]!;
    const l = u[LO]!;
    // Ascending order of the bit patterns: negatives flipped entirely, non-negatives with
    // the sign bit set; descending = the complement of that.
    if (h & 0x80000000) {
      hi[i] = h;
      lo[i] = l;
    } else {
      hi[i] = (h ^ 0x7fffffff) >>> 0;
      lo[i] = ~l >>> 0;
    }
    idx[i] = i;
  }
  if (n < 2) return idx;
  if (n <= 256) {
    // small inputs: a comparison sort on the same keys (no 4 × 65,536 counting passes)
    const order = Array.from(idx).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    return Uint32Array.from(order);
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const src = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i]! >>> shift) & 0xffff]!++;
    if (count[(src[0]! >>> shift) & 0xffff] === n) continue; // constant digit
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[(src[i]! >>> shift) & 0xffff]!++;
      hi2[p] = hi[i]!;
      lo2[p] = lo[i]!;
      idx2[p] = idx[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

function prepare(scores: ArrayLike<number>, labels: ArrayLike<number>, options: MetricOptions): Uint32Array {
  checkLength("labels", labels, scores.length);
  checkLength("weights", options.weights, scores.length);
  checkLength("order", options.order, scores.length);
  checkLabels(labels);
  checkWeights(options.weights);
  return options.order ?? rankDescending(scores);
}

/**
 * Average precision as scikit-learn 1.2.1 `average_precision_score` (binary, with
 * `sample_weight` = `weights`): Σ over distinct thresholds, highest first, of
 * (R_k − R_{k−1})·P_k. NaN scores rank lowest.
 *
 * @returns NaN when there is no positive (scikit-learn returns 0 with a warning).
 * @throws when lengths differ, a label is not 0/1 or a weight is negative.
 * @example
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.8333333333333333
 * averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]); // 0.5 (one threshold: the prevalence)
 * averagePrecision([0.9, 0.9, 0.3, 0.3, 0.1], [1, 0, 1, 0, 0]); // 0.5
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>, options: MetricOptions = {}): number {
  const order = prepare(scores, labels, options);
  const w = options.weights;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives += w === undefined ? 1 : w[i]!;
  if (!(positives > 0)) return NaN;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  const n = order.length;
  let i = 0;
  while (i < n) {
    const v = rankValue(scores[order[i]!]!);
    do {
      const r = order[i]!;
      const wr = w === undefined ? 1 : w[r]!;
      if (labels[r] === 1) tp += wr;
      else fp += wr;
      i++;
    } while (i < n && rankValue(scores[order[i]!]!) === v);
    const recall = tp / positives;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

/**
 * ROC AUC as scikit-learn 1.2.1 `roc_auc_score` (binary, `sample_weight` = `weights`):
 * the trapezoidal area through the distinct thresholds, i.e. P(s⁺ > s⁻) + ½·P(s⁺ = s⁻).
 * NaN scores rank lowest.
 *
 * @returns NaN without positives or without negatives (scikit-learn raises).
 * @throws when lengths differ, a label is not 0/1 or a weight is negative.
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * rocAuc([0.9, 0.9, 0.3, 0.3, 0.1], [1, 0, 1, 0, 0]); // 0.6666666666666666
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, options: MetricOptions = {}): number {
  const order = prepare(scores, labels, options);
  const w = options.weights;
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    if (labels[i] === 1) positives += wi;
    else negatives += wi;
  }
  if (!(positives > 0) || !(negatives > 0)) return NaN;
  let tp = 0;
  let fp = 0;
  let prevTpr = 0;
  let prevFpr = 0;
  let area = 0;
  const n = order.length;
  let i = 0;
  while (i < n) {
    const v = rankValue(scores[order[i]!]!);
    do {
      const r = order[i]!;
      const wr = w === undefined ? 1 : w[r]!;
      if (labels[r] === 1) tp += wr;
      else fp += wr;
      i++;
    } while (i < n && rankValue(scores[order[i]!]!) === v);
    const tpr = tp / positives;
    const fpr = fp / negatives;
    area += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    prevTpr = tpr;
    prevFpr = fpr;
  }
  return area;
}

/**
 * The rows of `order` (descending score) regrouped by group, groups in ascending order of
 * their value, the descending order kept inside each group (a stable counting sort).
 * Returns the regrouped rows and each group's `[bounds[g], bounds[g+1])` range.
 */
export function groupRanking(order: Uint32Array, groups: ArrayLike<number>): { rows: Uint32Array; bounds: Uint32Array; values: number[] } {
  const n = groups.length;
  let lo = Infinity;
  let hi = -Infinity;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (!Number.isFinite(g)) throw new Error(`${MODULE}: groups[${i}] is ${g}; groups must be finite numbers`);
    if (g < lo) lo = g;
    if (g > hi) hi = g;
    if (integers && !Number.isInteger(g)) integers = false;
  }
  const id = new Uint32Array(n);
  let values: number[];
  if (n > 0 && integers && hi - lo <= 4 * n + 1024) {
    // small integer range (hours, days): dense ids by offset, no hashing
    const used = new Uint8Array(hi - lo + 1);
    for (let i = 0; i < n; i++) used[groups[i]! - lo] = 1;
    const dense = new Int32Array(hi - lo + 1);
    values = [];
    for (let k = 0; k < used.length; k++) if (used[k]) (dense[k] = values.length), values.push(lo + k);
    for (let i = 0; i < n; i++) id[i] = dense[groups[i]! - lo]!;
  } else {
    const dense = new Map<number, number>();
    for (let i = 0; i < n; i++) if (!dense.has(groups[i]!)) dense.set(groups[i]!, 0);
    values = [...dense.keys()].sort((a, b) => a - b);
    values.forEach((g, k) => dense.set(g, k));
    for (let i = 0; i < n; i++) id[i] = dense.get(groups[i]!)!;
  }
  const bounds = new Uint32Array(values.length + 1);
  for (let i = 0; i < id.length; i++) bounds[id[i]! + 1]!++;
  for (let g = 0; g < values.length; g++) bounds[g + 1]! += bounds[g]!;
  const next = bounds.slice(0, values.length);
  const rows = new Uint32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const r = order[k]!;
    rows[next[id[r]!]!++] = r;
  }
  return { rows, bounds, values };
}

/**
 * Recall and precision at an alert budget per group: in each group (a day, an hour) the
 * `budget` highest-scored items are alerts; recall = Σ_g TP_g / Σ_g P_g and precision =
 * Σ_g TP_g / Σ_g min(budget, n_g), pooled over the groups. Ties at the cut count
 * fractionally (see the module comment); NaN scores rank lowest.
 *
 * @throws when lengths differ, the budget is not a positive number, a label is not 0/1, a
 *   weight is negative or a group is not finite.
 * @example
 * // two hours; hour 0: positive tied with a negative at the top, hour 1: positive second
 * atBudget([0.9, 0.9, 0.1, 0.7, 0.5], [1, 0, 0, 0, 1], [0, 0, 0, 1, 1], { budget: 1 });
 * // { budget: 1, groups: 2, positiveGroups: 2, alerts: 2, truePositives: 0.5, positives: 2,
 * //   recall: 0.25, precision: 0.25 }
 */
export function atBudget(scores: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>, options: BudgetOptions): BudgetResult {
  const { budget } = options;
  if (!(budget > 0) || budget === Infinity) throw new Error(`${MODULE}: budget must be a positive finite number, got ${budget}`);
  checkLength("groups", groups, scores.length);
  const order = prepare(scores, labels, options);
  const w = options.weights;
  const { rows, bounds } = groupRanking(order, groups);
  let alerts = 0;
  let truePositives = 0;
  let positives = 0;
  let positiveGroups = 0;
  let groupCount = 0;
  for (let g = 0; g + 1 < bounds.length; g++) {
    const end = bounds[g + 1]!;
    let i = bounds[g]!;
    let taken = 0;
    let groupPositives = 0;
    let any = false;
    while (i < end) {
      const v = rankValue(scores[rows[i]!]!);
      let k = 0;
      let p = 0;
      do {
        const r = rows[i]!;
        const wr = w === undefined ? 1 : w[r]!;
        k += wr;
        if (labels[r] === 1) p += wr;
        i++;
      } while (i < end && rankValue(scores[rows[i]!]!) === v);
      if (k > 0) any = true;
      groupPositives += p;
      if (taken < budget && k > 0) {
        const m = Math.min(k, budget - taken);
        truePositives += m === k ? p : (p * m) / k;
        taken += m;
      }
    }
    if (any) groupCount++;
    if (groupPositives > 0) positiveGroups++;
    alerts += taken;
    positives += groupPositives;
  }
  return {
    budget,
    groups: groupCount,
    positiveGroups,
    alerts,
    truePositives,
    positives,
    recall: positives > 0 ? truePositives / positives : NaN,
    precision: alerts > 0 ? truePositives / alerts : NaN,
  };
}
