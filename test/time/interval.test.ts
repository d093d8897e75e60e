import { describe, expect, it } from "vitest";
import {
  DEFAULT_ORIGIN,
  formatIsoUtc,
  intervalFloor,
  intervalIndex,
  intervalStartName,
  offsetFromOrigin,
  parseIsoUtc,
} from "../../src/time/interval.js";

describe("interval arithmetic (runs under a non-UTC TZ)", () => {
  it.skipIf(process.env.TZ !== "America/Los_Angeles")("runs in a zone with a UTC offset", () => {
    expect(new Date(parseIsoUtc(DEFAULT_ORIGIN) * 1000).getTimezoneOffset()).toBe(480);
  });
  it("parses naive ISO as UTC", () => {
    expect(parseIsoUtc(DEFAULT_ORIGIN)).toBe(1420070400);
    expect(parseIsoUtc("2015-01-01T05:00:00Z")).toBe(1420088400);
    expect(parseIsoUtc("2015-01-01")).toBe(1420070400);
    expect(parseIsoUtc("2015-01-01T05:00")).toBe(1420088400);
    expect(parseIsoUtc("2015-03-08T10:00:00")).toBe(1425808800); // a US DST switch day
    expect(parseIsoUtc("0050-01-01T00:00:00")).toBe(-60589296000); // not 1950
    expect(parseIsoUtc("2016-02-29")).toBe(1456704000);
  });
  it("rejects bad ISO", () => {
    for (const bad of ["2015-02-30T00:00:00", "2015-13-01", "2015-01-01T24:00:00", "yesterday", "2015-01-01T00:00:00+01:00", "2015-01-01T00:00:00.5"]) {
      expect(() => parseIsoUtc(bad), bad).toThrow(/telemetry-lab\/time\/interval/);
    }
  });
  it("formats like pandas Timestamp.isoformat", () => {
    expect(formatIsoUtc(1420088400)).toBe("2015-01-01T05:00:00");
    expect(formatIsoUtc(parseIsoUtc("2015-03-08T02:30:00"))).toBe("2015-03-08T02:30:00"); // nonexistent in LA local time
  });
  it("floors on integers, negatives included", () => {
    expect(intervalFloor(0, 3600)).toBe(0);
    expect(intervalFloor(3599, 3600)).toBe(0);
    expect(intervalFloor(3600, 3600)).toBe(3600);
    expect(intervalFloor(-1, 3600)).toBe(-3600);
    expect(intervalFloor(-3600, 3600)).toBe(-3600);
    expect(intervalFloor(100, 60, 30)).toBe(90);
    expect(intervalFloor(29, 60, 30)).toBe(-30);
    expect(intervalIndex(7199, 3600)).toBe(1);
    expect(intervalIndex(-1, 3600)).toBe(-1);
    expect(() => intervalFloor(1, 0)).toThrow(/interval/);
  });
  it("names interval starts as the seed does", () => {
    expect(intervalStartName(18_000, 3600)).toBe("2015-01-01T05:00:00");
    expect(intervalStartName(21_599, 3600)).toBe("2015-01-01T05:00:00");
    expect(intervalStartName(766_800 + 3599, 3600)).toBe("2015-01-09T21:00:00"); // the busiest red-team hour
    expect(intervalStartName(5_011_199, 86_400)).toBe("2015-02-27T00:00:00");
    expect(intervalStartName(100, 1800, "2015-01-01T00:00:00Z")).toBe("2015-01-01T00:00:00");
    expect(offsetFromOrigin("2015-01-09T21:00:00")).toBe(766_800);
  });
});
