import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { eventsPerHour } from "../../src/lanl/events-per-hour.js";
import { headLines } from "../../src/lanl/reader.js";

const dir = mkdtempSync(join(tmpdir(), "tl-eph-"));

describe("lanl/events-per-hour and headLines", () => {
  const dns = ["1,C1,C2", "3599,C1,C3", "3600,C2,C3", "bad line", "x,C1,C2", "10800,C4,C5", "10801,C4"].join("\n") + "\n";
  writeFileSync(join(dir, "dns.txt.gz"), gzipSync(dns));

  it("counts events per hour from the origin, malformed lines apart, empty hours as 0", async () => {
    const seen: number[] = [];
    const r = await eventsPerHour(join(dir, "dns.txt.gz"), "dns", { onProgress: (lines) => seen.push(lines) });
    expect(r.perHour).toEqual([2, 1, 0, 1]);
    expect(r.lines).toBe(7);
    expect(r.malformed).toBe(3);
    expect(seen.at(-1)).toBe(7);
  });

  it("names itself on an unknown stream", async () => {
    await expect(eventsPerHour(join(dir, "dns.txt.gz"), "nosuch")).rejects.toThrow(/^telemetry-lab\/lanl\/events-per-hour: /);
  });

  it("headLines reads only the first lines", async () => {
    expect(await headLines(join(dir, "dns.txt.gz"), 2)).toEqual(["1,C1,C2", "3599,C1,C3"]);
    expect(await headLines(join(dir, "dns.txt.gz"), 100)).toHaveLength(7);
    expect(await headLines(join(dir, "dns.txt.gz"), 0)).toEqual([]);
  });
});
