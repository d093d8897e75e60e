import { describe, expect, it } from "vitest";
import { SCHEMAS, type LanlStream } from "../../../../src/lanl/schema.js";
import { allCategoryNoAttr } from "../../../../src/graph/arch/all-category-no-attr.js";
import { shallow } from "../../../../src/graph/arch/shallow.js";
import type { ArchOptions, GraphArch } from "../../../../src/graph/arch/arch.js";
import { CompactBuilder } from "../../../../src/graph/builder/compact.js";
import { addLines, compilePlan, lineOffsets } from "../../../../src/graph/builder/compact/events.js";
import { csrDiff, type Csr } from "../../../../src/graph/csr.js";

/** Lines whose destinations often repeat their sources, NA spellings and '?' among them (twin shortcut cases). */
const LINES: Record<string, string[]> = {
  auth: [
    "1,U1@DOM1,U1@DOM1,C1,C1,?,Network,LogOn,Success",
    "1,NaN,NaN,C1,C2,?,?,LogOff,Success",
    "2,?,?,?,?,NTLM,Network,LogOn,Fail",
    "2,U1@DOM1,U2@DOM1,C2,C1,Kerberos,Network,TGS,Success",
    "3,NA,null,,,?,Batch,LogOn,Success",
    "3,ü@D,ü@D,C1,C1,Negotiate,Service,LogOn,Success",
    "4,U2@DOM1,U2@DOM1,C1,C1,?,Network,LogOn,Success",
  ],
  flows: ["1,0,C1,N1,C1,N1,6,10,5323", "1,5,C1,?,C2,?,17,0,0", "2,?,C2,NaN,C2,NaN,6,1,-3", "2,0,C1,N1,C1,N1,6,10,5323"],
  dns: ["1,C1,C1", "1,?,?", "2,nan,nan", "2,C1,C2", "3,C2,C2", "3,C1,C1"],
};

function build(arch: GraphArch, key: "ids" | "bytes", maxDistinct: number): Csr {
  const b = new CompactBuilder();
  for (const stream of ["auth", "flows", "dns"] as LanlStream[]) {
    const schema = SCHEMAS[stream];
    const plan = arch.plan(schema);
    // Enough lines to span several chunks of the id path, repeats interleaved.
    const lines: string[] = [];
    for (let r = 0; r < 60; r++) for (const l of LINES[stream]!) lines.push(r % 3 === 0 ? l : l.replace(/^\d+/, String(r)));
    const buf = Buffer.from(lines.join("\n") + "\n");
    const lo = lineOffsets(buf);
    addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, b, schema, { key, maxDistinct }));
  }
  return b.toCsr();
}

describe("distinct events counted on ids (key 'ids') equal those counted on line bytes (key 'bytes')", () => {
  const OPTIONS: ArchOptions[] = [{}, { types: "entity" }, { dropMissing: true }, { pandasNa: false }, { types: "entity", duplicates: "set" }, { bins: "all" }];
  for (const [name, make] of [
    ["all-category-no-attr", allCategoryNoAttr],
    ["shallow", shallow],
  ] as const) {
    it(`${name}: twins, NA spellings, '?', every option, flushes`, () => {
      for (const o of OPTIONS) {
        const arch = make(o);
        const a = build(arch, "ids", 1 << 21);
        expect(a.names.length).toBeGreaterThan(3);
        expect(csrDiff(a, build(arch, "bytes", 1 << 21))).toBeUndefined();
        expect(csrDiff(build(arch, "ids", 5), a)).toBeUndefined();
      }
    });
  }

  it("a line whose cached tail of low-cardinality fields follows a wrong prefix is still rejected; CRLF lines are equal", () => {
    const schema = SCHEMAS.auth;
    const plan = allCategoryNoAttr().plan(schema);
    const good = "1,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success";
    const lines = Array.from({ length: 300 }, (_, i) => good.replace(/^1/, String(i)).replace("C2", `C${i % 9}`));
    const bad: [number, string, string][] = [
      [200, "7,U1@DOM1,U1@DOM1,C1,C1,C2,Kerberos,Network,LogOn,Success", "expected 9 fields, got 10"], // one field too many before the run
      [210, "7,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success", "expected 9 fields, got 8"],
      [220, "x7,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success", "time is not a non-negative integer"],
      [230, "7,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success,", "expected 9 fields, got 10"], // after the run
    ];
    for (const [at, line, why] of bad) {
      const ls = lines.slice();
      ls[at] = line;
      const buf = Buffer.from(ls.join("\n") + "\n");
      const lo = lineOffsets(buf);
      const b = new CompactBuilder();
      expect(() => addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, { source: "a.txt" }, compilePlan(plan, b, schema))).toThrow(
        `telemetry-lab/graph/events: a.txt: line ${at + 1}: auth: ${why}`,
      );
      const s = new CompactBuilder();
      expect(addLines(s, plan, schema, buf, lo.starts, lo.ends, lo.count, { onReject: "skip" }, compilePlan(plan, s, schema))).toEqual({ events: 299, rejected: 1 });
    }
    const graph = (eol: string): Csr => {
      const buf = Buffer.from(lines.join(eol) + eol);
      const lo = lineOffsets(buf);
      const b = new CompactBuilder();
      addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, b, schema));
      return b.toCsr();
    };
    const lf = graph("\n");
    expect(lf.names).toContain("auth::Kerberos");
    expect(lf.names.some((n) => n.includes("\r"))).toBe(false);
    expect(csrDiff(graph("\r\n"), lf)).toBeUndefined();
  });

  it("rejects a malformed line with its number (after a chunk's counted lines), or skips and counts it", () => {
    const schema = SCHEMAS.dns;
    const plan = allCategoryNoAttr().plan(schema);
    const lines = Array.from({ length: 200 }, (_, i) => `${i},C${i % 7},C${i % 5}`);
    lines[150] = "x,C1,C2";
    const buf = Buffer.from(lines.join("\n") + "\n");
    const lo = lineOffsets(buf);
    const b = new CompactBuilder();
    expect(() => addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, { source: "f.txt" }, compilePlan(plan, b, schema))).toThrow(
      /^telemetry-lab\/graph\/events: f\.txt: line 151: dns: time is not a non-negative integer$/,
    );
    for (const key of ["ids", "bytes"] as const) {
      const s = new CompactBuilder();
      const r = addLines(s, plan, schema, buf, lo.starts, lo.ends, lo.count, { onReject: "skip" }, compilePlan(plan, s, schema, { key }));
      expect(r).toEqual({ events: 199, rejected: 1 });
    }
  });
});
