/**
 * The four event streams, generated hour by hour: auth (sessions of humans, machine
 * accounts and system principals, plus the red-team logons), proc, flows and dns.
 *
 * Each (stream, hour) draws from its own random stream `Prng(seed, stream, hour)` and
 * the per-day user activity is a hash of (seed, user, day), so any range of hours can
 * be generated independently (in parallel workers) and the concatenation is identical
 * to a sequential run: a range starts {@link WARMUP_HOURS} early, without writing, to
 * pick up sessions begun before it (also before `--start-day`, so a window of days is
 * line for line the same days of a longer data set, red-team aside when its calendar
 * depends on the window).
 *
 * Field distributions (`shared/research/lanl-synthetic.md` §4–6): proc Start 78.8% /
 * End 21.2%, machine accounts on their own host first, Zipf processes (α 1.2); flows
 * protocol 6/17/1 = 89.7/7.8/2.6%, well-known ports 445, 389, 80, 88, 137, … with the
 * service port on either side, durations 0 s 64.8%, 60 s 5.1%, 1 s 2.9%, 10–15 s 8%,
 * packets 1 36.5%, 2–9 43%, heavy tail, bytes 46 B for 22%, bytes ≈ packets × lognormal;
 * dns: each source resolves a small stable set of names, servers dominate.
 */
import { Prng, WeightedTable, hash32 } from "../../random/distributions.js";
import { diurnal, expectedPerDay, isWeekend, weeklyMean, type ResolvedOptions, type SynthStream } from "./calendar.js";
import { awayShare, buildWorld, type World } from "./entities.js";
import {
  HUMAN_SHARE,
  HUMAN_TEMPLATES,
  MACHINE_TEMPLATES,
  MAX_SESSION_SECONDS,
  emitHumanUnit,
  emitMachineUnit,
  humanMixes,
  meanLines,
} from "./sessions.js";
import { buildScenario, type RedteamCalendar, type RedteamScenario } from "./redteam.js";
import { fileScenario, placeRedteamEntities, type RedteamSource } from "./redteam-file.js";
import { LineRing, num, type Sink8 } from "./ring.js";
import { AuthWriter, buildVocabulary, intField, localAt, type Vocabulary } from "./vocabulary.js";
import { SCHEMAS } from "../schema.js";

/** Hours generated (and discarded) before a range so that sessions crossing its start are complete. */
export const WARMUP_HOURS = Math.ceil(MAX_SESSION_SECONDS / 3600);

const STREAM_IDS: Record<SynthStream, number> = { auth: 0xa17, proc: 0xb0c, flows: 0xf10, dns: 0xd25 };

/** Probability that a human account is active on a weekday / weekend day (ratio ≈ 2.4). */
export const ACTIVE_WEEKDAY = 0.85;
export const ACTIVE_WEEKEND = 0.35;

/** Diurnal amplitudes: humans strongly diurnal, machines flatter. */
export const AMPLITUDE = Object.freeze({ human: 0.65, machine: 0.2, proc: 0.25, flows: 0.4, dns: 0.4 });
/** Weekend factor of non-human traffic. */
export const MACHINE_WEEKEND = 0.8;

/** Everything a stream generator needs; built once per process from the options. */
export interface SynthContext {
  readonly options: ResolvedOptions;
  readonly world: World;
  readonly vocab: Vocabulary;
  readonly scenario: RedteamScenario;
  readonly attackers: ReadonlySet<number>;
  readonly humanMix: readonly WeightedTable[];
  readonly machineMix: WeightedTable;
  /** Human template units per active user-day, per unit of activity. */
  readonly humanUnitRate: number;
  /** Machine template units per day (weekly mean). */
  readonly machineUnitsPerDay: number;
  /** Active users of a day, weighted by activity. */
  day(day: number): DayUsers;
}

/** Users active on one day. */
export interface DayUsers {
  readonly users: Int32Array;
  readonly table: WeightedTable | undefined;
  readonly activeFraction: number;
}

