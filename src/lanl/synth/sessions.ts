/**
 * Authentication sessions: per-account templates that expand into consistent auth
 * lines (a TGS, then a Kerberos LogOn to a server, then the LogOff on that server
 * minutes later), instead of fields drawn independently.
 *
 * Template weights reproduce the joint (orientation, auth type, logon type, src = dst,
 * destination user) table we measured on the real 15,000-line human auth sample
 * (`shared/datasets/lanl/auth_sample_human_days0-2.txt`): e.g. LogOff/?/Network on the
 * destination host 34.4%, Kerberos/Network LogOn to another host 22.2%, to the same host
 * 10.3%, TGT 6.8%, TGS 13.2% (to a server, the own host, a user-named service or `TGT`),
 * AuthMap 5.1%. Machine-account and system-principal templates are calibrated so that
 * human (30%) plus non-human (70%) traffic gives the full-data shares listed in
 * `shared/research/lanl-synthetic.md` §3 (auth `?` ≈ 58%, Kerberos ≈ 36%, Network ≈ 81%,
 * LogOn ≈ 45%, LogOff ≈ 42%, Fail ≈ 1.2%).
 */
import type { Prng, WeightedTable } from "../../random/distributions.js";
import { awayShare, type World } from "./entities.js";
import type { Sink8 } from "./ring.js";
import { localAt, type Vocabulary } from "./vocabulary.js";

/** Longest gap between a session's first and last event, in seconds. */
export const MAX_SESSION_SECONDS = 3 * 3600;

/** A template: its weight (share of units) and the mean number of lines one unit writes. */
export interface Template {
  readonly name: string;
  readonly weight: number;
  readonly lines: number;
}

/** Human templates; weights are shares (%) of the template's first line in the real sample. */
export const HUMAN_TEMPLATES: readonly Template[] = Object.freeze([
  { name: "kerberos-remote", weight: 22.2, lines: 2.3 },
  { name: "kerberos-local", weight: 10.3, lines: 2 },
  { name: "ntlm-local", weight: 2.0, lines: 2 },
  { name: "ntlm-remote", weight: 1.15, lines: 1.89 },
  { name: "batch", weight: 0.9, lines: 2.65 },
  { name: "interactive", weight: 1.1, lines: 1.7 },
  { name: "service", weight: 0.1, lines: 2 },
  { name: "cleartext", weight: 0.08, lines: 2 },
  { name: "tgt", weight: 6.8, lines: 1 },
  { name: "tgs-same", weight: 2.76, lines: 1 },
  { name: "tgs-user", weight: 2.8, lines: 1 },
  { name: "tgs-tgt", weight: 1.08, lines: 1 },
  { name: "authmap-machine", weight: 2.7, lines: 1 },
  { name: "authmap-partner", weight: 2.2, lines: 1 },
  { name: "authmap-remote", weight: 0.35, lines: 1 },
  { name: "screen", weight: 0.03, lines: 1 },
]);

/** Machine-account and system-principal templates. */
export const MACHINE_TEMPLATES: readonly Template[] = Object.freeze([
  { name: "kerberos-remote", weight: 34, lines: 2.17 },
  { name: "kerberos-local", weight: 2, lines: 2 },
  { name: "service", weight: 6.6, lines: 1 },
  { name: "anonymous", weight: 3.2, lines: 2 },
  { name: "tgt", weight: 2.2, lines: 1 },
  { name: "tgs-remote", weight: 0.5, lines: 1 },
  { name: "logoff", weight: 3, lines: 1 },
  { name: "msv", weight: 0.5, lines: 1 },
]);

/** Mean lines per unit of a template mix. */
export function meanLines(templates: readonly Template[]): number {
  let w = 0;
  let l = 0;
  for (const t of templates) {
    w += t.weight;
    l += t.weight * t.lines;
  }
  return l / w;
}

/** Share of human lines among auth lines (lanl-synthetic.md §1: 25–35%). */
export const HUMAN_SHARE = 0.3;

/** Session length: mostly seconds (file access), sometimes tens of minutes. */
function sessionLength(rng: Prng, longShare: number, longMean: number): number {
  const s = rng.float() < longShare ? rng.exponential(longMean) : rng.exponential(4);
  return Math.min(MAX_SESSION_SECONDS, Math.floor(s));
}

/**
 * Writes one human template unit of user `u` (index) starting at `t` into an auth ring.
 *
 * @example
 * emitHumanUnit(rng, world, vocab, 12, 0, 3600, ring);
 * // e.g. "3600,U12@DOM1,U12@DOM1,C1733,C586,Kerberos,Network,LogOn,Success" and its LogOff
 */
