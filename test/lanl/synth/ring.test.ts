import { describe, expect, it } from "vitest";
import { Dictionary, LineRing, num } from "../../../src/lanl/synth/ring.js";

describe("Dictionary", () => {
  it("interns values once and rejects commas", () => {
    const d = new Dictionary();
    expect(d.id("C586")).toBe(0);
    expect(d.id("U12@DOM1")).toBe(1);
    expect(d.id("C586")).toBe(0);
    expect(d.name(1)).toBe("U12@DOM1");
    expect(() => d.id("a,b")).toThrow(/telemetry-lab\/lanl\/synth\/ring/);
  });
});

describe("LineRing", () => {
  function drainAll(ring: LineRing, hours: number[]): string {
    let text = "";
    for (const h of hours) ring.drainBin(h, true, (b) => (text += b.toString("latin1")));
    return text;
  }
  it("sorts by time across pushes out of order, and by bytes within a second", () => {
    const d = new Dictionary();
    const [a, b, c] = [d.id("C1"), d.id("C2"), d.id("C3")];
    const ring = new LineRing(d, 2, 3, 1e9);
    ring.push2(3700, a, b);
    ring.push2(5, c, a);
    ring.push2(0, b, c); // time 0 becomes 1
    ring.push2(5, a, a);
    ring.push2(3599, b, b);
    expect(drainAll(ring, [0, 1])).toBe("1,C2,C3\n5,C1,C1\n5,C3,C1\n3599,C2,C2\n3700,C1,C2\n");
  });
  it("byte order within a second as in LANL's files: a prefix first, '$' before ','", () => {
    const d = new Dictionary();
    const ids = ["U10@DOM1", "U101@DOM1", "C1$@DOM1", "C1", "C1001$@DOM1", "x"].map((s) => d.id(s));
    const ring = new LineRing(d, 2, 2, 1e9);
    for (const i of [0, 1, 2, 3, 4]) ring.push2(1, ids[i]!, ids[5]!);
    ring.push2(1, ids[3]!, ids[3]!);
    expect(drainAll(ring, [0])).toBe("1,C1$@DOM1,x\n1,C1,C1\n1,C1,x\n1,C1001$@DOM1,x\n1,U101@DOM1,x\n1,U10@DOM1,x\n");
  });
  it("byte order with many lines in one second, or generation order when off", () => {
    const d = new Dictionary();
    const names = Array.from({ length: 40 }, (_, i) => `C${40 - i}`);
    const ids = names.map((n) => d.id(n));
    const ring = new LineRing(d, 2, 2, 1e9, true);
    for (const id of ids) ring.push2(9, id, ids[0]!);
    const want = [...names].sort().map((n) => `9,${n},C40\n`).join("");
    expect(drainAll(ring, [0])).toBe(want);
    const plain = new LineRing(d, 2, 2, 1e9, false);
    for (const id of ids) plain.push2(9, id, ids[0]!);
    expect(drainAll(plain, [0])).toBe(names.map((n) => `9,${n},C40\n`).join(""));
  });
  it("writes integer values and drops events at or after tEnd", () => {
    const d = new Dictionary();
    const x = d.id("x");
    const ring = new LineRing(d, 8, 2, 100);
    ring.push8(7, num(0), x, num(10), x, num(1_400_000), num(6), num(2 ** 40), num(46));
    ring.push8(100, x, x, x, x, x, x, x, x);
    expect(drainAll(ring, [0])).toBe("7,0,x,10,x,1400000,6,2147483646,46\n");
    expect(ring.pushed).toBe(1);
  });
  it("a discarded bin writes nothing and is reused", () => {
    const d = new Dictionary();
    const x = d.id("x");
    const ring = new LineRing(d, 2, 2, 1e9);
    for (let i = 0; i < 5000; i++) ring.push2(10, x, x);
    ring.drainBin(0, false, () => {
      throw new Error("must not emit");
    });
    ring.push2(7210, x, x); // bin 2 % 2 = 0 again
    expect(drainAll(ring, [2])).toBe("7210,x,x\n");
  });
});