/**
 * Builds the generator's context (population, campaign, rates) from resolved options.
 * With a red-team file, its events replace the modelled campaign and its names join the
 * population (`redteam-file.ts`); `calendar` is then ignored.
 *
 * @example
 * const ctx = createContext(resolveOptions({ days: 2 }));
 * ctx.world.users.length; // 1243
 */
export function createContext(options: ResolvedOptions, calendar: RedteamCalendar = "late", redteamFile?: RedteamSource): SynthContext {
  let world = buildWorld(options);
  let scenario: RedteamScenario;
  if (redteamFile) {
    // the file's campaign replaces the modelled one; its names join the population
    const placed = placeRedteamEntities(world, redteamFile.events);
    world = placed.world;
    scenario = fileScenario(options, redteamFile.events, placed.computerIndex);
  } else scenario = buildScenario(world, options, calendar);
  const humanMix = humanMixes(world, new Prng(options.seed, 0x313), (w) => new WeightedTable(w));
  const machineMix = new WeightedTable(MACHINE_TEMPLATES.map((t) => t.weight));
  const authPerDay = expectedPerDay("auth", options.scale);
  let activitySum = 0;
  for (const u of world.users) activitySum += u.activity;
  const activeMean = (5 * ACTIVE_WEEKDAY + 2 * ACTIVE_WEEKEND) / 7;
  const humanUnitsPerDay = (HUMAN_SHARE * authPerDay) / meanLines(HUMAN_TEMPLATES);
  const cache = new Map<number, DayUsers>();
  return {
    options,
    world,
    vocab: buildVocabulary(world),
    scenario,
    attackers: new Set(scenario.attackers),
    humanMix,
    machineMix,
    humanUnitRate: humanUnitsPerDay / (activeMean * activitySum),
    machineUnitsPerDay: ((1 - HUMAN_SHARE) * authPerDay) / meanLines(MACHINE_TEMPLATES),
    day(day: number): DayUsers {
      let d = cache.get(day);
      if (d === undefined) {
        d = dayUsers(world, options.seed, day);
        if (cache.size > 8) cache.clear();
        cache.set(day, d);
      }
      return d;
    },
  };
}

/** Is user `u` active on `day`? A pure hash of (seed, user, day). */
export function userActive(seed: number, u: number, day: number): boolean {
  const p = isWeekend(day) ? ACTIVE_WEEKEND : ACTIVE_WEEKDAY;
  return hash32(seed, 0xac71, u, day) / 4294967296 < p;
}

function dayUsers(world: World, seed: number, day: number): DayUsers {
  const idx: number[] = [];
  const w: number[] = [];
  for (let u = 0; u < world.users.length; u++) {
    if (userActive(seed, u, day)) {
      idx.push(u);
      w.push(world.users[u]!.activity);
    }
  }
  return {
    users: Int32Array.from(idx),
    table: idx.length ? new WeightedTable(w) : undefined,
    activeFraction: idx.length / world.users.length,
  };
}

// ---------------------------------------------------------------------------------
// auth

function authHour(ctx: SynthContext, hour: number, ring: Sink8): void {
  const { world, options, vocab: V } = ctx;
  const rng = new Prng(options.seed, STREAM_IDS.auth, hour);
  const day = Math.floor(hour / 24);
  const hod = hour % 24;
  const hs = hour * 3600;
  const d = ctx.day(day);
  const lamBase = (ctx.humanUnitRate * diurnal(hod, AMPLITUDE.human)) / 24;
  for (let k = 0; k < d.users.length; k++) {
    const u = d.users[k]!;
    const n = rng.poisson(lamBase * world.users[u]!.activity);
    if (n === 0) continue;
    const mix = ctx.humanMix[u]!;
    for (let i = 0; i < n; i++) emitHumanUnit(rng, world, V, u, mix.sample(rng), hs + rng.int(3600), ring);
  }
  const weekend = isWeekend(day) ? MACHINE_WEEKEND : 1;
  const lamM = ((ctx.machineUnitsPerDay / 24) * diurnal(hod, AMPLITUDE.machine) * weekend) / weeklyMean(MACHINE_WEEKEND);
  const m = rng.poisson(lamM);
  for (let i = 0; i < m; i++) {
    emitMachineUnit(rng, world, V, world.hostTable.sample(rng), ctx.machineMix.sample(rng), hs + rng.int(3600), ring);
  }
  const labels = ctx.scenario.byHour.get(hour);
  if (labels) {
    const K = V.k;
    for (const l of labels) {
      const u = V.dict.id(l.user);
      const src = V.dict.id(l.src);
      const dst = V.computer[l.dstIndex]!;
      ring.push8(l.time, u, u, src, dst, K.NTLM!, K.Network!, K.LogOn!, K.Success!);
      ring.push8(l.time + 1 + rng.int(60), u, u, dst, dst, K["?"]!, K.Network!, K.LogOff!, K.Success!);
    }
  }
}

