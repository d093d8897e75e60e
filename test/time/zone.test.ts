import { describe, expect, it } from "vitest";

describe("test environment", () => {
  it("runs under a non-UTC time zone, so local-time slips fail the suite", () => {
    // 2015-01-01T00:00:00Z is 2014-12-31 16:00 in Los Angeles (UTC-8).
    const d = new Date(Date.UTC(2015, 0, 1, 0, 0, 0));
    expect(d.getTimezoneOffset()).not.toBe(0);
    expect(d.getHours()).not.toBe(d.getUTCHours());
  });
});
