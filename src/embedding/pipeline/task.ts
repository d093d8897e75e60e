/**
 * The per-interval units of work of the embedding stage (`pipeline.ts`), as plain data so
 * that they run in a worker thread (`worker.ts`) or inline with the same result:
 *
 * - `learn`: ReFeX with pruning on one training graph: which features it keeps;
 * - `features`: the fixed feature list computed on one interval graph, written as Parquet;
 * - `roles`: one interval's features projected on the fixed role basis (NMF with F held
 *   fixed), written as Parquet: `node`, the memberships `role_0..role_{K-1}` (rows of G
 *   scaled to sum 1), the hard role `role` (argmax), `scale` (the row sum of G, so that
 *   G = memberships × scale) and `residual` (‖V_i − G_i·F‖, "fits no known role").
 *
 * Every output is written atomically and followed by a sidecar (`<file>.json`: rows,
 * bytes, CRC-32 and the configuration it was made with), so a rerun trusts a table only
 * when its sidecar matches its bytes (`verifiedOutput`).
 *
 * Sources: Henderson et al., "It's Who You Know: Graph Mining Using Recursive Structural
 * Features", KDD 2011 (ReFeX); Henderson et al., "RolX: Structural Role Extraction & Mining
 * in Large Graphs", KDD 2012 (a fixed basis F for new graphs).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { crc32 } from "../../graph/format/crc32.js";
import { edgeCount } from "../../graph/csr.js";
import { readGraph } from "../../graph/format/tlg.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { readParquet, writeParquet, type ParquetTable } from "../../io/parquet.js";
import { matrix, type Matrix } from "../matrix.js";
import { refex, refexFixed, type FeatureTable, type RefexPreset } from "../refex.js";
import { roleMemberships, type RolxModel } from "../rolx.js";

const MODULE = "telemetry-lab/embedding/pipeline/task";

/** The saved basis (`model.json`): a RolX model plus its provenance. */
export interface RoleBasis extends RolxModel {
  train: { start: string; end: string; intervals: number; rows: number; fitRows: number };
  config: string;
}

/** Revives a basis read from JSON (F as a Matrix). */
export function reviveBasis(raw: RoleBasis): RoleBasis {
  const F = raw.F as unknown as { rows: number; cols: number; data: number[] | Record<string, number> };
  const data = Array.isArray(F.data) ? Float64Array.from(F.data) : Float64Array.from(Object.values(F.data));
  return { ...raw, F: matrix(F.rows, F.cols, data) };
}

/** The basis as JSON (F's data as a plain array). */
export function basisJson(b: RoleBasis): string {
  return JSON.stringify({ ...b, F: { rows: b.F.rows, cols: b.F.cols, data: Array.from(b.F.data) } }, null, 1) + "\n";
}


/** The last basis read by this thread, by path and content (role tasks of one run share it). */
let basisCache: { path: string; text: string; basis: RoleBasis } | undefined;

/** Reads a saved basis (`model.json`), revived; cached while the file's content is the same. */
export function readBasis(path: string): RoleBasis {
  const text = readFileSync(path, "utf8");
  if (basisCache?.path === path && basisCache.text === text) return basisCache.basis;
  let raw: RoleBasis;
  try {
    raw = JSON.parse(text) as RoleBasis;
  } catch (err) {
    throw new Error(`${MODULE}: ${path}: not a role basis (${(err as Error).message})`);
  }
  const basis = reviveBasis(raw);
  basisCache = { path, text, basis };
  return basis;
}

/** Learn which features ReFeX keeps on one (training) graph. */
export interface LearnTask {
  kind: "learn";
  start: string;
  graphPath: string;
  preset: RefexPreset;
}

/** Compute a fixed feature list on one graph and write it as Parquet. */
export interface FeaturesTask {
  kind: "features";
  start: string;
  graphPath: string;
  preset: RefexPreset;
  features: string[];
  outPath: string;
  /** Identifies the configuration in the sidecar. */
  config: string;
}

/** Project one interval's features on a fixed role basis and write the roles as Parquet. */
export interface RolesTask {
  kind: "roles";
  start: string;
  featuresPath: string;
  /** The basis (`model.json`, written by the stage before its role tasks): read by the task, so that a queued job carries a path, not a matrix. */
  modelPath: string;
  /** How memberships are solved with F fixed: exact non-negative least squares per vertex, or sklearn's multiplicative updates. */
  method: "nnls" | "mu";
  outPath: string;
  config: string;
}

/** Any task of the embedding stage. */
export type EmbedTask = LearnTask | FeaturesTask | RolesTask;

/** What a `learn` task returns. */
export interface LearnResult {
  kind: "learn";
  start: string;
  vertices: number;
  edges: number;
  features: string[];
  generations: number[];
  seconds: number;
}

/** What a `features` or `roles` task returns (also the sidecar's content, without `seconds`). */
export interface TableResult {
  kind: "features" | "roles";
  start: string;
  rows: number;
  columns: number;
  bytes: number;
  crc32: number;
  config: string;
  /** roles only: the sum of each role's membership over the interval's vertices. */
  roleMass?: number[];
  /** roles only: the number of vertices whose hard role is r. */
  roleCounts?: number[];
  seconds: number;
}

/** What any task returns. */
export type EmbedResult = LearnResult | TableResult;

/** The sidecar of a table: `<file>.json`. */
export function sidecarPath(path: string): string {
  return `${path}.json`;
}