// ---------------------------------------------------------------------------------
// proc

const PROC_HUMAN_SHARE = 0.3;
const PROC_END_SHARE = 0.27; // End / (Start + End) = 0.27 / 1.27 = 21.2%

function hostProcess(world: World, host: number, j: number): number {
  return world.processTable.lookup(hash32(world.seed, 0x9c, host, j) / 4294967296);
}

function procHour(ctx: SynthContext, hour: number, ring: LineRing): void {
  const { world, options, vocab: V } = ctx;
  const rng = new Prng(options.seed, STREAM_IDS.proc, hour);
  const day = Math.floor(hour / 24);
  const hod = hour % 24;
  const hs = hour * 3600;
  const perHour = expectedPerDay("proc", options.scale) / 1.27 / 24; // starts per hour
  const weekend = isWeekend(day) ? MACHINE_WEEKEND : 1;
  const d = ctx.day(day);
  const nMachine = rng.poisson(((1 - PROC_HUMAN_SHARE) * perHour * diurnal(hod, AMPLITUDE.proc) * weekend) / weeklyMean(MACHINE_WEEKEND));
  const activeMean = (5 * ACTIVE_WEEKDAY + 2 * ACTIVE_WEEKEND) / 7;
  const nHuman = d.table
    ? rng.poisson((PROC_HUMAN_SHARE * perHour * diurnal(hod, AMPLITUDE.human) * d.activeFraction) / activeMean)
    : 0;
  const start = V.k.Start!;
  const end = V.k.End!;
  const emit = (t: number, user: number, host: number): void => {
    const h = V.computer[host]!;
    const p = V.process[rng.float() < 0.65 ? world.processTable.sample(rng) : hostProcess(world, host, rng.int(6))]!;
    ring.push4(t, user, h, p, start);
    if (rng.float() < PROC_END_SHARE) {
      ring.push4(t + Math.min(MAX_SESSION_SECONDS, Math.floor(rng.exponential(900))), user, h, p, end);
    }
  };
  for (let i = 0; i < nMachine; i++) {
    const host = world.hostTable.sample(rng);
    const t = hs + rng.int(3600);
    if (ctx.attackers.has(host) && rng.float() < 0.98) continue; // attacker hosts log almost no processes
    emit(t, V.machine[host]!, host);
  }
  for (let i = 0; i < nHuman; i++) {
    const u = d.users[d.table!.sample(rng)]!;
    const user = world.users[u]!;
    const t = hs + rng.int(3600);
    const host = user.hosts.length > 1 && rng.float() < awayShare(user) ? user.hosts[1 + rng.int(user.hosts.length - 1)]! : user.home;
    if (ctx.attackers.has(host) && rng.float() < 0.98) continue;
    const local = localAt(V, u, host, user.home);
    emit(t, local >= 0 && rng.float() < 0.2 ? local : V.user[u]!, host);
  }
  const labels = ctx.scenario.byHour.get(hour);
  if (labels) {
    for (const l of labels) {
      if (rng.float() < 0.5) {
        const p = V.process[rng.int(Math.min(40, world.processes.length))]!;
        ring.push4(l.time + 2 + rng.int(120), V.dict.id(l.user), V.computer[l.dstIndex]!, p, start);
      }
    }
  }
}

// ---------------------------------------------------------------------------------
// flows

