/**
 * Synthetic red-team campaign, modelled on LANL's real `redteam.txt` (749 labels; we
 * measured it, see `shared/datasets/lanl/README.md` and `shared/research/lanl-synthetic.md` §7):
 * a few attacker hosts (one with ~94% of the events), 18 active weekdays with per-day
 * counts 273, 209, 81, 35, 26, … and small probe days, active hours within working
 * hours (08–17 and 19–22), up to 55 events and 43 destinations per hour, campaign days
 * fanning out to mostly new destinations with tens of compromised accounts, a few
 * local-account logons (`U8777@C583` on C583), duplicate lines and retry bursts.
 *
 * Every label is also an auth line `user,user,src,dst,NTLM,Network,LogOn,Success` at the
 * same second; follow-on activity (LogOff on the target, SMB flows, a process on the
 * target) is written unlabelled, as in LANL where only compromise events are labelled.
 */
import { Prng, distinctInts, pick } from "../../random/distributions.js";
import { isWeekend, type ResolvedOptions } from "./calendar.js";
import type { World } from "./entities.js";

/** Where the campaign days fall. */
export type RedteamCalendar = "late" | "lanl" | "none";

/** One label (also one auth line). */
export interface SynthLabel {
  readonly time: number;
  readonly user: string;
  readonly src: string;
  readonly dst: string;
  /** Computer index of the destination (for follow-on events). */
  readonly dstIndex: number;
}

/** A whole campaign: modelled from a calendar, or read from a red-team file ("file", see `redteam-file.ts`). */
export interface RedteamScenario {
  readonly calendar: RedteamCalendar | "file";
  /** Computer indices of the attacker hosts, main one first. */
  readonly attackers: readonly number[];
  /** (day, labels) for every active day. */
  readonly schedule: readonly { day: number; events: number }[];
  /** Labels within the generated days, sorted by time, then by line (duplicates adjacent; a file's labels keep its order within a second). */
  readonly labels: readonly SynthLabel[];
  /**
   * Labels by absolute hour index. A file's labels outside the generated days are kept here
   * too: warm-up hours before a window then write the same follow-on lines as a longer data set.
   */
  readonly byHour: ReadonlyMap<number, readonly SynthLabel[]>;
}

/** Real per-day label counts as a campaign narrative: probe, two big days, follow-ups, tail. */
export const CAMPAIGN_DAY_COUNTS: readonly number[] = Object.freeze([
  21, 273, 209, 81, 35, 26, 26, 16, 15, 15, 10, 9, 4, 3, 3, 1, 1, 1,
]);

/** Real active days (0-based) with their label counts. */
export const LANL_DAY_COUNTS: ReadonlyMap<number, number> = new Map([
  [1, 10], [2, 15], [5, 21], [6, 3], [7, 1], [8, 273], [9, 15], [12, 209], [13, 81], [14, 35], [15, 26],
  [20, 1], [21, 4], [22, 1], [26, 26], [27, 9], [28, 3], [29, 16],
]);

/** Working hours where the real labels fall (t = 0 taken as midnight). */
const ATTACK_HOURS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22];
const ATTACK_HOUR_WEIGHTS = [1, 1, 1.5, 1.5, 1, 2, 2, 2, 1.5, 1, 1.5, 2, 2.5, 1.5];

/**
 * The campaign days: "late" puts them on the last 40% of the span's weekdays (the
 * first 60% stay attack-free for training); "lanl" uses the real days and counts.
 *
 * @example
 * campaignSchedule(resolveOptions({}), "late");
 * // [{ day: 6, events: 21 }, { day: 7, events: 273 }, { day: 8, events: 209 }, { day: 9, events: 81 }]
 */
export function campaignSchedule(options: ResolvedOptions, calendar: RedteamCalendar): { day: number; events: number }[] {
  const f = options.attackScale;
  return rawSchedule(options, calendar).map(({ day, events }) => ({ day, events: Math.max(1, Math.round(events * f)) }));
}

function rawSchedule(options: ResolvedOptions, calendar: RedteamCalendar): { day: number; events: number }[] {
  const first = options.startDay;
  const last = options.startDay + options.days - 1;
  if (calendar === "none") return [];
  if (calendar === "lanl") {
    return [...LANL_DAY_COUNTS].filter(([d]) => d >= first && d <= last).map(([day, events]) => ({ day, events }));
  }
  const k = Math.max(1, Math.round(options.days * 0.4));
  const firstAttack = last - k + 1;
  const weekdays: number[] = [];
  for (let d = firstAttack; d <= last; d++) if (!isWeekend(d)) weekdays.push(d);
  if (weekdays.length === 0) weekdays.push(last);
  const n = Math.min(weekdays.length, CAMPAIGN_DAY_COUNTS.length);
  // Spread the narrative over the available weekdays (quiet days in between if many).
  const out: { day: number; events: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = n === 1 ? 0 : Math.round((i * (weekdays.length - 1)) / (n - 1));
    out.push({ day: weekdays[at]!, events: CAMPAIGN_DAY_COUNTS[i]! });
  }
  return out;
}

/**
 * Builds the campaign deterministically from the seed.
 *
 * @example
 * const s = buildScenario(world, resolveOptions({}), "late");
 * s.labels.length; // ≈ 600
 */
