/**
 * The generator's vocabulary: every field value it writes (computer names, accounts,
 * system principals, processes, ports and the categorical values of each stream),
 * interned once in a {@link Dictionary} so that the hot loops handle small integers
 * instead of strings. Value spellings follow LANL's files (lanl-method.md §1a).
 */
import { Dictionary, SKIP, num, type LineRing, type Sink8 } from "./ring.js";
import type { World } from "./entities.js";

/** Principals hosted by every computer (`SYSTEM@C1020`, …), in id order. */
export const SYSTEM_PRINCIPALS = ["SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE"] as const;

/** Field ids of the world's entities and of the categorical values. */
export interface Vocabulary {
  readonly dict: Dictionary;
  /** By computer index: `C586`, `C586$@DOM1`, `ANONYMOUS LOGON@C586`. */
  readonly computer: Int32Array;
  readonly machine: Int32Array;
  readonly anonymous: Int32Array;
  /** By computer index × 3 + principal (SYSTEM, LOCAL SERVICE, NETWORK SERVICE). */
  readonly system: Int32Array;
  /** By user index: `U12@DOM1`; local account and partner account (−1 when none). */
  readonly user: Int32Array;
  readonly local: Int32Array;
  readonly partner: Int32Array;
  /**
   * Local accounts away from home (`HumanUser.otherLocals`), by user index × computers +
   * host; undefined when no user has any (every generated data set without `--redteam-file`).
   */
  readonly otherLocal: ReadonlyMap<number, number> | undefined;
  /** Bare service user names (`U20`), processes (`P4`), anonymised ports (`N1`). */
  readonly service: Int32Array;
  readonly process: Int32Array;
  readonly port: Int32Array;
  /** Categorical values by spelling, e.g. `k["?"]`, `k.Kerberos`, `k["445"]`. */
  readonly k: Readonly<Record<string, number>>;
  /** Ids of the integers 0..SMALL_INTS-1 (one copy each when written). */
  readonly small: Int32Array;
}

/** Integers below this are interned (flows' durations, protocols, most packet counts). */
export const SMALL_INTS = 4096;

/**
 * The field for a non-negative integer: an interned id when small, else an inline value.
 *
 * @example
 * intField(V, 6);        // V.small[6]
 * intField(V, 123456);   // num(123456)
 */
export function intField(V: Vocabulary, v: number): number {
  return v < SMALL_INTS ? V.small[v]! : num(v);
}

const CATEGORIES = [
  "?", "Kerberos", "NTLM", "Negotiate", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0",
  "Network", "Service", "Batch", "Interactive", "NetworkCleartext", "Unlock",
  "LogOn", "LogOff", "TGS", "TGT", "AuthMap", "ScreenLock", "ScreenUnlock", "Success", "Fail",
  "Start", "End",
  "445", "80", "389", "137", "139", "88", "135", "443", "22", "138", "123", "2049", "111", "161", "1433",
];

/**
 * Interns the world's names.
 *
 * @example
 * const v = buildVocabulary(world);
 * v.dict.name(v.machine[0]); // "C586$@DOM1"
 */
export function buildVocabulary(world: World): Vocabulary {
  const dict = new Dictionary();
  const k: Record<string, number> = {};
  for (const c of CATEGORIES) k[c] = dict.id(c);
  const n = world.computers.length;
  const small = new Int32Array(SMALL_INTS);
  for (let i = 0; i < SMALL_INTS; i++) small[i] = dict.id(String(i));
  const system = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) system[i * 3 + j] = dict.id(`${SYSTEM_PRINCIPALS[j]}@${world.computers[i]}`);
  }
  const computer = dict.idsOf(world.computers);
  let otherLocal: Map<number, number> | undefined;
  world.users.forEach((u, i) => {
    for (const o of u.otherLocals ?? []) (otherLocal ??= new Map()).set(i * n + o.host, dict.id(o.name));
  });
  return {
    dict,
    computer,
    machine: dict.idsOf(world.machineAccounts),
    anonymous: dict.idsOf(world.computers.map((c) => `ANONYMOUS LOGON@${c}`)),
    system,
    user: dict.idsOf(world.users.map((u) => u.name)),
    local: Int32Array.from(world.users, (u) => (u.local === undefined ? -1 : dict.id(u.local))),
    partner: Int32Array.from(world.users, (u) => (u.partner === undefined ? -1 : dict.id(u.partner))),
    otherLocal,
    service: dict.idsOf(world.serviceUsers),
    process: dict.idsOf(world.processes),
    port: dict.idsOf(world.ports),
    k,
    small,
  };
}

/**
 * The id of user `u`'s local account on computer `host` (its home, or one of
 * `otherLocals`), or −1 when it has none there.
 *
 * @example
 * localAt(V, 12, world.users[12].home); // V.local[12]
 */
export function localAt(V: Vocabulary, u: number, host: number, home: number): number {
  if (host === home) return V.local[u]!;
  return V.otherLocal === undefined ? -1 : (V.otherLocal.get(u * V.computer.length + host) ?? -1);
}

/**
 * Writes auth lines into a 5-slot {@link LineRing}: equal source and destination users
 * (93% of lines) become one composite field `U12@DOM1,U12@DOM1`, equal computers (54%)
 * likewise, and the four categorical fields one composite `Kerberos,Network,LogOn,Success`.
 * The bytes written are the same as with eight separate fields; draining is about twice
 * as fast.
 */
export class AuthWriter implements Sink8 {
  private pairs = new Int32Array(1024);
  private readonly tails = new Int32Array(1 << 20);

  constructor(
    readonly ring: LineRing,
    readonly V: Vocabulary,
  ) {}

  private pair(id: number): number {
    if (id >= this.pairs.length) {
      const p = new Int32Array(Math.max(id + 1, this.pairs.length * 2));
      p.set(this.pairs);
      this.pairs = p;
    }
    let v = this.pairs[id]!;
    if (v === 0) {
      const name = this.V.dict.name(id);
      v = this.pairs[id] = this.V.dict.id(`${name},${name}`, true) + 1;
    }
    return v - 1;
  }

  private tail(a: number, l: number, o: number, r: number): number {
    const i = (((a << 5) | l) << 10) | (o << 5) | r;
    let v = this.tails[i]!;
    if (v === 0) {
      const d = this.V.dict;
      v = this.tails[i] = d.id(`${d.name(a)},${d.name(l)},${d.name(o)},${d.name(r)}`, true) + 1;
    }
    return v - 1;
  }

  /** An auth line: source user, destination user, source and destination computer, type, logon, orientation, result. */
  push8(t: number, su: number, du: number, sc: number, dc: number, a: number, l: number, o: number, r: number): void {
    if ((a | l | o | r) >= 32) throw new Error("telemetry-lab/lanl/synth/vocabulary: auth categories must be among the first 32 ids");
    const users = su === du ? this.pair(su) : su;
    const hosts = sc === dc ? this.pair(sc) : sc;
    this.ring.push5(t, users, su === du ? SKIP : du, hosts, sc === dc ? SKIP : dc, this.tail(a, l, o, r));
  }
}
