import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allNames, buildOnce, makeLines, readTree, runCli, runCliKilledWhen, tempDir, writeGz } from "./helpers.js";

const P = "partitions/P0DT1H0M0S";

beforeAll(() => {
  buildOnce();
});

function position(dir: string, stream: string): { file: number; block: number; complete: boolean } | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, P, ".state", `${stream}.json`), "utf8"));
    return { ...m.position, complete: m.complete };
  } catch {
    return undefined;
  }
}

describe("kill and resume (CLI, SIGKILL)", () => {
  it("finishes byte-identical to an uninterrupted run after being killed at several points", async () => {
    const auth = makeLines(100_000, 9, 11, 1, 0.3);
    const dns = makeLines(40_000, 3, 12, 1, 0.3);
    // a few malformed lines, so the rejects file is resumed too
    auth.splice(30_000, 0, "bad line");
    auth.splice(90_000, 0, "");
    const setup = (tag: string): string => {
      const dir = tempDir(tag);
      writeGz(join(dir, "raw/auth.txt.gz"), auth);
      writeGz(join(dir, "raw/dns.txt.gz"), dns);
      return dir;
    };
    const args = (dir: string, ms: number): string[] => ["lanl", "partition", dir, "--quiet", "--jobs", "2", "--block-size", "16384", "--checkpoint-ms", String(ms)];

    const clean = setup("clean");
    const ok = await runCli(args(clean, 1000));
    expect(ok.code).toBe(0);
    const reference = readTree(join(clean, P));
    expect(reference.has("rejects/auth.tsv")).toBe(true);

    const blocks = Math.ceil((auth.join("\n").length + 1) / 16384);
    const dir = setup("killed");
    const kills: Array<() => boolean> = [
      () => position(dir, "auth") !== undefined, // right after the start
      () => (position(dir, "auth")?.block ?? 0) >= Math.floor(blocks * 0.3),
      () => (position(dir, "auth")?.block ?? 0) >= Math.floor(blocks * 0.6),
      () => (position(dir, "auth")?.file ?? 0) >= 1 || (position(dir, "auth")?.block ?? 0) >= blocks - 3, // near the end
    ];
    let killed = 0;
    let last = -1;
    for (const [i, when] of kills.entries()) {
      // alternate checkpoint frequencies so that some kills land between checkpoints
      const r = await runCliKilledWhen(args(dir, i % 2 === 0 ? 0 : 40), when);
      if (r.signal === "SIGKILL") killed++;
      else expect(r.code).toBe(0);
      const p = position(dir, "auth");
      // progress is kept across kills: never goes back
      const here = p ? p.file * 1e9 + p.block : -1;
      expect(here).toBeGreaterThanOrEqual(last);
      last = here;
    }
    expect(killed).toBeGreaterThanOrEqual(2);
    const fin = await runCli(args(dir, 40));
    expect(fin.code).toBe(0);
    expect(readTree(join(dir, P))).toEqual(reference);
    expect(allNames(join(dir, P)).filter((n) => n.includes(".inprogress") || n.includes(".partial"))).toEqual([]);
    expect(readFileSync(join(dir, P, "summary.json"), "utf8")).toBe(readFileSync(join(clean, P, "summary.json"), "utf8"));

    // a rerun of a complete result does nothing
    const again = await runCli(args(dir, 40));
    expect(again.stdout).toMatch(/this run: 0 lines.*already complete: auth,dns/);
  });

  it("resumes the chunked layout from the chunk it stopped in", async () => {
    const lines = makeLines(60_000, 5, 21, 1, 0.3);
    const setup = (tag: string): string => {
      const dir = tempDir(tag);
      for (let c = 0; c < 6; c++) writeGz(join(dir, `chunked/proc/${String(c).padStart(4, "0")}.txt.gz`), lines.slice(c * 10_000, (c + 1) * 10_000));
      return dir;
    };
    const args = (dir: string): string[] => ["lanl", "partition", dir, "--quiet", "--jobs", "1", "--block-size", "8192", "--checkpoint-ms", "0"];
    const clean = setup("chunked-clean");
    expect((await runCli(args(clean))).code).toBe(0);
    const dir = setup("chunked-killed");
    const r1 = await runCliKilledWhen(args(dir), () => (position(dir, "proc")?.file ?? 0) >= 2);
    const p = position(dir, "proc");
    if (r1.signal === "SIGKILL") expect(p!.file).toBeGreaterThanOrEqual(2);
    const r2 = await runCliKilledWhen(args(dir), () => (position(dir, "proc")?.file ?? 0) >= 4 && (position(dir, "proc")?.block ?? 0) >= 3);
    expect([r2.code, r2.signal]).not.toEqual([1, null]);
    const fin = await runCli(args(dir));
    expect(fin.code).toBe(0);
    expect(readTree(join(dir, P))).toEqual(readTree(join(clean, P)));
  });
});
