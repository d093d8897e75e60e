import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../../build.js";
import { chooseFeatures, embedRoles, reviveBasis, trainingSpan, type RoleBasis } from "../../../src/embedding/pipeline/pipeline.js";
import { readParquet } from "../../../src/io/parquet.js";
import { featureMatrix, refexFixed } from "../../../src/embedding/refex.js";
import { roleMemberships } from "../../../src/embedding/rolx.js";
import { readGraph } from "../../../src/graph/format/tlg.js";
import { planGraphs } from "../../../src/graph/pipeline/pipeline.js";

const CLI = join(ROOT, "bin", "telemetry-lab.js");
const FRAME = { start: "2015-01-01T00:00:00", end: "2015-01-01T12:00:00", train: "2015-01-01T00:00:00/2015-01-01T06:00:00" };

/** A tiny generated LANL folder, partitioned by hour (shared by the tests; read-only). */
let DATA = "";

function copyData(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tl-roles-${tag}-`));
  execFileSync("cp", ["-r", join(DATA, "raw"), join(DATA, "partitions"), dir]);
  return dir;
}

function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, join(rel, e.name));
      else out.set(join(rel, e.name), readFileSync(p));
    }
  };
  walk(dir, "");
  return out;
}

describe("embedding pipeline (lanl roles)", () => {
  beforeAll(() => {
    buildOnce(["src"], ["dist/src/engine/thread.js", "dist/src/cli/lanl/roles.js"]);
    DATA = mkdtempSync(join(tmpdir(), "tl-roles-data-"));
    execFileSync(process.execPath, [CLI, "lanl", "synth", "--out", DATA, "--days", "1", "--scale", "0.001", "--quiet", "--workers", "0"]);
    execFileSync(process.execPath, [CLI, "lanl", "partition", DATA, "--interval", "1h", "--quiet"]);
  });

  it("writes features, a basis fitted on the training span and role tables; same bytes with 0 or 2 workers", async () => {
    const a = copyData("jobs0");
    const b = copyData("jobs2");
    const ra = await embedRoles(a, { ...FRAME, jobs: 0, quiet: true });
    const rb = await embedRoles(b, { ...FRAME, jobs: 2, quiet: true });
    expect(ra.intervals.length).toBe(12);
    expect(ra.written).toBe(24);
    const ta = tree(ra.plan.experimentDir);
    const tb = tree(rb.plan.experimentDir);
    expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
    for (const [k, v] of ta) {
      expect(v.equals(tb.get(k)!), k).toBe(true);
    }
    // The basis: fitted on the training span's 6 hours only.
    const basis = ra.basis;
    expect(basis.train).toMatchObject({ start: "2015-01-01T00:00:00", end: "2015-01-01T06:00:00", intervals: 6 });
    expect(basis.F.rows).toBe(basis.roles);
    expect(basis.F.cols).toBe(ra.featureList.features.length);
    expect(basis.grid.length).toBeGreaterThan(0);
    // Each role table equals the in-process computation: fixed features of the graph, projected on F.
    const hour = "2015-01-01T09:00:00";
    const key = { intervalSeconds: 3600, start: FRAME.start, end: FRAME.end, arch: "all-category-no-attr" };
    const g = readGraph(join(planGraphs(a, FRAME).graphsDir, `${hour}.tlg.gz`));
    void key;
    const t = refexFixed(g, ra.featureList.features);
    const m = roleMemberships(featureMatrix(t), basis, { method: "nnls" });
    const table = readParquet(join(ra.rolesDir, `${hour}.parquet`));
    expect(table.columns.map((c) => c.name)).toEqual(["node", ...Array.from({ length: basis.roles }, (_, r) => `role_${r}`), "role", "scale", "residual"]);
    expect(table.columns[0]!.values).toEqual(g.names);
    for (let r = 0; r < basis.roles; r++) {
      const col = table.columns[1 + r]!.values as Float64Array;
      for (let i = 0; i < g.names.length; i++) expect(col[i]).toBe(m.memberships.data[i * basis.roles + r]);
    }
    expect(Array.from(table.columns[1 + basis.roles]!.values as Int32Array)).toEqual(Array.from(m.hard));
    const feats = readParquet(join(ra.featuresDir, `${hour}.parquet`));
    expect(feats.columns.map((c) => c.name)).toEqual(["node", ...ra.featureList.features]);
    // The saved basis reads back to the same numbers.
    const revived = reviveBasis(JSON.parse(readFileSync(join(ra.rolesDir, "model.json"), "utf8")) as RoleBasis);
    expect(Array.from(revived.F.data)).toEqual(Array.from(basis.F.data));
  });

  it("resumes: a rerun verifies every table, and rewrites exactly the missing, corrupt and truncated ones with the same bytes", async () => {
    const dir = copyData("resume");
    const first = await embedRoles(dir, { ...FRAME, jobs: 0, quiet: true });
    const before = tree(first.plan.experimentDir);
    const again = await embedRoles(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(again.written).toBe(0);
    expect(again.reused).toBe(24);
    // Damage: a missing role table, a feature table with one flipped byte, a truncated role table, a stale temporary.
    rmSync(join(first.rolesDir, "2015-01-01T03:00:00.parquet"));
    const f = join(first.featuresDir, "2015-01-01T07:00:00.parquet");
    const bytes = readFileSync(f);
    bytes[bytes.length >> 1] ^= 0x10;
    writeFileSync(f, bytes);
    const r = join(first.rolesDir, "2015-01-01T10:00:00.parquet");
    writeFileSync(r, readFileSync(r).subarray(0, 100));
    writeFileSync(join(first.rolesDir, `.2015-01-01T11:00:00.parquet.999999999.1.partial`), "junk");
    const third = await embedRoles(dir, { ...FRAME, jobs: 0, quiet: true });
    expect(third.written).toBe(3); // the role table, the feature table, the truncated role table
    const after = tree(first.plan.experimentDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, v] of before) expect(v.equals(after.get(k)!), k).toBe(true);
  });

  it("the command line runs the stage and refuses bad options with one line and exit code 2", () => {
    const dir = copyData("cli");
    const ok = spawnSync(process.execPath, [CLI, "lanl", "roles", dir, "--start", FRAME.start, "--end", FRAME.end, "--train", FRAME.train, "--roles", "3", "--json", "--quiet"], { encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out.model.roles).toBe(3);
    expect(out.rolesDir.endsWith("roles+roles=3")).toBe(true);
    expect(out.intervals.length).toBe(12);
    const bad = spawnSync(process.execPath, [CLI, "lanl", "roles", dir, "--preset", "nope"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual(["telemetry-lab lanl roles: --preset must be graphrole or llnl, got 'nope'"]);
    const outside = spawnSync(process.execPath, [CLI, "lanl", "roles", dir, "--start", FRAME.start, "--end", FRAME.end, "--train", "2015-02-01T00:00:00/2015-02-02T00:00:00", "--quiet"], { encoding: "utf8" });
    expect(outside.status).toBe(1);
    expect(outside.stderr).toMatch(/^telemetry-lab lanl roles: telemetry-lab\/embedding\/pipeline\/pipeline: .*training span 2015-02-01T00:00:00\/2015-02-02T00:00:00 holds no interval/);
  });

  it("gives empty tables for intervals without events, and empty training hours do not vote", async () => {
    const dir = copyData("empty");
    const run = await embedRoles(dir, { start: "2015-01-01T21:00:00", end: "2015-01-02T02:00:00", train: "2015-01-01T21:00:00/2015-01-02T01:00:00", jobs: 0, quiet: true });
    expect(run.intervals.map((r) => r.rows > 0)).toEqual([true, true, true, false, false]);
    const empty = readParquet(join(run.rolesDir, "2015-01-02T00:00:00.parquet"));
    expect(empty.columns.map((c) => c.name)).toEqual(["node", ...Array.from({ length: run.basis.roles }, (_, r) => `role_${r}`), "role", "scale", "residual"]);
    expect(empty.columns[0]!.values.length).toBe(0);
    expect(run.featureList.features.length).toBeGreaterThan(0);
  });

  it("chooses the fixed feature list by how often ReFeX keeps a feature on the training graphs", () => {
    const c = chooseFeatures(
      [
        { features: ["degree", "b(sum)", "a(mean)"], generations: [0, 1, 1] },
        { features: ["degree", "a(mean)"], generations: [0, 1] },
        { features: [], generations: [] },
        { features: ["degree", "c(sum)(sum)"], generations: [0, 2] },
      ],
      0.5,
    );
    // 3 non-empty graphs: kept in >= 2 of them.
    expect(c.features).toEqual(["degree", "a(mean)"]);
    expect(c.keptIn).toEqual([3, 2]);
    expect(c.candidates.map((x) => x.feature)).toEqual(["degree", "a(mean)", "b(sum)", "c(sum)(sum)"]);
    expect(() => chooseFeatures([{ features: [], generations: [] }], 0.5)).toThrow(/every training graph is empty/);
  });

  it("takes the frame's first day as the default training span (the first half of a shorter frame)", () => {
    const plan = { start: "2015-01-01T00:00:00", end: "2015-01-04T00:00:00", intervalSeconds: 3600, intervals: Array.from({ length: 72 }, (_, h) => `2015-01-0${1 + Math.floor(h / 24)}T${String(h % 24).padStart(2, "0")}:00:00`) };
    const s = trainingSpan(plan as never, undefined);
    expect([s.start, s.end, s.intervals.length]).toEqual(["2015-01-01T00:00:00", "2015-01-02T00:00:00", 24]);
    const short = { ...plan, end: "2015-01-01T12:00:00", intervals: plan.intervals.slice(0, 12) };
    const t = trainingSpan(short as never, undefined);
    expect([t.end, t.intervals.length]).toEqual(["2015-01-01T06:00:00", 6]);
    expect(() => trainingSpan(plan as never, "2015-01-01")).toThrow(/--train must be START\/END/);
  });
});

describe("embedding pipeline after kill -9", () => {
  it("a run killed mid-way and rerun gives byte-identical tables", async () => {
    if (DATA === "") return; // the suite above made the data
    const ref = copyData("ref");
    const refRun = await embedRoles(ref, { ...FRAME, jobs: 0, quiet: true });
    const want = tree(refRun.plan.experimentDir);
    const dir = copyData("kill");
    // Graphs first, so that the kill lands in the embedding stage.
    execFileSync(process.execPath, [CLI, "lanl", "graphs", dir, "--start", FRAME.start, "--end", FRAME.end, "--quiet"]);
    const child = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" lanl roles "${dir}" --start ${FRAME.start} --end ${FRAME.end} --train ${FRAME.train} --jobs 2 --quiet & pid=$!; sleep 1.2; kill -9 $pid; wait $pid; exit 0`], { encoding: "utf8" });
    expect(child.status).toBe(0);
    const rerun = await embedRoles(dir, { ...FRAME, jobs: 2, quiet: true });
    const got = tree(rerun.plan.experimentDir);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(v.equals(got.get(k)!), k).toBe(true);
  });
});
