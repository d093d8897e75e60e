/**
 * What an analyst sees: the top alerts of a span (the highest-scoring entity vertices of
 * each interval, as an alert budget ranks them), each with the label it carries and the
 * events behind it (the auth lines of the interval in which the alerted artifact appears).
 *
 * Source: the alert-budget view of `../shared/research/lanl-method.md` §1e (recall at k
 * alerts per day); the events come from the partitions (`src/partition/`).
 */
import { existsSync } from "node:fs";
import type { ScoreFrame } from "../dynamics/frame.js";
import { readLineBatches } from "../lanl/reader.js";
import { entityCandidates, type GroundTruth } from "./labels.js";

const MODULE = "telemetry-lab/evaluation/alerts";

/** One alert: an entity vertex in an interval, with its score and label. */
export interface Alert {
  start: string;
  vertex: string;
  score: number;
  /** 1 when the vertex is an artifact of a red-team event of the interval. */
  label: number;
}

/**
 * The `k` highest-scoring entity vertices over the frames (ties in frame order, then name
 * order); NaN scores never alert.
 *
 * @example
 * topAlerts(gt, framesOfOneDay, 20)[0]; // { start: "2015-01-08T14:00:00", vertex: "computer_source::C2061", score: 1.98, label: 1 }
 */
export async function topAlerts(gt: GroundTruth, frames: Iterable<ScoreFrame> | AsyncIterable<ScoreFrame>, k: number): Promise<Alert[]> {
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`${MODULE}: k must be a positive integer, got ${k}`);
  const all: Alert[] = [];
  for await (const f of frames) {
    const c = entityCandidates(gt, f.start, f.nodes, "all");
    for (let i = 0; i < c.rows.length; i++) {
      const s = f.scores[c.rows[i]!]!;
      if (!Number.isNaN(s)) all.push({ start: f.start, vertex: f.nodes[c.rows[i]!]!, score: s, label: c.labels[i]! });
    }
  }
  return all.sort((a, b) => b.score - a.score || (a.start < b.start ? -1 : a.start > b.start ? 1 : a.vertex < b.vertex ? -1 : 1)).slice(0, k);
}

/**
 * The lines of a partition file in which the value of `vertex` (`field::value`) appears as a
 * whole comma-separated field, at most `limit` of them, with the number found.
 *
 * @example
 * await eventsBehind("data/lanl/partitions/P0DT1H0M0S/auth/2015-01-08T14:00:00.txt.gz", "computer_source::C2061", 3);
 * // { lines: ["...,C2061,C1003,NTLM,Network,LogOn,Success", ...], count: 57 }
 */
export async function eventsBehind(path: string, vertex: string, limit: number): Promise<{ lines: string[]; count: number }> {
  if (!existsSync(path)) return { lines: [], count: 0 };
  const at = vertex.indexOf("::");
  if (at < 0) throw new Error(`${MODULE}: '${vertex}' is not a field::value vertex name`);
  const value = vertex.slice(at + 2);
  const lines: string[] = [];
  let count = 0;
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.count; i++) {
      const line = b.buf.toString("latin1", b.starts[i], b.ends[i]);
      if (!line.split(",").slice(1).includes(value)) continue;
      count++;
      if (lines.length < limit) lines.push(line);
    }
  }
  return { lines, count };
}
