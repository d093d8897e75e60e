/**
 * End to end on real LANL lines: raw file -> `partitionLanl` -> `buildGraphs` gives, for every
 * hour, exactly the graph of a direct transcription of the seed's code (`AllCategoryNoAttr`
 * artifact names, `BuilderNetworkX.add_clique` weights, `combine_graphs`), written here
 * independently of the library's architecture and builder code.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { forEachEdge } from "../../../src/graph/csr.js";
import { readGraph } from "../../../src/graph/format/tlg.js";
import { buildGraphs } from "../../../src/graph/pipeline/pipeline.js";
import { partitionLanl } from "../../../src/partition/partition.js";
import { ROOT, tempDir } from "./helpers.js";

const SAMPLE = join(ROOT, "..", "shared", "datasets", "lanl", "auth_sample_human_days0-2.txt");

/** The seed's auth schema: (column, dtype); every column here is object or category. */
const AUTH_COLUMNS = ["userdomain_source", "userdomain_destination", "computer_source", "computer_destination", "auth", "logon", "direction", "result"];
/** pandas 1.x default NA strings: read as NaN, named `nan` by f"{attr}::{value}". */
const NA = new Set(["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null"]);

/** networkx-style weighted graph: "u\tv" (u < v) -> weight, per hour (ISO start). */
function seedGraphs(lines: string[]): Map<string, Map<string, number>> {
  const hours = new Map<string, Map<string, number>>();
  for (const line of lines) {
    if (line === "") continue;
    const [time, ...values] = line.split(",");
    const h = Math.floor(Number(time) / 3600);
    const start = new Date(Date.UTC(2015, 0, 1) + h * 3_600_000).toISOString().slice(0, 19);
    if (!hours.has(start)) hours.set(start, new Map());
    const g = hours.get(start)!;
    const vertices = AUTH_COLUMNS.map((c, i) => `${c}::${NA.has(values[i]!) ? "nan" : values[i]}`);
    for (let i = 0; i < vertices.length; i++) {
      for (let j = i + 1; j < vertices.length; j++) {
        const [a, b] = vertices[i]! < vertices[j]! ? [vertices[i]!, vertices[j]!] : [vertices[j]!, vertices[i]!];
        const key = `${a}\t${b}`;
        g.set(key, (g.get(key) ?? 0) + 1);
      }
    }
  }
  return hours;
}

describe("graph pipeline on real LANL auth lines", () => {
  it.skipIf(!existsSync(SAMPLE))("equals a transcription of the seed's make_graph/combine_graphs, hour by hour", async () => {
    const dir = tempDir("seed");
    const text = readFileSync(SAMPLE, "utf8");
    mkdirSync(join(dir, "raw"), { recursive: true });
    writeFileSync(join(dir, "raw", "auth.txt.gz"), gzipSync(Buffer.from(text)));
    await partitionLanl(dir, { jobs: 0, quiet: true });
    const run = await buildGraphs(dir, { start: "2015-01-01T00:00:00", end: "2015-01-03T01:00:00", jobs: 0, quiet: true });
    const expected = seedGraphs(text.split("\n"));
    expect([...expected.keys()]).toEqual(["2015-01-01T00:00:00", "2015-01-02T00:00:00", "2015-01-03T00:00:00"]);
    expect(run.intervals.length).toBe(49);
    expect(run.intervals.filter((s) => s.events > 0).map((s) => s.start)).toEqual([...expected.keys()]);
    for (const s of run.intervals) {
      const g = readGraph(join(run.plan.graphsDir, `${s.start}.tlg.gz`));
      const got = new Map<string, number>();
      forEachEdge(g, (u, v, w) => {
        const [a, b] = g.names[u]! < g.names[v]! ? [g.names[u]!, g.names[v]!] : [g.names[v]!, g.names[u]!];
        got.set(`${a}\t${b}`, w);
      });
      const want = expected.get(s.start) ?? new Map<string, number>();
      expect(got.size, s.start).toBe(want.size);
      expect(got, s.start).toEqual(want);
      const names = new Set<string>();
      for (const k of want.keys()) for (const n of k.split("\t")) names.add(n);
      expect(g.names.length, s.start).toBe(names.size);
    }
    expect(run.events).toBe(15_000);
  });
});
