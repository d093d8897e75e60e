/**
 * The partition layout is a published interface: after a kill, no file under a final name
 * may be shorter than in an uninterrupted run, even when late lines (time disorder beyond
 * the window) are still to come; and a completed rerun leaves no temporary anywhere
 * (stream folders, `.state`, beside `summary.json`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allNames, buildOnce, makeLines, readTree, runCli, runCliKilledWhen, tempDir, writeGz } from "./helpers.js";

const P = "partitions/P0DT1H0M0S";

beforeAll(() => {
  buildOnce();
});

function block(dir: string): number {
  try {
    return JSON.parse(readFileSync(join(dir, P, ".state", "dns.json"), "utf8")).position.block as number;
  } catch {
    return -1;
  }
}

describe("no short file under a final name after a kill with late lines", () => {
  it("every final-named file equals the uninterrupted run's; a rerun removes all temporaries", async () => {
    const lines = makeLines(50_000, 3, 31, 1, 0.3); // about 64 hours
    // late lines for the first hours, at the very end of the input
    for (let i = 0; i < 7; i++) lines.push(`${5 + i},C${i},C${i + 1}`, `${3700 + i},C${i},C${i + 2}`);
    const setup = (tag: string): string => {
      const dir = tempDir(tag);
      writeGz(join(dir, "raw/dns.txt.gz"), lines);
      return dir;
    };
    const args = (dir: string): string[] => ["lanl", "partition", dir, "--quiet", "--jobs", "1", "--block-size", "8192", "--checkpoint-ms", "0"];
    const clean = setup("final-clean");
    expect((await runCli(args(clean))).code).toBe(0);
    const reference = readTree(join(clean, P));

    const dir = setup("final-killed");
    const r = await runCliKilledWhen(args(dir), () => block(dir) >= 60);
    expect(r.signal).toBe("SIGKILL");
    const finals = readdirSync(join(dir, P, "dns")).filter((n) => !n.startsWith("."));
    for (const n of finals) expect(readFileSync(join(dir, P, "dns", n))).toEqual(reference.get(`dns/${n}`));

    // leftovers of dead processes (pid 999999999 is never alive) beside the summary and in .state
    writeFileSync(join(dir, P, ".state", ".dns.json.999999999.3.partial"), "x");
    writeFileSync(join(dir, P, ".summary.json.999999999.1.partial"), "x");
    expect((await runCli(args(dir))).code).toBe(0);
    expect(readTree(join(dir, P))).toEqual(reference);
    expect(allNames(join(dir, P)).filter((n) => n.includes(".inprogress") || n.includes(".partial") || n.endsWith(".lock"))).toEqual([]);
  });
});
