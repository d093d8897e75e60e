import { describe, expect, it } from "vitest";
import { SCHEMAS, type LanlStream } from "../../../../src/lanl/schema.js";
import { allCategoryNoAttr } from "../../../../src/graph/arch/all-category-no-attr.js";
import { shallow } from "../../../../src/graph/arch/shallow.js";
import type { ArchOptions, GraphArch } from "../../../../src/graph/arch/arch.js";
import { CompactBuilder } from "../../../../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../../../../src/graph/builder/graphology.js";
import type { GraphBuilder } from "../../../../src/graph/builder/builder.js";
import { addLines, compilePlan, lineOffsets } from "../../../../src/graph/builder/compact/events.js";
import { GROUP_CACHE_LIMIT, GroupCache } from "../../../../src/graph/builder/compact/group-cache.js";
import { csrDiff, type Csr } from "../../../../src/graph/csr.js";

describe("GroupCache", () => {
  it("finds a run by its bytes, and stops caching at its limit", () => {
    const g = new GroupCache(2);
    const buf = Buffer.from("x,Network,LogOff;Network,LogOf");
    expect(g.find(buf, 2, 16)).toBe(-1);
    expect(g.insert(buf, 2, 16, Int32Array.of(0, 7, 9), 1)).toBe(0);
    expect(g.find(buf, 2, 16)).toBe(0);
    expect(Array.from(g.ids.subarray(0, 2))).toEqual([7, 9]);
    expect(g.find(buf, 17, 30)).toBe(-1); // a prefix of the cached run is another run
    for (let r = 1; r < GROUP_CACHE_LIMIT; r++) {
      const k = Buffer.from(`v${r},w`);
      expect(g.find(k, 0, k.length)).toBe(-1);
      expect(g.insert(k, 0, k.length, Int32Array.of(r, -r))).toBe(r);
    }
    expect(g.full).toBe(true);
    const k = Buffer.from("new,run");
    expect(g.find(k, 0, k.length)).toBe(-1);
    expect(g.insert(k, 0, k.length, Int32Array.of(1, 2))).toBe(-1);
    const again = Buffer.from(`v${GROUP_CACHE_LIMIT - 1},w`);
    expect(g.find(again, 0, again.length)).toBe(GROUP_CACHE_LIMIT - 1);
    expect(g.ids[(GROUP_CACHE_LIMIT - 1) * 2 + 1]).toBe(-(GROUP_CACHE_LIMIT - 1));
    expect(() => new GroupCache(0)).toThrow(/group-cache: width must be a positive integer/);
  });

  it("tells apart runs that differ only in bytes the hash does not sample, at any offset and length", () => {
    const g = new GroupCache(1);
    // Length 13: the sampled words are bytes 0-3, 4-7 and 9-12; byte 8 is compared only.
    // Length 21: sampled 0-3, 8-11, 17-20; bytes 6 and 15 are compared only.
    const runs = ["aaaa,bbbX,ccc", "aaaa,bbbY,ccc", "aaaa,bbbX,ccd", "ab", "abc", "abcd", "abce", "aaaa,bbbX,cc"];
    runs.push("aaaa,bbbb,cccc,dddd,e", "aaaa,bXbb,cccc,dddd,e", "aaaa,bbbb,cccc,Xddd,e");
    const text = "#" + runs.join("|"); // odd offsets: unaligned words
    const at: [number, number][] = [];
    let p = 1;
    for (const r of runs) {
      at.push([p, p + r.length]);
      p += r.length + 1;
    }
    const buf = Buffer.from(text);
    at.forEach(([s, e], i) => {
      expect(g.find(buf, s, e)).toBe(-1);
      expect(g.insert(buf, s, e, Int32Array.of(100 + i))).toBe(i);
    });
    // Looked up again from another buffer (another view) at other offsets.
    const copy = Buffer.from("xyz" + text);
    at.forEach(([s, e], i) => expect(g.ids[g.find(copy, s + 3, e + 3)]).toBe(100 + i));
    expect(g.find(Buffer.from("aaaa,bbbZ,ccc"), 0, 13)).toBe(-1);
  });
});

