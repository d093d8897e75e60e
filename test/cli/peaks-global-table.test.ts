/**
 * The peak analyzer refuses a global table with impossible values (a negative count, an
 * end before its start), naming the entry and the file.
 */
import { describe, expect, it } from "vitest";
import { parseGlobalTable } from "../../src/peaks/gst.js";

const row = (start: string, end: string, ...nums: number[]): string => JSON.stringify({ benign: { PeExeFile: [start, end, ...nums] } });

describe("global table validation", () => {
  it("accepts a sound row", () => {
    const t = parseGlobalTable(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 5, 5, 4, 4, 1, 1, 500), 2, "gst.json");
    expect(t.get(["benign", "PeExeFile"])!.windowCount.value).toBe(1);
  });

  it("refuses a negative count, naming the entry and the field", () => {
    expect(() => parseGlobalTable(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, -5, 5, 4, 4, 1, 1, 500), 2, "gst.json")).toThrow(
      /gst\.json.*entry \["benign","PeExeFile"\]: sub_count_avg is negative \(-5\)/,
    );
    expect(() => parseGlobalTable(row("2021-09-01 00:00:00", "2021-09-02 00:00:00", 1, 5, 5, 4, -4, 1, 1, 500), 2, "gst.json")).toThrow(/samp_count_max is negative/);
  });

  it("refuses an end before its start", () => {
    expect(() => parseGlobalTable(row("2021-09-02 00:00:00", "2021-09-01 00:00:00", 1, 5, 5, 4, 4, 1, 1, 500), 2, "gst.json")).toThrow(
      /entry \["benign","PeExeFile"\]: end_ts "2021-09-01 00:00:00" is before start_ts "2021-09-02 00:00:00"/,
    );
  });
});
