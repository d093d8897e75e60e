/**
 * Tests that run worker threads or the command line execute the compiled
 * JavaScript in dist/. `buildOnce` rebuilds dist/ when it is older than the
 * sources a test depends on (tsc emits even when another module has type
 * errors). Test files run in parallel: a lock folder lets one of them build
 * while the others wait, so nothing loads a half-written dist/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return path.endsWith(".ts") ? st.mtimeMs : 0;
  let m = 0;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

function isBuilt(sources: readonly string[], compiled: readonly string[]): boolean {
  try {
    const latest = Math.max(...sources.map((rel) => newest(join(ROOT, rel))));
    return compiled.every((f) => statSync(join(ROOT, f)).mtimeMs >= latest);
  } catch {
    return false;
  }
}

/** Builds dist/ unless every `compiled` file (repo-relative) is newer than every `.ts` under `sources`. */
export function buildOnce(sources: readonly string[], compiled: readonly string[]): void {
  if (isBuilt(sources, compiled)) return;
  const lock = join(tmpdir(), "telemetry-lab-tests-build.lock");
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      execFileSync("sleep", ["0.5"]);
      if (isBuilt(sources, compiled)) return;
    }
  }
  try {
    if (isBuilt(sources, compiled)) return;
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "ignore" });
  } catch {
    // type errors elsewhere in the tree do not stop emission
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
