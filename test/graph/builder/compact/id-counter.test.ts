import { describe, expect, it } from "vitest";
import { IdCounter } from "../../../../src/graph/builder/compact/id-counter.js";

describe("IdCounter", () => {
  it("counts distinct tuples, through growth, reserve, clear and release", () => {
    for (const width of [1, 2, 7, 8]) {
      const c = new IdCounter(width, 4);
      const ids = new Int32Array(width);
      const expected = new Map<string, number>();
      for (let r = 0; r < 3000; r++) {
        for (let i = 0; i < width; i++) ids[i] = ((r * 7919 + i * 31) % 97) - (i === 0 ? 1 : 0);
        const key = Array.from(ids).join(",");
        const e = c.add(ids);
        expected.set(key, (expected.get(key) ?? 0) + 1);
        expect(Array.from(c.payload.subarray(e * c.stride, e * c.stride + width)).join(",")).toBe(key);
      }
      expect(c.size).toBe(expected.size);
      let total = 0;
      for (let e = 0; e < c.size; e++) {
        const key = Array.from(c.payload.subarray(e * c.stride, e * c.stride + width)).join(",");
        expect(c.count(e)).toBe(expected.get(key));
        total += c.count(e);
      }
      expect(total).toBe(3000);
      c.clear();
      expect(c.size).toBe(0);
      c.reserve(100);
      expect(c.add(ids)).toBe(0);
      expect(c.add(ids)).toBe(0);
      expect(c.count(0)).toBe(2);
      c.release();
      // A later counter takes the released arrays: same results.
      const d = new IdCounter(width);
      d.reserve(50);
      expect(d.size).toBe(0);
      expect(d.add(ids)).toBe(0);
      expect(d.count(0)).toBe(1);
    }
  });

  it("agrees with a map over many distinct tuples, grown from the smallest table", () => {
    // 200 k tuples from a small alphabet: ~100 k distinct, each table growth rehashed from the rows.
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16;
    const c = new IdCounter(3, 1);
    const ids = new Int32Array(3);
    const expected = new Map<string, number>();
    const entryOf = new Map<string, number>();
    for (let r = 0; r < 200_000; r++) {
      ids[0] = next() % 60;
      ids[1] = next() % 60;
      ids[2] = (next() % 40) - 1;
      const key = ids.join(",");
      const e = c.add(ids);
      if (!entryOf.has(key)) entryOf.set(key, e);
      expect(e).toBe(entryOf.get(key));
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(c.size).toBe(expected.size);
    expect(c.size).toBeGreaterThan(90_000);
    for (const [key, e] of entryOf) expect(c.count(e)).toBe(expected.get(key));
  });

  it("touchAll reads the first-probed entries' rows (their first ids folded; an empty slot adds nothing)", () => {
    const c = new IdCounter(2);
    const a = Int32Array.of(5, 1);
    const b = Int32Array.of(9, 2);
    c.add(a);
    c.add(b);
    const hs = Int32Array.of(c.hash(a, 0), c.hash(b, 0), c.hash(Int32Array.of(77, 3), 0));
    const scratch = new Int32Array(3);
    expect(c.touchAll(hs, 2, scratch)).toBe(5 ^ 9);
    expect(c.touchAll(hs, 3, scratch)).toBe(5 ^ 9);
    expect(Array.from(scratch.subarray(0, 2)).sort()).toEqual([1, 2]);
  });

  it("rejects a width that is not a positive integer", () => {
    expect(() => new IdCounter(0)).toThrow(/^telemetry-lab\/graph\/builder\/compact\/id-counter: width/);
  });
});
