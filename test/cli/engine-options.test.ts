import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, ROOT } from "../build.js";
import { engineOptionError, openEngine } from "../../src/cli/engine-options.js";

const C = "telemetry-lab lanl graphs";

describe("cli/engine-options", () => {
  it("checks --engine, --attempts and the options that need the bullmq engine", () => {
    expect(engineOptionError(C, {})).toBeUndefined();
    expect(engineOptionError(C, { engine: "bullmq", redis: "redis://h", queue: "q", attempts: "5" })).toBeUndefined();
    expect(engineOptionError(C, { engine: "dask" })).toBe(`${C}: --engine must be local or bullmq, got 'dask'`);
    expect(engineOptionError(C, { engine: "bullmq", attempts: "x" })).toBe(`${C}: --attempts must be a non-negative integer, got 'x'`);
    expect(engineOptionError(C, { engine: "bullmq", attempts: "0" })).toBe(`${C}: --attempts must be at least 1, got '0'`);
    expect(engineOptionError(C, { redis: "redis://h" })).toBe(`${C}: --redis needs --engine bullmq`);
    expect(engineOptionError(C, { engine: "local", queue: "q" })).toBe(`${C}: --queue needs --engine bullmq`);
  });

  it("opens no engine for local (each stage makes its own threads)", async () => {
    expect(await openEngine({})).toBeUndefined();
    expect(await openEngine({ engine: "local" })).toBeUndefined();
  });

  it("the commands refuse bad engine options with one line and exit code 2, and a bad URL with exit code 1", () => {
    buildOnce(["src"], ["dist/src/cli/main.js", "dist/src/cli/engine-options.js", "dist/src/cli/worker.js"]);
    const cwd = mkdtempSync(join(tmpdir(), "tl-engine-options-"));
    const lab = join(ROOT, "bin", "telemetry-lab.js");
    const run = (args: string[]): { code: number | null; lines: string[] } => {
      const r = spawnSync(process.execPath, [lab, ...args], { cwd, encoding: "utf8" });
      return { code: r.status, lines: r.stderr.split("\n").filter((l) => l.trim() !== "") };
    };
    for (const cmd of ["graphs", "roles", "detect"]) {
      expect(run(["lanl", cmd, cwd, "--engine", "spark"])).toEqual({ code: 2, lines: [`telemetry-lab lanl ${cmd}: --engine must be local or bullmq, got 'spark'`] });
      expect(run(["lanl", cmd, cwd, "--redis", "redis://h"])).toEqual({ code: 2, lines: [`telemetry-lab lanl ${cmd}: --redis needs --engine bullmq`] });
    }
    expect(run(["lanl", "graphs", cwd, "--engine", "bullmq", "--redis", "http://:pw@h:1"])).toEqual({
      code: 1,
      lines: ["telemetry-lab lanl graphs: telemetry-lab/engine/redis: 'http://:***@h:1' is not a Redis URL (scheme http); expected redis:// or rediss://"],
    });
    expect(run(["worker", "--concurrency", "0"])).toEqual({ code: 2, lines: ["telemetry-lab worker: --concurrency must be at least 1"] });
    expect(run(["worker", "--lock", "soon"])).toEqual({ code: 2, lines: ["telemetry-lab worker: --lock must be a non-negative integer, got 'soon'"] });
  }, 60_000);
});
