import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { countPerDay, countPerHour, countPerInterval, parseRedteam, readRedteam } from "../../src/lanl/redteam.js";

const GZ = "../shared/datasets/lanl/redteam.txt.gz";
const TXT = "../shared/datasets/lanl/redteam.txt";

describe("parseRedteam / counts", () => {
  it("parses labels and reports bad lines with their number", () => {
    expect(parseRedteam("150885,U620@DOM1,C17693,C1003\n\n151036,U748@DOM1,C17693,C305")).toEqual([
      { time: 150885, user: "U620@DOM1", src: "C17693", dst: "C1003" },
      { time: 151036, user: "U748@DOM1", src: "C17693", dst: "C305" },
    ]);
    expect(() => parseRedteam("1,U1@DOM1,C1,C2\n2,U1@DOM1,C1\n", "rt.txt")).toThrow(
      "telemetry-lab/lanl/redteam: rt.txt: line 2: expected 4 fields, got 3",
    );
  });
  it("counts densely, empty intervals included", () => {
    const ev = [{ time: 10 }, { time: 90_000 }, { time: 90_001 }];
    expect(countPerInterval(ev, 86_400, { from: 0, to: 3 * 86_400 })).toEqual({
      interval: 86_400,
      starts: [0, 86_400, 172_800],
      counts: [1, 2, 0],
    });
    expect(countPerHour(ev).counts.length).toBe(26);
    expect(countPerInterval([], 3600).counts).toEqual([]);
  });
});

describe.skipIf(!existsSync(GZ))("the real redteam file", () => {
  it("gz and txt agree; per-day and per-hour counts match the measured ones", async () => {
    const labels = await readRedteam(GZ);
    expect(labels.length).toBe(749);
    expect(parseRedteam(readFileSync(TXT))).toEqual(labels);
    const days = countPerDay(labels, 58);
    expect(days.counts.length).toBe(58);
    expect(days.counts[8]).toBe(273);
    expect(days.counts[12]).toBe(209);
    expect(days.counts.filter((c) => c > 0).length).toBe(18);
    const hours = countPerHour(labels);
    expect(Math.max(...hours.counts)).toBe(55);
    expect(hours.counts[213]).toBe(55);
    expect(hours.counts.filter((c) => c > 0).length).toBe(84);
    expect(new Set(labels.map((l) => l.src)).size).toBe(4);
  });
});