export function emitHumanUnit(rng: Prng, world: World, V: Vocabulary, u: number, template: number, t: number, ring: Sink8): void {
  const user = world.users[u]!;
  const K = V.k;
  const Q = K["?"]!;
  const host = user.hosts.length > 1 && rng.float() < awayShare(user) ? user.hosts[1 + rng.int(user.hosts.length - 1)]! : user.home;
  const h = V.computer[host]!;
  let n = V.user[u]!;
  // Some users log on locally with their local account (`U12@C1504` on C1504).
  const local = localAt(V, u, host, user.home);
  if (local >= 0 && template <= 5 && template !== 0 && template !== 3 && rng.float() < 0.35) n = local;
  const partner = V.partner[u]!;
  const server = (): number => V.computer[user.favourites[user.favouriteTable.sample(rng)]!]!;
  const ok = K.Success!;
  switch (template) {
    case 0: {
      // kerberos-remote: [TGS], LogOn to a server, LogOff on the server later.
      const s = server();
      if (s === h) {
        ring.push8(t, n, n, h, h, K.Kerberos!, K.Network!, K.LogOn!, ok);
        ring.push8(t + sessionLength(rng, 0.35, 900), n, n, h, h, Q, K.Network!, K.LogOff!, ok);
        break;
      }
      if (rng.float() < 0.3) ring.push8(t, n, n, h, s, Q, Q, K.TGS!, ok);
      ring.push8(t, n, n, h, s, K.Kerberos!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.35, 900), n, n, s, s, Q, K.Network!, K.LogOff!, ok);
      break;
    }
    case 1: {
      // kerberos-local, sometimes mapped to the partner account.
      const d = partner >= 0 && rng.float() < 0.3 ? partner : n;
      ring.push8(t, n, d, h, h, K.Kerberos!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.1, 300), d, d, h, h, Q, K.Network!, K.LogOff!, ok);
      break;
    }
    case 2:
      ring.push8(t, n, n, h, h, K.NTLM!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.1, 300), n, n, h, h, Q, K.Network!, K.LogOff!, ok);
      break;
    case 3: {
      const s = server();
      if (rng.float() < 0.11) {
        ring.push8(t, n, n, h, s, K.NTLM!, K.Network!, K.LogOn!, K.Fail!);
        break;
      }
      ring.push8(t, n, n, h, s, K.NTLM!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.3, 600), n, n, s, s, Q, K.Network!, K.LogOff!, ok);
      break;
    }
    case 4:
      // batch: scheduled task on the own host; often two LogOffs (task and child).
      if (rng.float() < 0.13) {
        ring.push8(t, n, n, h, h, K.Negotiate!, K.Batch!, K.LogOn!, K.Fail!);
        break;
      }
      ring.push8(t, n, n, h, h, K.Negotiate!, K.Batch!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.2, 120), n, n, h, h, Q, K.Batch!, K.LogOff!, ok);
      if (rng.float() < 0.9) ring.push8(t + sessionLength(rng, 0.5, 300), n, n, h, h, Q, K.Batch!, K.LogOff!, ok);
      break;
    case 5: {
      const d = partner >= 0 && rng.float() < 0.5 ? partner : n;
      ring.push8(t, n, d, h, h, K.Negotiate!, K.Interactive!, K.LogOn!, ok);
      if (rng.float() < 0.7) ring.push8(t + sessionLength(rng, 0.9, 3600), d, d, h, h, Q, K.Interactive!, K.LogOff!, ok);
      break;
    }
    case 6:
      ring.push8(t, n, n, h, h, K.Negotiate!, K.Service!, K.LogOn!, ok);
      ring.push8(t + 1, n, n, h, h, Q, K.Service!, K.LogOff!, ok);
      break;
    case 7: {
      const a = rng.float() < 0.6 ? K.Negotiate! : K.MICROSOFT_AUTHENTICATION_PACKAGE_V1_0!;
      ring.push8(t, n, n, h, h, a, K.NetworkCleartext!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.1, 60), n, n, h, h, Q, K.NetworkCleartext!, K.LogOff!, ok);
      break;
    }
    case 8:
      ring.push8(t, n, n, h, h, Q, Q, K.TGT!, rng.float() < 0.1 ? K.Fail! : ok);
      break;
    case 9:
      ring.push8(t, n, n, h, h, Q, Q, K.TGS!, ok);
      break;
    case 10: {
      const svc = V.service[Math.min(V.service.length - 1, Math.floor(-Math.log(1 - rng.float()) * 2.5))]!;
      ring.push8(t, n, n, h, svc, Q, Q, K.TGS!, rng.float() < 0.14 ? K.Fail! : ok);
      break;
    }
    case 11:
      ring.push8(t, n, n, h, K.TGT!, Q, Q, K.TGS!, ok);
      break;
    case 12:
      ring.push8(t, n, V.machine[host]!, h, h, Q, Q, K.AuthMap!, ok);
      break;
    case 13:
      ring.push8(t, n, partner >= 0 ? partner : V.machine[host]!, h, h, Q, Q, K.AuthMap!, ok);
      break;
    case 14:
      ring.push8(t, n, n, h, server(), Q, Q, K.AuthMap!, ok);
      break;
    default: {
      const r = rng.float();
      if (r < 0.35) ring.push8(t, n, n, h, h, Q, Q, K.ScreenLock!, ok);
      else if (r < 0.7) ring.push8(t, n, n, h, h, Q, Q, K.ScreenUnlock!, ok);
      else ring.push8(t, n, n, h, h, Q, K.Unlock!, K.LogOff!, ok);
    }
  }
}

