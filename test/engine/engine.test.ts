import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { sweepAfter, sweepBefore, TaskFailures, type Engine } from "../../src/engine/engine.js";

/** A pid that no process has (a child that ran and exited). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

function folderWithTemporaries(): string {
  const d = mkdtempSync(join(tmpdir(), "tl-sweep-"));
  writeFileSync(join(d, "2015-01-01T00:00:00.tlg.gz"), "done");
  writeFileSync(join(d, `.2015-01-01T01:00:00.tlg.gz.${process.pid}.1.partial`), "mine, running");
  writeFileSync(join(d, `.2015-01-01T02:00:00.tlg.gz.${deadPid()}.1.partial`), "a dead process's");
  return d;
}

const bullmq = { kind: "bullmq" } as Engine;

describe("engine/engine", () => {
  it("before a stage: local runs clear dead processes' temporaries; under BullMQ none (a remote job may still write)", () => {
    const a = folderWithTemporaries();
    sweepBefore(undefined, [a]);
    expect(readdirSync(a).sort()).toEqual([`.2015-01-01T01:00:00.tlg.gz.${process.pid}.1.partial`, "2015-01-01T00:00:00.tlg.gz"]);
    const b = folderWithTemporaries();
    sweepBefore(bullmq, [b]);
    expect(readdirSync(b)).toHaveLength(3);
  });

  it("after a stage: under BullMQ every temporary goes, whatever its pid; locally those of dead processes", () => {
    const a = folderWithTemporaries();
    sweepAfter(bullmq, [a]);
    expect(readdirSync(a)).toEqual(["2015-01-01T00:00:00.tlg.gz"]);
    const b = folderWithTemporaries();
    sweepAfter(undefined, [b]);
    expect(readdirSync(b)).toHaveLength(2);
  });

  it("names every failed task, its tries and the worker's error, one per line", () => {
    const task = (interval: string) => ({ stage: "graphs" as const, experiment: "/e", interval, input: {} });
    const e = new TaskFailures([
      { task: task("2015-01-01T02:00:00"), jobId: "a", attempts: 3, reason: "telemetry-lab/graph/events: /d/auth/2015-01-01T02:00:00.txt.gz: line 7: auth: expected 9 fields, got 6" },
      { task: task("2015-01-01T05:00:00"), jobId: "b", attempts: 1, reason: "boom" },
    ]);
    expect(e.message).toBe(
      "2 of the tasks failed after their retries:\n" +
        "  graphs 2015-01-01T02:00:00 (3 attempts): telemetry-lab/graph/events: /d/auth/2015-01-01T02:00:00.txt.gz: line 7: auth: expected 9 fields, got 6\n" +
        "  graphs 2015-01-01T05:00:00 (1 attempt): boom",
    );
  });
});
