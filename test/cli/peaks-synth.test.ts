import { describe, expect, it, vi } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { run } from "../../src/cli/peaks-synth.js";

async function quiet(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    const code = await run(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("cli/peaks-synth", () => {
  it("prints help (0), rejects a missing --out or unknown option (2) and bad values (1)", async () => {
    expect((await quiet(["--help"])).code).toBe(0);
    const missing = await quiet([]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--out is required");
    expect((await quiet(["--out", "x", "--bogus"])).code).toBe(2);
    const bad = await quiet(["--out", join(tmpdir(), "never"), "--days", "two"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^telemetry-lab\/cli\/peaks-synth: --days must be an integer/);
    const badFormat = await quiet(["--out", join(tmpdir(), "never"), "--format", "csv"]);
    expect(badFormat.code).toBe(1);
  });

  it("writes the feed and the sidecar into a folder, format from the options", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peaks-synth-cli-"));
    try {
      const r = await quiet(["--out", dir, "--days", "4", "--daily-volume", "200", "--format", "jsonl", "--gzip", "--quiet", "--seed", "2"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain("telemetry.jsonl.gz");
      const lines = gunzipSync(readFileSync(join(dir, "telemetry.jsonl.gz"))).toString("utf8").trimEnd().split("\n");
      const side = JSON.parse(readFileSync(join(dir, "truth", "waves.json"), "utf8")) as { records: number; seed: number; waves: unknown[] };
      expect(lines.length).toBe(side.records);
      expect(side.seed).toBe(2);
      expect(side.waves.length).toBe(2);
      expect(existsSync(join(dir, "telemetry.json"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
