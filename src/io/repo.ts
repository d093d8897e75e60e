/**
 * Where the telemetry-lab installation lives on disk, found without `import.meta`
 * (which tslab, compiling notebooks' imports to CommonJS, cannot handle).
 *
 * The V8 call-site API gives this module's own file name (a `file:` URL under
 * ESM, a plain path under CommonJS); the repository root is two folders up
 * from `src/io/` (or three from `dist/src/io/`).
 */
import { dirname, join, resolve, sep } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

function thisFile(): string {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_err, stack) => stack;
    const stack = new Error().stack as unknown as NodeJS.CallSite[];
    const name = stack[0]?.getFileName();
    if (!name) throw new Error("telemetry-lab/io/repo: cannot locate this module's file");
    return name.startsWith("file:") ? fileURLToPath(name) : name;
  } finally {
    Error.prepareStackTrace = original;
  }
}

let cachedRoot: string | undefined;

/** Absolute path of the repository (or installed package) root. */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const here = dirname(thisFile());
  const parts = here.split(sep);
  const distAt = parts.lastIndexOf("dist");
  const root = distAt > 0 && parts[distAt + 1] === "src" ? parts.slice(0, distAt).join(sep) : resolve(here, "..", "..");
  cachedRoot = root;
  return root;
}

/**
 * Absolute path of the compiled JavaScript of a library module, for worker
 * threads and child processes, e.g. `compiledModule("src/partition/worker")`.
 * Throws a clear error when the build is missing.
 */
export function compiledModule(modulePath: string): string {
  const file = join(repoRoot(), "dist", `${modulePath}.js`);
  if (!existsSync(file)) {
    throw new Error(`telemetry-lab/io/repo: ${file} is missing; run 'make setup' (or 'npm run build') first`);
  }
  return file;
}

/** Absolute path of the `telemetry-lab` command-line launcher. */
export function cliPath(): string {
  return join(repoRoot(), "bin", "telemetry-lab.js");
}
