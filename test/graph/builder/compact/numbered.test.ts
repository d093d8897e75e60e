import { describe, expect, it } from "vitest";
import { SCHEMAS, type LanlStream } from "../../../../src/lanl/schema.js";
import { allCategoryNoAttr } from "../../../../src/graph/arch/all-category-no-attr.js";
import type { ArchOptions } from "../../../../src/graph/arch/arch.js";
import { CompactBuilder } from "../../../../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../../../../src/graph/builder/graphology.js";
import type { GraphBuilder } from "../../../../src/graph/builder/builder.js";
import { addText } from "../../../../src/graph/builder/compact/events.js";
import { NUMBERED_LIMIT, NUMBERED_SHAPES, NumberedValues } from "../../../../src/graph/builder/compact/numbered.js";
import { csrDiff, type Csr } from "../../../../src/graph/csr.js";

const find = (n: NumberedValues, s: string): number => n.find(Buffer.from(s), 0, Buffer.byteLength(s));

describe("NumberedValues", () => {
  it("remembers ids by letter, number and tail; only canonical numbers are direct", () => {
    const n = new NumberedValues();
    expect(find(n, "U6180@DOM5")).toBe(-1);
    n.remember(7);
    expect(find(n, "U6180@DOM5")).toBe(7);
    expect(find(n, "U6180@DOM1")).toBe(-1); // another tail
    expect(find(n, "V6180@DOM5")).toBe(-1); // another letter
    expect(find(n, "U618@DOM5")).toBe(-1); // another number
    for (const v of ["U06180@DOM5", "U00", "C", "7C1", "@1", "Ü1", "C12345678", `C${NUMBERED_LIMIT}`, "C1-this-tail-is-long"]) {
      expect(find(n, v)).toBe(-1);
      n.remember(99); // not numbered: nothing remembered
      expect(find(n, v)).toBe(-1);
    }
    expect(find(n, "C0")).toBe(-1);
    n.remember(3);
    expect(find(n, "C0")).toBe(3);
    expect(find(n, "C0$")).toBe(-1);
    expect(find(n, `C${NUMBERED_LIMIT - 1}`)).toBe(-1);
    n.remember(5); // grows its map
    expect(find(n, `C${NUMBERED_LIMIT - 1}`)).toBe(5);
    expect(find(n, "C0")).toBe(3);
    expect(() => n.remember(-1)).toThrow(/numbered: id must be a non-negative integer/);
  });

  it("holds a bounded number of shapes; past it, values are not direct", () => {
    const n = new NumberedValues();
    for (let q = 0; n.size < NUMBERED_SHAPES; q++) {
      expect(find(n, `C1$${q}x`)).toBe(-1);
      n.remember(q);
    }
    expect(find(n, "C1$0x")).toBe(0);
    expect(find(n, "C1@other")).toBe(-1);
    n.remember(1);
    expect(find(n, "C1@other")).toBe(-1);
  });
});

/** Lines with numbered values in every writing: leading zeros, zero, long numbers, many tails. */
function text(stream: LanlStream): string {
  // Longer tails seen first: a shorter one must not be taken for them.
  const out: string[] = stream === "auth" ? ["0,U3@DOM12,U3@DOM12,C7$,C7$,?,Network,LogOn,Success", "0,U3@DOM1,U3@DOM1,C7,C7,?,Network,LogOn,Success"] : ["0,C7$,C7", "0,C7,C7$"];
  for (let i = 0; i < 300; i++) {
    // Tails that are prefixes of one another (`@DOM1`, `@DOM12`; ``, `$`) with the same numbers.
    const u = i % 5 === 0 ? `U0${i % 7}@DOM1` : i % 7 === 0 ? `U${i % 11}$@X${i % 23}` : `U${i % 13}@DOM${i % 2 ? 1 : 12}`;
    const c = i % 9 === 0 ? "C0" : i % 10 === 0 ? "C00" : i % 11 === 0 ? `C${NUMBERED_LIMIT + i}` : i % 12 === 0 ? "C12345678" : `C${i % 17}${i % 2 ? "" : "$"}`;
    if (stream === "auth") out.push(`${i},${u},${i % 4 ? u : "U1@DOM1"},${c},${i % 3 ? c : "C0"},?,Network,LogOn,Success`);
    else out.push(`${i},${c},${i % 2 ? c : `C${i % 5}`}`);
  }
  return out.join("\n") + "\n";
}

function build(b: GraphBuilder, o: ArchOptions): Csr {
  for (const stream of ["auth", "dns"] as LanlStream[]) addText(b, allCategoryNoAttr(o).plan(SCHEMAS[stream]), SCHEMAS[stream], text(stream));
  return b.toCsr();
}

describe("numbered values in the compact builder", () => {
  it("give graphology's graph (leading zeros, zero, long numbers, many tails, merged types)", () => {
    for (const o of [{}, { types: "entity" }, { dropMissing: true }] as ArchOptions[]) {
      const a = build(new CompactBuilder(), o);
      expect(a.names.some((s) => s.endsWith("::C00"))).toBe(true);
      expect(csrDiff(a, build(new GraphologyBuilder(), o))).toBeUndefined();
    }
  });
});
