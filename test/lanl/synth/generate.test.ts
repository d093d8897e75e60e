import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { generate } from "../../../src/lanl/synth/generate.js";
import { createContext, generateHours, type SynthContext } from "../../../src/lanl/synth/streams.js";
import { resolveOptions, type SynthStream } from "../../../src/lanl/synth/calendar.js";
import { SCHEMAS } from "../../../src/lanl/schema.js";
import { lineTime } from "../../../src/lanl/parse.js";

const SAMPLE = "../shared/datasets/lanl/auth_sample_human_days0-2.txt";
const small = { days: 2, scale: 0.001, workers: 0, quiet: true, redteam: "lanl" as const };

function lines(dir: string, stream: string): string[] {
  const text = gunzipSync(readFileSync(join(dir, "raw", `${stream}.txt.gz`))).toString("latin1");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

describe("generate (small, in-process)", () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = mkdtempSync(join(tmpdir(), "tl-synth-a-"));
    b = mkdtempSync(join(tmpdir(), "tl-synth-b-"));
    await generate({ ...small, out: a });
    await generate({ ...small, out: b });
  });

  it("writes the five files and synth.json, no temporaries", () => {
    expect(readdirSync(join(a, "raw")).sort()).toEqual([
      "auth.txt.gz",
      "dns.txt.gz",
      "flows.txt.gz",
      "proc.txt.gz",
      "redteam.txt.gz",
    ]);
    const meta = JSON.parse(readFileSync(join(a, "synth.json"), "utf8"));
    expect(meta.options).toMatchObject({ days: 2, scale: 0.001, seed: 1, redteam: "lanl" });
  });

  it("is deterministic: same options, byte-identical files", () => {
    for (const f of ["auth", "proc", "flows", "dns", "redteam"]) {
      expect(readFileSync(join(a, "raw", `${f}.txt.gz`)).equals(readFileSync(join(b, "raw", `${f}.txt.gz`))), f).toBe(true);
    }
  });

  it("another seed gives other data", async () => {
    const c = mkdtempSync(join(tmpdir(), "tl-synth-c-"));
    await generate({ ...small, streams: ["dns"], seed: 2, out: c });
    expect(lines(c, "dns").slice(0, 50)).not.toEqual(lines(a, "dns").slice(0, 50));
  });

  it("every line has the stream's field count, a time from 1, sorted, within the span", () => {
    for (const stream of ["auth", "proc", "flows", "dns", "redteam"] as const) {
      const ls = lines(a, stream);
      expect(ls.length, stream).toBeGreaterThanOrEqual(stream === "redteam" ? 10 : 1000);
      let last = 1;
      const bad: string[] = [];
      for (const l of ls) {
        const buf = Buffer.from(l, "latin1");
        const t = lineTime(buf, 0, buf.length, SCHEMAS[stream].fieldCount);
        if (t < last || t >= 2 * 86400) bad.push(l);
        last = t;
      }
      expect(bad.slice(0, 3), stream).toEqual([]);
    }
  });

  it("values follow LANL's spellings", () => {
    const user = /^(U\d+@(DOM\d+|\?|C\d+)|C\d+\$@DOM1|(SYSTEM|LOCAL SERVICE|NETWORK SERVICE|ANONYMOUS LOGON)@C\d+)$/;
    const computer = /^C\d+$/;
    const bad: string[] = [];
    for (const l of lines(a, "auth")) {
      const [, su, du, sc, dc, at, lt, o, r] = l.split(",");
      const ok =
        user.test(su!) &&
        user.test(du!) &&
        computer.test(sc!) &&
        /^(C\d+|TGT|U\d+)$/.test(dc!) &&
        /^(\?|Kerberos|NTLM|Negotiate|MICROSOFT_AUTHENTICATION_PACKAGE_V1_0)$/.test(at!) &&
        /^(\?|Network|Service|Batch|Interactive|NetworkCleartext|Unlock)$/.test(lt!) &&
        /^(LogOn|LogOff|TGS|TGT|AuthMap|ScreenLock|ScreenUnlock)$/.test(o!) &&
        /^(Success|Fail)$/.test(r!);
      if (!ok) bad.push(l);
    }
    const patterns: Record<string, RegExp> = {
      proc: /^\d+,(U\d+@(DOM\d+|\?|C\d+)|C\d+\$@DOM1),C\d+,P\d+,(Start|End)$/,
      flows: /^\d+,\d+,C\d+,(N\d+|\d+),C\d+,(N\d+|\d+),(6|17|1|41),\d+,\d+$/,
      dns: /^\d+,C\d+,C\d+$/,
      redteam: /^\d+,U\d+@(DOM1|C\d+),C\d+,C\d+$/,
    };
    for (const [stream, re] of Object.entries(patterns)) for (const l of lines(a, stream)) if (!re.test(l)) bad.push(l);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it.skipIf(!existsSync(SAMPLE))("uses the same value vocabulary as the real auth sample", () => {
    const real = readFileSync(SAMPLE, "latin1").trim().split("\n");
    const cats = (ls: string[], i: number): Set<string> => new Set(ls.map((l) => l.split(",")[i]!));
    const synth = lines(a, "auth").filter((l) => l.split(",")[1]!.startsWith("U"));
    for (const i of [5, 6, 7, 8]) {
      // every categorical value of the real sample appears in the synthetic human auth lines
      const rare = new Set(["NewCredentials", "ScreenUnlock", "ScreenLock", "Unlock"]); // < 0.05% of lines
      const missing = [...cats(real, i)].filter((v) => !cats(synth, i).has(v) && !rare.has(v));
      expect(missing, `column ${i}`).toEqual([]);
    }
    expect(real.every((l) => l.split(",").length === 9)).toBe(true);
  });

  it("rejects bad options before writing", async () => {
    await expect(generate({ out: a, days: 0 })).rejects.toThrow(/telemetry-lab\/lanl\/synth: --days/);
    await expect(generate({ out: a, scale: -1 })).rejects.toThrow(/--scale/);
    await expect(generate({ out: a, redteam: "x" as never })).rejects.toThrow(/--redteam/);
  });
});

