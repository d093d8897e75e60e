/**
 * `telemetry-lab lanl graphs DIR --interval 1h --start ISO --end ISO --arch NAME`: build one
 * artifact graph per interval from the partitions (work in progress; see src/graph/pipeline/).
 */

const USAGE = `usage: telemetry-lab lanl graphs DIR --interval 1h --start ISO --end ISO --arch NAME
       [--builder compact|graphology] [--streams LIST] [--jobs N] [--quiet]
(not implemented yet)
`;

export async function run(argv: string[]): Promise<number> {
  process.stdout.write(USAGE);
  return argv.includes("-h") || argv.includes("--help") ? 0 : 2;
}
