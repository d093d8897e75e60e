import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { SCHEMAS, type LanlStream } from "../../../src/lanl/schema.js";
import {
  allCategoryNoAttr,
  archNames,
  defineArch,
  eventArtifacts,
  eventEdges,
  getArch,
  log2Bin,
  registerArch,
  shallow,
  type ArchOptions,
  type GraphArch,
} from "../../../src/graph/arch/index.js";
import { CompactBuilder } from "../../../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../../../src/graph/builder/graphology.js";
import { addText, compilePlan, addLines, lineOffsets } from "../../../src/graph/builder/compact/events.js";
import { csrDiff, edgeCount, edgeWeight, type Csr } from "../../../src/graph/csr.js";

const AUTH = [
  "1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C1250,C586,NTLM,Network,LogOn,Success",
  "1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C586,C586,?,Network,LogOff,Success",
].join("\n");
const FLOWS = "1,0,C1065,389,C3799,N10451,6,10,5323\n1,0,C1423,N1136,C1707,N1,6,5,847\n";

function w(g: Csr, a: string, b: string): number {
  const i = g.names.indexOf(a);
  const j = g.names.indexOf(b);
  if (i < 0 || j < 0) return 0;
  return edgeWeight(g, i, j);
}

/** The graph of `text` built four ways, checked equal; returns one. */
function build(arch: GraphArch, stream: LanlStream, text: string): Csr {
  const schema = SCHEMAS[stream];
  const plan = arch.plan(schema);
  const graphs: Csr[] = [];
  for (const dedupe of [true, false]) {
    const b = new CompactBuilder();
    const buf = Buffer.from(text);
    const lo = lineOffsets(buf);
    addLines(b, plan, schema, buf, lo.starts, lo.ends, lo.count, {}, compilePlan(plan, b, schema, { dedupe }));
    graphs.push(b.toCsr());
  }
  const g = new GraphologyBuilder();
  addText(g, plan, schema, text);
  graphs.push(g.toCsr());
  // Object path through the seed-like API: artifacts then add_clique / edges.
  const o = new CompactBuilder();
  for (const line of text.split("\n").filter((l) => l.length > 0)) {
    const values = line.split(",").slice(1);
    for (const [u, v] of eventEdges(plan, values)) o.addEdge(u, v);
  }
  graphs.push(o.toCsr());
  for (const other of graphs.slice(1)) expect(csrDiff(graphs[0]!, other)).toBeUndefined();
  return graphs[0]!;
}

describe("all-category-no-attr (the seed's architecture)", () => {
  it("takes the object and category fields in schema order, named field::value", () => {
    const plan = allCategoryNoAttr().plan(SCHEMAS.flows);
    expect(plan.fields.map((f) => f.field)).toEqual(["computer_source", "port_source", "computer_destination", "port_destination", "protocol"]);
    expect(eventArtifacts(plan, "0,C1065,389,C3799,N10451,6,10,5323".split(","))).toEqual([
      "computer_source::C1065",
      "port_source::389",
      "computer_destination::C3799",
      "port_destination::N10451",
      "protocol::6",
    ]);
    expect(allCategoryNoAttr().plan(SCHEMAS.dns).fields.map((f) => f.field)).toEqual(["computer_source", "computer_destination"]);
    expect(allCategoryNoAttr().plan(SCHEMAS.proc).fields.length).toBe(4);
  });

  it("gives the hand-computed vertices and weights of two real auth lines", () => {
    // Line 1: 8 artifacts, a clique of 28 edges. Line 2 shares 5 artifacts with it
    // (both users, computer_destination::C586, logon::Network, result::Success):
    // their C(5,2) = 10 edges weigh 2; 3 new vertices; 28 + 28 - 10 = 46 edges.
    const g = build(allCategoryNoAttr(), "auth", AUTH);
    expect(g.names.length).toBe(11);
    expect(edgeCount(g)).toBe(46);
    expect(w(g, "userdomain_source::ANONYMOUS LOGON@C586", "computer_destination::C586")).toBe(2);
    expect(w(g, "logon::Network", "result::Success")).toBe(2);
    expect(w(g, "computer_source::C1250", "auth::NTLM")).toBe(1);
    expect(w(g, "computer_source::C586", "auth::?")).toBe(1);
    expect(w(g, "computer_source::C586", "computer_destination::C586")).toBe(1); // distinct vertices: no self-loop
    expect(w(g, "auth::NTLM", "auth::?")).toBe(0);
    expect(g.names).toContain("direction::LogOff");
  });

  it("names pandas NA strings 'nan' as the seed does, unless pandasNa is off", () => {
    const g = build(allCategoryNoAttr(), "dns", "5,C1,NA\n6,C1,null\n7,C1,?\n");
    expect(w(g, "computer_source::C1", "computer_destination::nan")).toBe(2);
    expect(w(g, "computer_source::C1", "computer_destination::?")).toBe(1);
    const raw = build(allCategoryNoAttr({ pandasNa: false }), "dns", "5,C1,NA\n6,C1,null\n");
    expect(w(raw, "computer_source::C1", "computer_destination::NA")).toBe(1);
  });

  it("reproduces the seed on 5000 real auth lines (fast path = object path)", () => {
    const path = "../shared/datasets/lanl/auth_sample_human_days0-2.txt";
    if (!existsSync(path)) return;
    const text = readFileSync(path, "utf8").split("\n").slice(0, 5000).join("\n");
    const g = build(allCategoryNoAttr(), "auth", text);
    // Every vertex is field::value with a seed field name.
    const fields = new Set(SCHEMAS.auth.columns.map((c) => c.name));
    for (const n of g.names) expect(fields.has(n.slice(0, n.indexOf("::")))).toBe(true);
    // Total weight = 28 per event.
    let total = 0;
    for (let k = 0; k < g.weights.length; k++) total += g.weights[k]!;
    expect(total / 2).toBe(28 * 5000);
  });
});

