import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ROOT, buildOnce } from "../../build.js";
import { generate, type GenerateResult } from "../../../src/lanl/synth/generate.js";
import { resolveOptions } from "../../../src/lanl/synth/calendar.js";
import { buildWorld } from "../../../src/lanl/synth/entities.js";
import { buildVocabulary, localAt } from "../../../src/lanl/synth/vocabulary.js";
import { fileScenario, placeRedteamEntities, readRedteamFile } from "../../../src/lanl/synth/redteam-file.js";

const REAL = join(ROOT, "..", "shared", "datasets", "lanl", "redteam.txt");
const REAL_GZ = `${REAL}.gz`;
const CLI = join(ROOT, "bin", "telemetry-lab.js");
const STREAMS = ["auth", "proc", "flows", "dns", "redteam"] as const;

/** Worker threads and the CLI run dist/: rebuild it when older than the generator's sources. */
function build(): void {
  buildOnce(["src/lanl", "src/io", "src/random", "src/cli", "src/notebook"], ["dist/src/lanl/synth/worker.js", "dist/src/lanl/synth/redteam-file.js", "dist/src/cli/lanl/synth.js"]);
}

function tmp(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tl-synth-rtf-${tag}-`));
}

function lines(dir: string, stream: string): string[] {
  const text = gunzipSync(readFileSync(join(dir, "raw", `${stream}.txt.gz`))).toString("latin1");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

const time = (l: string): number => Number(l.slice(0, l.indexOf(",")));

/** The auth line of a label `t,u,s,d`. */
function authOf(label: string): string {
  const [t, u, s, d] = label.split(",");
  return `${t},${u},${u},${s},${d},NTLM,Network,LogOn,Success`;
}

function writeFile(name: string, text: string): string {
  const path = join(tmp("in"), name);
  writeFileSync(path, text, "latin1");
  return path;
}

/**
 * SHA-256 of a data set's content: the decompressed streams, then synth.json with its
 * files reduced to line counts (gzip bytes depend on zlib's version).
 */
async function contentHash(options: Parameters<typeof generate>[0]): Promise<string> {
  await generate(options);
  const h = createHash("sha256");
  for (const f of STREAMS) h.update(gunzipSync(readFileSync(join(options.out, "raw", `${f}.txt.gz`))));
  const meta = JSON.parse(readFileSync(join(options.out, "synth.json"), "utf8"));
  meta.files = Object.fromEntries(Object.entries(meta.files as Record<string, { lines: number }>).map(([k, v]) => [k, v.lines]));
  h.update(JSON.stringify(meta));
  return h.digest("hex");
}

describe("without --redteam-file: the data set is unchanged", () => {
  // Computed with the generator at commit 5f9bb48 (before --redteam-file existed), by the
  // same procedure (contentHash). The default data set (10 days, scale 0.01) was also
  // compared whole: identical sha256 of every raw file before and after.
  it("small generations hash as before the change", async () => {
    const base = { scale: 0.001, workers: 0, quiet: true } as const;
    expect(await contentHash({ ...base, days: 2, out: tmp("late") })).toBe("ca269c0a727689ba9d189f103dd57d861c882169ff6e3631e1cdfaaf73adc700");
    expect(await contentHash({ ...base, days: 3, redteam: "lanl", out: tmp("lanl") })).toBe(
      "1b0e795577aae855d8445d6e25c4244ff3edc1fa9913e117a16296cb602a0c7a",
    );
  });
});

describe("placeRedteamEntities (a hand-made file)", () => {
  const options = resolveOptions({ scale: 0.001, days: 2 });
  const world = buildWorld(options);
  const events = [
    { time: 3_600, user: "U99001@DOM1", src: "C99999", dst: "C88001" },
    { time: 3_700, user: "U99002@DOM2", src: "C99999", dst: world.computers[0]! },
    { time: 3_800, user: "U99003@C88002", src: "C99998", dst: "C88002" },
    { time: 3_900, user: "U99003@C88003", src: "C99999", dst: "C88003" },
    { time: 200_000, user: "U99001@DOM1", src: "C99999", dst: "C88004" },
  ];
  const p = placeRedteamEntities(world, events);
  const w = p.world;

  it("every computer and user of the file is in the population, the rest unchanged in size", () => {
    for (const c of ["C99999", "C99998", "C88001", "C88002", "C88003", "C88004", world.computers[0]!]) {
      expect(w.computers[p.computerIndex.get(c)!], c).toBe(c);
    }
    expect(w.computers.length).toBe(world.computers.length);
    expect(new Set(w.computers).size).toBe(w.computers.length);
    expect(p.renamed).toEqual({ computers: 6, users: 3 });
    const names = new Set(w.users.map((u) => u.name));
    expect(names.has("U99001@DOM1") && names.has("U99002@DOM2")).toBe(true);
    expect(new Set(w.users.map((u) => u.id)).size).toBe(w.users.length);
    // machine accounts follow the new names; servers keep theirs
    expect(w.machineAccounts[p.computerIndex.get("C99999")!]).toBe("C99999$@DOM1");
    expect(p.computerIndex.get(world.computers[0]!)).toBe(0);
  });

  it("attacker hosts are workstations some user calls home", () => {
    const i = p.computerIndex.get("C99999")!;
    expect(w.users.some((u) => u.home === i)).toBe(true);
    expect([...w.servers]).not.toContain(i);
  });

  it("local accounts: first host is home, the others carry local accounts too", () => {
    const u = w.users.findIndex((x) => x.id === "U99003");
    const user = w.users[u]!;
    expect(w.computers[user.home]).toBe("C88002");
    expect(user.local).toBe("U99003@C88002");
    expect(user.hosts).toContain(p.computerIndex.get("C88003"));
    const V = buildVocabulary(w);
    expect(V.dict.name(localAt(V, u, p.computerIndex.get("C88003")!, user.home))).toBe("U99003@C88003");
    expect(V.dict.name(localAt(V, u, user.home, user.home))).toBe("U99003@C88002");
    // every other local account names its user's (possibly renamed) home
    for (const x of w.users) if (x.local !== undefined && x !== user) expect(x.local).toBe(`${x.id}@${w.computers[x.home]}`);
  });

  it("the scenario keeps every label in byHour and the generated days' in labels", () => {
    const s = fileScenario(options, events, p.computerIndex);
    expect(s.labels.map((l) => l.time)).toEqual([3_600, 3_700, 3_800, 3_900]);
    expect(s.byHour.get(55)!.map((l) => l.dst)).toEqual(["C88004"]);
    expect(s.schedule).toEqual([{ day: 0, events: 4 }]);
    expect(w.computers[s.attackers[0]!]).toBe("C99999");
  });

  it("refuses a file too large for the population", () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ time: 1, user: "U1@DOM1", src: "C99999", dst: `C${70_000 + i}` }));
    expect(() => placeRedteamEntities(world, many)).toThrow(/^telemetry-lab\/lanl\/synth\/redteam-file: .*601 computers.*larger --scale/);
  });
});

describe("bad red-team files and conflicting options", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["time", "10,U1@DOM1,C1,C2\nx,U1@DOM1,C1,C2\n", /^telemetry-lab\/lanl\/redteam: .*bad-time\.txt: line 2: time is not a non-negative integer: 'x'$/],
    ["fields", "10,U1@DOM1,C1,C2\n\n11,U1@DOM1,C1\n", /^telemetry-lab\/lanl\/redteam: .*bad-fields\.txt: line 3: expected 4 fields, got 3$/],
    ["user", "10,U1@DOM1,C1,C2\n\n11,C5$@DOM1,C1,C2\n", /^telemetry-lab\/lanl\/synth\/redteam-file: .*bad-user\.txt: line 3: user 'C5\$@DOM1' is not a human account/],
    ["dst", "10,U1@DOM1,C1,C2\n11,U1@DOM1,C1,TGT\n", /^telemetry-lab\/lanl\/synth\/redteam-file: .*bad-dst\.txt: line 2: destination computer 'TGT' is not a computer name C<n>$/],
    ["empty", "\n", /^telemetry-lab\/lanl\/synth\/redteam-file: .*bad-empty\.txt: no red-team labels in the file$/],
  ];
  for (const [tag, text, re] of cases) {
    it(`${tag}: one line naming the module, the file and the line; nothing written`, async () => {
      const out = join(tmp(tag), "out");
      await expect(generate({ out, quiet: true, workers: 0, redteamFile: writeFile(`bad-${tag}.txt`, text) })).rejects.toThrow(re);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("a missing file", async () => {
    await expect(generate({ out: tmp("missing"), quiet: true, redteamFile: "/nonexistent/redteam.txt" })).rejects.toThrow(
      /^telemetry-lab\/lanl\/reader: \/nonexistent\/redteam\.txt: cannot open: ENOENT/,
    );
  });

  it("--redteam or --attack-scale with --redteam-file", async () => {
    const f = writeFile("ok.txt", "10,U1@DOM1,C1,C2\n");
    await expect(generate({ out: tmp("both"), redteam: "lanl", redteamFile: f })).rejects.toThrow(
      /^telemetry-lab\/lanl\/synth: --redteam and --redteam-file cannot be used together/,
    );
    await expect(generate({ out: tmp("both"), attackScale: 2, redteamFile: f })).rejects.toThrow(/--attack-scale and --redteam-file/);
  });

  it("the command line: exit status and one line on stderr", () => {
    build();
    const bad = writeFile("bad-cli.txt", "10,U1@DOM1,C1,C2\n11,U1@DOM1,C1,C2,extra\n");
    const r = spawnSync(process.execPath, [CLI, "lanl", "synth", "--out", tmp("cli"), "--quiet", "--redteam-file", bad], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^telemetry-lab\/lanl\/redteam: .*bad-cli\.txt: line 2: expected 4 fields, got 5\n$/);
    const both = spawnSync(process.execPath, [CLI, "lanl", "synth", "--out", tmp("cli"), "--redteam", "late", "--redteam-file", bad], { encoding: "utf8" });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^telemetry-lab lanl synth: --redteam and --redteam-file cannot be used together: .*\n$/);
  });
});

describe.skipIf(!existsSync(REAL) || !existsSync(REAL_GZ))("with LANL's red-team file (../shared)", () => {
  // days 7-9: the quiet day 7 (1 label), the big day 8 (273) and day 9 (15)
  const opts = { days: 3, startDay: 7, scale: 0.001, quiet: true } as const;
  let a: string;
  let b: string;
  let result: GenerateResult;
  let real: string[];
  let window: string[];
  beforeAll(async () => {
    build();
    a = tmp("w0");
    b = tmp("w2");
    result = await generate({ ...opts, workers: 0, redteamFile: REAL_GZ, out: a });
    await generate({ ...opts, workers: 2, redteamFile: REAL_GZ, out: b });
    real = readFileSync(REAL, "latin1").trim().split("\n");
    window = real.filter((l) => time(l) >= 7 * 86_400 && time(l) < 10 * 86_400);
  });

  it("is deterministic: byte-identical with 0 and 2 workers", () => {
    for (const f of STREAMS) expect(readFileSync(join(a, "raw", `${f}.txt.gz`)).equals(readFileSync(join(b, "raw", `${f}.txt.gz`))), f).toBe(true);
    expect(readFileSync(join(a, "synth.json")).equals(readFileSync(join(b, "synth.json")))).toBe(true);
  });

  it("writes exactly the file's labels of the generated days, and says how many were outside", async () => {
    expect(window.length).toBe(1 + 273 + 15);
    expect(lines(a, "redteam")).toEqual(window);
    expect(result.redteamFile).toMatchObject({ name: "redteam.txt.gz", labels: 749, embedded: 289, before: 49, after: 411 });
    const meta = JSON.parse(readFileSync(join(a, "synth.json"), "utf8"));
    expect(meta.options.redteam).toBe("file");
    expect(meta.redteam).toMatchObject({ file: "redteam.txt.gz", fileLabels: 749, labels: 289, outside: { before: 49, after: 411 } });
    expect(meta.redteam.attackers).toEqual(["C17693", "C22409", "C19932", "C18025"]);
    expect(meta.redteam.sha256).toBe(createHash("sha256").update(readFileSync(REAL_GZ)).digest("hex"));
    // the plain file gives the same labels
    expect((await readRedteamFile(REAL)).events).toEqual((await readRedteamFile(REAL_GZ)).events);
  });

  it("embeds every label in auth at its second, as an NTLM network logon, with its LogOff on the target", () => {
    const auth = lines(a, "auth");
    const at = new Map<string, number[]>();
    auth.forEach((l, i) => {
      const list = at.get(l);
      if (list) list.push(i);
      else at.set(l, [i]);
    });
    const want = new Map<string, number>();
    for (const l of window) want.set(authOf(l), (want.get(authOf(l)) ?? 0) + 1);
    for (const [line, n] of want) expect(at.get(line)?.length ?? 0, line).toBe(n); // duplicates too
    const logoffs = new Set(auth.filter((l) => l.endsWith(",?,Network,LogOff,Success")));
    let matched = 0;
    for (const l of window) {
      const [t, u, , d] = l.split(",");
      for (let dt = 1; dt <= 60; dt++) {
        if (logoffs.has(`${Number(t) + dt},${u},${u},${d},${d},?,Network,LogOff,Success`)) {
          matched++;
          break;
        }
      }
    }
    expect(matched).toBe(window.length);
  });

  it("the attack's computers and users also have ordinary background activity", () => {
    // leave out every line the attack may have caused: NTLM logons, LogOffs and processes of its (user, target) pairs
    const pairs = new Set(window.map((l) => `${l.split(",")[1]},${l.split(",")[3]}`));
    const auth = lines(a, "auth").filter((l) => {
      const f = l.split(",");
      return !l.endsWith(",NTLM,Network,LogOn,Success") && !(f[7] === "LogOff" && pairs.has(`${f[1]},${f[4]}`));
    });
    const field = (ls: string[], from: number, to: number): Map<string, number> => {
      const m = new Map<string, number>();
      for (const l of ls) {
        const f = l.split(",");
        for (let i = from; i <= to; i++) m.set(f[i]!, (m.get(f[i]!) ?? 0) + 1);
      }
      return m;
    };
    const authHosts = field(auth, 3, 4);
    const authUsers = field(auth, 1, 1);
    const proc = lines(a, "proc").filter((l) => !pairs.has(`${l.split(",")[1]},${l.split(",")[2]}`));
    const dns = field(lines(a, "dns"), 1, 2);
    const procHosts = field(proc, 2, 2);
    const procUsers = field(proc, 1, 1);
    // the main attacker host: auth, dns (and, rarely, proc: red-team hosts log almost no processes)
    expect(authHosts.get("C17693") ?? 0).toBeGreaterThan(20);
    expect(dns.get("C17693") ?? 0).toBeGreaterThan(0);
    expect(authUsers.get("C17693$@DOM1") ?? 0).toBeGreaterThan(5);
    const dsts = new Set(window.map((l) => l.split(",")[3]!));
    const users = new Set(window.map((l) => l.split(",")[1]!));
    expect([...dsts].filter((d) => !authHosts.has(d))).toEqual([]);
    expect([...dsts].filter((d) => procHosts.has(d)).length).toBeGreaterThan(0.9 * dsts.size);
    expect([...dsts].filter((d) => dns.has(d)).length).toBeGreaterThan(0.7 * dsts.size); // dns is sparse at this scale: 2.2 k lines in 3 days
    // users: every compromised account logs on in the background (local accounts on their
    // hosts), except a user's local accounts beyond its first (rarer: the next test sees them over 30 days)
    const firstLocal = new Map<string, string>();
    for (const l of real) {
      const u = l.split(",")[1]!;
      if (/@C\d+$/.test(u) && !firstLocal.has(u.split("@")[0]!)) firstLocal.set(u.split("@")[0]!, u);
    }
    const secondLocal = (u: string): boolean => /@C\d+$/.test(u) && firstLocal.get(u.split("@")[0]!) !== u;
    expect([...users].filter((u) => !authUsers.has(u) && !secondLocal(u))).toEqual([]);
    expect([...users].filter((u) => procUsers.has(u)).length).toBeGreaterThan(0.5 * users.size);
  });

  it("over days 0-29 every user, local account and computer of the file logs on in the background", async () => {
    const full = tmp("full");
    const r = await generate({ days: 30, scale: 0.001, quiet: true, workers: 0, streams: ["auth", "proc", "dns"], redteamFile: REAL, out: full });
    expect(r.redteamFile).toMatchObject({ embedded: 749, before: 0, after: 0 });
    const users = new Map<string, number>();
    const hosts = new Map<string, number>();
    const labels = new Set(real.map(authOf));
    for (const l of lines(full, "auth")) {
      if (labels.has(l)) continue;
      const f = l.split(",");
      users.set(f[1]!, (users.get(f[1]!) ?? 0) + 1);
      for (const c of [f[3]!, f[4]!]) hosts.set(c, (hosts.get(c) ?? 0) + 1);
    }
    const fileUsers = new Set(real.map((l) => l.split(",")[1]!));
    const fileHosts = new Set(real.flatMap((l) => l.split(",").slice(2)));
    expect([fileUsers.size, fileHosts.size]).toEqual([104, 305]);
    expect([...fileUsers].filter((u) => !users.has(u))).toEqual([]);
    expect([...fileHosts].filter((c) => !hosts.has(c))).toEqual([]);
    expect(users.get("U8777@C1500") ?? 0).toBeGreaterThan(0); // a second local account of one user
    // the attacker hosts in proc (rarely: they log almost no processes, as in LANL) and dns
    const procHosts = new Set(lines(full, "proc").map((l) => l.split(",")[2]!));
    const dnsHosts = new Set(lines(full, "dns").flatMap((l) => l.split(",").slice(1)));
    for (const c of ["C17693", "C22409", "C19932", "C18025"]) expect([procHosts.has(c), dnsHosts.has(c)], c).toEqual([true, true]);
  });

  it("a window of days is, line for line, the same days of a longer data set", async () => {
    const win = tmp("win");
    await generate({ ...opts, days: 1, startDay: 8, workers: 0, streams: ["auth"], redteamFile: REAL, out: win });
    const day8 = (ls: string[]): string[] => ls.filter((l) => Math.floor(time(l) / 86_400) === 8);
    expect(lines(win, "auth")).toEqual(day8(lines(a, "auth")));
    expect(lines(win, "redteam")).toEqual(day8(window));
  });
});
