/**
 * LANL red-team labels: `redteam.txt(.gz)`, lines `time,user@domain,src computer,dst computer`.
 *
 * Format from LANL's data description; the per-day and per-hour counts reproduce the
 * seed notebook's `plot_attacks` (label counts grouped by interval start and reindexed
 * over the whole time frame, empty intervals counted as 0).
 */
import { readLineBatches } from "./reader.js";
import { createLineFields, lineTime, rejectReason, splitFields } from "./parse.js";
import { SCHEMAS } from "./schema.js";
import { intervalFloor } from "../time/interval.js";

/** One red-team label. */
export interface RedteamEvent {
  /** Seconds since the data set's origin. */
  readonly time: number;
  /** `user@domain`, matched to auth's source user. */
  readonly user: string;
  /** Source computer (the attacker's host). */
  readonly src: string;
  /** Destination computer. */
  readonly dst: string;
}

/**
 * Parses red-team label text (no header). Blank lines are skipped; any other malformed
 * line throws with its line number.
 *
 * @example
 * parseRedteam("150885,U620@DOM1,C17693,C1003\n");
 * // [{ time: 150885, user: "U620@DOM1", src: "C17693", dst: "C1003" }]
 */
export function parseRedteam(text: string | Buffer, source = "redteam"): RedteamEvent[] {
  const buf = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  const out: RedteamEvent[] = [];
  const fields = createLineFields(4);
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    lineNo++;
    pushLine(buf, start, end, fields, out, source, lineNo);
    start = end + 1;
  }
  return out;
}

function pushLine(
  buf: Buffer,
  start: number,
  end: number,
  fields: ReturnType<typeof createLineFields>,
  out: RedteamEvent[],
  source: string,
  lineNo: number,
): void {
  const count = SCHEMAS.redteam.fieldCount;
  const time = lineTime(buf, start, end, count);
  if (time < 0) {
    if (end - start === 0 || (end - start === 1 && buf[start] === 13)) return;
    throw new Error(`telemetry-lab/lanl/redteam: ${source}: line ${lineNo}: ${rejectReason(buf, start, end, count)}`);
  }
  splitFields(buf, start, end, fields);
  out.push({
    time,
    user: buf.toString("latin1", fields.starts[1], fields.ends[1]),
    src: buf.toString("latin1", fields.starts[2], fields.ends[2]),
    dst: buf.toString("latin1", fields.starts[3], fields.ends[3]),
  });
}

/**
 * Reads a red-team label file, gzip or plain.
 *
 * @example
 * (await readRedteam("data/lanl/raw/redteam.txt.gz")).length; // 749 on the real file
 */
export async function readRedteam(path: string): Promise<RedteamEvent[]> {
  const out: RedteamEvent[] = [];
  const fields = createLineFields(4);
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.count; i++) pushLine(b.buf, b.starts[i]!, b.ends[i]!, fields, out, path, b.firstLine + i);
  }
  return out;
}

/** Counts per interval, dense from `from` (inclusive) to `to` (exclusive). */
export interface IntervalCounts {
  /** Interval length in seconds. */
  readonly interval: number;
  /** Start of each interval, seconds since the origin. */
  readonly starts: number[];
  /** Labels in each interval. */
  readonly counts: number[];
}

/** Options of {@link countPerInterval}. */
export interface CountPerIntervalOptions {
  /** First interval's start (seconds since origin). Default: the floor of the first label. */
  from?: number;
  /** End of the covered span (exclusive). Default: the end of the last label's interval. */
  to?: number;
}

/**
 * Labels per interval over a span, empty intervals included (the seed's `plot_attacks`).
 * Labels outside `[from, to)` are ignored.
 *
 * @example
 * countPerInterval([{ time: 10, ... }, { time: 90_000, ... }], 86_400, { from: 0, to: 3 * 86_400 });
 * // { interval: 86400, starts: [0, 86400, 172800], counts: [1, 1, 0] }
 */
export function countPerInterval(
  events: readonly { readonly time: number }[],
  interval: number,
  options: CountPerIntervalOptions = {},
): IntervalCounts {
  if (!(interval > 0) || !Number.isInteger(interval)) {
    throw new Error(`telemetry-lab/lanl/redteam: interval must be a positive integer of seconds, got ${interval}`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of events) {
    if (e.time < lo) lo = e.time;
    if (e.time > hi) hi = e.time;
  }
  const from = options.from ?? (events.length ? intervalFloor(lo, interval) : 0);
  const to = options.to ?? (events.length ? intervalFloor(hi, interval) + interval : from);
  if (to < from) throw new Error(`telemetry-lab/lanl/redteam: 'to' (${to}) is before 'from' (${from})`);
  const n = Math.ceil((to - from) / interval);
  const counts = new Array<number>(n).fill(0);
  const starts = Array.from({ length: n }, (_, i) => from + i * interval);
  for (const e of events) {
    if (e.time < from || e.time >= to) continue;
    counts[Math.floor((e.time - from) / interval)]! += 1;
  }
  return { interval, starts, counts };
}

/**
 * Labels per day (86,400 s from the origin), `days` days from day 0.
 *
 * @example
 * countPerDay(realLabels, 58).counts[8]; // 273
 */
export function countPerDay(events: readonly { readonly time: number }[], days?: number): IntervalCounts {
  return countPerInterval(events, 86_400, days === undefined ? { from: 0 } : { from: 0, to: days * 86_400 });
}

/**
 * Labels per hour from the origin, `hours` hours from hour 0.
 *
 * @example
 * countPerHour(realLabels).counts[213]; // 55
 */
export function countPerHour(events: readonly { readonly time: number }[], hours?: number): IntervalCounts {
  return countPerInterval(events, 3_600, hours === undefined ? { from: 0 } : { from: 0, to: hours * 3_600 });
}
