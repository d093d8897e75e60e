import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { csvField, csvNumber, featuresCsv, parseFeaturesCsv, readAnyGraph, run } from "../../src/cli/embed.js";
import { csrFromEdges } from "../../src/graph/csr.js";
import { writeGraph } from "../../src/graph/format/tlg.js";
import { refex } from "../../src/embedding/refex.js";

/** A small weighted graph with a hub, a triangle and a pendant chain. */
function sample() {
  const names = ["hub", "a", "b", "c", "d", "e", "f,with comma", "g"];
  const us = [0, 0, 0, 0, 0, 1, 2, 5, 6];
  const vs = [1, 2, 3, 4, 5, 2, 3, 6, 7];
  const ws = [3, 1, 2, 1, 5, 1, 4, 2, 1];
  return csrFromEdges(names, Uint32Array.from(us), Uint32Array.from(vs), Float64Array.from(ws));
}

function capture(): { out: () => string; err: () => string } {
  const o = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return { out: () => o.mock.calls.map((c) => String(c[0])).join(""), err: () => e.mock.calls.map((c) => String(c[0])).join("") };
}

describe("cli/embed", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes numbers as the shortest text that reads back to the same double, and quotes CSV fields", () => {
    for (const x of [0, 1, 0.1 + 0.2, 1 / 3, 1e-300, 123456789.125, 2 ** 60]) expect(Number(csvNumber(x))).toBe(x);
    expect(csvNumber(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField("user::U1@DOM1")).toBe("user::U1@DOM1");
  });

  it("embed features: the same table from a .tlg.gz, a TSV and a gzipped TSV; header node,<features>", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-embed-"));
    const g = sample();
    writeGraph(join(dir, "g.tlg.gz"), g);
    const tsv = "hub\ta\t3\nhub\tb\t1\nhub\tc\t2\nhub\td\t1\nhub\te\t5\na\tb\t1\nb\tc\t4\ne\tf,with comma\t2\nf,with comma\tg\t1\n";
    writeFileSync(join(dir, "g.tsv"), tsv);
    writeFileSync(join(dir, "g.tsv.gz"), gzipSync(tsv));
    const want = featuresCsv(refex(g));
    expect(want.split("\n")[0]).toBe(["node", ...refex(g).names].join(","));
    for (const f of ["g.tlg.gz", "g.tsv", "g.tsv.gz"]) {
      const c = capture();
      expect(await run(["features", join(dir, f)])).toBe(0);
      expect(c.out()).toBe(want);
      vi.restoreAllMocks();
    }
    expect(await run(["features", join(dir, "g.tlg.gz"), "--out", join(dir, "f.csv")])).toBe(0);
    const table = parseFeaturesCsv(readFileSync(join(dir, "f.csv"), "utf8"), "f.csv");
    expect(table.nodes).toEqual(g.names);
    const t = refex(g);
    t.columns.forEach((col, j) => col.forEach((x, i) => expect(table.V.data[i * t.names.length + j]).toBe(x)));
  });

  it("embed roles: roles.csv with memberships summing to 1 and the hard role; model.json with the MDL grid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-embed-roles-"));
    // A bigger graph: 12 stars joined in a ring.
    const us: number[] = [];
    const vs: number[] = [];
    const names: string[] = [];
    for (let s = 0; s < 12; s++) {
      names.push(`center${s}`);
      for (let l = 0; l < 3 + (s % 4); l++) {
        names.push(`leaf${s}_${l}`);
        us.push(names.indexOf(`center${s}`));
        vs.push(names.length - 1);
      }
    }
    for (let s = 0; s < 12; s++) {
      us.push(names.indexOf(`center${s}`));
      vs.push(names.indexOf(`center${(s + 1) % 12}`));
    }
    const g = csrFromEdges(names, Uint32Array.from(us), Uint32Array.from(vs), new Float64Array(us.length).fill(1));
    writeFileSync(join(dir, "f.csv"), featuresCsv(refex(g)));
    const c = capture();
    expect(await run(["roles", join(dir, "f.csv"), "--out", join(dir, "out")])).toBe(0);
    expect(c.out()).toMatch(/vertices, \d+ features: \d+ roles, \d+ bits, NMF relative error/);
    const model = JSON.parse(readFileSync(join(dir, "out", "model.json"), "utf8"));
    const k = model.roles as number;
    expect(k).toBeGreaterThanOrEqual(2);
    expect(model.grid.length).toBeGreaterThan(0);
    for (const e of model.grid) expect(e.skipped !== undefined || (Number.isFinite(e.totalCost) && Number.isFinite(e.encodingCost) && Number.isFinite(e.errorCost))).toBe(true);
    expect(model.F.rows).toBe(k);
    const lines = readFileSync(join(dir, "out", "roles.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe(["node", ...Array.from({ length: k }, (_, r) => `role_${r}`), "role"].join(","));
    expect(lines.length).toBe(names.length + 1);
    for (const line of lines.slice(1)) {
      const f = line.split(",");
      const p = f.slice(1, 1 + k).map(Number);
      const sum = p.reduce((a, b) => a + b, 0);
      if (sum > 0) expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
      expect(Number(f[1 + k])).toBe(p.indexOf(Math.max(...p)));
    }
    vi.restoreAllMocks();
    const c2 = capture();
    expect(await run(["roles", join(dir, "f.csv"), "--roles", "3", "--out", join(dir, "k3")])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "k3", "model.json"), "utf8")).roles).toBe(3);
    void c2;
  });

  it("bad input: one line naming the file and the line, non-zero exit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-embed-bad-"));
    writeFileSync(join(dir, "bad.tsv"), "a\tb\t1\nb\tc\n");
    writeFileSync(join(dir, "bad.csv"), "node,degree\na,1\nb,-2\n");
    writeFileSync(join(dir, "nohead.csv"), "a,1\n");
    const cases: Array<[string[], number, RegExp]> = [
      [["features", join(dir, "missing.tlg.gz")], 1, /^telemetry-lab embed features: telemetry-lab embed: .*missing\.tlg\.gz: cannot read the graph \(ENOENT\)\n$/],
      [["features", join(dir, "bad.tsv")], 1, /^telemetry-lab embed features: .*bad\.tsv: line 2: expected 'u<TAB>v<TAB>weight'\n$/],
      [["features", join(dir, "bad.tsv"), "--preset", "x"], 2, /^telemetry-lab embed features: --preset must be graphrole or llnl, got 'x'\n$/],
      [["roles", join(dir, "bad.csv"), "--out", join(dir, "o")], 1, /^telemetry-lab embed roles: .*bad\.csv: line 3: feature 'degree' must be a finite non-negative number, got '-2'\n$/],
      [["roles", join(dir, "nohead.csv"), "--out", join(dir, "o")], 1, /nohead\.csv: line 1: expected a header 'node,<feature names>'/],
      [["roles", join(dir, "bad.csv")], 2, /--out DIR is required/],
      [["roles", join(dir, "bad.csv"), "--roles", "0", "--out", join(dir, "o")], 2, /--roles must be a positive integer, got '0'/],
    ];
    for (const [argv, code, re] of cases) {
      const c = capture();
      expect(await run(argv), argv.join(" ")).toBe(code);
      expect(c.err()).toMatch(re);
      vi.restoreAllMocks();
    }
  });

  it("reads a .tlg file whatever its name", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-embed-any-"));
    writeGraph(join(dir, "graph.bin"), sample(), { gzip: true });
    expect(readAnyGraph(join(dir, "graph.bin")).names).toEqual(sample().names);
  });
});
