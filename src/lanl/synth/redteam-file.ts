/**
 * A real red-team file embedded in the synthetic data set (`lanl synth --redteam-file FILE`),
 * in place of the modelled campaign of `redteam.ts`.
 *
 * FILE is in LANL's format (`time,user@domain,src computer,dst computer`, plain or gzip;
 * A. D. Kent, "Comprehensive, Multi-Source Cyber-Security Events", LANL 2015,
 * doi:10.17021/1179829), read with `src/lanl/redteam.ts`. Its events are written at their
 * real times as the auth lines the red team made, `U,U,src,dst,NTLM,Network,LogOn,Success`
 * (all real labels are NTLM / Network / LogOn / Success, `shared/research/lanl-synthetic.md`
 * §7), followed by the same unlabelled LogOff, SMB flows and target process as the modelled
 * campaign. The labels of the generated days go to `redteam.txt.gz` unchanged.
 *
 * The file's computers and users become part of the population, so that they also have
 * ordinary background activity and detection is tested on the real attack's timing and
 * shape, not on new names: each name the population lacks takes over an existing entity
 * (a workstation, a non-admin user) and its whole history. Attacker hosts take over
 * workstations some user calls home; the file's users are at least as active as the
 * mean user (the red team harvested credentials of accounts in use); a user whose local
 * accounts are named (`U8777@C583`, `U8777@C1500`) gets the first host as home and the
 * others as further hosts with local accounts there, where half its sessions take place. Everything depends on the whole file and the seed,
 * never on the generated window, so `--start-day K --days D` still gives days K…K+D−1 of a
 * longer data set line for line.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Prng, distinctInts } from "../../random/distributions.js";
import { readRedteam, type RedteamEvent } from "../redteam.js";
import { readLineBatches } from "../reader.js";
import type { ResolvedOptions } from "./calendar.js";
import type { HumanUser, World } from "./entities.js";
import type { RedteamScenario, SynthLabel } from "./redteam.js";

const MODULE = "telemetry-lab/lanl/synth/redteam-file";

/** A red-team file, read and checked: what workers need to rebuild the same context. */
export interface RedteamSource {
  /** The file's name (no folder), as recorded in `synth.json`. */
  readonly name: string;
  /** SHA-256 of the file's bytes as stored (gzip or plain). */
  readonly sha256: string;
  /** The labels, in the file's order, stable-sorted by time. */
  readonly events: readonly RedteamEvent[];
}

/** A human account `U<n>@<domain>`; a domain `C<n>` makes it a local account of that computer. */
const USER = /^(U\d+)@([A-Za-z0-9_.?-]+)$/;
const COMPUTER = /^C\d+$/;

/**
 * Reads and checks a red-team file. Beyond the format (`src/lanl/redteam.ts`), every user
 * must be a human account `U<n>@<domain>` (or a local account `U<n>@C<n>`) and both
 * computers `C<n>`, as in LANL's file.
 *
 * @throws one line naming the module, the file, the line and what is wrong; also when the
 *   file holds no label.
 * @example
 * const s = await readRedteamFile("../shared/datasets/lanl/redteam.txt");
 * s.events.length; // 749
 * s.events[0];     // { time: 150885, user: "U620@DOM1", src: "C17693", dst: "C1003" }
 */
export async function readRedteamFile(path: string): Promise<RedteamSource> {
  let events: RedteamEvent[];
  try {
    events = await readRedteam(path);
  } catch (err) {
    throw new Error(oneLine(err));
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const what = !USER.test(e.user)
      ? `user '${e.user}' is not a human account U<n>@<domain> or a local account U<n>@C<n>`
      : !COMPUTER.test(e.src)
        ? `source computer '${e.src}' is not a computer name C<n>`
        : !COMPUTER.test(e.dst)
          ? `destination computer '${e.dst}' is not a computer name C<n>`
          : undefined;
    if (what) throw new Error(`${MODULE}: ${path}: line ${await lineOfEvent(path, i)}: ${what}`);
  }
  if (events.length === 0) throw new Error(`${MODULE}: ${path}: no red-team labels in the file`);
  // stable: labels of one second keep the file's order
  const sorted = events.map((e, i) => [e, i] as const).sort((a, b) => a[0].time - b[0].time || a[1] - b[1]).map(([e]) => e);
  return { name: basename(path), sha256: await sha256File(path), events: sorted };
}

