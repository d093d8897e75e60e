import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { SCHEMAS, type LanlStream } from "../../../../src/lanl/schema.js";
import { allCategoryNoAttr } from "../../../../src/graph/arch/all-category-no-attr.js";
import { shallow } from "../../../../src/graph/arch/shallow.js";
import type { ArchOptions, GraphArch } from "../../../../src/graph/arch/arch.js";
import { CompactBuilder } from "../../../../src/graph/builder/compact.js";
import { addLines, addText, compilePlan, lineOffsets } from "../../../../src/graph/builder/compact/events.js";
import { csrDiff, nameOrder, type Csr } from "../../../../src/graph/csr.js";
import { EdgeTable } from "../../../../src/graph/builder/compact/edge-table.js";
import { HUB_MIN_EVENTS, repeatsPair, rowsToCsr, type EventRowsSource } from "../../../../src/graph/builder/compact/rows.js";
import { encodeGraph } from "../../../../src/graph/format/tlg.js";

const STREAMS: LanlStream[] = ["auth", "proc", "flows", "dns"];
const HOUR = "data/lanl/partitions/P0DT1H0M0S";

/** Lines of one stream: the first partition hour of data/lanl when present, plus hand-made edge cases. */
function linesOf(stream: LanlStream): string {
  const extra: Record<string, string[]> = {
    auth: [
      "1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C586,C586,?,Network,LogOff,Success",
      "1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C586,C586,?,Network,LogOff,Success",
      "2,Ünïcode@DOM,NaN,C1,C1,,N/A,LogOn,Fail",
      "3,U1@DOM1,U1@DOM1,C2,C2,NTLM,Network,LogOn,Success",
    ],
    proc: ["1,U1@DOM1,C1,P1,Start", "1,U1@DOM1,C1,?,Start", "2,ü@D,C2,NA,End"],
    flows: ["1,0,C1065,389,C3799,N10451,6,10,5323", "1,0,C1,N1,C1,N1,6,0,-3", "2,?,C2,?,C2,NULL,17,1,1"],
    dns: ["2,C4653,C5030", "2,C1,C1", "3,?,C1", "3,ñ,null"],
  };
  let text = "";
  const p = `${HOUR}/${stream}/2015-01-01T05:00:00.txt.gz`;
  if (existsSync(p)) text = gunzipSync(readFileSync(p)).toString("utf8");
  return text + extra[stream]!.join("\n") + "\n" + extra[stream]!.join("\n") + "\n";
}

/** One builder fed every stream's lines, with `rows` on or off; extra edges mixed in. */
function build(arch: GraphArch, rows: boolean, maxDistinct: number, mixed: boolean): Csr {
  const b = new CompactBuilder({ rows });
  if (mixed) b.addEdge("x::1", "computer_source::C586", 0.5);
  for (const stream of STREAMS) {
    const schema = SCHEMAS[stream];
    const plan = arch.plan(schema);
    const buf = Buffer.from(linesOf(stream));
    const lo = lineOffsets(buf);
    const c = compilePlan(plan, b, schema, { maxDistinct });
    // Two batches through one compiled plan.
    const half = lo.count >> 1;
    addLines(b, plan, schema, buf, lo.starts, lo.ends, half, {}, c);
    addLines(b, plan, schema, buf, lo.starts.subarray(half), lo.ends.subarray(half), lo.count - half, {}, c);
  }
  if (mixed) {
    const other = new CompactBuilder();
    other.addClique(["x::1", "x::2", "x::2"], 3);
    b.absorb(other);
    b.addEdge("x::2", "x::2");
  }
  return b.toCsr();
}

const OPTIONS: ArchOptions[] = [
  {},
  { types: "entity" },
  { types: "entity", duplicates: "set" },
  { dropMissing: true },
  { exclude: "hubs" },
  { bins: "all" },
  { types: "entity", dropMissing: true, bins: "all", duplicates: "set" },
];