/** Which system principal a service logon maps to: SYSTEM 5/7, LOCAL SERVICE 1/7, NETWORK SERVICE 1/7. */
const SYSTEM_PICK = [0, 0, 0, 0, 0, 1, 2];

/**
 * Writes one machine-account or system-principal unit from computer `host` at `t`.
 *
 * @example
 * emitMachineUnit(rng, world, vocab, 42, 0, 3600, ring);
 * // e.g. "3600,C1021$@DOM1,C1021$@DOM1,C1021,C625,Kerberos,Network,LogOn,Success"
 */
export function emitMachineUnit(rng: Prng, world: World, V: Vocabulary, host: number, template: number, t: number, ring: Sink8): void {
  const K = V.k;
  const Q = K["?"]!;
  const ok = K.Success!;
  const h = V.computer[host]!;
  const m = V.machine[host]!;
  switch (template) {
    case 0: {
      let sIdx = world.servers[world.serverTable.sample(rng)]!;
      if (sIdx === host) sIdx = world.servers[0]!;
      const s = V.computer[sIdx]!;
      if (rng.float() < 0.2) ring.push8(t, m, m, h, s, Q, Q, K.TGS!, ok);
      if (rng.float() < 0.03) {
        ring.push8(t, m, m, h, s, K.Kerberos!, K.Network!, K.LogOn!, K.Fail!);
        break;
      }
      ring.push8(t, m, m, h, s, K.Kerberos!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.15, 600), m, m, s, s, Q, K.Network!, K.LogOff!, ok);
      break;
    }
    case 1:
      ring.push8(t, m, m, h, h, K.Kerberos!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.05, 300), m, m, h, h, Q, K.Network!, K.LogOff!, ok);
      break;
    case 2: {
      const p = V.system[host * 3 + SYSTEM_PICK[rng.int(SYSTEM_PICK.length)]!]!;
      ring.push8(t, m, p, h, h, K.Negotiate!, K.Service!, K.LogOn!, ok);
      break;
    }
    case 3: {
      // ANONYMOUS LOGON to a server (NTLM null session), logged off on the server.
      const sIdx = world.servers[world.serverTable.sample(rng)]!;
      const s = V.computer[sIdx]!;
      const a = V.anonymous[sIdx]!;
      ring.push8(t, a, a, h, s, K.NTLM!, K.Network!, K.LogOn!, ok);
      ring.push8(t + sessionLength(rng, 0.05, 60), a, a, s, s, Q, K.Network!, K.LogOff!, ok);
      break;
    }
    case 4:
      ring.push8(t, m, m, h, h, Q, Q, K.TGT!, rng.float() < 0.01 ? K.Fail! : ok);
      break;
    case 5: {
      const s = V.computer[world.servers[world.serverTable.sample(rng)]!]!;
      ring.push8(t, m, m, h, s, Q, Q, K.TGS!, ok);
      break;
    }
    case 6:
      ring.push8(t, m, m, h, h, Q, K.Network!, K.LogOff!, ok);
      break;
    default:
      ring.push8(t, m, m, h, h, K.MICROSOFT_AUTHENTICATION_PACKAGE_V1_0!, K.Network!, K.LogOn!, rng.float() < 0.2 ? K.Fail! : ok);
  }
}

/** Per-user template mixes: the human weights, perturbed per user (lognormal σ 0.5). */
export function humanMixes(world: World, rng: Prng, makeTable: (w: Float64Array) => WeightedTable): WeightedTable[] {
  return world.users.map(() => {
    const w = new Float64Array(HUMAN_TEMPLATES.length);
    for (let i = 0; i < w.length; i++) w[i] = HUMAN_TEMPLATES[i]!.weight * Math.exp(0.5 * rng.normal() - 0.125);
    return makeTable(w);
  });
}
