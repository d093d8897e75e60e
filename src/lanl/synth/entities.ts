/**
 * Entity populations of the synthetic LANL data set: computers (a few dozen dominant
 * servers and many workstations), their machine accounts and system principals, human
 * users with their workstations, favourite servers, partner accounts and local
 * accounts, and the process and port name spaces.
 *
 * Sources (`shared/research/lanl-synthetic.md` §2, and our measurements of the real
 * 15,000-line human auth sample): real names of the dominant destination servers
 * (C529, C586, C1065, C457, C612, C625, C528, C467, …), Zipf destination law
 * (α ≈ 1.0–1.3), lognormal per-user activity (σ ≈ 1.5), a few admin accounts touching
 * hundreds of hosts, `U…@DOM1` with a few other domains and `?`, local accounts
 * `U…@C…`, paired accounts (`U21@DOM1` ↔ `U25@DOM1` in AuthMap events), service
 * principals with low ids (TGS to `U20`, `U22`, …), Zipf processes with P4 and P16 on
 * top. Everything is a pure function of (seed, scale).
 */
import { Prng, WeightedTable, distinctInts, lognormalMeanOne, zipfWeights } from "../../random/distributions.js";
import { REAL_POPULATION, type ResolvedOptions } from "./calendar.js";

/** Real names of frequent LANL destination servers, most used first. */
export const SERVER_IDS: readonly number[] = Object.freeze([
  586, 529, 1065, 457, 612, 625, 528, 467, 2106, 2162, 754, 553, 988, 1085, 101, 2388, 395, 1015, 92, 801, 1877, 743,
  1581, 2516, 1964, 2327, 1640, 61, 506, 419,
]);

/** Service principals addressed by TGS requests as bare user names (`U20`, …). */
export const SERVICE_USER_IDS: readonly number[] = Object.freeze([20, 22, 6, 4, 24, 8, 3, 12, 7, 119]);

/** One human user. */
export interface HumanUser {
  /** `U12` */
  readonly id: string;
  /** `U12@DOM1` (or another domain, or `?`). */
  readonly name: string;
  /** Computer index of the user's workstation. */
  readonly home: number;
  /** Computer indices the user authenticates from (home first). */
  readonly hosts: readonly number[];
  /** Computer indices of the servers the user accesses, with a Zipf preference. */
  readonly favourites: Int32Array;
  readonly favouriteTable: WeightedTable;
  /** Mean-one activity level (lognormal). */
  readonly activity: number;
  /** Admin accounts touch many hosts. */
  readonly admin: boolean;
  /** A second account of the same person (`U25@DOM1` for `U21@DOM1`), if any. */
  readonly partner: string | undefined;
  /** Local account on the home host (`U12@C1504`), if any. */
  readonly local: string | undefined;
  /**
   * Local accounts on other hosts of `hosts` (`U8777@C1500`), used there as `local` is at
   * home. Only set when a red-team file names several local accounts of one user.
   */
  readonly otherLocals?: readonly { readonly host: number; readonly name: string }[];
}

/**
 * Share of a user's sessions and processes on one of its other hosts rather than home:
 * 15%, or 50% for a user with local accounts on several hosts (from a red-team file), so
 * that those accounts are seen too.
 *
 * @example
 * awayShare(world.users[0]); // 0.15
 */
export function awayShare(user: HumanUser): number {
  return user.otherLocals === undefined ? 0.15 : 0.5;
}

/** The whole population. */
export interface World {
  readonly seed: number;
  /** Computer names `C<n>`, by index. */
  readonly computers: readonly string[];
  /** `C<n>$@DOM1` by computer index. */
  readonly machineAccounts: readonly string[];
  /** Computer indices of servers, most used first; `servers[0]` plays the main DC. */
  readonly servers: Int32Array;
  /** Zipf law over `servers`. */
  readonly serverTable: WeightedTable;
  /** Computer indices of workstations. */
  readonly workstations: Int32Array;
  /** Weight of each computer as a source of machine-account traffic. */
  readonly hostTable: WeightedTable;
  readonly users: readonly HumanUser[];
  /** Process names `P<n>`, most used first. */
  readonly processes: readonly string[];
  readonly processTable: WeightedTable;
  /** Anonymised port names `N<n>`, most used first. */
  readonly ports: readonly string[];
  readonly portTable: WeightedTable;
  /** Bare service user names for TGS (`U20`, …). */
  readonly serviceUsers: readonly string[];
}

/** Population sizes for a scale. */
export interface PopulationSizes {
  users: number;
  computers: number;
  servers: number;
  processes: number;
  ports: number;
}

/**
 * Population sizes: real LANL sizes × √scale (capped at real), with floors that keep
 * tiny data sets meaningful.
 *
 * @example
 * populationSizes(resolveOptions({ scale: 0.01 })); // { users: 1243, computers: 1768, servers: 39, ... }
 */
export function populationSizes(options: ResolvedOptions): PopulationSizes {
  const f = options.populationFactor;
  const computers = Math.max(120, Math.round(REAL_POPULATION.computers * f));
  return {
    users: Math.max(60, Math.round(REAL_POPULATION.users * f)),
    computers,
    servers: Math.min(computers >> 2, Math.max(SERVER_IDS.length, Math.round(30 + computers * 0.005))),
    processes: Math.max(200, Math.round(REAL_POPULATION.processes * f)),
    ports: Math.max(2000, Math.round(60_000 * f)),
  };
}