describe("row-wise freezing (rows: true) equals the edge-table path (rows: false)", () => {
  for (const [name, make] of [
    ["all-category-no-attr", allCategoryNoAttr],
    ["shallow", shallow],
  ] as const) {
    it(`${name}: every option, four streams, byte-identical .tlg`, () => {
      for (const o of OPTIONS) {
        const arch = make(o);
        const a = build(arch, true, 1 << 21, false);
        const b = build(arch, false, 1 << 21, false);
        expect(a.names.length).toBeGreaterThan(3);
        expect(csrDiff(a, b)).toBeUndefined();
        expect(Buffer.compare(encodeGraph(a, { gzip: false }), encodeGraph(b, { gzip: false }))).toBe(0);
      }
    });
  }

  it("merges addEdge, absorb and events flushed to the edge table on the way", () => {
    for (const make of [allCategoryNoAttr, shallow]) {
      const arch = make({ types: "entity" });
      const a = build(arch, true, 64, true);
      const b = build(arch, false, 1 << 21, true);
      expect(csrDiff(a, b)).toBeUndefined();
      const i = a.names.indexOf("x::2");
      expect(i).toBeGreaterThanOrEqual(0);
    }
  });

  it("leaves the builder usable: more events after toCsr are counted once", () => {
    const arch = allCategoryNoAttr();
    const schema = SCHEMAS.dns;
    const plan = arch.plan(schema);
    const r = new CompactBuilder();
    const e = new CompactBuilder({ rows: false });
    const cr = compilePlan(plan, r, schema);
    const ce = compilePlan(plan, e, schema);
    const add = (text: string): void => {
      const buf = Buffer.from(text);
      const lo = lineOffsets(buf);
      addLines(r, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, cr);
      addLines(e, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, ce);
    };
    add("1,C1,C2\n1,C1,C2\n2,C2,C2\n");
    expect(csrDiff(r.toCsr(), e.toCsr())).toBeUndefined();
    add("3,C1,C2\n4,C3,C1\n");
    const g = r.toCsr();
    expect(csrDiff(g, e.toCsr())).toBeUndefined();
    expect(g.names).toEqual(["computer_destination::C1", "computer_destination::C2", "computer_source::C1", "computer_source::C2", "computer_source::C3"]);
    expect(r.edgeCount).toBe(3);
  });

  it("released builders give their counters' arrays to later ones; graphs unchanged", () => {
    const arch = allCategoryNoAttr({ types: "entity" });
    const first = build(arch, true, 1 << 21, false);
    const big = new CompactBuilder();
    const schema = SCHEMAS.auth;
    const plan = arch.plan(schema);
    const buf = Buffer.from(linesOf("auth"));
    const lo = lineOffsets(buf);
    addLines(big, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, big, schema));
    const g1 = big.toCsr();
    big.release();
    expect(big.toCsr().names.length).toBe(0); // released: pending events forgotten
    // Later builders (small, then the same input) reuse the arrays and build the same graphs.
    const small = new CompactBuilder();
    const dns = SCHEMAS.dns;
    const dplan = arch.plan(dns);
    const dbuf = Buffer.from("1,C1,C2\n1,C1,C2\n2,C2,C3\n");
    const dlo = lineOffsets(dbuf);
    addLines(small, dplan, dns, dbuf, dlo.starts, dlo.ends, dlo.count, {}, compilePlan(dplan, small, dns));
    expect(small.edgeCount).toBe(2);
    small.release();
    const again = new CompactBuilder();
    addLines(again, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, again, schema));
    expect(csrDiff(again.toCsr(), g1)).toBeUndefined();
    again.release();
    expect(csrDiff(build(arch, true, 1 << 21, false), first)).toBeUndefined();
  });

  it("hub pairs summed per hub tuple equal pair-by-pair sums: 2 to 12 hubs per event, counts, several sources", () => {
    // Twelve fields: ids 0..11 in every event unless dropped (so hubs), field 12 one of 40 others.
    const fields = 13;
    const names = Array.from({ length: 52 }, (_, i) => `v::${String(i).padStart(2, "0")}`);
    const source = (size: number, seed: number, width: number): EventRowsSource => {
      const payload = new Int32Array(size * width).fill(-7);
      const counts = new Float64Array(size);
      let x = seed;
      const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
      for (let e = 0; e < size; e++) {
        const kept = 2 + Math.floor(rnd() * 11); // 2..12 hub fields kept
        for (let i = 0; i < 12; i++) payload[e * width + i] = i < kept || rnd() < 0.1 ? i : -1;
        payload[e * width + 12] = rnd() < 0.2 ? -1 : 12 + Math.floor(rnd() * 40);
        counts[e] = 1 + Math.floor(rnd() * 5);
      }
      return { fields, width, size, payload, counts, countAt: 0, countStride: 1, pairs: undefined, set: false, distinct: true };
    };
    const sources = [source(3 * HUB_MIN_EVENTS, 1, fields), source(HUB_MIN_EVENTS, 2, fields + 3)];
    const t = new EdgeTable(64);
    for (const s of sources) {
      for (let e = 0; e < s.size; e++) {
        const ids = Array.from(s.payload.subarray(e * s.width, e * s.width + fields)).filter((id) => id >= 0);
        for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) t.add(ids[i]!, ids[j]!, s.counts[e]!);
      }
    }
    const g = rowsToCsr(names, sources, new EdgeTable(4), (ids) => nameOrder(names, ids));
    const want = t.toCsr(names);
    expect(want.offsets[12]! - want.offsets[11]!).toBeGreaterThan(40); // the hubs' rows are long
    expect(csrDiff(g, want)).toBeUndefined();
  });

  it("more hub tuples than the tuple sums first hold (the table grows): the same CSR as the edge table's", () => {
    // Four hub fields of 12 values each (ids 0..47: 12^4 possible tuples), one entity field (ids 48..5047).
    const fields = 5;
    const size = 20_000;
    const names = Array.from({ length: 48 + 5000 }, (_, i) => (i < 48 ? `h${Math.floor(i / 12)}::${i % 12}` : `e::${i}`));
    const payload = new Int32Array(size * fields);
    const counts = new Float64Array(size);
    let x = 99;
    const rnd = (n: number): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const tuples = new Set<string>();
    for (let e = 0; e < size; e++) {
      for (let f = 0; f < 4; f++) payload[e * fields + f] = f * 12 + rnd(12);
      payload[e * fields + 4] = 48 + rnd(5000);
      counts[e] = 1 + rnd(3);
      tuples.add(Array.from(payload.subarray(e * fields, e * fields + 4)).join(","));
    }
    expect(tuples.size).toBeGreaterThan(10_000);
    const t = new EdgeTable(64);
    for (let e = 0; e < size; e++) {
      for (let i = 0; i < fields; i++) for (let j = i + 1; j < fields; j++) t.add(payload[e * fields + i]!, payload[e * fields + j]!, counts[e]!);
    }
    const source: EventRowsSource = { fields, width: fields, size, payload, counts, countAt: 0, countStride: 1, pairs: undefined, set: false, distinct: true };
    const g = rowsToCsr(names, [source], new EdgeTable(4), (ids) => nameOrder(names, ids));
    expect(csrDiff(g, t.toCsr(names))).toBeUndefined();
  });

  it("a recycled CSR's arrays are filled by the next toCsr of the thread; graphs unchanged; others' arrays left alone", () => {
    const arch = allCategoryNoAttr();
    const schema = SCHEMAS.auth;
    const plan = arch.plan(schema);
    const buf = Buffer.from(linesOf("auth"));
    const lo = lineOffsets(buf);
    const once = (): Csr => {
      const b = new CompactBuilder();
      addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, b, schema));
      const g = b.toCsr();
      b.release();
      return g;
    };
    const g1 = once();
    const copy: Csr = { names: g1.names, offsets: g1.offsets.slice(), targets: g1.targets.slice(), weights: g1.weights.slice() };
    CompactBuilder.recycle(g1);
    const g2 = once();
    expect(g2.targets.buffer).toBe(g1.targets.buffer);
    expect(g2.weights.buffer).toBe(g1.weights.buffer);
    expect(csrDiff(g2, copy)).toBeUndefined();
    // A smaller graph in the same arrays (views of their start), then the larger one again.
    CompactBuilder.recycle(g2);
    const dns = SCHEMAS.dns;
    const small = new CompactBuilder();
    addText(small, arch.plan(dns), dns, "1,C1,C2\n1,C1,C3\n");
    const g3 = small.toCsr();
    expect(g3.targets.buffer).toBe(g1.targets.buffer);
    expect(Array.from(g3.targets)).toEqual([2, 2, 0, 1]); // computer_destination::C2, ::C3, computer_source::C1
    CompactBuilder.recycle(g3);
    expect(csrDiff(once(), copy)).toBeUndefined();
    // Arrays not made by a builder are not taken.
    const foreign: Csr = { names: copy.names, offsets: copy.offsets, targets: copy.targets, weights: copy.weights };
    CompactBuilder.recycle(foreign);
    const g4 = once();
    expect(g4.targets.buffer).not.toBe(copy.targets.buffer);
    expect(csrDiff(g4, copy)).toBeUndefined();
  });

  it("repeatsPair: an earlier pair of the event with the same two kept ids, in either order", () => {
    const p = Int32Array.of(9, 4, 7, 4, -1);
    const pairs = Int32Array.of(1, 2, 2, 3, 0, 4, 0, 4, 1, 3);
    expect(repeatsPair(p, 0, pairs, 0)).toBe(false); // the first pair, (4, 7)
    expect(repeatsPair(p, 0, pairs, 2)).toBe(true); // (7, 4) after (4, 7)
    expect(repeatsPair(p, 0, pairs, 6)).toBe(false); // (9, -1) after (9, -1): a dropped id never repeats
    expect(repeatsPair(p, 0, pairs, 8)).toBe(false); // (4, 4): only (4, 7), (7, 4), (9, -1) before
  });

  it("with no pending events, freezes the edge table alone (as the edge table would)", () => {
    const t = new EdgeTable(4);
    t.add(0, 2, 1.5);
    t.add(2, 1, 2);
    t.add(1, 1, 3);
    const names = ["c::1", "b::2", "a::3", "d::4"];
    const g = rowsToCsr(names, [], t, (ids) => nameOrder(names, ids));
    expect(g.names).toEqual(["a::3", "b::2", "c::1"]);
    expect(csrDiff(g, t.toCsr(names))).toBeUndefined();
  });
});

