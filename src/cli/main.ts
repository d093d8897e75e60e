/**
 * telemetry-lab command line: `telemetry-lab <group> <command> [options]`.
 *
 * Each group lives in its own module (`src/cli/<group>.ts`) exporting
 * `run(argv: string[]): Promise<number>`; this file only dispatches, so a group
 * is loaded (and its dependencies paid for) only when it is used.
 */

import { describeFsError, isSystemError } from "../io/fs-error.js";
import { installInterruptHandlers } from "../io/signals.js";

export interface CliGroup {
  /** One line shown by `telemetry-lab --help`. */
  summary: string;
  /** Loads the group module; its `run` returns the process exit code. */
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
  /** The command handles SIGINT / SIGTERM itself (a long-running worker). Default false. */
  ownSignals?: boolean;
}

export const GROUPS: Record<string, CliGroup> = {
  peaks: {
    summary: "telemetry peak analyzer (LST/GST waves); `peaks synth` generates feeds",
    load: () => import("./peaks.js"),
  },
  lanl: {
    summary: "LANL cyber1 data: `synth`, `partition`, `graphs`, `roles`",
    load: () => import("./lanl.js"),
  },
  embed: {
    summary: "structural embeddings of one graph: `features` (ReFeX), `roles` (RolX)",
    load: () => import("./embed.js"),
  },
  graph: {
    summary: "artifact graph files: `export`",
    load: () => import("./graph.js"),
  },
  worker: {
    summary: "run the jobs of `lanl graphs|roles|detect --engine bullmq` from a Redis queue (`worker --redis URL`)",
    load: () => import("./worker.js"),
    ownSignals: true,
  },
  verify: {
    summary: "check a LANL data folder: partitions, graphs, leftovers (`verify DIR`)",
    load: () => import("./verify.js"),
  },
};

export function usage(): string {
  const lines = [
    "usage: telemetry-lab <group> <command> [options]",
    "",
    "groups:",
    ...Object.entries(GROUPS).map(([name, g]) => `  ${name.padEnd(8)} ${g.summary}`),
    "",
    "Run `telemetry-lab <group> --help` for a group's commands.",
  ];
  return lines.join("\n");
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (group === undefined || group === "-h" || group === "--help" || group === "help") {
    process.stdout.write(usage() + "\n");
    return group === undefined ? 2 : 0;
  }
  const entry = GROUPS[group];
  if (entry === undefined) {
    process.stderr.write(`telemetry-lab: unknown group '${group}'\n\n${usage()}\n`);
    return 2;
  }
  const mod = await entry.load();
  // SIGINT / SIGTERM while a command runs: its stages' clean-ups, one line, exit 130 / 143 (io/signals.ts).
  const command = rest[0] !== undefined && !rest[0].startsWith("-") ? `${group} ${rest[0]}` : group;
  const uninstall = entry.ownSignals ? () => undefined : installInterruptHandlers(`telemetry-lab ${command}`);
  try {
    return await mod.run(rest);
  } catch (err) {
    // A command that lets a file-system error escape still gets one line naming the
    // command, the path and the problem (not Node's "ENOTDIR: not a directory, mkdir ...").
    if (!isSystemError(err)) throw err;
    process.stderr.write(`telemetry-lab ${command}: error: ${describeFsError(err)}\n`);
    return 1;
  } finally {
    uninstall();
  }
}
