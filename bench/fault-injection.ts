/**
 * Fault injection: kills a stage (`lanl partition`, `lanl graphs`, `lanl roles`) with
 * SIGKILL at random instants, up to `--max-kills` times per trial, lets a final run
 * finish, and compares every output file byte for byte with an uninterrupted run. Also
 * counts leftovers (`.partial`, `.inprogress`, `.lock`) after the final run and runs whose
 * final rerun failed.
 *
 * usage: node dist/bench/fault-injection.js --stage partition|graphs|roles [--n 50]
 *          [--max-kills 3] [--seed 1] [--work DIR] [--days 2] [--scale 0.002] [--jobs 2]
 * The data set is `lanl synth --days D --scale S` under `--work` (default /tmp/tl-fault),
 * generated once; the reference run and the trials live beside it. The kill instant is
 * uniform in [0, 1.1 x the reference run's wall time]. Exit 1 when a trial differs.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { cliPath } from "../src/io/repo.js";
import { Prng } from "../src/random/prng.js";

type Stage = "partition" | "graphs" | "roles";

const { values } = parseArgs({
  options: {
    stage: { type: "string" },
    n: { type: "string", default: "50" },
    "max-kills": { type: "string", default: "3" },
    seed: { type: "string", default: "1" },
    work: { type: "string", default: "/tmp/tl-fault" },
    days: { type: "string", default: "2" },
    scale: { type: "string", default: "0.002" },
    jobs: { type: "string", default: "2" },
  },
});
const stage = values.stage as Stage;
if (!["partition", "graphs", "roles"].includes(stage)) {
  process.stderr.write("bench/fault-injection: --stage must be partition, graphs or roles\n");
  process.exit(2);
}
const N = Number(values.n);
const maxKills = Number(values["max-kills"]);
const work = values.work!;
const CLI = cliPath();
const prng = new Prng(Number(values.seed));
const rand = (): number => prng.float();

function cli(args: string[]): { code: number | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, stderr: r.stderr, ms: Date.now() - t0 };
}

function stageArgs(dir: string): string[] {
  return ["lanl", stage, dir, "--quiet", "--jobs", values.jobs!];
}

/** Files whose bytes are compared: the stage's outputs. */
function outputRoots(dir: string): string[] {
  if (stage === "partition") return [join(dir, "partitions")];
  const exps = join(dir, "experiments");
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (!statSync(p).isDirectory()) continue;
      if (depth === 2) out.push(p);
      else walk(p, depth + 1);
    }
  };
  walk(exps, 0);
  return out;
}

function tree(root: string, base: string, skip: (rel: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const rel = relative(base, p);
      if (skip(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.set(rel, readFileSync(p));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function outputs(dir: string): Map<string, Buffer> {
  const all = new Map<string, Buffer>();
  const skip = (rel: string): boolean => {
    if (rel.split("/").includes(".state")) return true; // the partitioner's private resume state
    if (stage === "graphs" && /\/(features|roles)(\/|$)/.test(rel)) return true;
    if (stage === "roles" && /all-category[^/]*\/(graphs|stats|summary\.json|experiment\.json)$/.test(rel)) return true;
    return false;
  };
  for (const r of outputRoots(dir)) for (const [k, v] of tree(r, dir, skip)) all.set(k, v);
  return all;
}

function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.partial$|\.inprogress$|\.lock$/.test(n)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

function killedRun(args: string[], afterMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "ignore" });
    let killed = false;
    const t = setTimeout(() => {
      killed = child.kill("SIGKILL");
    }, afterMs);
    child.on("exit", (_code, signal) => {
      clearTimeout(t);
      resolve(killed && signal === "SIGKILL");
    });
  });
}

/** The inputs a trial starts from: raw data, plus the earlier stages' outputs. */
function prepare(src: string, dst: string): void {
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dst, { recursive: true });
  cpSync(join(src, "raw"), join(dst, "raw"), { recursive: true });
  if (stage !== "partition") cpSync(join(src, "partitions"), join(dst, "partitions"), { recursive: true });
  if (stage === "roles") {
    cpSync(join(src, "experiments"), join(dst, "experiments"), {
      recursive: true,
      filter: (p) => !/\/(features|roles)(\/|$)/.test(p),
    });
  }
}

async function main(): Promise<void> {
  const data = join(work, "data");
  if (!existsSync(join(data, "raw", "auth.txt.gz"))) {
    const r = cli(["lanl", "synth", "--out", data, "--days", values.days!, "--scale", values.scale!]);
    if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
  }
  // Reference: every stage up to this one, uninterrupted.
  const ref = join(work, `ref-${stage}`);
  rmSync(ref, { recursive: true, force: true });
  mkdirSync(ref, { recursive: true });
  cpSync(join(data, "raw"), join(ref, "raw"), { recursive: true });
  let refMs = 0;
  for (const s of ["partition", "graphs", "roles"] as Stage[]) {
    const r = cli(["lanl", s, ref, "--quiet", "--jobs", values.jobs!]);
    if (r.code !== 0) throw new Error(`reference ${s} failed: ${r.stderr}`);
    if (s === stage) {
      refMs = r.ms;
      break;
    }
  }
  const reference = outputs(ref);
  process.stdout.write(`fault-injection ${stage}: reference ${reference.size} files, ${refMs} ms; ${N} trials, 1..${maxKills} SIGKILLs each\n`);
  let identical = 0;
  let killsLanded = 0;
  let killsTried = 0;
  let trialsWithKill = 0;
  let withLeftovers = 0;
  let failedReruns = 0;
  const trial = join(work, `trial-${stage}`);
  for (let i = 0; i < N; i++) {
    prepare(ref, trial);
    const kills = 1 + Math.floor(rand() * maxKills);
    let landed = 0;
    for (let k = 0; k < kills; k++) {
      killsTried++;
      if (await killedRun(stageArgs(trial), Math.floor(rand() * refMs * 1.1))) landed++;
    }
    killsLanded += landed;
    if (landed > 0) trialsWithKill++;
    const fin = cli(stageArgs(trial));
    const left = leftovers(trial);
    if (left.length > 0) withLeftovers++;
    let same = fin.code === 0;
    if (fin.code !== 0) failedReruns++;
    const got = outputs(trial);
    const diffs: string[] = [];
    for (const [k, v] of reference) if (!got.has(k) || !got.get(k)!.equals(v)) diffs.push(k);
    for (const k of got.keys()) if (!reference.has(k)) diffs.push(`+${k}`);
    if (diffs.length > 0) same = false;
    if (same) identical++;
    process.stdout.write(
      `trial ${i + 1}: ${landed}/${kills} kills landed; final exit ${fin.code}; ${same ? "identical" : `DIFFERS (${diffs.slice(0, 5).join(", ")})`}` +
        `${left.length > 0 ? `; leftovers ${left.slice(0, 3).join(", ")}` : ""}${fin.code !== 0 ? `; ${fin.stderr.trim().split("\n").pop()}` : ""}\n`,
    );
  }
  rmSync(trial, { recursive: true, force: true });
  process.stdout.write(
    `fault-injection ${stage}: ${identical}/${N} identical; ${trialsWithKill} trials killed at least once; ` +
      `${killsLanded}/${killsTried} kills landed before the run ended; ${withLeftovers} with leftovers; ${failedReruns} failed reruns\n`,
  );
  process.exitCode = identical === N ? 0 : 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench/fault-injection: ${err.message}\n`);
  process.exitCode = 2;
});
