/**
 * Wall-clock time in a named time zone, and Python naive `datetime` text.
 *
 * The Python peak analyzer turns each record's epoch-milliseconds timestamp into a NAIVE local
 * datetime (`datetime.fromtimestamp`) and compares it with naive midnights, so its days are cut
 * in the machine's zone (spec §2). Here the zone is explicit (`--tz`, default UTC): a naive
 * datetime is represented as "wall milliseconds", the epoch milliseconds of the same
 * wall-clock reading taken in UTC, and the zone offset comes from `Intl.DateTimeFormat`
 * (IANA tz database). No local-time `Date` API is used.
 */

const DAY_MS = 86_400_000;
const BUCKET_MS = 900_000; // zone transitions fall on quarter hours

/** Options of {@link WallClock}. */
export interface WallClockOptions {
  /** IANA zone name (`"UTC"`, `"Europe/Rome"`, `"America/New_York"`). Default `"UTC"`. */
  zone?: string;
}

/** Default options of {@link WallClock}. */
export const DEFAULTS: Required<WallClockOptions> = { zone: "UTC" };

/**
 * Checks that `zone` is an IANA zone name known to this Node build; returns its canonical form.
 * @throws when the zone is unknown.
 */
export function validateZone(zone: string): string {
  if (zone === "UTC") return zone; // the default: no need to load the time zone database
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`telemetry-lab/peaks/wallclock: unknown time zone '${zone}'`);
  }
}

/**
 * Converts instants to wall-clock milliseconds in one zone (cached per quarter hour).
 *
 * @example
 * const rome = new WallClock({ zone: "Europe/Rome" });
 * formatNaive(rome.wall(Date.UTC(2021, 8, 1, 22, 30))); // "2021-09-02 00:30:00"
 */
export class WallClock {
  readonly zone: string;
  private readonly utc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();
  /** The last bucket looked up and its offset (records come mostly in time order). */
  private lastBucket = NaN;
  private lastOffset = 0;

  constructor(options: WallClockOptions = {}) {
    const zone = validateZone(options.zone ?? DEFAULTS.zone);
    this.zone = zone;
    this.utc = zone === "UTC" || zone === "Etc/UTC" || zone === "Etc/GMT" || zone === "GMT";
    this.format = this.utc
      ? undefined
      : new Intl.DateTimeFormat("en-US", {
          timeZone: zone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        });
  }

  /** Offset of the zone from UTC at instant `epochMs`, in milliseconds. */
  offset(epochMs: number): number {
    if (this.utc) return 0;
    const bucket = Math.floor(epochMs / BUCKET_MS);
    if (bucket === this.lastBucket) return this.lastOffset;
    let off = this.cache.get(bucket);
    if (off === undefined) {
      off = this.zoneOffset(bucket);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(bucket, off);
    }
    this.lastBucket = bucket;
    this.lastOffset = off;
    return off;
  }

  /** Offset at the start of a quarter-hour bucket, from the tz database. */
  private zoneOffset(bucket: number): number {
    const at = bucket * BUCKET_MS;
    const parts = (this.format as Intl.DateTimeFormat).formatToParts(new Date(at));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    let year = get("year");
    if (parts.find((p) => p.type === "era")?.value === "BC") year = 1 - year;
    const wall = Date.UTC(year, get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return wall - at;
  }

  /** Wall-clock milliseconds of instant `epochMs` (Python `datetime.fromtimestamp`). */
  wall(epochMs: number): number {
    return epochMs + this.offset(epochMs);
  }
}

/** Day number (days since 1970-01-01) of a wall-clock time. */
export function wallDay(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}

/** Wall milliseconds of midnight of a day number. */
export function dayStart(day: number): number {
  return day * DAY_MS;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Python `str(datetime)` of a naive datetime held as wall milliseconds: `YYYY-MM-DD HH:MM:SS`,
 * plus `.ffffff` only when the microseconds are not zero.
 *
 * @example
 * formatNaive(Date.UTC(2021, 8, 1));           // "2021-09-01 00:00:00"
 * formatNaive(Date.UTC(2021, 8, 1, 10, 0, 0, 5)); // "2021-09-01 10:00:00.005000"
 */
export function formatNaive(wallMs: number): string {
  const d = new Date(Math.floor(wallMs));
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const micros = Math.round((wallMs - Math.floor(wallMs / 1000) * 1000) * 1000);
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`;
}

/** `YYYY-MM-DD` of a wall-clock time. */
export function formatDate(wallMs: number): string {
  return formatNaive(wallMs).slice(0, 10);
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, m, 0)).getUTCDate(); // leap-year-independent month length
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const len = m === 2 ? (leap ? 29 : 28) : days;
  return d <= len;
}

function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  return t.getTime();
}

const Y = "(\\d{4})";
const M = "(1[0-2]|0[1-9]|[1-9])";
const D = "(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])";
const H = "(2[0-3]|[0-1]\\d|\\d)";
const MS = "([0-5]\\d|\\d)";
const DATE_RE = new RegExp(`^${Y}-${M}-${D}$`);
const DATETIME_RE = new RegExp(`^${Y}-${M}-${D} ${H}:${MS}:(6[0-1]|[0-5]\\d|\\d)$`);

/**
 * Python `datetime.strptime(text, "%Y-%m-%d")` as wall milliseconds of that midnight, or
 * `undefined` when Python would raise ValueError (unpadded `2021-9-1` is accepted, as in Python).
 *
 * @example
 * parseDate("2021-9-1") === Date.UTC(2021, 8, 1); // true
 * parseDate("2021-13-01");                        // undefined
 */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  return utcMs(y, mo, d);
}

/**
 * Python `datetime.strptime(text, "%Y-%m-%d %H:%M:%S")` as wall milliseconds, or `undefined`.
 *
 * @example
 * formatNaive(parseNaiveDateTime("2021-09-01 10:00:00")!); // "2021-09-01 10:00:00"
 */
export function parseNaiveDateTime(text: string): number | undefined {
  const m = DATETIME_RE.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validDate(y, mo, d) || s > 59) return undefined;
  return utcMs(y, mo, d, h, mi, s);
}

/**
 * Parses an ISO-8601 instant (`2021-09-02T10:00:00Z`, `2021-09-02T12:00:00+02:00`,
 * `2021-09-02`); a reading without a zone designator is taken as UTC.
 *
 * @example
 * parseInstant("2021-09-02T10:00:00Z") === Date.UTC(2021, 8, 2, 10); // true
 */
export function parseInstant(text: string): number {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(t);
  if (m === null) throw new Error(`telemetry-lab/peaks/wallclock: not an ISO-8601 instant: '${text}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) throw new Error(`telemetry-lab/peaks/wallclock: not a valid date: '${text}'`);
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || s > 59) throw new Error(`telemetry-lab/peaks/wallclock: not a valid time: '${text}'`);
  const frac = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  let ms = utcMs(y, mo, d, h, mi, s) + frac;
  const z = m[8];
  if (z !== undefined && z.toUpperCase() !== "Z") {
    const digits = z.replace(":", "");
    const sign = digits[0] === "-" ? -1 : 1;
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5) || "0");
    ms -= sign * (oh * 3_600_000 + om * 60_000);
  }
  return ms;
}

/** Milliseconds in a day. */
export const DAY = DAY_MS;