/**
 * Lines whose low-cardinality tails repeat (NA spellings and '?' among them), whose heads vary,
 * and whose fields shift against the line before (a common suffix that starts inside a field).
 */
function linesOf(stream: LanlStream, distinctTails: number): string[] {
  const out: string[] = [];
  if (stream === "auth") {
    const tails = ["?,Network,LogOff,Success", "NTLM,Network,LogOn,Success", "?,?,LogOn,Fail", "NaN,NA,null,Success", ",Network,,Success", "Kerberos,Network,TGS,Success"];
    for (let i = 0; i < 400; i++) {
      const u = `U${i % 13}@DOM${i % 2}`;
      out.push(`${i},${u},${i % 4 === 0 ? u : "U2@DOM1"},C1${i % 7},${i % 3 === 0 ? "2" : `C1${i % 7}`},${tails[(i * 7) % tails.length]}`);
    }
    for (let i = 0; i < distinctTails; i++) out.push(`${i},U1@DOM1,U1@DOM1,C1,C1,A${i},Network,L${i % 3},Success`);
    out.push("9,U1@DOM1,U1@DOM1,C1,C12,?,Network,LogOff,Success", "9,U1@DOM1,U1@DOM1,C1,2,?,Network,LogOff,Success", "9,U1@DOM1,U1@DOM1,C1,C12,?,Network,LogOff,Success");
  } else if (stream === "proc") {
    for (let i = 0; i < 200; i++) out.push(`${i},U${i % 5}@DOM1,C${i % 3},P${i % 11},${i % 2 ? "Start" : "End"}`);
  } else {
    for (let i = 0; i < 200; i++) out.push(`${i},${i % 9},C${i % 4},N${i % 6},C${i % 5},${i % 2 ? "?" : "N1"},${i % 3 ? 6 : 17},${i},${i * 40}`);
  }
  return out;
}

function build(make: () => GraphBuilder, arch: GraphArch, distinctTails: number): Csr {
  const b = make();
  for (const stream of ["auth", "proc", "flows"] as LanlStream[]) {
    const schema = SCHEMAS[stream];
    const plan = arch.plan(schema);
    const buf = Buffer.from(linesOf(stream, distinctTails).join("\n") + "\n");
    const lo = lineOffsets(buf);
    const c = b instanceof CompactBuilder ? compilePlan(plan, b, schema) : undefined;
    // Two batches through one compiled plan.
    const half = lo.count >> 1;
    addLines(b, plan, schema, buf, lo.starts, lo.ends, half, {}, c);
    addLines(b, plan, schema, buf, lo.starts.subarray(half), lo.ends.subarray(half), lo.count - half, {}, c);
  }
  return b.toCsr();
}

describe("low-cardinality runs cached by their bytes", () => {
  const OPTIONS: ArchOptions[] = [{}, { types: "entity" }, { dropMissing: true }, { pandasNa: false }, { types: "entity", duplicates: "set" }, { bins: "all" }, { exclude: ["logon"] }];
  for (const [name, make] of [
    ["all-category-no-attr", allCategoryNoAttr],
    ["shallow", shallow],
  ] as const) {
    it(`${name}: the compact builder's graph equals graphology's (every option, a full cache)`, () => {
      for (const o of OPTIONS) {
        const arch = make(o);
        for (const tails of [3, GROUP_CACHE_LIMIT + 50]) {
          const a = build(() => new CompactBuilder(), arch, tails);
          expect(a.names.length).toBeGreaterThan(10);
          expect(csrDiff(a, build(() => new GraphologyBuilder(), arch, tails))).toBeUndefined();
        }
      }
    });
  }
});
