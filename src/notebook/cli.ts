/**
 * Runs the `telemetry-lab` command line from a notebook (or any script) as a
 * child process, and shows its progress in place.
 *
 * Long steps (partitioning, graph building) use every core through worker
 * threads; running them as the same command a reader would type in a shell
 * keeps the notebook honest about how the work is done. The child is started
 * with `TELEMETRY_LAB_PROGRESS=json`, so its progress arrives as JSON lines on
 * stderr, which are drawn here as in-place bars; the rest of stderr and stdout
 * is printed when the command ends.
 *
 * The command runs at the repository root (the kernel's directory too), and the
 * absolute paths it prints are shown relative to it: a notebook's outputs then
 * read the same on every machine (`data/lanl/partitions/...`, not `/home/.../data/...`).
 */
import { spawn } from "node:child_process";
import { resolve, sep } from "node:path";
import { cliPath, repoRoot } from "../io/repo.js";
import { notebookRenderer, describeProgress, PROGRESS_JSON_MARK, type ProgressState } from "./progress.js";
import { inKernel } from "./kernel.js";

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Throw when the command exits non-zero. Default true. */
  check?: boolean;
  /** Print the command's stdout and stderr when it ends. Default true. */
  echo?: boolean;
  /** Working directory. Default: the repository root. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /**
   * Show the repository root's absolute paths in stdout and stderr as paths relative to it
   * (in what is printed and returned). Default true when `cwd` is the repository root.
   */
  relativePaths?: boolean;
}

/** What {@link runCli} returns. */
export interface RunCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time in seconds. */
  seconds: number;
}

/**
 * `text` with every absolute path under `root` made relative to it.
 *
 * @example
 * relativeToRoot("partitions: /home/me/telemetry-lab/data/lanl/partitions", "/home/me/telemetry-lab")
 * // "partitions: data/lanl/partitions"
 */
export function relativeToRoot(text: string, root: string = repoRoot()): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return text.split(prefix).join("");
}

/**
 * Runs `telemetry-lab ...args` and resolves when it exits.
 *
 * @example
 * const r = await runCli(["lanl", "partition", "data/lanl", "--interval", "1h"]);
 * r.code // 0; its progress bar was drawn under the cell while it ran
 */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<RunCliResult> {
  const check = options.check ?? true;
  const echo = options.echo ?? true;
  const started = Date.now();
  const renderers = new Map<string, (s: ProgressState) => void>();
  const notebook = inKernel();
  const cwd = options.cwd ?? repoRoot();
  const relative = options.relativePaths ?? resolve(cwd) === resolve(repoRoot());
  const shown = (text: string): string => (relative ? relativeToRoot(text) : text);
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...args], {
      cwd,
      env: { ...process.env, ...(options.env ?? {}), TELEMETRY_LAB_PROGRESS: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(PROGRESS_JSON_MARK)) {
          let state: ProgressState;
          try {
            state = JSON.parse(line.slice(PROGRESS_JSON_MARK.length)) as ProgressState;
          } catch {
            continue;
          }
          if (notebook) {
            let r = renderers.get(state.label);
            if (r === undefined) {
              r = notebookRenderer();
              renderers.set(state.label, r);
            }
            r(state);
          } else if (state.finished) {
            process.stderr.write(`${describeProgress(state)}\n`);
          }
        } else {
          stderr += `${line}\n`;
        }
      }
    });
    child.on("error", (err) => reject(new Error(`telemetry-lab/notebook/cli: cannot start ${cliPath()}: ${err.message}`)));
    child.on("close", (code, signal) => {
      if (pending && !pending.startsWith(PROGRESS_JSON_MARK)) stderr += pending;
      const result: RunCliResult = { code: code ?? (signal ? 128 : 1), stdout: shown(stdout), stderr: shown(stderr), seconds: (Date.now() - started) / 1000 };
      if (echo) {
        if (result.stdout.trim()) console.log(result.stdout.trimEnd());
        if (result.stderr.trim()) console.log(result.stderr.trimEnd());
      }
      if (check && result.code !== 0) {
        reject(new Error(`telemetry-lab/notebook/cli: 'telemetry-lab ${args.join(" ")}' exited with ${signal ?? result.code}:\n${result.stderr.trim().split("\n").slice(-20).join("\n")}`));
        return;
      }
      done(result);
    });
  });
}
