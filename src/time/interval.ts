/**
 * Fixed-length time intervals in UTC, on integer seconds.
 *
 * The seed notebook (hamelin, "Anomaly detection of heterogeneous telemetry data using
 * graph embeddings") anchors LANL's relative times at `ORIGIN = 2015-01-01T00:00:00`
 * and assigns each event to `origin + floor((ts - origin) / interval) * interval`; its
 * partition files are named by `Timestamp.isoformat()` of that start
 * (`2015-01-01T05:00:00`). This module reproduces that arithmetic exactly, whatever
 * the machine's time zone: no local-time `Date` method is used, only `Date.UTC` and
 * `toISOString`, plus integer floor division that is correct for negative values.
 */

/** The seed's origin: LANL's t = 0 is taken as this instant (naive ISO, read as UTC). */
export const DEFAULT_ORIGIN = "2015-01-01T00:00:00";

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]00:?00)?$/;

/**
 * Parses an ISO 8601 date-time into seconds since the Unix epoch, reading a naive
 * value (no zone) as UTC. Accepts `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`,
 * `YYYY-MM-DDTHH:MM:SS`, an optional all-zero fraction, and a trailing `Z` or `+00:00`.
 *
 * @throws on anything else (other zones, fractional seconds, invalid calendar fields).
 * @example
 * parseIsoUtc("2015-01-01T00:00:00");  // 1420070400
 * parseIsoUtc("2015-01-01T05:00:00Z"); // 1420088400
 */
export function parseIsoUtc(iso: string): number {
  const m = ISO_PATTERN.exec(iso.trim());
  const fail = (why: string): never => {
    throw new Error(`telemetry-lab/time/interval: cannot parse '${iso}' as a UTC ISO date-time: ${why}`);
  };
  if (!m) return fail("expected YYYY-MM-DD[THH:MM[:SS]][Z]");
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (m[7] !== undefined && /[^0]/.test(m[7])) fail("fractional seconds are not supported");
  if (month < 1 || month > 12) fail(`month ${month} out of range`);
  if (hour > 23 || minute > 59 || second > 59) fail("time of day out of range");
  // Date.UTC maps years 0-99 to 1900-1999; set the full year explicitly.
  const check = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  check.setUTCFullYear(year, month - 1, day);
  // 2015-02-30 would roll over to March; reject instead.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) fail(`day ${day} out of range`);
  return check.getTime() / 1000;
}

/**
 * Formats seconds since the Unix epoch as pandas' `Timestamp.isoformat()` does for a
 * naive timestamp at whole seconds: `YYYY-MM-DDTHH:MM:SS`, no zone, no fraction.
 *
 * @example
 * formatIsoUtc(1420088400); // "2015-01-01T05:00:00"
 */
export function formatIsoUtc(epochSeconds: number): string {
  if (!Number.isSafeInteger(epochSeconds)) {
    throw new Error(`telemetry-lab/time/interval: formatIsoUtc needs integer seconds, got ${epochSeconds}`);
  }
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19);
}

/**
 * The start of the interval holding `t`: `origin + floor((t - origin) / interval) * interval`,
 * on integers, correct for `t < origin` (floor, not truncation).
 *
 * @example
 * intervalFloor(7199, 3600);     // 3600
 * intervalFloor(-1, 3600);       // -3600
 * intervalFloor(100, 60, 30);    // 90
 */
export function intervalFloor(t: number, interval: number, origin = 0): number {
  if (!(interval > 0) || !Number.isSafeInteger(interval)) {
    throw new Error(`telemetry-lab/time/interval: interval must be a positive integer of seconds, got ${interval}`);
  }
  const d = t - origin;
  const r = d % interval;
  return origin + d - (r < 0 ? r + interval : r);
}

/**
 * Index of the interval holding `t`, counted from the one starting at `origin` (0).
 *
 * @example
 * intervalIndex(7199, 3600); // 1
 * intervalIndex(-1, 3600);   // -1
 */
export function intervalIndex(t: number, interval: number, origin = 0): number {
  return (intervalFloor(t, interval, origin) - origin) / interval;
}

/**
 * ISO name of the interval holding a LANL time (seconds since the data set's origin),
 * as the seed names its partition files: `Timestamp.isoformat()` of the interval start.
 *
 * @example
 * intervalStartName(18_000, 3600);                         // "2015-01-01T05:00:00"
 * intervalStartName(21_599, 3600, "2015-01-01T00:00:00");  // "2015-01-01T05:00:00"
 */
export function intervalStartName(offsetSeconds: number, interval: number, originIso: string = DEFAULT_ORIGIN): string {
  return formatIsoUtc(parseIsoUtc(originIso) + intervalFloor(offsetSeconds, interval));
}

/**
 * Converts an ISO date-time into seconds since the data set's origin (a LANL time).
 *
 * @example
 * offsetFromOrigin("2015-01-09T21:00:00"); // 766800
 */
export function offsetFromOrigin(iso: string, originIso: string = DEFAULT_ORIGIN): number {
  return parseIsoUtc(iso) - parseIsoUtc(originIso);
}