/** Service ports when the client is the source (dst port), shares of all flows (%). */
const FORWARD_PORTS: Array<[string, number]> = [
  ["445", 21.0], ["80", 3.9], ["389", 3.2], ["137", 2.1], ["139", 1.7], ["88", 1.6], ["135", 0.8], ["443", 0.7],
  ["22", 0.5], ["138", 0.3], ["123", 0.3], ["2049", 0.3], ["111", 0.2], ["161", 0.15], ["1433", 0.1],
];
/** Service ports when the server is the source (src port). */
const REVERSE_PORTS: Array<[string, number]> = [
  ["445", 12.6], ["389", 4.2], ["80", 3.2], ["88", 2.4], ["137", 2.0], ["139", 1.5], ["135", 1.2], ["443", 0.8],
  ["1433", 0.6], ["2049", 0.3], ["138", 0.3], ["123", 0.3], ["22", 0.2], ["111", 0.2],
];
const UDP_PORTS = new Set(["137", "138", "123", "161"]);
const FORWARD_TABLE = new WeightedTable(FORWARD_PORTS.map((p) => p[1]));
const REVERSE_TABLE = new WeightedTable(REVERSE_PORTS.map((p) => p[1]));
const FORWARD_SHARE = FORWARD_PORTS.reduce((a, p) => a + p[1], 0) / 100; // ≈ 0.369
const REVERSE_SHARE = REVERSE_PORTS.reduce((a, p) => a + p[1], 0) / 100; // ≈ 0.298
/** Durations of multi-packet flows (single-packet flows last 0 s 95% of the time). */
const DURATION_TABLE = new WeightedTable([0.475, 0.046, 0.08, 0.126, 0.273]); // 0, 1, 60, 10–15, other

function flowDuration(rng: Prng, packets: number): number {
  if (packets === 1 && rng.float() < 0.95) return 0;
  switch (DURATION_TABLE.sample(rng)) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return 60;
    case 3:
      return 10 + rng.int(6);
    default: {
      const x = 2 + Math.floor(rng.exponential(14));
      return x >= 10 && x <= 15 ? x + 6 : Math.min(x, 76);
    }
  }
}

function flowPackets(rng: Prng): number {
  const r = rng.float();
  if (r < 0.365) return 1;
  if (r < 0.795) return 2 + Math.min(7, Math.floor(rng.exponential(2.5)));
  return Math.min(1_400_000, 10 + Math.floor(Math.pow(1 - rng.float(), -1 / 0.9) * 4 - 4));
}

/** Bytes per packet: lognormal (median 190 B, σ 0.9) clipped to 40–1500, tabulated once. */
const PACKET_SIZES = (() => {
  const rng = new Prng(0x5a1e);
  return Int32Array.from({ length: 4096 }, () => Math.min(1500, Math.max(40, Math.round(190 * Math.exp(0.9 * rng.normal())))));
})();

function flowBytes(rng: Prng, packets: number): number {
  if (packets === 1 && rng.float() < 0.6) return 46;
  return packets * PACKET_SIZES[rng.u32() & 4095]!;
}

/** An ephemeral (client-side) anonymised port: N1..N20 often, else uniform over the rest. */
function ephemeralPort(world: World, rng: Prng): number {
  const u = rng.float();
  const top = world.portTable.cdf[19]!;
  return u < top ? world.portTable.lookup(u) : 20 + Math.floor(((u - top) / (1 - top)) * (world.ports.length - 20));
}

function serverPort(world: World, server: number, j: number): number {
  return world.portTable.lookup(hash32(world.seed, 0x5e, server, j) / 4294967296);
}