const DOMAINS = ["DOM1", "DOM2", "DOM3", "DOM5", "?"];
const DOMAIN_WEIGHTS = [0.965, 0.008, 0.012, 0.008, 0.007];

/**
 * Builds the population deterministically from (seed, scale).
 *
 * @example
 * const w = buildWorld(resolveOptions({}));
 * w.computers[w.servers[0]]; // "C586"
 */
export function buildWorld(options: ResolvedOptions): World {
  const sizes = populationSizes(options);
  const rng = new Prng(options.seed, 0x0e17);

  // Computers: the named servers first, then random distinct ids for the rest.
  const idSpace = Math.max(Math.round(sizes.computers * 1.6), 3_000);
  const taken = new Set<number>(SERVER_IDS);
  const ids: number[] = [...SERVER_IDS];
  while (ids.length < sizes.computers) {
    const id = 1 + rng.int(idSpace);
    if (!taken.has(id)) {
      taken.add(id);
      ids.push(id);
    }
  }
  const computers = ids.map((id) => `C${id}`);
  const machineAccounts = computers.map((c) => `${c}$@DOM1`);
  const servers = new Int32Array(sizes.servers);
  for (let i = 0; i < sizes.servers; i++) servers[i] = i;
  const workstations = new Int32Array(sizes.computers - sizes.servers);
  for (let i = 0; i < workstations.length; i++) workstations[i] = sizes.servers + i;
  const serverTable = new WeightedTable(zipfWeights(sizes.servers, 1.1));
  const hostWeights = new Float64Array(sizes.computers);
  for (let i = 0; i < sizes.computers; i++) hostWeights[i] = i < sizes.servers ? 4 : lognormalMeanOne(rng, 0.8);

  // Users.
  const userIds = distinctInts(rng, Math.round(sizes.users * 1.3), sizes.users).map((i) => i + 1);
  const serviceUsers = SERVICE_USER_IDS.map((i) => `U${i}`);
  const domainTable = new WeightedTable(DOMAIN_WEIGHTS);
  const users: HumanUser[] = [];
  // Some workstations are shared by several users (terminal hosts), most have one.
  const shared = Math.max(4, Math.round(workstations.length * 0.01));
  for (let u = 0; u < sizes.users; u++) {
    const id = `U${userIds[u]}`;
    const domain = DOMAINS[domainTable.sample(rng)]!;
    const home =
      rng.float() < 0.12 ? workstations[rng.int(shared)]! : workstations[shared + rng.int(workstations.length - shared)]!;
    const hosts = [home];
    const extra = rng.float() < 0.3 ? 1 + rng.int(2) : 0;
    for (let k = 0; k < extra; k++) hosts.push(workstations[rng.int(workstations.length)]!);
    const admin = rng.float() < 0.01;
    const nFav = admin ? Math.min(sizes.computers, 150 + rng.int(250)) : 2 + rng.int(7);
    const fav = new Set<number>();
    // Everyone uses the main DC; then Zipf over servers (admins also reach workstations).
    fav.add(servers[0]!);
    let guard = 0;
    while (fav.size < nFav && guard++ < nFav * 20) {
      fav.add(admin && rng.float() < 0.6 ? workstations[rng.int(workstations.length)]! : servers[serverTable.sample(rng)]!);
    }
    const favourites = Int32Array.from(fav);
    const partner = rng.float() < 0.08 ? `U${userIds[rng.int(sizes.users)]}@${domain}` : undefined;
    const local = rng.float() < 0.06 ? `${id}@${computers[home]}` : undefined;
    users.push({
      id,
      name: `${id}@${domain}`,
      home,
      hosts,
      favourites,
      favouriteTable: new WeightedTable(zipfWeights(favourites.length, 1.0)),
      activity: Math.min(lognormalMeanOne(rng, 1.5), 60),
      admin,
      partner,
      local,
    });
  }

  // Processes: Zipf α = 1.2 over names; P4 and P16 are the most frequent (real first lines).
  const procIds = distinctInts(rng, Math.round(sizes.processes * 1.2), sizes.processes).map((i) => i + 1);
  const procNames = procIds.filter((i) => i !== 4 && i !== 16).map((i) => `P${i}`);
  const processes = ["P4", "P16", ...procNames].slice(0, sizes.processes);

  // Anonymised ports: N1..N20 most frequent, then a long flat-ish tail.
  const portIds = distinctInts(rng, sizes.ports * 2, sizes.ports).map((i) => i + 1);
  const tail = portIds.filter((i) => i > 20).map((i) => `N${i}`);
  const ports = [...Array.from({ length: 20 }, (_, i) => `N${i + 1}`), ...tail].slice(0, sizes.ports);
  const portWeights = new Float64Array(ports.length);
  for (let i = 0; i < ports.length; i++) portWeights[i] = i < 20 ? 0.004 + 0.0004 * (20 - i) : 1 / ports.length;

  return {
    seed: options.seed,
    computers,
    machineAccounts,
    servers,
    serverTable,
    workstations,
    hostTable: new WeightedTable(hostWeights),
    users,
    processes,
    processTable: new WeightedTable(zipfWeights(processes.length, 1.2)),
    ports,
    portTable: new WeightedTable(portWeights),
    serviceUsers,
  };
}
