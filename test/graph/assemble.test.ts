import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { assembleCsr, type CliqueBodies } from "../../src/graph/assemble.js";
import { typedCliqueCsr } from "../../src/graph/typed-cliques.js";
import { EdgeTable } from "../../src/graph/edge-table.js";
import { csrDiff, nameOrder, type Csr } from "../../src/graph/csr.js";
import { CompactBuilder } from "../../src/graph/builder/compact.js";
import { addLines, addText, compilePlan, type CompiledPlan } from "../../src/graph/events.js";
import type { EventPlan } from "../../src/graph/arch/arch.js";
import { allCategoryNoAttr } from "../../src/graph/arch/all-category-no-attr.js";
import { SCHEMAS } from "../../src/lanl/schema.js";

/** Random bodies over `positions` vertex types (`typed`: each position its own vertices). */
function randomBodies(seed: number, size: number, width: number, typed: boolean, names: string[]): CliqueBodies {
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const perPosition = [3, 40, 7, 500, 2, 90].slice(0, width);
  const base: number[] = [];
  for (let j = 0; j < width; j++) {
    base.push(names.length);
    const n = typed ? perPosition[j % perPosition.length]! : 0;
    for (let v = 0; v < n; v++) names.push(`t${j}::v${(v * 7919) % 1000}`);
  }
  if (!typed) for (let v = 0; v < 60; v++) names.push(`shared::v${v}`);
  const payload = new Int32Array(size * width);
  const counts = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    for (let j = 0; j < width; j++) {
      const drop = rnd(10) === 0;
      payload[r * width + j] = drop ? -1 : typed ? base[j]! + rnd(perPosition[j % perPosition.length]!) : rnd(60);
    }
    counts[r] = 1 + rnd(5);
  }
  return { width, size, payload, counts };
}

/** The reference: every position pair of every body into an edge table (networkx semantics). */
function viaEdgeTable(b: CliqueBodies, names: string[]): Csr {
  const t = new EdgeTable();
  for (let r = 0; r < b.size; r++) {
    const ids: number[] = [];
    for (let j = 0; j < b.width; j++) if (b.payload[r * b.width + j]! >= 0) ids.push(b.payload[r * b.width + j]!);
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) t.add(ids[i]!, ids[j]!, b.counts[r]!);
  }
  return t.toCsr(names);
}

const sortIds = (names: string[]) => (ids: number[]) => nameOrder(names, ids);

describe("assembleCsr (sparse accumulator + permuted transposition)", () => {
  it("equals the edge-table freeze on bodies with repeated vertices and self-loops", () => {
    for (const seed of [1, 2, 3]) {
      const names: string[] = [];
      const b = randomBodies(seed, 3000, 5, false, names);
      const { csr } = assembleCsr({ vertexCount: names.length, bodies: [b], graphs: [] }, { names, sortIds: sortIds(names) });
      expect(csrDiff(csr, viaEdgeTable(b, names))).toBeUndefined();
      for (let k = 0; k < csr.names.length; k++) {
        for (let q = csr.offsets[k]! + 1; q < csr.offsets[k + 1]!; q++) expect(csr.targets[q]!).toBeGreaterThan(csr.targets[q - 1]!);
      }
    }
  });

  it("merges bodies, an edge table and mapped graphs, adding weights", () => {
    const names: string[] = [];
    const b1 = randomBodies(4, 800, 4, false, names);
    const b2 = randomBodies(5, 600, 3, false, names.slice(0, 0));
    const n = names.length;
    const edges = new EdgeTable();
    edges.add(0, 1, 2.5);
    edges.add(7, 7, 1);
    const g = viaEdgeTable(b2, names);
    const ids = Int32Array.from(g.names, (s) => names.indexOf(s));
    const { csr } = assembleCsr({ vertexCount: n, bodies: [b1], edges, graphs: [{ csr: g, ids }] }, { names, sortIds: sortIds(names) });
    const all = new EdgeTable();
    for (const b of [b1, b2]) {
      for (let r = 0; r < b.size; r++) {
        const v: number[] = [];
        for (let j = 0; j < b.width; j++) if (b.payload[r * b.width + j]! >= 0) v.push(b.payload[r * b.width + j]!);
        for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) all.add(v[i]!, v[j]!, b.counts[r]!);
      }
    }
    all.add(0, 1, 2.5);
    all.add(7, 7, 1);
    expect(csrDiff(csr, all.toCsr(names))).toBeUndefined();
  });

  it("rejects an absorbed graph that is not symmetric", () => {
    const bad: Csr = { names: ["a", "b"], offsets: Uint32Array.of(0, 1, 1), targets: Uint32Array.of(1), weights: Float64Array.of(1) };
    expect(() =>
      assembleCsr({ vertexCount: 2, bodies: [], graphs: [{ csr: bad, ids: Int32Array.of(0, 1) }] }, { names: ["a", "b"], sortIds: (x) => x }),
    ).toThrow(/telemetry-lab\/graph\/assemble: .*not symmetric/);
  });
});

