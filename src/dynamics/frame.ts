/**
 * The data contract of the role-dynamics stage: one interval's role memberships in
 * ({@link RoleFrame}), one interval's anomaly scores out ({@link ScoreFrame}).
 *
 * Source: the per-interval roles tables written by `src/embedding/pipeline/task.ts`
 * (`<experiment>/roles/<start>.parquet`): a `node` column (vertex names in JS string
 * order, the CSR order of the interval graph), `role_0..role_{K-1}` (the row-normalised
 * RolX memberships G, an all-zero row kept at 0), `role` (argmax), `scale` (the row sum
 * of G before normalisation) and `residual` (‖V_i − G_i·F‖₂). Notation follows
 * `lanl-method.md` §1d: P_n(t) is vertex n's role distribution in interval t.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { readParquet, type ParquetColumn, type ParquetTable } from "../io/parquet.js";
import { matrix, type Matrix } from "../embedding/matrix.js";

const MODULE = "telemetry-lab/dynamics/frame";

/** One interval's role memberships, as read from a roles table. */
export interface RoleFrame {
  /** The interval's ISO start (naive UTC), e.g. `2015-01-01T05:00:00`. */
  readonly start: string;
  /** Vertex names, row order of `memberships`. */
  readonly nodes: readonly string[];
  /** n×K role memberships P(t); rows sum to 1, or are all zero. */
  readonly memberships: Matrix;
  /** NMF reconstruction residual ‖V_n − G_n·F‖₂ per vertex. */
  readonly residual?: Float64Array;
  /** Row sum of G before normalisation per vertex (G = memberships × scale). */
  readonly scale?: Float64Array;
}

/** One interval's scores, aligned with `nodes`; NaN = not scored (absent, no history, …). Higher = more anomalous. */
export interface ScoreFrame {
  readonly start: string;
  readonly nodes: readonly string[];
  readonly scores: Float64Array;
}

/**
 * Reads one roles table (`<experiment>/roles/<start>.parquet`) into a {@link RoleFrame}.
 * The interval start is the file name without `.parquet`; the role columns are
 * `role_0, role_1, …` in index order (K = their count); `residual` and `scale` are
 * read when present.
 *
 * @throws when the file cannot be read, has no `node` column, no `role_0` column, or a
 *   role column that is not `double`.
 * @example
 * const f = readRoleFrame("roles/2015-01-01T05:00:00.parquet");
 * f.start;                 // "2015-01-01T05:00:00"
 * f.memberships.cols;      // K, e.g. 8
 * f.nodes[0];              // "auth::Kerberos"
 */
export function readRoleFrame(path: string): RoleFrame {
  let t: ParquetTable;
  try {
    t = readParquet(path);
  } catch (e) {
    throw new Error(`${MODULE}: ${path}: ${(e as Error).message}`);
  }
  const byName = new Map<string, ParquetColumn>(t.columns.map((c): [string, ParquetColumn] => [c.name, c]));
  const node = byName.get("node");
  if (node === undefined || node.type !== "string") throw new Error(`${MODULE}: ${path}: no string column 'node'`);
  const nodes = node.values;
  const roleCols: Float64Array[] = [];
  for (let r = 0; ; r++) {
    const c = byName.get(`role_${r}`);
    if (c === undefined) break;
    if (c.type !== "double") throw new Error(`${MODULE}: ${path}: column 'role_${r}' is ${c.type}, expected double`);
    roleCols.push(c.values);
  }
  if (roleCols.length === 0) throw new Error(`${MODULE}: ${path}: no 'role_0' column`);
  const n = nodes.length;
  const k = roleCols.length;
  const data = new Float64Array(n * k);
  for (let r = 0; r < k; r++) {
    const col = roleCols[r]!;
    for (let i = 0; i < n; i++) data[i * k + r] = col[i]!;
  }
  const optional = (name: string): Float64Array | undefined => {
    const c = byName.get(name);
    if (c === undefined) return undefined;
    if (c.type !== "double") throw new Error(`${MODULE}: ${path}: column '${name}' is ${c.type}, expected double`);
    return c.values;
  };
  const start = basename(path).replace(/\.parquet$/, "");
  const frame: { start: string; nodes: readonly string[]; memberships: Matrix; residual?: Float64Array; scale?: Float64Array } = {
    start,
    nodes,
    memberships: matrix(n, k, data),
  };
  const residual = optional("residual");
  const scale = optional("scale");
  if (residual !== undefined) frame.residual = residual;
  if (scale !== undefined) frame.scale = scale;
  return frame;
}

/** A streaming scorer: frames go in, in increasing time order, one score frame comes out per frame. */
export interface FrameScorer<I = RoleFrame, O extends ScoreFrame = ScoreFrame> {
  push(input: I): O;
}

/**
 * The roles tables of a folder (`<experiment>/roles/`), `<start>.parquet` files in time
 * order (their names are ISO starts, so name order is time order).
 *
 * @throws when the folder cannot be read.
 * @example
 * roleFramePaths("roles"); // ["roles/2015-01-01T00:00:00.parquet", "roles/2015-01-01T01:00:00.parquet", …]
 */
export function roleFramePaths(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`${MODULE}: cannot list ${dir}: ${(e as Error).message}`);
  }
  return names
    .filter((f) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.parquet$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Reads the roles tables of a folder lazily, one {@link RoleFrame} at a time in time
 * order, so a scorer streaming over them holds one frame's matrix at a time.
 *
 * @example
 * for (const f of readRoleFrames("roles")) scorer.push(f);
 */
export function* readRoleFrames(dir: string): Generator<RoleFrame> {
  for (const p of roleFramePaths(dir)) yield readRoleFrame(p);
}
