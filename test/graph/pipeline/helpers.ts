/**
 * Fixtures for the graph pipeline tests: tiny hand-made partitions with known graphs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOnce as buildDist } from "../../build.js";
import { gzipSync } from "node:zlib";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Sources the compiled pipeline depends on (worker threads and the CLI run dist/). */
const PIPELINE_SOURCES = ["src/graph", "src/engine", "src/embedding", "src/evaluation", "src/dynamics", "src/lanl", "src/io", "src/time", "src/partition/manifest.ts", "src/notebook/progress.ts", "src/notebook/kernel.ts", "src/cli/main.ts", "src/cli/lanl.ts", "src/cli/lanl/graphs.ts"];
const COMPILED = ["dist/src/engine/thread.js", "dist/src/graph/pipeline/task.js", "dist/src/cli/lanl/graphs.js"];

/** Builds dist/ when the compiled pipeline is older than its sources. */
export function buildOnce(): void {
  buildDist(PIPELINE_SOURCES, COMPILED);
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tl-graphs-${tag}-`));
}

export function writeGz(path: string, lines: string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(Buffer.from(lines.join("\n") + "\n", "utf8")));
}

/** Hand-made partition lines: hour -> stream -> lines (2015-01-01, hours 0..3; hour 1 has none). */
export const HOURS: Record<string, Record<string, string[]>> = {
  "2015-01-01T00:00:00": {
    auth: [
      "10,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success",
      "11,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,LogOn,Success",
      "12,U2@DOM1,SYSTEM@C3,C3,C3,?,?,TGS,Success",
    ],
    proc: ["20,U1@DOM1,C1,P5,Start", "21,U1@DOM1,C1,P5,End"],
    flows: ["30,5,C1,N10,C2,80,6,10,1500"],
    dns: ["40,C1,C2"],
  },
  "2015-01-01T02:00:00": {
    auth: ["7300,U3@DOM1,U3@DOM1,C4,C1,NTLM,Network,LogOn,Fail"],
    dns: ["7301,C4,C1", "7302,C4,C1", "7303,C1,C4"],
  },
  "2015-01-01T03:00:00": {
    proc: ["10800,U1@DOM1,C2,P9,Start"],
  },
};

/** Writes {@link HOURS} as `dir/partitions/P0DT1H0M0S/<stream>/<hour>.txt.gz`. */
export function makePartitions(dir: string): void {
  for (const [hour, streams] of Object.entries(HOURS)) {
    for (const [stream, lines] of Object.entries(streams)) {
      writeGz(join(dir, "partitions", "P0DT1H0M0S", stream, `${hour}.txt.gz`), lines);
    }
  }
}

/** Every file under `dir` (relative path -> bytes). */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