export function buildScenario(world: World, options: ResolvedOptions, calendar: RedteamCalendar = "late"): RedteamScenario {
  const rng = new Prng(options.seed, 0x7ed7ea);
  const schedule = campaignSchedule(options, calendar);
  const c = world.computers;
  // Attacker hosts: ordinary workstations (they keep their normal history).
  const attackers = distinctInts(rng, world.workstations.length, 3).map((i) => world.workstations[i]!);
  // Compromised accounts: DOM1 humans, harvested progressively.
  const candidates = world.users.filter((u) => u.name.endsWith("@DOM1") && !u.admin);
  const poolSize = Math.min(104, Math.max(8, Math.floor(candidates.length / 2)));
  const pool = distinctInts(rng, candidates.length, poolSize).map((i) => candidates[i]!);
  const attacked = new Set<number>();
  const attackedList: number[] = [];
  const labels: SynthLabel[] = [];
  schedule.forEach(({ day, events }, index) => {
    const pNew = index === 0 ? 1 : index === 1 ? 0.97 : index === 2 ? 0.7 : index === 3 ? 0.45 : 0.1;
    const nUsers = Math.min(pool.length, Math.ceil(events / 6) + 1);
    const harvested = Math.min(pool.length, Math.ceil(((index + 2) / (schedule.length + 1)) * pool.length));
    const users = distinctInts(rng, harvested, Math.min(nUsers, harvested)).map((i) => pool[i]!);
    const nHours = Math.min(11, Math.max(1, Math.ceil(events / 25)));
    const hourIdx = pickWeighted(rng, ATTACK_HOUR_WEIGHTS, nHours).sort((a, b) => a - b);
    const perHour = split(rng, events, nHours, 55);
    hourIdx.forEach((hi, k) => {
      const hourStart = day * 86_400 + ATTACK_HOURS[hi]! * 3_600;
      let t = hourStart + rng.int(600);
      const budget = perHour[k]!;
      for (let e = 0; e < budget; ) {
        // The main attacker does almost everything; the others appear on some days.
        const r = rng.float();
        const src = index === 1 || index === 2 ? (r < 0.1 ? attackers[1]! : attackers[0]!) : r < 0.06 ? attackers[2]! : attackers[0]!;
        let dst: number;
        if (attackedList.length === 0 || rng.float() < pNew) {
          do dst = rng.int(c.length);
          while (attackers.includes(dst) || (attacked.has(dst) && attacked.size < c.length - 4));
        } else dst = pick(rng, attackedList);
        if (!attacked.has(dst)) {
          attacked.add(dst);
          attackedList.push(dst);
        }
        const who = pick(rng, users);
        const user = rng.float() < 0.036 ? `${who.id}@${c[dst]}` : who.name;
        const tt = Math.min(t, hourStart + 3_599);
        const label = { time: Math.max(1, tt), user, src: c[src]!, dst: c[dst]!, dstIndex: dst };
        const keep = (l: SynthLabel): void => {
          if (l.time >= options.t0 && l.time < options.tEnd && l.time >= 1) labels.push(l);
          e++;
        };
        keep(label);
        const r2 = rng.float();
        if (r2 < 0.03) {
          // exact duplicate line(s) at the same second
          for (let d = 1 + rng.int(2); d > 0 && e < budget; d--) keep(label);
        } else if (r2 < 0.04) {
          // retry burst: the same logon repeated every 10–30 s
          let tb = tt;
          for (let d = 2 + rng.int(8); d > 0 && e < budget; d--) {
            tb += 10 + rng.int(21);
            if (tb < hourStart + 3_600) keep({ ...label, time: tb });
          }
        }
        t += 5 + rng.int(Math.max(10, Math.floor(3_000 / Math.max(1, perHour[k]!))));
      }
    });
  });
  labels.sort((a, b) => a.time - b.time || cmp(labelLine(a), labelLine(b)));
  const byHour = new Map<number, SynthLabel[]>();
  for (const l of labels) {
    const h = Math.floor(l.time / 3_600);
    const list = byHour.get(h);
    if (list) list.push(l);
    else byHour.set(h, [l]);
  }
  return { calendar, attackers, schedule, labels, byHour };
}

/** The label as written to `redteam.txt`, without the newline. */
export function labelLine(l: SynthLabel): string {
  return `${l.time},${l.user},${l.src},${l.dst}`;
}

/** The auth line (without time) every label corresponds to. */
export function labelAuthLine(l: SynthLabel): string {
  return `${l.user},${l.user},${l.src},${l.dst},NTLM,Network,LogOn,Success`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `k` distinct indices drawn with probability ∝ weight. */
function pickWeighted(rng: Prng, weights: readonly number[], k: number): number[] {
  const w = [...weights];
  const out: number[] = [];
  for (let n = 0; n < Math.min(k, w.length); n++) {
    const total = w.reduce((a, b) => a + b, 0);
    let u = rng.float() * total;
    let i = 0;
    while (i < w.length - 1 && u >= w[i]!) u -= w[i++]!;
    out.push(i);
    w[i] = 0;
  }
  return out;
}

/** Splits `total` into `parts` random positive shares, each at most `cap` when possible. */
function split(rng: Prng, total: number, parts: number, cap: number): number[] {
  const w = Array.from({ length: parts }, () => Math.exp(0.8 * rng.normal()));
  const s = w.reduce((a, b) => a + b, 0);
  const out = w.map((x) => Math.min(cap, Math.max(1, Math.floor((x / s) * total))));
  let diff = total - out.reduce((a, b) => a + b, 0);
  for (let i = 0; diff !== 0 && i < 10 * total + 10; i++) {
    const j = i % parts;
    if (diff > 0 && out[j]! < cap) {
      out[j]!++;
      diff--;
    } else if (diff < 0 && out[j]! > 1) {
      out[j]!--;
      diff++;
    }
  }
  return out;
}
