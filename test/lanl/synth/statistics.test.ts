/**
 * The generator's output against the statistics it claims to reproduce
 * (shared/research/lanl-synthetic.md §1–8; human-subset shares measured on the real
 * 15,000-line auth sample in shared/datasets/lanl/).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { generate } from "../../../src/lanl/synth/generate.js";
import { expectedPerDay } from "../../../src/lanl/synth/calendar.js";

let dir: string;
const rows: Record<string, string[][]> = {};
const DAYS = 10;
const SCALE = 0.003;

function load(stream: string): string[][] {
  const text = gunzipSync(readFileSync(join(dir, "raw", `${stream}.txt.gz`))).toString("latin1");
  return text.slice(0, -1).split("\n").map((l) => l.split(","));
}

function shares(rs: string[][], col: number): Record<string, number> {
  const c: Record<string, number> = {};
  for (const r of rs) c[r[col]!] = (c[r[col]!] ?? 0) + 1;
  for (const k of Object.keys(c)) c[k] = (100 * c[k]!) / rs.length;
  return c;
}

function expectShares(actual: Record<string, number>, expected: Record<string, number>, tolerance: number, what: string): void {
  for (const [k, v] of Object.entries(expected)) {
    expect(Math.abs((actual[k] ?? 0) - v), `${what} '${k}': ${(actual[k] ?? 0).toFixed(2)}% vs ${v}%`).toBeLessThanOrEqual(tolerance);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tl-synth-stats-"));
  await generate({ out: dir, days: DAYS, scale: SCALE, workers: 0, quiet: true });
  for (const s of ["auth", "proc", "flows", "dns", "redteam"]) rows[s] = load(s);
});

describe("volumes and calendar", () => {
  it("per-day volumes match real per-day volumes x scale (within 15%)", () => {
    for (const s of ["auth", "proc", "flows", "dns"] as const) {
      const perDay = rows[s]!.length / DAYS;
      const want = expectedPerDay(s, SCALE);
      expect(Math.abs(perDay / want - 1), `${s}: ${perDay} per day vs ${want}`).toBeLessThan(0.15);
    }
  });
  it("human auth is diurnal (peak/trough >= 2.5) and weekly (weekday/weekend distinct users ~2.4 +-20%)", () => {
    const human = rows.auth!.filter((r) => r[1]!.startsWith("U"));
    const byHod = new Array(24).fill(0);
    for (const r of human) byHod[Math.floor(Number(r[0]) / 3600) % 24]++;
    expect(Math.max(...byHod) / Math.min(...byHod)).toBeGreaterThanOrEqual(2.5);
    const users = Array.from({ length: DAYS }, () => new Set<string>());
    for (const r of human) users[Math.floor(Number(r[0]) / 86400)]!.add(r[1]!);
    const weekend = (users[3]!.size + users[4]!.size) / 2;
    const weekday = (users[0]!.size + users[1]!.size + users[2]!.size + users[5]!.size) / 4;
    expect(weekday / weekend).toBeGreaterThan(2.4 * 0.8);
    expect(weekday / weekend).toBeLessThan(2.4 * 1.2);
  });
});

describe("auth", () => {
  it("full-data field shares (ElementAI, 1.05 B rows)", () => {
    const a = rows.auth!;
    expectShares(shares(a, 5), { "?": 58.3, Kerberos: 36.2, Negotiate: 5.5, NTLM: 3.3 }, 3, "auth type");
    expectShares(shares(a, 6), { Network: 81.2, "?": 14.1, Service: 4.7 }, 4, "logon type");
    expectShares(shares(a, 7), { LogOn: 44.5, LogOff: 41.5, TGS: 9.4, TGT: 3.7, AuthMap: 0.91 }, 2, "orientation");
    expectShares(shares(a, 8), { Success: 98.8, Fail: 1.2 }, 0.5, "result");
    const local = (100 * a.filter((r) => r[3] === r[4]).length) / a.length;
    expect(Math.abs(local - 53.8), `src == dst ${local.toFixed(1)}%`).toBeLessThan(7);
    const human = (100 * a.filter((r) => r[1]!.startsWith("U")).length) / a.length;
    expect(human).toBeGreaterThan(25);
    expect(human).toBeLessThan(35);
  });
  it("human-source shares (our measurement of the real 15k-line sample), +-2 points", () => {
    const h = rows.auth!.filter((r) => r[1]!.startsWith("U"));
    expectShares(shares(h, 5), { "?": 62.2, Kerberos: 32.6, NTLM: 3.1, Negotiate: 2.2 }, 2, "auth type");
    expectShares(shares(h, 6), { Network: 70.1, "?": 25.1, Batch: 2.6, Interactive: 1.9 }, 2, "logon type");
    expectShares(shares(h, 7), { LogOn: 37.9, LogOff: 37.1, TGS: 13.2, TGT: 6.8, AuthMap: 5.1 }, 2, "orientation");
    expectShares(shares(h, 8), { Success: 98.6, Fail: 1.4 }, 0.5, "result");
    const local = (100 * h.filter((r) => r[3] === r[4]).length) / h.length;
    expect(Math.abs(local - 65.8)).toBeLessThan(3);
    const same = (100 * h.filter((r) => r[1] === r[2]).length) / h.length;
    expect(Math.abs(same - 93.3)).toBeLessThan(3);
  });
  it("sessions, not independent fields: LogOff is ?/Network-like on one host; remote LogOns carry an auth type", () => {
    for (const r of rows.auth!) {
      if (r[7] === "LogOff" && (r[3] !== r[4] || r[5] !== "?")) throw new Error(`LogOff not local/?: ${r.join(",")}`);
      if (r[7] === "LogOn" && r[5] === "?") throw new Error(`LogOn without auth type: ${r.join(",")}`);
      if ((r[7] === "TGS" || r[7] === "TGT" || r[7] === "AuthMap") && r[6] !== "?") throw new Error(`ticket with a logon type: ${r.join(",")}`);
    }
  });
  it("a few dominant destination servers (C586 first) and a heavy-tailed hourly artifact graph", () => {
    const dst = new Map<string, number>();
    for (const r of rows.auth!) dst.set(r[4]!, (dst.get(r[4]!) ?? 0) + 1);
    const ranked = [...dst.entries()].sort((x, y) => y[1] - x[1]);
    expect(ranked[0]![0]).toBe("C586");
    const top20 = ranked.slice(0, 20).reduce((s, [, n]) => s + n, 0);
    expect(top20 / rows.auth!.length).toBeGreaterThan(0.5);
    // degree of field::value vertices in one busy hour's artifact graph (cliques of each event)
    const hour = rows.auth!.filter((r) => Math.floor(Number(r[0]) / 3600) === 14);
    const names = ["us", "ud", "cs", "cd", "a", "l", "o", "r"];
    const nb = new Map<string, Set<string>>();
    for (const r of hour) {
      const v = r.slice(1).map((x, i) => `${names[i]}::${x}`);
      for (const x of v) {
        let s = nb.get(x);
        if (!s) nb.set(x, (s = new Set()));
        for (const y of v) if (y !== x) s.add(y);
      }
    }
    const degrees = [...nb.values()].map((s) => s.size).sort((x, y) => x - y);
    const median = degrees[degrees.length >> 1]!;
    expect(degrees[degrees.length - 1]! / median).toBeGreaterThanOrEqual(100);
  });
});

describe("proc, flows, dns", () => {
  it("proc: Start 78.8%, machine accounts on their own host first, P4/P16 on top", () => {
    const p = rows.proc!;
    expectShares(shares(p, 4), { Start: 78.8, End: 21.2 }, 2, "action");
    const own = p.filter((r) => r[1] === `${r[2]}$@DOM1`).length / p.length;
    expect(own).toBeGreaterThan(0.5);
    const procs = Object.entries(shares(p, 3)).sort((x, y) => y[1] - x[1]);
    expect(procs.slice(0, 2).map(([k]) => k)).toEqual(["P4", "P16"]);
  });
  it("flows: protocol, ports on either side, durations, packets, bytes", () => {
    const f = rows.flows!;
    expectShares(shares(f, 6), { "6": 89.7, "17": 7.8, "1": 2.6 }, 2, "protocol");
    expectShares(shares(f, 5), { "445": 21.0, "80": 3.9, "389": 3.2 }, 2, "dst port");
    expectShares(shares(f, 3), { "445": 12.6, "389": 4.2 }, 2, "src port");
    expectShares(shares(f, 1), { "0": 64.8, "60": 5.1, "1": 2.9 }, 3, "duration");
    expectShares(shares(f, 7), { "1": 36.5 }, 3, "packets");
    expectShares(shares(f, 8), { "46": 22 }, 3, "bytes");
    const durations = f.map((r) => Number(r[1]));
    expect(durations.reduce((m, x) => Math.max(m, x), 0)).toBeLessThanOrEqual(76);
    const small = f.filter((r) => Number(r[8]) <= 1024).length / f.length;
    expect(Math.abs(small - 0.636)).toBeLessThan(0.06);
  });
  it("dns: each source resolves a small stable set, servers dominate", () => {
    const d = rows.dns!;
    const top = Object.entries(shares(d, 2)).sort((x, y) => y[1] - x[1]);
    expect(top[0]![0]).toBe("C586");
    const perSrc = new Map<string, Set<string>>();
    for (const r of d) {
      let s = perSrc.get(r[1]!);
      if (!s) perSrc.set(r[1]!, (s = new Set()));
      s.add(r[2]!);
    }
    const counts = new Map<string, number>();
    for (const r of d) counts.set(r[1]!, (counts.get(r[1]!) ?? 0) + 1);
    // busy sources resolve far fewer distinct names than they make queries
    const busy = [...counts.entries()].filter(([, n]) => n >= 50);
    expect(busy.length).toBeGreaterThan(0);
    for (const [src, n] of busy) expect(perSrc.get(src)!.size / n).toBeLessThan(0.7);
  });
});

describe("red team", () => {
  it("labels are auth events (time, user, src, dst) with NTLM/Network/LogOn/Success, duplicates included", () => {
    const auth = new Map<string, number>();
    for (const r of rows.auth!) {
      if (r[5] === "NTLM" && r[6] === "Network" && r[7] === "LogOn" && r[8] === "Success") {
        const k = `${r[0]},${r[1]},${r[3]},${r[4]}`;
        auth.set(k, (auth.get(k) ?? 0) + 1);
      }
    }
    const labels = new Map<string, number>();
    for (const r of rows.redteam!) labels.set(r.join(","), (labels.get(r.join(",")) ?? 0) + 1);
    for (const [k, n] of labels) expect(auth.get(k) ?? 0, k).toBeGreaterThanOrEqual(n);
    expect(rows.redteam!.length).toBe(21 + 273 + 209 + 81);
    expect(labels.size).toBeLessThan(rows.redteam!.length); // some exact duplicates, as in the real file
  });
  it("few attacker hosts, one dominant, remote, in working hours, attack-free training days", () => {
    const rt = rows.redteam!;
    const src = shares(rt, 2);
    expect(Object.keys(src).length).toBeLessThanOrEqual(3);
    expect(Math.max(...Object.values(src))).toBeGreaterThan(80);
    for (const r of rt) {
      const t = Number(r[0]);
      expect(Math.floor(t / 86400)).toBeGreaterThanOrEqual(6);
      const hod = Math.floor(t / 3600) % 24;
      expect(hod >= 8 && hod <= 22).toBe(true);
      expect(r[2]).not.toBe(r[3]);
    }
    // attacker hosts have almost no process telemetry
    const attackers = new Set(Object.keys(src));
    const procOnAttackers = rows.proc!.filter((r) => attackers.has(r[2]!)).length;
    const avgPerHost = rows.proc!.length / new Set(rows.proc!.map((r) => r[2])).size;
    expect(procOnAttackers / attackers.size).toBeLessThan(0.2 * avgPerHost);
  });
  it("campaign days fan out to many new destinations", () => {
    const byDay = new Map<number, Set<string>>();
    for (const r of rows.redteam!) {
      const d = Math.floor(Number(r[0]) / 86400);
      if (!byDay.has(d)) byDay.set(d, new Set());
      byDay.get(d)!.add(r[3]!);
    }
    expect(byDay.get(7)!.size).toBeGreaterThan(100);
    const perHour = new Map<number, number>();
    for (const r of rows.redteam!) perHour.set(Math.floor(Number(r[0]) / 3600), (perHour.get(Math.floor(Number(r[0]) / 3600)) ?? 0) + 1);
    expect(Math.max(...perHour.values())).toBeLessThanOrEqual(55);
    expect(Math.max(...perHour.values())).toBeGreaterThanOrEqual(25);
  });
});
