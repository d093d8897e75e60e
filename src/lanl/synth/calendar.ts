/**
 * Calendar and volumes of the synthetic LANL data set: the generator's options, the
 * real per-day volumes they scale, weekends, and the diurnal rate model.
 *
 * Sources (`shared/research/lanl-synthetic.md` §1): LANL cyber1 holds 1,051,430,459 auth
 * events over 58 days, 426,045,096 proc (58 days), 129,977,412 flows (29 days present)
 * and 40,821,591 dns (56 days); weekend days (0-based) are 3, 4, 10, 11, …, plus day 47.
 * Diurnal model [assumption in that note]: λ(h) ∝ 1 + a·cos(2π(h − 14)/24), strongly
 * diurnal for humans (a ≈ 0.6), flatter for machine accounts (a ≈ 0.2).
 * t = 0 is taken as midnight, so hour-of-day = floor(t / 3600) mod 24.
 */

/** The event streams the generator writes (plus `redteam.txt.gz`). */
export type SynthStream = "auth" | "proc" | "flows" | "dns";

/** All generated event streams, in output order. */
export const SYNTH_STREAMS: readonly SynthStream[] = Object.freeze(["auth", "proc", "flows", "dns"]);

/** Options of the generator. */
export interface SynthOptions {
  /** Days to generate. Default 10. */
  days?: number;
  /**
   * Volume as a fraction of real LANL per-day volumes (1 = about 31 M events per day,
   * as in LANL cyber1). Entity populations scale with √scale. Default 0.01.
   */
  scale?: number;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /** First day's 0-based index (times start at startDay · 86400). Default 0. */
  startDay?: number;
  /**
   * Multiplies the red-team label counts of every campaign day (at least 1 per day).
   * Default 1: real per-day counts (up to 55 labels per hour), whatever the scale.
   */
  attackScale?: number;
  /**
   * Order the lines within each second by bytes, as LANL's files are (default false:
   * generation order, which is about 25% faster; both are sorted by time).
   */
  byteOrder?: boolean;
  /**
   * Days a stream is missing, as in LANL cyber1 (`"lanl"`: no flows on days 24–25,
   * 30–35 and 37–57; the same lines as `"none"` on the other days), or none.
   * LANL's two missing dns days are not documented, so dns is always complete.
   * Default "lanl".
   */
  gaps?: "lanl" | "none";
}

/** Defaults of {@link SynthOptions}: the default data set of `make notebooks`. */
export const DEFAULTS: Readonly<Required<SynthOptions>> = Object.freeze({
  days: 10,
  scale: 0.01,
  seed: 1,
  startDay: 0,
  attackScale: 1,
  byteOrder: false,
  gaps: "lanl",
});

/** Days (0-based, inclusive ranges) on which LANL cyber1 has no events of a stream. */
export const LANL_ABSENT_DAYS: Readonly<Partial<Record<SynthStream, readonly (readonly [number, number])[]>>> = Object.freeze({
  flows: Object.freeze([
    [24, 25],
    [30, 35],
    [37, 57],
  ] as const),
});

/**
 * Whether `stream` has events on `day` (0-based) under the `gaps` option.
 *
 * @example
 * streamPresent("flows", 24, "lanl"); // false
 * streamPresent("flows", 24, "none"); // true
 * streamPresent("auth", 24, "lanl"); // true
 */
export function streamPresent(stream: SynthStream, day: number, gaps: "lanl" | "none"): boolean {
  if (gaps === "none") return true;
  for (const [a, b] of LANL_ABSENT_DAYS[stream] ?? []) if (day >= a && day <= b) return false;
  return true;
}

/** Real LANL per-day volumes (events per day on days where the stream is present). */
export const REAL_PER_DAY: Readonly<Record<SynthStream, number>> = Object.freeze({
  auth: 1_051_430_459 / 58,
  proc: 426_045_096 / 58,
  flows: 129_977_412 / 29,
  dns: 40_821_591 / 56,
});

/** Real LANL population sizes. */
export const REAL_POPULATION = Object.freeze({ users: 12_425, computers: 17_684, processes: 62_974 });

/** Options after validation, with derived sizes. */
export interface ResolvedOptions extends Required<SynthOptions> {
  /** First hour index (absolute, from t = 0) and number of hours. */
  readonly firstHour: number;
  readonly hours: number;
  /** First second and end (exclusive) of the generated span. */
  readonly t0: number;
  readonly tEnd: number;
  /** Population scale factor, √scale capped at 1. */
  readonly populationFactor: number;
}

/**
 * Validates options and fills defaults.
 *
 * @throws when days, scale, seed or startDay are out of range.
 * @example
 * resolveOptions({}).hours; // 240
 */
export function resolveOptions(options: SynthOptions = {}): ResolvedOptions {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const fail = (what: string): never => {
    throw new Error(`telemetry-lab/lanl/synth: ${what}`);
  };
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > 366) fail(`--days must be an integer in 1..366, got ${o.days}`);
  if (!(o.scale > 0) || o.scale > 4) fail(`--scale must be in (0, 4], got ${o.scale}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) fail(`--seed must be an integer in 0..2^32-1, got ${o.seed}`);
  if (!Number.isInteger(o.startDay) || o.startDay < 0 || o.startDay > 10_000) fail(`--start-day must be an integer >= 0, got ${o.startDay}`);
  if (!(o.attackScale > 0) || o.attackScale > 10) fail(`--attack-scale must be in (0, 10], got ${o.attackScale}`);
  if (o.gaps !== "lanl" && o.gaps !== "none") fail(`--gaps must be lanl or none, got '${String(o.gaps)}'`);
  return {
    ...o,
    firstHour: o.startDay * 24,
    hours: o.days * 24,
    t0: o.startDay * 86_400,
    tEnd: (o.startDay + o.days) * 86_400,
    populationFactor: Math.min(1, Math.sqrt(o.scale)),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * True on LANL's weekend days (0-based day index; day 47 was an extra holiday).
 *
 * @example
 * isWeekend(3); // true
 * isWeekend(8); // false
 */
export function isWeekend(day: number): boolean {
  const r = day % 7;
  return r === 3 || r === 4 || day === 47;
}

/**
 * Diurnal factor (mean 1 over a day) for an hour of day, with amplitude `a`:
 * `1 + a·cos(2π(h + ½ − 14)/24)`, peaking at 14:00.
 *
 * @example
 * diurnal(14, 0.6) / diurnal(2, 0.6); // ≈ 4
 */
export function diurnal(hourOfDay: number, a: number): number {
  return 1 + a * Math.cos((2 * Math.PI * (hourOfDay + 0.5 - 14)) / 24);
}

/** Weekly mean of a weekday/weekend factor (5 weekdays at 1, 2 weekend days at `weekend`). */
export function weeklyMean(weekend: number): number {
  return (5 + 2 * weekend) / 7;
}

/**
 * Expected events per day for a stream at a scale (real per-day volume × scale).
 *
 * @example
 * Math.round(expectedPerDay("auth", 0.01)); // 181281
 */
export function expectedPerDay(stream: SynthStream, scale: number): number {
  return REAL_PER_DAY[stream] * scale;
}