describe("architecture options", () => {
  it("types: entity merges source and destination; networkx semantics keep self-loops and repeats", () => {
    const g = build(allCategoryNoAttr({ types: "entity" }), "auth", AUTH.split("\n")[1]!);
    // [ud::A, ud::A, computer::C586, computer::C586, auth::?, logon::Network, direction::LogOff, result::Success]
    expect(w(g, "userdomain::ANONYMOUS LOGON@C586", "userdomain::ANONYMOUS LOGON@C586")).toBe(1);
    expect(w(g, "computer::C586", "computer::C586")).toBe(1);
    expect(w(g, "userdomain::ANONYMOUS LOGON@C586", "computer::C586")).toBe(4);
    expect(w(g, "computer::C586", "auth::?")).toBe(2);
    expect(w(g, "auth::?", "logon::Network")).toBe(1);
    expect(g.names.length).toBe(6);
  });

  it("types: entity with duplicates: set gives each distinct vertex once, no self-loop", () => {
    const g = build(allCategoryNoAttr({ types: "entity", duplicates: "set" }), "auth", AUTH.split("\n")[1]!);
    expect(g.names.length).toBe(6);
    expect(edgeCount(g)).toBe(15);
    expect(w(g, "computer::C586", "computer::C586")).toBe(0);
    expect(w(g, "userdomain::ANONYMOUS LOGON@C586", "computer::C586")).toBe(1);
  });

  it("types: entity merges one computer across streams and fields; a custom map too", () => {
    const a = build(allCategoryNoAttr({ types: "entity" }), "dns", "2,C4653,C5030\n");
    const b = build(allCategoryNoAttr({ types: "entity" }), "flows", FLOWS);
    expect(a.names).toEqual(["computer::C4653", "computer::C5030"]);
    expect(b.names).toContain("computer::C1065");
    expect(b.names).toContain("port::389");
    const custom = build(allCategoryNoAttr({ types: { computer_destination: "host" } }), "dns", "2,C1,C2\n");
    expect(custom.names).toEqual(["computer_source::C1", "host::C2"]);
  });

  it("dropMissing leaves out '?' and empty values", () => {
    const g = build(allCategoryNoAttr({ dropMissing: true }), "auth", AUTH);
    expect(g.names.some((n) => n.endsWith("::?"))).toBe(false);
    expect(g.names.length).toBe(10);
    // Line 2 has 7 artifacts left: 21 edges, 10 shared with line 1.
    expect(edgeCount(g)).toBe(28 + 21 - 10);
    const d = build(allCategoryNoAttr({ dropMissing: true }), "dns", "1,?,C2\n2,C1,C2\n");
    expect(d.names).toEqual(["computer_destination::C2", "computer_source::C1"]); // an event left with one artifact adds nothing
  });

  it("exclude: hubs leaves out the low-cardinality fields; a list leaves out those", () => {
    const plan = allCategoryNoAttr({ exclude: "hubs" }).plan(SCHEMAS.auth);
    expect(plan.fields.map((f) => f.field)).toEqual(["userdomain_source", "userdomain_destination", "computer_source", "computer_destination"]);
    expect(allCategoryNoAttr({ exclude: "hubs" }).plan(SCHEMAS.flows).fields.map((f) => f.field)).not.toContain("protocol");
    expect(allCategoryNoAttr({ exclude: "hubs" }).plan(SCHEMAS.proc).fields.map((f) => f.field)).not.toContain("action");
    const g = build(allCategoryNoAttr({ exclude: ["port_source", "port_destination"] }), "flows", FLOWS);
    expect(g.names.some((n) => n.startsWith("port"))).toBe(false);
    expect(edgeCount(g)).toBe(6);
  });

  it("bins numeric fields into log2 artifacts, in schema order", () => {
    expect(log2Bin("0")).toBe("0");
    expect(log2Bin("1")).toBe("2^0");
    expect(log2Bin("1023")).toBe("2^9");
    expect(log2Bin("1024")).toBe("2^10");
    expect(log2Bin("-5")).toBe("-2^2");
    expect(log2Bin("x")).toBe("x");
    const arch = allCategoryNoAttr({ bins: ["num_bytes", "duration"] });
    const plan = arch.plan(SCHEMAS.flows);
    expect(plan.fields.map((f) => f.field)).toEqual(["duration", "computer_source", "port_source", "computer_destination", "port_destination", "protocol", "num_bytes"]);
    expect(eventArtifacts(plan, "0,C1065,389,C3799,N10451,6,10,5323".split(","))).toContain("num_bytes::2^12");
    const g = build(arch, "flows", FLOWS + "2,3,C1,N1,C2,N2,6,1,4294967296\n");
    expect(w(g, "duration::0", "num_bytes::2^12")).toBe(1);
    expect(w(g, "duration::0", "num_bytes::2^9")).toBe(1);
    expect(w(g, "duration::2^1", "num_bytes::2^32")).toBe(1);
    expect(allCategoryNoAttr({ bins: "all" }).plan(SCHEMAS.flows).fields.length).toBe(8);
  });

  it("rejects unknown options clearly", () => {
    expect(() => allCategoryNoAttr({ typo: 1 } as unknown as ArchOptions)).toThrow(/telemetry-lab\/graph\/arch: unknown option 'typo'/);
    expect(() => allCategoryNoAttr({ duplicates: "bag" } as unknown as ArchOptions)).toThrow(/duplicates/);
    expect(() => getArch("nope")).toThrow(/unknown architecture 'nope'/);
  });
});