/** The 1-based line of the `index`-th label (blank lines are skipped by the parser). */
async function lineOfEvent(path: string, index: number): Promise<number> {
  let k = 0;
  for await (const b of readLineBatches(path)) {
    for (let i = 0; i < b.count; i++) {
      const len = b.ends[i]! - b.starts[i]!;
      if (len === 0 || (len === 1 && b.buf[b.starts[i]!] === 13)) continue;
      if (k++ === index) return b.firstLine + i;
    }
  }
  return -1;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

function oneLine(err: unknown): string {
  const m = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ");
  return m.startsWith("telemetry-lab/") ? m : `${MODULE}: ${m}`;
}

/** What {@link placeRedteamEntities} did. */
export interface RedteamPlacement {
  /** The population with the file's names in it. */
  readonly world: World;
  /** Computer index of every computer the file names. */
  readonly computerIndex: ReadonlyMap<string, number>;
  /** Computers and users that took over an existing entity (the others were already there). */
  readonly renamed: { readonly computers: number; readonly users: number };
}

/**
 * Puts the file's computers and users into the population (see the module comment):
 * names already present are kept; each missing computer takes over a workstation (an
 * attacker host: one that is some user's home), each missing user id a non-admin user,
 * drawn in a seeded order. Users keep the file's domain and get at least the mean
 * activity (1); local accounts re-home their user. Local accounts `U<n>@C<n>` and machine
 * accounts follow the new names.
 *
 * @throws when the population has too few workstations or users for the file (a larger `--scale`).
 * @example
 * const p = placeRedteamEntities(buildWorld(resolveOptions({})), source.events);
 * p.world.computers[p.computerIndex.get("C17693")]; // "C17693"
 */
export function placeRedteamEntities(world: World, events: readonly RedteamEvent[]): RedteamPlacement {
  // Names in the order of first appearance (deterministic for a file).
  const sources: string[] = [];
  const needed: string[] = [];
  const seen = new Set<string>();
  const need = (c: string, src: boolean): void => {
    if (seen.has(c)) return;
    seen.add(c);
    needed.push(c);
    if (src) sources.push(c);
  };
  const accounts = new Map<string, { domain: string | undefined; locals: string[] }>();
  for (const e of events) {
    need(e.src, true);
  }
  for (const e of events) {
    need(e.dst, false);
    const [, id, domain] = USER.exec(e.user)!;
    let a = accounts.get(id!);
    if (!a) accounts.set(id!, (a = { domain: undefined, locals: [] }));
    if (COMPUTER.test(domain!)) {
      need(domain!, false);
      if (!a.locals.includes(domain!)) a.locals.push(domain!);
    } else a.domain ??= domain;
  }

  // Computers.
  const computers = [...world.computers];
  const index = new Map<string, number>(computers.map((c, i) => [c, i]));
  const rng = new Prng(world.seed, 0x7ef11e);
  const order = distinctInts(rng, world.workstations.length, world.workstations.length).map((i) => world.workstations[i]!);
  const homes = new Int32Array(computers.length);
  for (const u of world.users) homes[u.home]!++;
  const taken = new Uint8Array(computers.length);
  for (const c of needed) if (index.has(c)) taken[index.get(c)!] = 1;
  const missing = needed.filter((c) => !index.has(c));
  const free = order.filter((i) => !taken[i]).length;
  if (missing.length > free) {
    throw new Error(
      `${MODULE}: the red-team file names ${missing.length} computers the population lacks, but only ${free} workstations can take their names; use a larger --scale`,
    );
  }
  let cursor = 0;
  const takeSlot = (attacker: boolean): number => {
    if (attacker) {
      const i = order.find((w) => !taken[w] && homes[w]! > 0);
      if (i !== undefined) return i;
    }
    while (taken[order[cursor]!]) cursor++;
    return order[cursor]!;
  };
  const sourceSet = new Set(sources);
  for (const c of missing) {
    const i = takeSlot(sourceSet.has(c));
    taken[i] = 1;
    computers[i] = c;
    index.set(c, i);
  }
  const machineAccounts = computers.map((c, i) => (c === world.computers[i] ? world.machineAccounts[i]! : `${c}$@DOM1`));

  // Users.
  const users: HumanUser[] = [...world.users];
  const byId = new Map<string, number>(users.map((u, i) => [u.id, i]));
  const userOrder = distinctInts(rng, users.length, users.length).filter((i) => !users[i]!.admin && !accounts.has(users[i]!.id));
  const missingUsers = [...accounts.keys()].filter((id) => !byId.has(id)).length;
  if (missingUsers > userOrder.length) {
    throw new Error(
      `${MODULE}: the red-team file names ${missingUsers} users the population lacks, but only ${userOrder.length} users can take their names; use a larger --scale`,
    );
  }
  const renamedIds = new Map<string, string>();
  let next = 0;
  for (const [id, a] of accounts) {
    let slot = byId.get(id);
    if (slot === undefined) {
      slot = userOrder[next++]!;
      renamedIds.set(users[slot]!.id, id);
    }
    const u = users[slot]!;
    const domain = a.domain ?? u.name.slice(u.name.indexOf("@") + 1);
    let { home, hosts } = u;
    let local = u.local;
    let otherLocals: { host: number; name: string }[] | undefined;
    if (a.locals.length > 0) {
      home = index.get(a.locals[0]!)!;
      const away = a.locals.slice(1).map((c) => index.get(c)!);
      hosts = [...new Set([home, ...away, ...u.hosts.slice(1)])];
      local = `${id}@${a.locals[0]}`;
      otherLocals = a.locals.slice(1).map((c) => ({ host: index.get(c)!, name: `${id}@${c}` }));
    }
    // at least the population's mean activity: the red team harvested these credentials from accounts in use
    const activity = Math.max(u.activity, 1);
    users[slot] = { ...u, id, name: `${id}@${domain}`, home, hosts, local, activity, ...(otherLocals ? { otherLocals } : {}) };
  }
  // Local accounts follow renamed homes; partner accounts follow renamed users.
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    const local = u.local === undefined ? undefined : `${u.id}@${computers[u.home]}`;
    let partner = u.partner;
    if (partner !== undefined) {
      const at = partner.indexOf("@");
      const renamed = renamedIds.get(partner.slice(0, at));
      if (renamed !== undefined) partner = `${renamed}${partner.slice(at)}`;
    }
    if (local !== u.local || partner !== u.partner) users[i] = { ...u, local, partner };
  }
  return {
    world: { ...world, computers, machineAccounts, users },
    computerIndex: new Map(needed.map((c) => [c, index.get(c)!])),
    renamed: { computers: missing.length, users: missingUsers },
  };
}