describe("windows of a longer data set", () => {
  it("--start-day 1 --days 1 gives day 1 of --days 3, line for line (no red team)", async () => {
    const full = mkdtempSync(join(tmpdir(), "tl-synth-full-"));
    const win = mkdtempSync(join(tmpdir(), "tl-synth-win-"));
    const common = { scale: 0.0005, workers: 0, quiet: true, redteam: "none" as const, streams: ["auth", "dns"] as const };
    await generate({ ...common, out: full, days: 3 });
    await generate({ ...common, out: win, days: 1, startDay: 1 });
    for (const s of ["auth", "dns"]) {
      const day1 = lines(full, s).filter((l) => Math.floor(Number(l.slice(0, l.indexOf(","))) / 86400) === 1);
      expect(lines(win, s), s).toEqual(day1);
    }
  });
});

describe("--byte-order", () => {
  it("orders lines within a second by bytes, as LANL's files are, with the same lines", async () => {
    const plain = mkdtempSync(join(tmpdir(), "tl-synth-plain-"));
    const ordered = mkdtempSync(join(tmpdir(), "tl-synth-bo-"));
    const common = { days: 1, scale: 0.002, workers: 0, quiet: true, streams: ["auth", "proc"] as const };
    await generate({ ...common, out: plain });
    await generate({ ...common, out: ordered, byteOrder: true });
    for (const s of ["auth", "proc"]) {
      const a = lines(plain, s);
      const b = lines(ordered, s);
      expect([...b].sort()).toEqual([...a].sort());
      let bad = 0;
      for (let i = 1; i < b.length; i++) {
        const t0 = Number(b[i - 1]!.split(",")[0]);
        const t1 = Number(b[i]!.split(",")[0]);
        if (t1 < t0 || (t1 === t0 && Buffer.compare(Buffer.from(b[i - 1]!), Buffer.from(b[i]!)) > 0)) bad++;
      }
      expect(bad, s).toBe(0);
    }
  });
});

describe("generateHours: a range continued from the previous one", () => {
  it("equals the same range generated with its warm-up", () => {
    const options = resolveOptions({ days: 2, scale: 0.002 });
    const text = (ctx: SynthContext, stream: SynthStream, from: number, to: number): string =>
      Buffer.concat([...generateHours(ctx, stream, from, to)].map((b) => b.bytes)).toString("latin1");
    const carried = createContext(options, "lanl");
    const fresh = createContext(options, "lanl");
    for (const stream of ["auth", "proc"] as const) {
      const first = text(carried, stream, 0, 20);
      const continued = text(carried, stream, 20, 30); // starts where the ring stopped: no warm-up
      expect(continued.length).toBeGreaterThan(1000);
      expect(continued, stream).toBe(text(fresh, stream, 20, 30));
      expect(first + continued, stream).toBe(text(fresh, stream, 0, 30));
    }
  });
});

describe("gaps (LANL's missing flows days)", () => {
  it("drops flows on days 24-25 and keeps every other line as it is without gaps", async () => {
    const opts = { days: 3, startDay: 23, scale: 0.0005, workers: 0, quiet: true, streams: ["flows", "dns"] as SynthStream[] };
    const withGaps = mkdtempSync(join(tmpdir(), "tl-synth-gaps-"));
    const without = mkdtempSync(join(tmpdir(), "tl-synth-nogaps-"));
    const r = await generate({ ...opts, out: withGaps });
    await generate({ ...opts, gaps: "none", out: without });
    const day = (l: string): number => Math.floor(Number(l.slice(0, l.indexOf(","))) / 86_400);
    const flows = lines(withGaps, "flows");
    const all = lines(without, "flows");
    expect(new Set(flows.map(day))).toEqual(new Set([23]));
    expect(new Set(all.map(day))).toEqual(new Set([23, 24, 25]));
    expect(flows).toEqual(all.filter((l) => day(l) === 23));
    expect(lines(withGaps, "dns")).toEqual(lines(without, "dns"));
    expect(r.files.flows!.lines).toBe(flows.length);
    expect(JSON.parse(readFileSync(join(withGaps, "synth.json"), "utf8")).options.gaps).toBe("lanl");
  });

  it("rejects an unknown gaps value", async () => {
    await expect(generate({ out: mkdtempSync(join(tmpdir(), "tl-synth-bad-")), gaps: "some" as "none" })).rejects.toThrow(/--gaps must be lanl or none, got 'some'/);
  });
});