describe("shallow", () => {
  it("adds the four typed auth edges", () => {
    const g = build(shallow(), "auth", AUTH.split("\n")[0]!);
    expect(edgeCount(g)).toBe(4);
    expect(w(g, "userdomain_source::ANONYMOUS LOGON@C586", "userdomain_destination::ANONYMOUS LOGON@C586")).toBe(1);
    expect(w(g, "userdomain_source::ANONYMOUS LOGON@C586", "computer_source::C1250")).toBe(1);
    expect(w(g, "computer_source::C1250", "computer_destination::C586")).toBe(1);
    expect(w(g, "userdomain_destination::ANONYMOUS LOGON@C586", "computer_destination::C586")).toBe(1);
    expect(g.names.some((n) => n.startsWith("auth::"))).toBe(false);
  });

  it("has pairs for every event stream, and entity types make a local logon a self-loop (networkx) or nothing (set)", () => {
    for (const s of ["proc", "flows", "dns"] as const) expect(shallow().plan(SCHEMAS[s]).edges.length).toBeGreaterThan(0);
    const line = AUTH.split("\n")[1]!; // C586 -> C586, same user both sides
    const nx = build(shallow({ types: "entity" }), "auth", line);
    expect(w(nx, "computer::C586", "computer::C586")).toBe(1);
    expect(w(nx, "userdomain::ANONYMOUS LOGON@C586", "computer::C586")).toBe(2);
    const set = build(shallow({ types: "entity", duplicates: "set" }), "auth", line);
    expect(edgeCount(set)).toBe(1);
    expect(w(set, "userdomain::ANONYMOUS LOGON@C586", "computer::C586")).toBe(1);
  });

  it("skips pairs with a dropped value", () => {
    const g = build(shallow({ dropMissing: true }), "dns", "1,?,C2\n2,C1,C2\n");
    expect(edgeCount(g)).toBe(1);
  });
});

describe("defining and registering an architecture", () => {
  it("takes a few lines", () => {
    const hostsOnly = defineArch({
      name: "hosts-only",
      description: "computers only, one clique per event",
      fields: (s) => s.columns.filter((c) => c.name.startsWith("computer")).map((c) => c.name),
    });
    registerArch(hostsOnly);
    expect(archNames()).toContain("hosts-only");
    const g = build(getArch("hosts-only", { types: "entity", duplicates: "set" }), "auth", AUTH);
    expect(g.names).toEqual(["computer::C1250", "computer::C586"]);
    expect(edgeCount(g)).toBe(1);
  });

  it("validates the fields it names", () => {
    const bad = defineArch({ name: "bad", description: "", fields: () => ["nope"] });
    expect(() => bad().plan(SCHEMAS.dns)).toThrow(/stream dns has no field 'nope'/);
  });
});

describe("line handling", () => {
  it("rejects a malformed line naming the source and line, or skips and counts it", () => {
    const plan = allCategoryNoAttr().plan(SCHEMAS.dns);
    expect(() => addText(new CompactBuilder(), plan, SCHEMAS.dns, "1,C1,C2\n2,C1\n", { source: "dns.txt" })).toThrow(
      "telemetry-lab/graph/events: dns.txt: line 2: dns: expected 3 fields, got 2",
    );
    expect(() => addText(new CompactBuilder(), plan, SCHEMAS.dns, "x,C1,C2\n")).toThrow(/line 1: dns: time is not/);
    const b = new CompactBuilder();
    expect(addText(b, plan, SCHEMAS.dns, "1,C1,C2\n2,C1\n\n3,C1,C2\r\n", { onReject: "skip" })).toEqual({ events: 2, rejected: 1 });
    expect(w(b.toCsr(), "computer_source::C1", "computer_destination::C2")).toBe(2);
  });
});