/**
 * The campaign of a red-team file: every label (also those outside the generated days,
 * in `byHour` only), the labels of the generated days, the per-day schedule, and the
 * attacker hosts (most labels first).
 *
 * @example
 * const s = fileScenario(resolveOptions({ days: 10 }), source.events, placement.computerIndex);
 * s.labels.length;   // 584 of the real file's 749 fall on days 0–9
 * s.schedule[0];     // { day: 1, events: 10 }
 */
export function fileScenario(
  options: ResolvedOptions,
  events: readonly RedteamEvent[],
  computerIndex: ReadonlyMap<string, number>,
): RedteamScenario {
  const all: SynthLabel[] = events.map((e) => ({ time: e.time, user: e.user, src: e.src, dst: e.dst, dstIndex: computerIndex.get(e.dst)! }));
  const labels = all.filter((l) => l.time >= options.t0 && l.time < options.tEnd);
  const perDay = new Map<number, number>();
  for (const l of labels) perDay.set(Math.floor(l.time / 86_400), (perDay.get(Math.floor(l.time / 86_400)) ?? 0) + 1);
  const bySrc = new Map<string, number>();
  for (const l of all) bySrc.set(l.src, (bySrc.get(l.src) ?? 0) + 1);
  const attackers = [...bySrc]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([c]) => computerIndex.get(c)!);
  const byHour = new Map<number, SynthLabel[]>();
  for (const l of all) {
    const h = Math.floor(l.time / 3_600);
    const list = byHour.get(h);
    if (list) list.push(l);
    else byHour.set(h, [l]);
  }
  return {
    calendar: "file",
    attackers,
    schedule: [...perDay].map(([day, n]) => ({ day, events: n })),
    labels,
    byHour,
  };
}
