import { describe, expect, it } from "vitest";
import { isoDuration, parseDuration } from "../../src/time/duration.js";

describe("parseDuration", () => {
  it("parses short forms", () => {
    expect(parseDuration("1h")).toBe(3600);
    expect(parseDuration("30m")).toBe(1800);
    expect(parseDuration("1d")).toBe(86400);
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("2h30m")).toBe(9000);
    expect(parseDuration("1d12h")).toBe(129600);
  });
  it("parses the pandas ISO form", () => {
    expect(parseDuration("P0DT1H0M0S")).toBe(3600);
    expect(parseDuration("P1DT0H0M0S")).toBe(86400);
    expect(parseDuration("P0DT0H30M0S")).toBe(1800);
  });
  it("rejects garbage with a clear error", () => {
    for (const bad of ["", "h", "1x", "1.5h", "30m1h", "-1h", "0s", "P", "PT", "1 h"]) {
      expect(() => parseDuration(bad), bad).toThrow(/telemetry-lab\/time\/duration/);
    }
  });
});

describe("isoDuration", () => {
  it("matches pandas Timedelta.isoformat", () => {
    expect(isoDuration(3600)).toBe("P0DT1H0M0S");
    expect(isoDuration(86400)).toBe("P1DT0H0M0S");
    expect(isoDuration(1800)).toBe("P0DT0H30M0S");
    expect(isoDuration(90061)).toBe("P1DT1H1M1S");
    expect(isoDuration(0)).toBe("P0DT0H0M0S");
    expect(isoDuration(-3600)).toBe("P-1DT23H0M0S");
  });
  it("round-trips with parseDuration", () => {
    for (const s of [1, 59, 60, 3600, 5400, 86400, 7 * 86400 + 1]) expect(parseDuration(isoDuration(s))).toBe(s);
  });
  it("rejects fractions", () => {
    expect(() => isoDuration(1.5)).toThrow(/integer/);
  });
});
