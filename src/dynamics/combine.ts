/**
 * Combination of several anomaly scores of the same interval into one, on a common scale:
 * each score is rank-normalised within the frame, then the ranks are summed or maxed.
 *
 * Source: rank aggregation for outlier ensembles (Aggarwal & Sathe, "Outlier Ensembles:
 * An Introduction", Springer 2017: scores on different scales are combined after conversion to
 * ranks; "averaging" and "maximization" combination functions).
 *
 * **Rank normalisation.** Within one frame, a score's scored vertices (finite values and
 * ±∞; NaN = not scored) get their ascending rank 1..m, ties the average of the ranks they
 * span, divided by m: u ∈ (0, 1], the highest score gets 1. E.g. [1, 2, 2, 3] →
 * [0.25, 0.625, 0.625, 1].
 *
 * **Combination** of S scores per vertex, with `missing` deciding what a NaN does:
 * - `"lowest"` (default): a NaN counts as u = 0, below every scored vertex;
 *   `sum` = Σ_j u_j, `max` = max_j u_j.
 * - `"ignore"`: NaN scores are left out; `sum` = S · mean of the available u_j (the sum
 *   rescaled to S scores, so a vertex is not penalised for a score it cannot have),
 *   `max` = max of the available u_j.
 * A vertex with no score at all stays NaN in both modes.
 *
 * Frames are aligned by vertex name on the first frame's `nodes` (a vertex missing from
 * another frame has NaN there); all frames must share the same `start`.
 */
import type { ScoreFrame } from "./frame.js";

const MODULE = "telemetry-lab/dynamics/combine";

/** How normalised ranks are combined. */
export type CombineMethod = "sum" | "max";
/** What a NaN (not scored) does in a combination. */
export type MissingScore = "lowest" | "ignore";

/** Options of {@link combineScores}. */
export interface CombineOptions {
  /** Sum or max of the normalised ranks. Default "sum". */
  method?: CombineMethod;
  /** NaN as the lowest rank (u = 0) or left out. Default "lowest". */
  missing?: MissingScore;
}

/** Defaults of {@link CombineOptions}. */
export const COMBINE_DEFAULTS = Object.freeze({ method: "sum" as CombineMethod, missing: "lowest" as MissingScore });

/**
 * Rank-normalised scores u ∈ (0, 1] (average ranks for ties, divided by the number of
 * non-NaN values); NaN stays NaN.
 *
 * @example
 * rankNormalise(Float64Array.of(1, 2, 2, 3, NaN)); // Float64Array [0.25, 0.625, 0.625, 1, NaN]
 */