describe("typedCliqueCsr (block by block)", () => {
  it("equals the general assembly when every position has its own vertex type", () => {
    for (const [seed, width] of [
      [11, 6],
      [12, 3],
      [13, 2],
    ] as const) {
      const names: string[] = [];
      const b = randomBodies(seed, 5000, width, true, names);
      const m = typedCliqueCsr(b, { vertexCount: names.length, names, sortIds: sortIds(names) });
      expect(m).toBeDefined();
      expect(csrDiff(m!.csr, viaEdgeTable(b, names))).toBeUndefined();
      expect([...m!.ids].map((i) => names[i])).toEqual(m!.csr.names);
    }
  });

  it("declines bodies with a vertex at two positions, and non-integral counts", () => {
    const names = ["a::1", "a::2", "b::1"];
    expect(typedCliqueCsr({ width: 2, size: 2, payload: Int32Array.of(0, 2, 2, 1), counts: Float64Array.of(1, 1) }, { vertexCount: 3, names, sortIds: (x) => x })).toBeUndefined();
    expect(typedCliqueCsr({ width: 2, size: 1, payload: Int32Array.of(0, 2), counts: Float64Array.of(0.5) }, { vertexCount: 3, names, sortIds: (x) => x })).toBeUndefined();
  });
});

describe("compact builder freeze", () => {
  const path = new URL("../../../shared/datasets/lanl/auth_sample_human_days0-2.txt", import.meta.url);
  const text = readFileSync(path, "utf8").split("\n").slice(0, 6000).join("\n");

  it("gives the same graph whether bodies are folded often (maxDistinct) or once, for every kind of plan", () => {
    for (const arch of [allCategoryNoAttr(), allCategoryNoAttr({ types: "entity" }), allCategoryNoAttr({ types: "entity", duplicates: "set", dropMissing: true })]) {
      const plan = arch.plan(SCHEMAS.auth);
      const once = new CompactBuilder();
      addText(once, plan, SCHEMAS.auth, text);
      const folded = new CompactBuilder();
      const c = compilePlan(plan, folded, SCHEMAS.auth, { maxDistinct: 97 });
      const lines = text.split("\n");
      // Batches of lines, as the pipeline feeds them.
      for (let i = 0; i < lines.length; i += 500) {
        const chunk = lines.slice(i, i + 500).join("\n") + "\n";
        const b = Buffer.from(chunk);
        const starts: number[] = [];
        const ends: number[] = [];
        let s = 0;
        for (let k = 0; k < b.length; k++) if (b[k] === 10) {
          starts.push(s);
          ends.push(k);
          s = k + 1;
        }
        addBatch(folded, plan, b, starts, ends, c);
      }
      expect(csrDiff(folded.toCsr(), once.toCsr())).toBeUndefined();
      expect(folded.edgeCount).toBe(once.edgeCount);
      // A change after a freeze is seen by the next freeze.
      folded.addEdge("extra::a", "extra::b", 3);
      expect(folded.edgeCount).toBe(once.edgeCount + 1);
    }
  });
});

function addBatch(b: CompactBuilder, plan: EventPlan, buf: Buffer, starts: number[], ends: number[], c: CompiledPlan): void {
  addLines(b, plan, SCHEMAS.auth, buf, Int32Array.from(starts), Int32Array.from(ends), starts.length, {}, c);
}
