/**
 * Benchmark of NMF (issue 9, bench (c)): a 10^5×40 matrix of rank 8, k = 8, 200
 * multiplicative-update iterations (Frobenius loss, `nndsvda` start, tol = 0 so that all
 * 200 run), as `src/embedding/nmf.ts` does it on 1 thread and on the default number of
 * threads, against scikit-learn 1.2's `NMF(8, solver='mu', init='nndsvda', tol=0)` on the
 * same matrix with one BLAS thread (`OPENBLAS_NUM_THREADS=1`), measured in the same run
 * when `/usr/bin/python3` has scikit-learn (otherwise the figure measured for issue 9 on the
 * development host, 2.4 s, is printed and labelled as such).
 *
 * The matrix: V = W₀·H₀ with W₀ (10^5×8) and H₀ (8×40) uniform in [0, 1) from the
 * project's PRNG (seed 2024); it is written once to `data/bench/nmf/` as raw float64 so
 * that scikit-learn factorises the very same numbers.
 *
 * Each measurement runs in its own child process (fresh heap, its own peak RSS). The rate
 * is matrix entries × iterations per wall second; CPU seconds are user + system of the
 * whole process (all its threads). Both include the NNDSVD start, as scikit-learn's do.
 * The fastest (by wall time) of `--repeat` runs is kept: a shared host only slows runs down.
 *
 * Usage: node dist/bench/nmf.js [--quick] [--repeat N]
 *   --quick     2·10^4 rows instead of 10^5
 *   --repeat N  runs of each measurement (default 3)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../src/io/repo.js";
import { Prng } from "../src/random/prng.js";
import { nmf, nmfDiagnostics } from "../src/embedding/nmf.js";
import { peakRssMB } from "./rss.js";

const F = 40;
const RANK = 8;
const ITER = 200;
const SEED = 2024;
/** scikit-learn 1.2.1, solver 'mu', one OpenBLAS thread, on the development host (issue 9). */
const SKLEARN_REFERENCE_SECONDS = 2.4;
const PYTHON = "/usr/bin/python3";

interface Measure {
  label: string;
  rows: number;
  wallSeconds: number;
  cpuSeconds: number;
  rssMB: number;
  iterations: number;
  relErr: number;
  workerBlocks?: number;
}

function matrixPath(rows: number): string {
  return join(repoRoot(), "data", "bench", "nmf", `rank${RANK}-${rows}x${F}-seed${SEED}.f64`);
}

/** V = W₀·H₀ (rows×40, rank 8), written once as little-endian float64. */
function ensureMatrix(rows: number): string {
  const path = matrixPath(rows);
  if (existsSync(path)) return path;
  const rng = new Prng(SEED);
  const W0 = new Float64Array(rows * RANK);
  const H0 = new Float64Array(RANK * F);
  for (let t = 0; t < W0.length; t++) W0[t] = rng.float();
  for (let t = 0; t < H0.length; t++) H0[t] = rng.float();
  const V = new Float64Array(rows * F);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < RANK; c++) {
      const w = W0[i * RANK + c]!;
      for (let j = 0; j < F; j++) V[i * F + j] = V[i * F + j]! + w * H0[c * F + j]!;
    }
  }
  mkdirSync(join(repoRoot(), "data", "bench", "nmf"), { recursive: true });
  writeFileSync(path, new Uint8Array(V.buffer));
  return path;
}

