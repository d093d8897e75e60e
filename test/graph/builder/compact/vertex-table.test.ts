import { describe, expect, it } from "vitest";
import { VertexTable } from "../../../../src/graph/builder/compact/vertex-table.js";
import { EdgeTable } from "../../../../src/graph/builder/compact/edge-table.js";
import { EventCounter } from "../../../../src/graph/builder/compact/event-counter.js";
import { nameOrder } from "../../../../src/graph/csr.js";

describe("VertexTable", () => {
  it("gives one id per name, through strings and bytes alike, across growth", () => {
    const t = new VertexTable(4);
    const p = t.prefix("computer::");
    for (let i = 0; i < 5000; i++) expect(t.intern(`computer::C${i}`)).toBe(i);
    const buf = Buffer.from("x,C4999,C0,C77777");
    expect(t.internPrefixed(p, buf, 2, 7)).toBe(4999);
    expect(t.internPrefixed(p, buf, 8, 10)).toBe(0);
    expect(t.internPrefixed(p, buf, 11, 17)).toBe(5000);
    expect(t.name(5000)).toBe("computer::C77777");
    for (let i = 0; i < 5000; i++) expect(t.find(`computer::C${i}`)).toBe(i);
    expect(t.find("computer::nope")).toBe(-1);
    expect(t.size).toBe(5001);
  });

  it("keeps prefixes apart and splits plain names at the first '::'", () => {
    const t = new VertexTable();
    const a = t.intern("computer_source::C1");
    const b = t.intern("computer_destination::C1");
    const c = t.intern("C1");
    const d = t.intern("port::a::b");
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(t.internPrefixed(t.prefix("port::"), Buffer.from("a::b"), 0, 4)).toBe(d);
    expect(t.allNames()).toEqual(["computer_source::C1", "computer_destination::C1", "C1", "port::a::b"]);
    expect(() => t.prefix("a::b::")).toThrow(/telemetry-lab\/graph\/vertex-table: prefix 'a::b::'/);
  });

  it("handles UTF-8 names", () => {
    const t = new VertexTable();
    const id = t.intern("user::Zoë@DOM");
    const bytes = Buffer.from("Zoë@DOM", "utf8");
    expect(t.internPrefixed(t.prefix("user::"), bytes, 0, bytes.length)).toBe(id);
  });
});

describe("EdgeTable", () => {
  it("accumulates undirected weights through growth", () => {
    const t = new EdgeTable(4);
    for (let r = 0; r < 3; r++) for (let i = 0; i < 3000; i++) t.add(i, (i * 7) % 3001, 0.5);
    expect(t.size).toBe(3000);
    expect(t.get(7, 1)).toBe(1.5);
    expect(t.get(1, 7)).toBe(1.5);
    expect(t.get(0, 0)).toBe(1.5); // a self-loop
    expect(t.get(2, 3)).toBe(0);
    const { us, vs, ws } = t.toArrays();
    expect(us.length).toBe(3000);
    for (let i = 0; i < us.length; i++) {
      expect(us[i]!).toBeLessThanOrEqual(vs[i]!);
      expect(ws[i]).toBe(1.5);
    }
  });
});

describe("EventCounter", () => {
  it("counts distinct byte bodies", () => {
    const c = new EventCounter(2, 2);
    const lines = ["C1,C2", "C1,C3", "C1,C2", "", "C1,C2,"];
    const ids = lines.map((l) => {
      const b = Buffer.from(l);
      const h = c.hash(b, 0, b.length);
      const f = c.find(b, 0, b.length, h);
      if (f >= 0) {
        c.counts[f]!++;
        return f;
      }
      return c.insert(b, 0, b.length, h);
    });
    expect(ids).toEqual([0, 1, 0, 2, 3]);
    expect([...c.counts.subarray(0, c.size)]).toEqual([2, 1, 1, 1]);
  });
});

describe("VertexTable.nameOrder", () => {
  it("orders ids exactly as nameOrder (JS string order), radix path and fallbacks alike", () => {
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alpha = ["a", "b", "C", "1", "0", "@", "$", "_", ":", "\u0000", "~", " "];
    for (let trial = 0; trial < 60; trial++) {
      const t = new VertexTable();
      const prefixes = ["computer::", "computer_source::", "c::", "co::", "user::", "a:b::", "a::"];
      if (trial % 10 === 9) prefixes.push(""); // names without '::': fallback
      const names = new Set<string>();
      const n = 80 + Math.floor(rnd() * 300);
      for (let i = 0; i < n; i++) {
        let v = "";
        const len = Math.floor(rnd() * 12);
        for (let k = 0; k < len; k++) v += alpha[Math.floor(rnd() * alpha.length)];
        if (v.includes("::")) continue;
        if (trial % 7 === 6 && rnd() < 0.05) v += "é"; // non-ASCII: fallback
        names.add(prefixes[Math.floor(rnd() * prefixes.length)] + v);
      }
      for (const name of names) t.intern(name);
      const all = t.allNames();
      const ids = all.map((_, i) => i).filter(() => rnd() < 0.9);
      expect(t.nameOrder(ids, all)).toEqual(nameOrder(all, ids));
    }
  });
});
