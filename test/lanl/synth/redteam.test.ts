import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../../src/lanl/synth/calendar.js";
import { buildWorld } from "../../../src/lanl/synth/entities.js";
import { buildScenario, campaignSchedule, CAMPAIGN_DAY_COUNTS } from "../../../src/lanl/synth/redteam.js";

describe("campaignSchedule", () => {
  it("default: days 0-5 attack-free, campaign on the last weekdays", () => {
    expect(campaignSchedule(resolveOptions({}), "late")).toEqual([
      { day: 6, events: 21 },
      { day: 7, events: 273 },
      { day: 8, events: 209 },
      { day: 9, events: 81 },
    ]);
  });
  it("never on a weekend; lanl and none calendars", () => {
    const s = campaignSchedule(resolveOptions({ days: 30 }), "late");
    expect(s.every(({ day }) => day % 7 !== 3 && day % 7 !== 4)).toBe(true);
    expect(s.every(({ day }) => day >= 18)).toBe(true);
    const real = campaignSchedule(resolveOptions({ days: 58 }), "lanl");
    expect(real.length).toBe(18);
    expect(real.reduce((a, d) => a + d.events, 0)).toBe(749);
    expect(campaignSchedule(resolveOptions({ days: 5 }), "none")).toEqual([]);
    expect(CAMPAIGN_DAY_COUNTS.reduce((a, b) => a + b, 0)).toBe(749);
  });
  it("--attack-scale multiplies the per-day counts, at least one per day", () => {
    expect(campaignSchedule(resolveOptions({ attackScale: 0.1 }), "late").map((d) => d.events)).toEqual([2, 27, 21, 8]);
    expect(campaignSchedule(resolveOptions({ days: 58, attackScale: 0.01 }), "lanl").every((d) => d.events >= 1)).toBe(true);
    expect(() => resolveOptions({ attackScale: 0 })).toThrow(/--attack-scale/);
  });
});

describe("buildScenario", () => {
  const options = resolveOptions({ scale: 0.003 });
  const world = buildWorld(options);
  const s = buildScenario(world, options, "late");
  it("mirrors the real red team: few sources, one dominant, working hours, fan-out", () => {
    const bySrc = new Map<string, number>();
    for (const l of s.labels) bySrc.set(l.src, (bySrc.get(l.src) ?? 0) + 1);
    expect(bySrc.size).toBeLessThanOrEqual(3);
    expect(Math.max(...bySrc.values()) / s.labels.length).toBeGreaterThan(0.8);
    expect(s.labels.length).toBe(21 + 273 + 209 + 81);
    for (const l of s.labels) {
      const hod = Math.floor(l.time / 3600) % 24;
      expect(hod >= 8 && hod <= 22 && hod !== 18, `hour ${hod}`).toBe(true);
      expect(l.src).not.toBe(l.dst);
      expect(l.user).toMatch(/^U\d+@(DOM1|C\d+)$/);
    }
    const day7 = s.labels.filter((l) => Math.floor(l.time / 86400) === 7);
    expect(new Set(day7.map((l) => l.dst)).size).toBeGreaterThan(100);
    expect(new Set(day7.map((l) => l.user)).size).toBeGreaterThan(20);
    const perHour = [...s.byHour.values()].map((v) => v.length);
    expect(Math.max(...perHour)).toBeLessThanOrEqual(55);
  });
  it("is sorted and deterministic", () => {
    const again = buildScenario(buildWorld(options), options, "late");
    expect(again.labels).toEqual(s.labels);
    for (let i = 1; i < s.labels.length; i++) expect(s.labels[i]!.time).toBeGreaterThanOrEqual(s.labels[i - 1]!.time);
  });
});
