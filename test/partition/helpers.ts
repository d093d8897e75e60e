/**
 * Fixtures for the partitioner tests: small LANL-like streams with known answers.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce as buildDist } from "../build.js";
import { gunzipSync, gzipSync } from "node:zlib";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "bin", "telemetry-lab.js");

/** Sources the compiled partitioner depends on (worker threads and the CLI run dist/). */
const PARTITION_SOURCES = [
  "src/partition",
  "src/io",
  "src/time",
  "src/lanl/parse.ts",
  "src/lanl/schema.ts",
  "src/lanl/reader.ts",
  "src/notebook/progress.ts",
  "src/notebook/kernel.ts",
  "src/cli/main.ts",
  "src/cli/lanl.ts",
  "src/cli/lanl/partition.ts",
];

const COMPILED = ["dist/src/partition/worker.js", "dist/src/cli/lanl/partition.js", "dist/src/partition/partition.js"];

/** Builds dist/ when the compiled partitioner is older than its sources. */
export function buildOnce(): void {
  buildDist(PARTITION_SOURCES, COMPILED);
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tl-partition-${tag}-`));
}

/** A deterministic LCG (tests only). */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** `n` sorted lines of `fields` fields, times from `t0` growing by about `step` every line. */
export function makeLines(n: number, fields: number, seed: number, t0 = 1, step = 0.05): string[] {
  const r = lcg(seed);
  const out: string[] = [];
  let t = t0;
  for (let i = 0; i < n; i++) {
    t += r() < step ? 1 + Math.floor(r() * 30) : 0;
    const f = [String(t)];
    for (let j = 1; j < fields; j++) f.push(r() < 0.05 ? "?" : `${j % 2 ? "U" : "C"}${Math.floor(r() * 3000)}${j === 1 ? "@DOM1" : ""}`);
    out.push(f.join(","));
  }
  return out;
}

export function writeGz(path: string, lines: string[] | string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const text = typeof lines === "string" ? lines : lines.join("\n") + "\n";
  writeFileSync(path, gzipSync(Buffer.from(text, "latin1")));
}

/** Every file under `dir` (relative path -> bytes), hidden state and summary excluded. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== ".state") walk(p);
      } else if (name !== "summary.json") out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** All files under `dir`, hidden ones included (to find leftovers). */
export function allNames(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Reference partitioning: interval start name -> lines, in input order. */
export function expectedPartitions(lines: string[], intervalSeconds = 3600, originEpoch = Date.UTC(2015, 0, 1) / 1000): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of lines) {
    const t = Number(line.slice(0, line.indexOf(",")));
    const start = originEpoch + Math.floor(t / intervalSeconds) * intervalSeconds;
    const name = new Date(start * 1000).toISOString().slice(0, 19);
    if (!m.has(name)) m.set(name, []);
    m.get(name)!.push(line);
  }
  return m;
}

/** Decompressed lines of one partition file. */
export function gzLines(path: string): string[] {
  const text = gunzipSync(readFileSync(path)).toString("latin1");
  return text.length === 0 ? [] : text.slice(0, -1).split("\n");
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs the CLI and SIGKILLs it as soon as `when()` turns true (polled every few ms),
 * or lets it finish if it never does.
 */
export function runCliKilledWhen(args: string[], when: () => boolean): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setInterval(() => {
      let fire = false;
      try {
        fire = when();
      } catch {
        fire = false;
      }
      if (fire) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 2);
    child.on("close", (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
