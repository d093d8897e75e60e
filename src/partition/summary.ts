/**
 * The summary of a partitioning: per stream, the lines read and where each went
 * (events per interval, rejects, out of range), written as `summary.json` next to the
 * partitions and printed as a table.
 *
 * Conservation holds per stream: lines = events + rejects + before + after.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { formatIsoUtc, parseIsoUtc } from "../time/interval.js";
import { readManifest, type StreamManifest } from "./manifest.js";

/** Summary of one stream. */
export interface StreamSummary {
  stream: string;
  /** Input files, relative to the data folder. */
  inputs: string[];
  /** Lines read. */
  lines: number;
  /** Lines written to partition files. */
  events: number;
  /** Lines written to the rejects file. */
  rejects: number;
  /** Valid lines before --start / at or after --end (not written). */
  before: number;
  after: number;
  /** Partition files (intervals with at least one event). */
  files: number;
  /** First and last interval with events (ISO start), or null. */
  first: string | null;
  last: string | null;
  /** Events per interval, by ISO start, in time order. */
  perInterval: Record<string, number>;
  /** Rejects file relative to the partitions folder, when there are rejects. */
  rejectsFile: string | null;
}

/** Summary of every partitioned stream under one `partitions/<interval>` folder. */
export interface PartitionSummary {
  /** Interval folder name, e.g. "P0DT1H0M0S". */
  interval: string;
  intervalSeconds: number;
  origin: string;
  streams: StreamSummary[];
  totals: { lines: number; events: number; rejects: number; before: number; after: number; files: number };
}

/**
 * Builds the summary of one stream from its manifest.
 *
 * @example
 * summarizeStream(manifest, 3600, "2015-01-01T00:00:00").perInterval;
 * // { "2015-01-01T00:00:00": 1200, "2015-01-01T01:00:00": 1130, ... }
 */
export function summarizeStream(m: StreamManifest, intervalSeconds: number, origin: string): StreamSummary {
  const originEpoch = parseIsoUtc(origin);
  const fp = JSON.parse(m.fingerprint) as { inputs: Array<[string, number, number]> };
  const perInterval: Record<string, number> = {};
  let events = 0;
  const indexes = Object.keys(m.files)
    .map(Number)
    .sort((a, b) => a - b);
  for (const i of indexes) {
    const n = m.files[String(i)]!.events;
    perInterval[formatIsoUtc(originEpoch + i * intervalSeconds)] = n;
    events += n;
  }
  const names = Object.keys(perInterval);
  return {
    stream: m.stream,
    inputs: fp.inputs.map((x) => x[0]),
    lines: m.lines,
    events,
    rejects: m.rejects.count,
    before: m.before,
    after: m.after,
    files: names.length,
    first: names[0] ?? null,
    last: names[names.length - 1] ?? null,
    perInterval,
    rejectsFile: m.rejects.count > 0 ? `rejects/${m.stream}.tsv` : null,
  };
}

const ORDER = ["auth", "proc", "flows", "dns", "redteam"];

/**
 * Summarizes every completed stream of a `partitions/<interval>` folder (from the
 * manifests in its `.state/`), so runs over different `--streams` add up.
 */
export function summarizeFolder(root: string, intervalSeconds: number, intervalIso: string): PartitionSummary {
  const streams: StreamSummary[] = [];
  let origin = "";
  let names: string[] = [];
  try {
    names = readdirSync(join(root, ".state")).filter((n) => n.endsWith(".json"));
  } catch {
    names = [];
  }
  for (const n of names) {
    const m = readManifest(join(root, ".state", n));
    if (!m || !m.complete) continue;
    const o = (JSON.parse(m.fingerprint) as { origin: string }).origin;
    origin ||= o;
    streams.push(summarizeStream(m, intervalSeconds, o));
  }
  streams.sort((a, b) => ORDER.indexOf(a.stream) - ORDER.indexOf(b.stream));
  const totals = { lines: 0, events: 0, rejects: 0, before: 0, after: 0, files: 0 };
  for (const s of streams) {
    totals.lines += s.lines;
    totals.events += s.events;
    totals.rejects += s.rejects;
    totals.before += s.before;
    totals.after += s.after;
    totals.files += s.files;
  }
  return { interval: intervalIso, intervalSeconds, origin, streams, totals };
}

/** Writes `summary.json` (atomically) into `root`; returns its path. */
export function writeSummary(root: string, summary: PartitionSummary): string {
  const path = join(root, "summary.json");
  writeFileAtomic(path, JSON.stringify(summary, null, 1) + "\n");
  return path;
}

/**
 * A plain-text table of the summary (one row per stream and a total).
 *
 * @example
 * formatSummary(summary);
 * // stream        lines       events  rejects  out-of-range  files  first ... last
 * // auth      1,234,567    1,234,560        7             0    120  2015-01-01T00:00:00 ...
 */
export function formatSummary(s: PartitionSummary): string {
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const rows = [["stream", "lines", "events", "rejects", "out-of-range", "files", "first interval", "last interval"]];
  for (const x of s.streams) {
    rows.push([x.stream, fmt(x.lines), fmt(x.events), fmt(x.rejects), fmt(x.before + x.after), fmt(x.files), x.first ?? "-", x.last ?? "-"]);
  }
  const t = s.totals;
  rows.push(["total", fmt(t.lines), fmt(t.events), fmt(t.rejects), fmt(t.before + t.after), fmt(t.files), "", ""]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 || c >= 6 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd())
    .join("\n");
}

/**
 * A plain-text table of events per interval (rows) and stream (columns), empty cells as 0.
 *
 * @example
 * formatIntervals(summary);
 * // interval               auth   proc  flows  dns
 * // 2015-01-01T00:00:00   7123   2890   1702  301
 */
export function formatIntervals(s: PartitionSummary): string {
  const names = [...new Set(s.streams.flatMap((x) => Object.keys(x.perInterval)))].sort();
  const rows = [["interval", ...s.streams.map((x) => x.stream)]];
  for (const n of names) rows.push([n, ...s.streams.map((x) => String(x.perInterval[n] ?? 0))]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")).join("\n");
}
