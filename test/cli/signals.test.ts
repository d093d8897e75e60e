/**
 * SIGINT / SIGTERM: the command stops its workers, removes its locks and temporaries,
 * prints one line ("interrupted; rerun to resume") and exits 130 / 143; a rerun then
 * finishes with the same files as an uninterrupted run. Locks record the process start
 * time, so a live process that reused the pid of a dead owner does not block a run.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ownerAlive, parseLockOwner, processStartTime, takeLock } from "../../src/io/lock.js";
import { allNames, buildOnce, CLI, makeLines, readTree, runCli, tempDir, writeGz } from "../partition/helpers.js";
import { buildOnce as buildGraphsDist, makePartitions } from "../graph/pipeline/helpers.js";

const P = "partitions/P0DT1H0M0S";

beforeAll(() => {
  buildOnce();
  buildGraphsDist();
});

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the CLI and sends `signal` once `when()` is true (or lets it finish). */
function runAndSignal(args: string[], signal: NodeJS.Signals, when: () => boolean): Promise<Interrupted> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setInterval(() => {
      let fire = false;
      try {
        fire = when();
      } catch {
        fire = false;
      }
      if (fire) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 2);
    child.on("close", (code, sig) => {
      clearInterval(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

function block(dir: string, stream: string): number {
  try {
    return JSON.parse(readFileSync(join(dir, P, ".state", `${stream}.json`), "utf8")).position.block as number;
  } catch {
    return -1;
  }
}

describe("signals", () => {
  it("lanl partition on SIGTERM: exit 143, one line, no locks, no temporaries; the rerun completes identically", async () => {
    const auth = makeLines(60_000, 9, 3, 1, 0.3);
    const setup = (tag: string): string => {
      const dir = tempDir(tag);
      writeGz(join(dir, "raw/auth.txt.gz"), auth);
      return dir;
    };
    const args = (dir: string): string[] => ["lanl", "partition", dir, "--quiet", "--jobs", "2", "--block-size", "16384", "--checkpoint-ms", "0"];
    const clean = setup("sig-clean");
    expect((await runCli(args(clean))).code).toBe(0);
    const dir = setup("sig-term");
    const r = await runAndSignal(args(dir), "SIGTERM", () => block(dir, "auth") >= 8);
    expect(r.code).toBe(143);
    expect(r.stderr).toBe("telemetry-lab lanl partition: interrupted; rerun to resume\n");
    const names = allNames(join(dir, P));
    expect(names.filter((n) => n.endsWith(".lock") || n.endsWith(".partial"))).toEqual([]);
    expect((await runCli(args(dir))).code).toBe(0);
    expect(readTree(join(dir, P))).toEqual(readTree(join(clean, P)));
  });

  it("lanl graphs on SIGINT: exit 130, one line, no temporaries", async () => {
    const dir = tempDir("sig-graphs");
    makePartitions(dir);
    // more intervals, so that the run is still going when the signal comes
    for (let h = 4; h < 24; h++) {
      const lines = makeLines(20_000, 9, h, h * 3600, 0.001).map((l) => l.replace(/^\d+/, (t) => String(Math.min(Number(t), h * 3600 + 3599))));
      writeGz(join(dir, P, "auth", `2015-01-01T${String(h).padStart(2, "0")}:00:00.txt.gz`), lines);
    }
    const exp = join(dir, "experiments");
    const r = await runAndSignal(["lanl", "graphs", dir, "--start", "2015-01-01T00:00:00", "--end", "2015-01-02T00:00:00", "--jobs", "2", "--quiet"], "SIGINT", () => {
      const g = join(exp, "P0DT1H0M0S", "2015-01-01T00:00:00__2015-01-02T00:00:00", "all-category-no-attr", "graphs");
      return existsSync(g) && readdirSync(g).some((n) => n.endsWith(".tlg.gz"));
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toBe("telemetry-lab lanl graphs: interrupted; rerun to resume\n");
    expect(allNames(exp).filter((n) => n.endsWith(".partial"))).toEqual([]);
  });

  it("a lock held by a live process that reused the owner's pid is taken over", () => {
    const dir = tempDir("lock");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "x.lock");
    // the parent process is alive, but did not start at time 1
    writeFileSync(path, `${process.ppid} 1`);
    expect(ownerAlive({ pid: process.ppid, start: "1" })).toBe(processStartTime(process.ppid) === undefined);
    const release = takeLock(path);
    expect(parseLockOwner(readFileSync(path, "utf8"))).toEqual({ pid: process.pid, start: processStartTime(process.pid) });
    expect(ownerAlive(parseLockOwner(readFileSync(path, "utf8"))!)).toBe(true);
    release();
    expect(existsSync(path)).toBe(false);
    // the true owner (pid and start time) blocks
    writeFileSync(path, `${process.ppid} ${processStartTime(process.ppid) ?? ""}`.trim());
    expect(() => takeLock(path)).toThrow(/held by another running process/);
  });
});