function flowsHour(ctx: SynthContext, hour: number, ring: LineRing): void {
  const { world, options, vocab: V } = ctx;
  const rng = new Prng(options.seed, STREAM_IDS.flows, hour);
  const day = Math.floor(hour / 24);
  const hod = hour % 24;
  const hs = hour * 3600;
  const weekend = isWeekend(day) ? 0.7 : 1;
  const n = rng.poisson(((expectedPerDay("flows", options.scale) / 24) * diurnal(hod, AMPLITUDE.flows) * weekend) / weeklyMean(0.7));
  const d = ctx.day(day);
  const fwd = FORWARD_PORTS.map(([p]) => [V.k[p]!, intField(V, UDP_PORTS.has(p) ? 17 : 6)] as const);
  const rev = REVERSE_PORTS.map(([p]) => [V.k[p]!, intField(V, UDP_PORTS.has(p) ? 17 : 6)] as const);
  for (let i = 0; i < n; i++) {
    let client: number;
    let server: number;
    if (d.table && rng.float() < 0.75) {
      const user = world.users[d.users[d.table.sample(rng)]!]!;
      client = user.home;
      server = rng.float() < 0.6 ? user.favourites[user.favouriteTable.sample(rng)]! : world.servers[world.serverTable.sample(rng)]!;
    } else {
      client = world.hostTable.sample(rng);
      server = world.servers[world.serverTable.sample(rng)]!;
    }
    if (server === client) server = world.servers[0] === client ? world.servers[1]! : world.servers[0]!;
    const eph = V.port[ephemeralPort(world, rng)]!;
    const packets = flowPackets(rng);
    const bytes = intField(V, flowBytes(rng, packets));
    const dur = intField(V, flowDuration(rng, packets));
    const pk = intField(V, packets);
    const c = V.computer[client]!;
    const s = V.computer[server]!;
    const t = hs + rng.int(3600);
    const r = rng.float();
    if (r < FORWARD_SHARE) {
      const [port, proto] = fwd[FORWARD_TABLE.sample(rng)]!;
      ring.push8(t, dur, c, eph, s, port, proto, pk, bytes);
    } else if (r < FORWARD_SHARE + REVERSE_SHARE) {
      const [port, proto] = rev[REVERSE_TABLE.sample(rng)]!;
      ring.push8(t, dur, s, port, c, eph, proto, pk, bytes);
    } else {
      // both ports anonymised: a server's stable high port, either direction
      const sp = V.port[serverPort(world, server, rng.int(16))]!;
      const q = rng.float();
      const proto = intField(V, q < 0.082 ? 17 : q < 0.163 ? 1 : q < 0.16301 ? 41 : 6);
      if (rng.float() < 0.55) ring.push8(t, dur, c, eph, s, sp, proto, pk, bytes);
      else ring.push8(t, dur, s, sp, c, eph, proto, pk, bytes);
    }
  }
  const labels = ctx.scenario.byHour.get(hour);
  if (labels) {
    for (const l of labels) {
      const eph = V.port[ephemeralPort(world, rng)]!;
      const pk = 3 + rng.int(20);
      const a = V.dict.id(l.src);
      const b = V.computer[l.dstIndex]!;
      ring.push8(l.time, num(0), a, eph, b, V.k["445"]!, num(6), num(pk), num(pk * (150 + rng.int(300))));
      ring.push8(l.time, num(0), b, V.k["445"]!, a, eph, num(6), num(pk), num(pk * (100 + rng.int(200))));
    }
  }
}

// ---------------------------------------------------------------------------------
// dns

function dnsHour(ctx: SynthContext, hour: number, ring: LineRing): void {
  const { world, options, vocab: V } = ctx;
  const rng = new Prng(options.seed, STREAM_IDS.dns, hour);
  const day = Math.floor(hour / 24);
  const hod = hour % 24;
  const hs = hour * 3600;
  const weekend = isWeekend(day) ? 0.7 : 1;
  const n = rng.poisson(((expectedPerDay("dns", options.scale) / 24) * diurnal(hod, AMPLITUDE.dns) * weekend) / weeklyMean(0.7));
  const d = ctx.day(day);
  const nc = world.computers.length;
  for (let i = 0; i < n; i++) {
    let src: number;
    let resolved: number;
    const r = rng.float();
    if (d.table && rng.float() < 0.7) {
      const user = world.users[d.users[d.table.sample(rng)]!]!;
      src = user.home;
      resolved = r < 0.6 ? user.favourites[user.favouriteTable.sample(rng)]! : -1;
    } else {
      src = world.hostTable.sample(rng);
      resolved = -1;
    }
    if (resolved < 0) {
      const q = rng.float();
      resolved =
        q < 0.5
          ? world.servers[world.serverTable.lookup(hash32(world.seed, 0xd5, src, rng.int(4)) / 4294967296)]!
          : q < 0.85
            ? world.servers[world.serverTable.sample(rng)]!
            : rng.int(nc);
    }
    ring.push2(hs + rng.int(3600), V.computer[src]!, V.computer[resolved]!);
  }
}


