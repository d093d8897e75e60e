import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliPath, repoRoot } from "../../src/io/repo.js";

const built = existsSync(join(repoRoot(), "dist", "src", "cli", "main.js"));

describe.skipIf(!built)("cli/main (built bin)", () => {
  it("runs directly (shebang, executable) from any working directory", () => {
    const out = execFileSync(cliPath(), ["--help"], { cwd: mkdtempSync(join(tmpdir(), "tl-cwd-")), encoding: "utf8" });
    expect(out).toContain("usage: telemetry-lab <group> <command>");
    expect(out).toContain("peaks");
  });

  it("exits 2 with the usage on an unknown group", () => {
    const r = spawnSync(cliPath(), ["nope"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown group 'nope'");
  });
});