/**
 * The table's sidecar when the table is intact and was made with `config` (same size,
 * same CRC-32), else undefined: a rerun redoes every table it cannot verify.
 */
export function verifiedOutput(path: string, config: string): TableResult | undefined {
  const side = sidecarPath(path);
  if (!existsSync(path) || !existsSync(side)) return undefined;
  let meta: TableResult;
  try {
    meta = JSON.parse(readFileSync(side, "utf8")) as TableResult;
  } catch {
    return undefined;
  }
  if (meta.config !== config || statSync(path).size !== meta.bytes) return undefined;
  const bytes = readFileSync(path);
  return crc32(bytes) === meta.crc32 ? meta : undefined;
}

function writeTable(path: string, table: ParquetTable, result: Omit<TableResult, "bytes" | "crc32" | "seconds">, t0: number): TableResult {
  writeParquet(path, table);
  const bytes = readFileSync(path);
  const meta = { ...result, bytes: bytes.length, crc32: crc32(bytes) };
  writeFileAtomic(sidecarPath(path), JSON.stringify(meta) + "\n");
  return { ...meta, seconds: (performance.now() - t0) / 1000 };
}

/** A feature table as a Parquet table: `node`, then one double column per feature. */
export function featureParquet(t: FeatureTable): ParquetTable {
  return {
    columns: [
      { name: "node", type: "string", values: t.nodes },
      ...t.names.map((name, j) => ({ name, type: "double" as const, values: t.columns[j]! })),
    ],
  };
}

/** Reads a feature table written by a `features` task: vertex names and the matrix (rows = vertices). */
export function readFeatureTable(path: string, features: readonly string[]): { nodes: string[]; V: Matrix } {
  const t = readParquet(path);
  const node = t.columns.find((c) => c.name === "node");
  if (node === undefined) throw new Error(`${MODULE}: ${path}: no 'node' column`);
  const nodes = node.values as string[];
  const V = matrix(nodes.length, features.length);
  features.forEach((f, j) => {
    const col = t.columns.find((c) => c.name === f);
    if (col === undefined) throw new Error(`${MODULE}: ${path}: feature column '${f}' is missing`);
    const vals = col.values as Float64Array;
    for (let i = 0; i < nodes.length; i++) V.data[i * features.length + j] = vals[i]!;
  });
  return { nodes: [...nodes], V };
}

/** Runs one task of the embedding stage (in a worker or inline). */
export async function runEmbedTask(task: EmbedTask): Promise<EmbedResult> {
  const t0 = performance.now();
  if (task.kind === "learn") {
    const g = readGraph(task.graphPath);
    const edges = edgeCount(g);
    // An interval without edges (no events) keeps no feature: it does not vote for the list.
    const t = edges > 0 ? refex(g, { preset: task.preset }) : { names: [], generations: [] };
    return {
      kind: "learn",
      start: task.start,
      vertices: g.names.length,
      edges,
      features: [...t.names],
      generations: [...t.generations],
      seconds: (performance.now() - t0) / 1000,
    };
  }
  if (task.kind === "features") {
    const g = readGraph(task.graphPath);
    const t = refexFixed(g, task.features, { preset: task.preset });
    return writeTable(task.outPath, featureParquet(t), { kind: "features", start: task.start, rows: t.nodes.length, columns: t.names.length, config: task.config }, t0);
  }
  if (task.kind === "roles") {
    const model = readBasis(task.modelPath);
    const { nodes, V } = readFeatureTable(task.featuresPath, model.features);
    const k = model.roles;
    const m = V.rows > 0 ? roleMemberships(V, model, { method: task.method }) : { G: matrix(0, k), memberships: matrix(0, k), hard: new Int32Array(0) };
    const F = model.F;
    const f = F.cols;
    const residual = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      let s = 0;
      for (let j = 0; j < f; j++) {
        let x = 0;
        for (let r = 0; r < k; r++) x += m.G.data[i * k + r]! * F.data[r * f + j]!;
        const d = V.data[i * f + j]! - x;
        s += d * d;
      }
      residual[i] = Math.sqrt(s);
    }
    const roleMass = new Array<number>(k).fill(0);
    const roleCounts = new Array<number>(k).fill(0);
    const cols: ParquetTable["columns"] = [{ name: "node", type: "string", values: nodes }];
    for (let r = 0; r < k; r++) {
      const col = new Float64Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        col[i] = m.memberships.data[i * k + r]!;
        roleMass[r]! += col[i]!;
      }
      cols.push({ name: `role_${r}`, type: "double", values: col });
    }
    const hard = Int32Array.from(m.hard);
    for (let i = 0; i < nodes.length; i++) roleCounts[hard[i]!]! += 1;
    cols.push({ name: "role", type: "int32", values: hard });
    // The row sum of G: memberships × scale gives G back (a vertex's overall size on the basis).
    const scale = new Float64Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      let t = 0;
      for (let r = 0; r < k; r++) t += m.G.data[i * k + r]!;
      scale[i] = t;
    }
    cols.push({ name: "scale", type: "double", values: scale });
    cols.push({ name: "residual", type: "double", values: residual });
    return writeTable(task.outPath, { columns: cols }, { kind: "roles", start: task.start, rows: nodes.length, columns: cols.length, config: task.config, roleMass, roleCounts }, t0);
  }
  throw new Error(`${MODULE}: unknown task kind '${(task as { kind: string }).kind}'`);
}