/** One block of sorted output text. */
export interface TextBlock {
  /** `time,fields…\n` lines (latin1). */
  readonly bytes: Buffer;
  readonly lines: number;
  /** Absolute hour index the block belongs to. */
  readonly hour: number;
}

/**
 * Generates hours `[fromHour, toHour)` (absolute hour indices) of one stream as sorted
 * text blocks (`time,fields…\n` lines), lazily: memory is bounded by one hour of the
 * stream and the session horizon.
 *
 * @example
 * const parts: Buffer[] = [];
 * for (const b of generateHours(ctx, "dns", 0, 24)) parts.push(b.bytes);
 * // Buffer.concat(parts) is the first day of dns.txt
 */
export function* generateHours(
  ctx: SynthContext,
  stream: SynthStream,
  fromHour: number,
  toHour: number,
): Generator<TextBlock> {
  // The ring of this stream is kept between calls (no re-allocation per range), and a
  // range that starts where the previous one of the stream ended continues from it
  // without a warm-up: the ring then holds exactly what the warm-up would rebuild (the
  // lines of the hours before the range that fall in it; every line lies at most
  // WARMUP_HOURS after the hour that generates it), so the bytes are the same.
  let byStream = carried.get(ctx);
  if (!byStream) carried.set(ctx, (byStream = new Map()));
  // only the last stream's ring is worth keeping (work is shared so that a thread
  // continues its own last range), which bounds memory to one ring per thread
  for (const [other, c] of byStream) if (other !== stream && !c.busy) byStream.delete(other);
  let carry = byStream.get(stream);
  let first: number;
  if (carry && !carry.busy) {
    if (carry.nextHour === fromHour) first = fromHour;
    else {
      carry.ring.clear();
      first = Math.max(0, fromHour - WARMUP_HOURS);
    }
  } else {
    // none yet, or another range of this stream is being generated right now
    const slots = stream === "auth" ? 5 : SCHEMAS[stream].fieldCount - 1;
    const ring = new LineRing(ctx.vocab.dict, slots, WARMUP_HOURS + 2, ctx.options.tEnd, ctx.options.byteOrder);
    carry = { ring, writer: new AuthWriter(ring, ctx.vocab), nextHour: -1, busy: false };
    if (!byStream.has(stream)) byStream.set(stream, carry);
    first = Math.max(0, fromHour - WARMUP_HOURS);
  }
  const { ring, writer } = carry;
  carry.busy = true;
  carry.nextHour = -1;
  const blocks: TextBlock[] = [];
  try {
    // Warm-up may reach before the data set's first hour (with --start-day): a window of
    // a longer data set then holds exactly the lines of that longer set.
    for (let h = first; h < toHour; h++) {
      if (stream === "auth") authHour(ctx, h, writer);
      else if (stream === "proc") procHour(ctx, h, ring);
      else if (stream === "flows") flowsHour(ctx, h, ring);
      else dnsHour(ctx, h, ring);
      ring.drainBin(h, h >= fromHour, (bytes, lines) => blocks.push({ bytes, lines, hour: h }));
      for (const b of blocks) yield b;
      blocks.length = 0;
    }
    carry.nextHour = toHour;
  } finally {
    carry.busy = false;
  }
}

/** A stream's ring between calls of {@link generateHours} in one thread. */
interface Carry {
  readonly ring: LineRing;
  readonly writer: AuthWriter;
  /** The hour the ring is ready to continue from (−1: none). */
  nextHour: number;
  busy: boolean;
}

const carried = new WeakMap<SynthContext, Map<SynthStream, Carry>>();
