import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { buildOnce, makeLines, runCli, tempDir, writeGz } from "../../partition/helpers.js";

beforeAll(() => {
  buildOnce();
});

describe("telemetry-lab lanl partition", () => {
  it("prints its help and rejects bad usage", async () => {
    const help = await runCli(["lanl", "partition", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: telemetry-lab lanl partition DIR/);
    expect((await runCli(["lanl", "partition"])).code).toBe(2);
    expect((await runCli(["lanl", "partition", "x", "--bogus"])).code).toBe(2);
    const bad = await runCli(["lanl", "partition", tempDir("cli-empty"), "--interval", "1x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/telemetry-lab\/time\/duration: cannot parse duration '1x'/);
  });

  it("prints the summary table, per-interval counts, or JSON", async () => {
    const dir = tempDir("cli");
    writeGz(join(dir, "raw/dns.txt.gz"), ["1,C1,C2", "3600,C1,C2", "3601,C1,C2", "bad"]);
    const r = await runCli(["lanl", "partition", dir, "--quiet", "--intervals"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dns\s+4\s+3\s+1\s+0\s+2\s+2015-01-01T00:00:00\s+2015-01-01T01:00:00/);
    expect(r.stdout).toMatch(/2015-01-01T01:00:00\s+2\n/);
    const j = await runCli(["lanl", "partition", dir, "--json", "--interval", "30m"]);
    const summary = JSON.parse(j.stdout);
    expect(summary.interval).toBe("P0DT0H30M0S");
    expect(summary.streams[0].perInterval).toEqual({ "2015-01-01T00:00:00": 1, "2015-01-01T01:00:00": 2 });
    writeGz(join(dir, "raw/auth.txt.gz"), makeLines(100, 9, 1));
    const two = await runCli(["lanl", "partition", dir, "--json", "--streams", "auth,dns"]);
    expect(JSON.parse(two.stdout).streams.map((s: { stream: string }) => s.stream)).toEqual(["auth", "dns"]);
  });
});