function readMatrix(path: string, rows: number): Float64Array {
  const buf = readFileSync(path);
  if (buf.length !== rows * F * 8) throw new Error(`bench/nmf: ${path} has ${buf.length} bytes, expected ${rows * F * 8}`);
  const V = new Float64Array(rows * F);
  new Uint8Array(V.buffer).set(buf);
  return V;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One measurement of our NMF, inside the child process. */
function measureOurs(rows: number, workers: number): Measure {
  const V = readMatrix(matrixPath(rows), rows);
  const w0 = process.hrtime.bigint();
  const c0 = cpuSeconds();
  const r = nmf({ rows, cols: F, data: V }, { k: RANK, maxIter: ITER, tol: 0, workers });
  const cpu = cpuSeconds() - c0;
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  return {
    label: workers === 1 ? "ours, 1 thread" : `ours, ${workers === 0 ? "default" : workers} threads`,
    rows,
    wallSeconds: wall,
    cpuSeconds: cpu,
    rssMB: peakRssMB(),
    iterations: r.iterations,
    relErr: r.relErr,
    workerBlocks: nmfDiagnostics.workerBlocks,
  };
}

const SKLEARN_SCRIPT = `
import json, resource, sys, time, warnings
import numpy as np
from sklearn.decomposition import NMF
warnings.filterwarnings("ignore")
rows, f, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
V = np.fromfile(path, dtype="<f8").reshape(rows, f)
np.random.seed(0)
w0, c0 = time.perf_counter(), time.process_time()
m = NMF(n_components=${RANK}, solver="mu", init="nndsvda", max_iter=${ITER}, tol=0)
W = m.fit_transform(V)
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
rel = float(np.linalg.norm(V - W @ m.components_) / np.linalg.norm(V))
print(json.dumps({"label": "scikit-learn 1 BLAS thread", "rows": rows, "wallSeconds": wall, "cpuSeconds": cpu,
                  "rssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "iterations": int(m.n_iter_), "relErr": rel}))
`;

function hasSklearn(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import sklearn, numpy"], { encoding: "utf8" });
  return r.status === 0;
}

function runSklearn(rows: number): Measure {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const r = spawnSync(PYTHON, ["-c", SKLEARN_SCRIPT, String(rows), String(F), matrixPath(rows)], { encoding: "utf8", env, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench/nmf: scikit-learn run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure;
}

function runChild(rows: number, workers: number): Measure {
  const r = spawnSync(process.execPath, [process.argv[1]!, "--child", String(rows), String(workers)], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench/nmf: child (workers ${workers}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure;
}

function fastest(repeats: number, run: () => Measure): Measure & { spread: string } {
  const runs = Array.from({ length: repeats }, run);
  runs.sort((a, b) => a.wallSeconds - b.wallSeconds);
  return { ...runs[0]!, spread: runs.map((r) => r.wallSeconds.toFixed(2)).join("/") };
}

function main(argv: string[]): void {
  if (argv[0] === "--child") {
    process.stdout.write(JSON.stringify(measureOurs(Number(argv[1]), Number(argv[2]))) + "\n");
    return;
  }
  const quick = argv.includes("--quick");
  const ri = argv.indexOf("--repeat");
  const repeats = ri >= 0 ? Number(argv[ri + 1]) : 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`bench/nmf: --repeat must be a positive integer, got '${argv[ri + 1]}'`);
  const rows = quick ? 20_000 : 100_000;
  ensureMatrix(rows);
  const rowsOut: (Measure & { spread: string })[] = [];
  const sklearn = hasSklearn();
  if (sklearn) rowsOut.push(fastest(repeats, () => runSklearn(rows)));
  rowsOut.push(fastest(repeats, () => runChild(rows, 1)));
  rowsOut.push(fastest(repeats, () => runChild(rows, 0)));
  const baseWall = sklearn ? rowsOut[0]!.wallSeconds : SKLEARN_REFERENCE_SECONDS * (rows / 100_000);
  const baseRel = sklearn ? rowsOut[0]!.relErr : NaN;
  const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "-");
  const header = ["run", "wall s", "wall s of each run", "cpu s", "entries×iter/s (wall)", "peak RSS MB", "iterations", "relErr", "|ΔrelErr| vs sklearn", "wall / sklearn"];
  const table = rowsOut.map((r) => [
    r.label,
    fmt(r.wallSeconds, 2),
    r.spread,
    fmt(r.cpuSeconds, 2),
    fmt((rows * F * r.iterations) / r.wallSeconds),
    fmt(r.rssMB),
    String(r.iterations),
    r.relErr.toPrecision(10),
    sklearn ? Math.abs(r.relErr - baseRel).toExponential(1) : "-",
    fmt(r.wallSeconds / baseWall, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`NMF of a ${rows.toLocaleString("en-US")}×${F} rank-${RANK} matrix, k = ${RANK}, ${ITER} multiplicative updates (Frobenius, nndsvda, tol 0) (node ${process.version}, ${availableParallelism()} CPUs)`);
  console.log(line(header));
  for (const r of table) console.log(line(r));
  const threaded = rowsOut[rowsOut.length - 1]!;
  if (sklearn) {
    console.log(`baseline: scikit-learn ${ITER} 'mu' iterations with OPENBLAS_NUM_THREADS=1, same matrix, same run (issue 9 asks for within 2x).`);
  } else {
    console.log(`baseline: scikit-learn is not installed here; ratios are against ${SKLEARN_REFERENCE_SECONDS} s${rows !== 100_000 ? " (scaled to the row count)" : ""}, measured for issue 9 on the development host (mu, 1 BLAS thread), not in this run.`);
  }
  console.log(`default threads: ${threaded.label}; blocks run by worker threads in the fastest run: ${threaded.workerBlocks ?? 0}. Rates and ratios use wall time; CPU s counts all threads.`);
}

if (process.argv[1]?.endsWith("nmf.js")) main(process.argv.slice(2));
