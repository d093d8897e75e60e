/**
 * Interval lengths: parsing `1h`, `30m`, `1d`, `90s`, `2h30m` (or the ISO form the
 * seed writes) into whole seconds, and formatting seconds the way pandas'
 * `Timedelta.isoformat()` does (`P0DT1H0M0S`), which names the seed's partition folders
 * (`partitions/P0DT1H0M0S/auth/...`).
 *
 * Source: pandas `Timedelta.isoformat` (pandas/_libs/tslibs/timedeltas.pyx): it writes
 * `P{days}DT{hours}H{minutes}M{seconds}S` from the timedelta's components, where days
 * may be negative and the other components are always non-negative (floor semantics).
 * Integer arithmetic only.
 */

const SECONDS_PER_UNIT: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

const SHORT_FORM = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const ISO_FORM = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Parses an interval length into whole seconds (> 0).
 *
 * Accepted: one or more `<integer><unit>` parts in the order d, h, m, s (`1h`, `30m`,
 * `1d`, `90s`, `2h30m`, `1d12h`), or the ISO 8601 form pandas writes (`P0DT1H0M0S`).
 *
 * @throws when the text matches neither form or the length is not positive.
 * @example
 * parseDuration("1h");          // 3600
 * parseDuration("2h30m");       // 9000
 * parseDuration("P1DT0H0M0S");  // 86400
 */
export function parseDuration(text: string): number {
  const s = text.trim();
  let seconds: number | undefined;
  const short = s.length > 0 ? SHORT_FORM.exec(s) : null;
  if (short) {
    seconds = 0;
    const units = ["d", "h", "m", "s"];
    for (let i = 0; i < 4; i++) {
      const part = short[i + 1];
      if (part !== undefined) seconds += Number(part) * SECONDS_PER_UNIT[units[i]!]!;
    }
  } else {
    const iso = s.length > 1 ? ISO_FORM.exec(s) : null;
    if (iso && s !== "P" && !s.endsWith("T")) {
      seconds =
        Number(iso[2] ?? 0) * 86_400 + Number(iso[3] ?? 0) * 3_600 + Number(iso[4] ?? 0) * 60 + Number(iso[5] ?? 0);
      if (iso[1] === "-") seconds = -seconds;
    }
  }
  if (seconds === undefined) {
    throw new Error(
      `telemetry-lab/time/duration: cannot parse duration '${text}'; expected e.g. '1h', '30m', '1d', '90s', '2h30m' or 'P0DT1H0M0S'`,
    );
  }
  if (!(seconds > 0) || !Number.isSafeInteger(seconds)) {
    throw new Error(`telemetry-lab/time/duration: duration '${text}' must be a positive number of seconds, got ${seconds}`);
  }
  return seconds;
}

/**
 * Formats whole seconds as pandas' `Timedelta.isoformat()` does.
 *
 * Negative lengths follow pandas' components: days are floored and the rest is
 * positive (`-3600` gives `P-1DT23H0M0S`).
 *
 * @throws when `seconds` is not an integer.
 * @example
 * isoDuration(3600);   // "P0DT1H0M0S"
 * isoDuration(86400);  // "P1DT0H0M0S"
 * isoDuration(1800);   // "P0DT0H30M0S"
 */
export function isoDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds)) {
    throw new Error(`telemetry-lab/time/duration: isoDuration needs an integer number of seconds, got ${seconds}`);
  }
  const days = Math.floor(seconds / 86_400);
  let rest = seconds - days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  return `P${days}DT${hours}H${minutes}M${secs}S`;
}
