/**
 * The generator's vocabulary: every field value it writes (computer names, accounts,
 * system principals, processes, ports and the categorical values of each stream),
 * interned once in a {@link Dictionary} so that the hot loops handle small integers
 * instead of strings. Value spellings follow LANL's files (lanl-method.md §1a).
 */
import { Dictionary } from "./ring.js";
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
  /** Bare service user names (`U20`), processes (`P4`), anonymised ports (`N1`). */
  readonly service: Int32Array;
  readonly process: Int32Array;
  readonly port: Int32Array;
  /** Categorical values by spelling, e.g. `k["?"]`, `k.Kerberos`, `k["445"]`. */
  readonly k: Readonly<Record<string, number>>;
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
  const system = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) system[i * 3 + j] = dict.id(`${SYSTEM_PRINCIPALS[j]}@${world.computers[i]}`);
  }
  return {
    dict,
    computer: dict.idsOf(world.computers),
    machine: dict.idsOf(world.machineAccounts),
    anonymous: dict.idsOf(world.computers.map((c) => `ANONYMOUS LOGON@${c}`)),
    system,
    user: dict.idsOf(world.users.map((u) => u.name)),
    local: Int32Array.from(world.users, (u) => (u.local === undefined ? -1 : dict.id(u.local))),
    partner: Int32Array.from(world.users, (u) => (u.partner === undefined ? -1 : dict.id(u.partner))),
    service: dict.idsOf(world.serviceUsers),
    process: dict.idsOf(world.processes),
    port: dict.idsOf(world.ports),
    k,
  };
}