export function rankNormalise(scores: Float64Array): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n).fill(NaN);
  let m = 0;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i]!)) order[m++] = i;
  if (m === 0) return out;
  const sorted = argsortInPlace(scores, order.subarray(0, m));
  // Positions p..q-1 of the sorted order hold equal values, ranks p+1..q: average (p+1+q)/2.
  let p = 0;
  while (p < m) {
    const x = scores[sorted[p]!]!;
    let q = p + 1;
    while (q < m && scores[sorted[q]!] === x) q++;
    const u = (p + 1 + q) / 2 / m;
    for (let j = p; j < q; j++) out[sorted[j]!] = u;
    p = q;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Sorts the indices `idx` (of non-NaN entries of `values`) by value, ascending: an LSD
 * radix sort with 8-bit digits on the IEEE-754 bit patterns mapped to unsigned order
 * (negative: all bits flipped; positive: sign bit set), digits that are the same for
 * every key skipped. −0 sorts just before +0, which the caller treats as equal. Returns
 * the sorted indices (`idx` or a scratch array).
 */
function argsortInPlace(values: Float64Array, idx: Uint32Array): Uint32Array {
  const m = idx.length;
  if (!LITTLE_ENDIAN) return idx.sort((a, b) => values[a]! - values[b]! || (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
  const f = new Float64Array(m);
  for (let i = 0; i < m; i++) f[i] = values[idx[i]!]!;
  const w = new Uint32Array(f.buffer); // word 2i = low half, 2i+1 = high half of key i
  for (let i = 0; i < m; i++) {
    const hi = w[2 * i + 1]!;
    if (hi & 0x80000000) {
      w[2 * i] = ~w[2 * i]! >>> 0;
      w[2 * i + 1] = ~hi >>> 0;
    } else {
      w[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  // Keys are addressed by position in `idx` at the start: sort positions, map back at the end.
  let a = new Uint32Array(m);
  let b = new Uint32Array(m);
  for (let i = 0; i < m; i++) a[i] = i;
  const counts = new Uint32Array(256 * 8);
  for (let i = 0; i < m; i++) {
    const lo = w[2 * i]!;
    const hi = w[2 * i + 1]!;
    counts[lo & 255]!++;
    counts[256 + ((lo >>> 8) & 255)]!++;
    counts[512 + ((lo >>> 16) & 255)]!++;
    counts[768 + (lo >>> 24)]!++;
    counts[1024 + (hi & 255)]!++;
    counts[1280 + ((hi >>> 8) & 255)]!++;
    counts[1536 + ((hi >>> 16) & 255)]!++;
    counts[1792 + (hi >>> 24)]!++;
  }
  for (let d = 0; d < 8; d++) {
    const c = counts.subarray(256 * d, 256 * d + 256);
    const word = d < 4 ? 0 : 1;
    const shift = (d & 3) * 8;
    // All keys share this digit: nothing to do.
    if (c[(w[word]! >>> shift) & 255] === m) continue;
    let sum = 0;
    for (let v = 0; v < 256; v++) {
      const t = c[v]!;
      c[v] = sum;
      sum += t;
    }
    for (let i = 0; i < m; i++) {
      const k = a[i]!;
      const digit = (w[2 * k + word]! >>> shift) & 255;
      b[c[digit]!++] = k;
    }
    const t = a;
    a = b;
    b = t;
  }
  for (let i = 0; i < m; i++) b[i] = idx[a[i]!]!;
  return b;
}

/**
 * Combines score frames of one interval (see the module comment).
 *
 * @throws when no frame is given, the frames' starts differ, a frame's scores and nodes
 *   differ in length, or an option is unknown.
 * @example
 * const a = { start: "2015-01-01T00:00:00", nodes: ["x", "y", "z"], scores: Float64Array.of(1, 2, 3) };
 * const b = { start: "2015-01-01T00:00:00", nodes: ["x", "y", "z"], scores: Float64Array.of(30, NaN, 10) };
 * combineScores([a, b]).scores;                     // Float64Array [1.3333…, 0.6666…, 1.5]
 * combineScores([a, b], { missing: "ignore" }).scores; // Float64Array [1.3333…, 1.3333…, 1.5]
 * combineScores([a, b], { method: "max" }).scores;     // Float64Array [1, 0.6666…, 1]
 */
export function combineScores(frames: readonly ScoreFrame[], options: CombineOptions = {}): ScoreFrame {
  const method = options.method ?? COMBINE_DEFAULTS.method;
  const missing = options.missing ?? COMBINE_DEFAULTS.missing;
  if (method !== "sum" && method !== "max") throw new Error(`${MODULE}: unknown method '${String(method)}' (expected sum or max)`);
  if (missing !== "lowest" && missing !== "ignore") throw new Error(`${MODULE}: unknown missing '${String(missing)}' (expected lowest or ignore)`);
  if (frames.length === 0) throw new Error(`${MODULE}: no score frame to combine`);
  const first = frames[0]!;
  const nodes = first.nodes;
  const n = nodes.length;
  const S = frames.length;
  const total = new Float64Array(n);
  const avail = new Uint32Array(n);
  const best = new Float64Array(n).fill(-Infinity);
  for (const f of frames) {
    if (f.start !== first.start) throw new Error(`${MODULE}: frames of different intervals (${first.start} and ${f.start})`);
    if (f.scores.length !== f.nodes.length) throw new Error(`${MODULE}: frame ${f.start}: ${f.nodes.length} nodes but ${f.scores.length} scores`);
    const u = rankNormalise(f.scores);
    // Row of each output vertex in this frame (−1: absent); null when the rows coincide.
    let map: Int32Array | null = null;
    if (!sameNodes(f.nodes, nodes)) {
      const own = new Map<string, number>();
      f.nodes.forEach((name, i) => own.set(name, i));
      map = Int32Array.from(nodes, (name) => own.get(name) ?? -1);
    }
    for (let i = 0; i < n; i++) {
      const r = map === null ? i : map[i]!;
      const x = r < 0 ? NaN : u[r]!;
      if (Number.isNaN(x)) continue;
      total[i]! += x;
      avail[i]! += 1;
      if (x > best[i]!) best[i] = x;
    }
  }
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = avail[i]!;
    if (a === 0) scores[i] = NaN;
    else if (method === "max") scores[i] = missing === "lowest" && a < S ? Math.max(best[i]!, 0) : best[i]!;
    else scores[i] = missing === "lowest" ? total[i]! : (total[i]! * S) / a;
  }
  return { start: first.start, nodes, scores };
}

function sameNodes(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
