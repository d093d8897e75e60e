import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cliPath, repoRoot } from "../../src/io/repo.js";

describe("io/repo", () => {
  it("finds the repository root from the module's own file", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8"));
    expect(pkg.name).toBe("telemetry-lab");
    expect(existsSync(cliPath())).toBe(true);
  });
});
