/**
 * `lanl graphs` killed (SIGKILL) in the middle of a run and rerun gives exactly the files of
 * an uninterrupted run: graphs and statistics are written atomically, finished ones are
 * kept, leftovers of the killed run are removed.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGraphs } from "../../../src/graph/pipeline/pipeline.js";
import { buildOnce, readTree, ROOT, tempDir, writeGz } from "./helpers.js";

const CLI = join(ROOT, "bin", "telemetry-lab.js");
const FRAME = ["--start", "2015-01-01T00:00:00", "--end", "2015-01-01T12:00:00"];

/** 12 hours of auth and dns partitions, a few thousand events each (deterministic). */
function makeDay(dir: string): void {
  let x = 12345;
  const r = (k: number): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % k;
  };
  for (let h = 0; h < 12; h++) {
    const hour = `2015-01-01T${String(h).padStart(2, "0")}:00:00`;
    const auth: string[] = [];
    for (let i = 0; i < 2000; i++) {
      auth.push([h * 3600 + (i % 3600), `U${r(900)}@DOM1`, `U${r(900)}@DOM1`, `C${r(2000)}`, `C${r(300)}`, ["Kerberos", "NTLM", "?"][r(3)], "Network", "LogOn", "Success"].join(","));
    }
    const dns = Array.from({ length: 500 }, (_, i) => `${h * 3600 + i},C${r(2000)},C${r(50)}`);
    writeGz(join(dir, "partitions", "P0DT1H0M0S", "auth", `${hour}.txt.gz`), auth);
    writeGz(join(dir, "partitions", "P0DT1H0M0S", "dns", `${hour}.txt.gz`), dns);
  }
}

function runUntilTwoGraphs(dir: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "lanl", "graphs", dir, ...FRAME, "--jobs", "1", "--quiet"], { stdio: "ignore" });
    const graphs = join(dir, "experiments", "P0DT1H0M0S", "2015-01-01T00:00:00__2015-01-01T12:00:00", "all-category-no-attr", "graphs");
    const poll = setInterval(() => {
      const n = existsSync(graphs) ? readdirSync(graphs).filter((f) => f.endsWith(".tlg.gz")).length : 0;
      if (n >= 2) child.kill("SIGKILL");
    }, 5);
    child.on("exit", (code) => {
      clearInterval(poll);
      resolve(code);
    });
  });
}

describe("lanl graphs, killed and rerun", () => {
  beforeAll(() => buildOnce());

  it("ends with the same files as an uninterrupted run", async () => {
    const clean = tempDir("clean");
    makeDay(clean);
    await buildGraphs(clean, { start: "2015-01-01T00:00:00", end: "2015-01-01T12:00:00", jobs: 0, quiet: true });
    const killed = tempDir("killed");
    makeDay(killed);
    const code = await runUntilTwoGraphs(killed);
    const second = await buildGraphs(killed, { start: "2015-01-01T00:00:00", end: "2015-01-01T12:00:00", jobs: 2, quiet: true });
    expect(second.built.length + second.skipped.length).toBe(12);
    expect(second.skipped.length).toBeGreaterThanOrEqual(2); // the killed run's finished graphs are kept
    if (code !== 0) expect(second.built.length).toBeGreaterThan(0); // killed before the end (almost always)
    expect(readTree(join(killed, "experiments"))).toEqual(readTree(join(clean, "experiments")));
  });
});
