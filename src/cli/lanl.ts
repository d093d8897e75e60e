/**
 * `telemetry-lab lanl <command>`: the LANL cyber1 pipeline, one module per command
 * under `src/cli/lanl/`, each exporting `run(argv): Promise<number>`.
 */

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  synth: {
    summary: "generate a realistic synthetic LANL-like data set: --out DIR [--days D] [--scale S] [--seed N]",
    load: () => import("./lanl/synth.js"),
  },
  partition: {
    summary: "split DIR/raw/<stream>.txt.gz into one gzip file per (stream, interval): DIR --interval 1h",
    load: () => import("./lanl/partition.js"),
  },
  graphs: {
    summary: "build one artifact graph per interval from the partitions: DIR --interval 1h --start ISO --end ISO --arch NAME",
    load: () => import("./lanl/graphs.js"),
  },
  roles: {
    summary: "ReFeX features and RolX roles of every interval graph on a fixed basis: DIR --interval 1h --arch NAME --train START/END",
    load: () => import("./lanl/roles.js"),
  },
  detect: {
    summary: "role-dynamics scores of every (vertex, interval) and their evaluation against the red-team labels beside trivial controls: DIR",
    load: () => import("./lanl/detect.js"),
  },
  compare: {
    summary: "graph architectures compared on detection quality and cost: DIR --archs A,B --intervals 1h,30m [--grid G]",
    load: () => import("./lanl/compare.js"),
  },
};

function usage(): string {
  return [
    "usage: telemetry-lab lanl <command> [options]",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
  ].join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help") {
    process.stdout.write(usage() + "\n");
    return command === undefined ? 2 : 0;
  }
  const entry = COMMANDS[command];
  if (entry === undefined) {
    process.stderr.write(`telemetry-lab lanl: unknown command '${command}'\n\n${usage()}\n`);
    return 2;
  }
  return (await entry.load()).run(rest);
}
