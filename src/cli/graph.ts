/**
 * `telemetry-lab graph <command>`: artifact graph files.
 *
 * - `export FILE --format tsv|gexf|json [--out F]`: writes a `.tlg`/`.tlg.gz`
 *   graph as a TSV edge list, GEXF (Gephi) or graphology JSON
 *   (`src/graph/format/export.ts`), to stdout or atomically to F.
 */
import { parseCommand } from "./args.js";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { createAtomicStream } from "../io/atomic.js";
import { describeFsError } from "../io/fs-error.js";
import { readGraph } from "../graph/format/tlg.js";
import { EXPORT_FORMATS, exportChunks, type ExportFormat } from "../graph/format/export.js";

const USAGE = [
  "usage: telemetry-lab graph export FILE --format tsv|gexf|json [--out F]",
  "",
  "Writes the graph file FILE (.tlg or .tlg.gz, as `lanl graphs` writes them) as:",
  "  tsv   one line per undirected edge: u<TAB>v<TAB>weight (integral weights as integers)",
  "  gexf  GEXF 1.3, readable by Gephi",
  "  json  graphology's serialization format (UndirectedGraph.from(JSON.parse(text)))",
  "to stdout, or to F (written atomically) with --out.",
].join("\n");

async function writeChunks(out: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, "drain");
  }
}

async function exportCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    name: "telemetry-lab graph export",
    usage: USAGE,
    positionals: 1,
    positionalName: "graph FILE",
    options: { format: { type: "string", short: "f" }, out: { type: "string", short: "o" } },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const format = values.format as ExportFormat | undefined;
  if (format === undefined || !EXPORT_FORMATS.includes(format)) {
    process.stderr.write(`telemetry-lab graph export: --format must be one of ${EXPORT_FORMATS.join(", ")}\n\n${USAGE}\n`);
    return 2;
  }
  let graph;
  try {
    graph = readGraph(positionals[0]!);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (values.out === undefined) {
    try {
      await writeChunks(process.stdout, exportChunks(graph, format));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
      throw err;
    }
    return 0;
  }
  let out;
  try {
    out = createAtomicStream(values.out);
  } catch (err) {
    process.stderr.write(`telemetry-lab graph export: cannot write ${describeFsError(err, values.out)}\n`);
    return 1;
  }
  try {
    await writeChunks(out.stream, exportChunks(graph, format));
    await out.commit();
  } catch (err) {
    await out.abort();
    process.stderr.write(`telemetry-lab graph export: cannot write ${describeFsError(err, values.out)}\n`);
    return 1;
  }
  return 0;
}

/** Runs `telemetry-lab graph ...`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help") {
    process.stdout.write(USAGE + "\n");
    return command === undefined ? 2 : 0;
  }
  if (command === "export") return exportCommand(rest);
  process.stderr.write(`telemetry-lab graph: unknown command '${command}'\n\n${USAGE}\n`);
  return 2;
}
