/**
 * The artifact graph of one interval: one graph per (stream, interval) built from the
 * stream's partition file, then all absorbed into one graph (the seed's `make_graph` per
 * stream followed by `combine_graphs`; hamelin, "Anomaly detection of heterogeneous
 * telemetry data using graph embeddings"). A stream without a partition file for the
 * interval contributes an empty graph, as in the seed; an interval without any event
 * gives an empty graph.
 *
 * This is the in-process API (notebooks, tests, the pipeline's workers). The seed writes
 * each stream graph to `graphs/tmp/` and absorbs the files; here the streams go into one
 * builder in memory (or, with `perStream`, into one builder each, absorbed in memory),
 * which gives the same weighted graph: absorbing adds edge weights.
 */
import { existsSync, statSync } from "node:fs";
import { readLineBatches } from "../../lanl/reader.js";
import { EVENT_STREAMS, schemaOf } from "../../lanl/schema.js";
import { formatIsoUtc, parseIsoUtc } from "../../time/interval.js";
import type { ArchOptions, GraphArch } from "../arch/arch.js";
import { getArch } from "../arch/registry.js";
import type { GraphBuilder } from "../builder/builder.js";
import { CompactBuilder } from "../builder/compact.js";
import { GraphologyBuilder } from "../builder/graphology.js";
import type { Csr } from "../csr.js";
import { addLines, compilePlan } from "../builder/compact/events.js";
import { intervalSecondsOf, partitionFile } from "./layout.js";

const MODULE = "telemetry-lab/graph/pipeline/interval-graph";

/** Largest pre-sizing of a compact builder's edge table (about 56 MB). */
const MAX_PRESIZE_EDGES = 1 << 21;

/** Names of the graph builders. */
export type BuilderKind = "compact" | "graphology";

/** The builder names, for option validation. */
export const BUILDER_KINDS: readonly BuilderKind[] = Object.freeze(["compact", "graphology"]);

/**
 * A fresh builder of a kind; `expectedEdges` pre-sizes a compact builder.
 *
 * @example
 * createBuilder("graphology").kind; // "graphology"
 */
export function createBuilder(kind: BuilderKind, expectedEdges?: number): GraphBuilder {
  if (kind === "compact") {
    if (expectedEdges === undefined) return new CompactBuilder();
    const e = Math.max(4096, Math.min(MAX_PRESIZE_EDGES, Math.floor(expectedEdges)));
    return new CompactBuilder({ expectedEdges: e, expectedVertices: Math.max(1024, e >> 3) });
  }
  if (kind === "graphology") return new GraphologyBuilder();
  throw new Error(`${MODULE}: unknown builder '${String(kind)}'; expected ${BUILDER_KINDS.join(" or ")}`);
}

/** Options of {@link buildIntervalGraph}. */
export interface IntervalGraphOptions {
  /** Interval length of the partitions: `1h`, `P0DT1H0M0S`, or seconds. Default "1h". */
  interval?: string | number;
  /** Graph builder. Default "compact". */
  builder?: BuilderKind;
  /** Options of the architecture when it is given by name. Default: its defaults. */
  archOptions?: ArchOptions;
  /** Build a graph per stream and absorb them (the seed's steps) instead of one shared builder. Default false. */
  perStream?: boolean;
  /** Called after each batch of lines with the events added so far and the compressed bytes read. */
  onProgress?: (events: number, bytes: number) => void;
}

/** Defaults of {@link IntervalGraphOptions}. */
export const INTERVAL_GRAPH_DEFAULTS = Object.freeze({ interval: "1h", builder: "compact" as BuilderKind });

/** What one stream contributed to an interval graph. */
export interface StreamPart {
  stream: string;
  /** The partition file read, or null when the stream has none for this interval. */
  file: string | null;
  /** Events (lines) read. */
  events: number;
}

/** The graph of one interval. */
export interface IntervalGraph {
  /** Interval start, ISO (`2015-01-01T05:00:00`). */
  start: string;
  /** Architecture name. */
  arch: string;
  /** The builder holding the combined graph (a `GraphologyBuilder` exposes `.graph`). */
  builder: GraphBuilder;
  /** The combined graph frozen into CSR (vertices in name order). */
  csr: Csr;
  /** Per stream, in the order given. */
  streams: StreamPart[];
  /** Total events. */
  events: number;
}

/** Resolves `streams` (undefined = the four event streams). */
export function resolveStreams(streams: readonly string[] | undefined): string[] {
  const list = streams === undefined ? [...EVENT_STREAMS] : [...streams];
  if (list.length === 0) throw new Error(`${MODULE}: no streams given`);
  const seen = new Set<string>();
  for (const s of list) {
    schemaOf(s); // throws on an unknown stream
    if (seen.has(s)) throw new Error(`${MODULE}: stream '${s}' given twice`);
    seen.add(s);
  }
  return list;
}

/**
 * Builds the graph of one (stream, interval) from its partition file into `builder`
 * (nothing when the file does not exist). Returns the events read.
 */
export async function addPartitionFile(
  builder: GraphBuilder,
  arch: GraphArch,
  stream: string,
  path: string,
  onBatch?: (events: number, bytes: number) => void,
): Promise<number> {
  const schema = schemaOf(stream);
  const plan = arch.plan(schema);
  const compiled = builder instanceof CompactBuilder ? compilePlan(plan, builder, schema) : undefined;
  let events = 0;
  let lastBytes = 0;
  for await (const batch of readLineBatches(path)) {
    const r = addLines(builder, plan, schema, batch.buf, batch.starts, batch.ends, batch.count, { source: path, firstLine: batch.firstLine }, compiled);
    events += r.events;
    if (onBatch) {
      onBatch(r.events, batch.bytesRead - lastBytes);
      lastBytes = batch.bytesRead;
    }
  }
  return events;
}

/**
 * The artifact graph of one interval from the partitions under `dir`
 * (`dir/partitions/<interval>/<stream>/<start>.txt.gz`).
 *
 * By default every stream is added to one builder (the fast path: vertex names are
 * interned once, no intermediate graph is frozen); with `perStream` each stream gets its
 * own builder and the stream graphs are absorbed one after the other, exactly as the
 * seed's `make_graph` / `combine_graphs` do. Both give the same graph (absorbing adds
 * edge weights; tested).
 *
 * @param dir the LANL data folder (the one holding `partitions/`)
 * @param streams streams to combine (undefined: auth, proc, flows, dns)
 * @param start the interval's start, ISO (UTC), on the partitions' grid
 * @param arch an architecture, or a registered architecture's name
 * @example
 * const g = await buildIntervalGraph("data/lanl", undefined, "2015-01-01T05:00:00", "all-category-no-attr");
 * g.events;            // 13_092
 * g.csr.names.length;  // 8_426 vertices; edgeCount(g.csr) = 73_800 edges
 */
export async function buildIntervalGraph(
  dir: string,
  streams: readonly string[] | undefined,
  start: string,
  arch: GraphArch | string,
  options: IntervalGraphOptions = {},
): Promise<IntervalGraph> {
  const intervalSeconds = intervalSecondsOf(options.interval ?? INTERVAL_GRAPH_DEFAULTS.interval);
  const kind = options.builder ?? INTERVAL_GRAPH_DEFAULTS.builder;
  if (typeof arch !== "string" && options.archOptions !== undefined) {
    throw new Error(`${MODULE}: archOptions apply to an architecture given by name; build the GraphArch with its options instead`);
  }
  const a = typeof arch === "string" ? getArch(arch, options.archOptions) : arch;
  const name = formatIsoUtc(parseIsoUtc(start));
  const list = resolveStreams(streams);
  const onProgress = options.onProgress;
  let events = 0;
  let done = 0;
  const onBatch = onProgress ? (e: number, bytes: number): void => onProgress((done += e), bytes) : undefined;
  const parts: StreamPart[] = [];
  // Pre-size the compact builder's tables: about one distinct edge per 4 compressed bytes (generous).
  let bytes = 0;
  for (const stream of list) {
    const path = partitionFile(dir, intervalSeconds, stream, name);
    if (existsSync(path)) bytes += statSync(path).size;
  }
  const shared = options.perStream ? undefined : createBuilder(kind, bytes / 4);
  let combined: GraphBuilder | undefined = shared;
  for (const stream of list) {
    const path = partitionFile(dir, intervalSeconds, stream, name);
    const b = shared ?? createBuilder(kind);
    const exists = existsSync(path);
    const n = exists ? await addPartitionFile(b, a, stream, path, onBatch) : 0;
    events += n;
    parts.push({ stream, file: exists ? path : null, events: n });
    if (shared !== undefined) continue;
    // combine_graphs: the first stream graph becomes the interval graph, the others are absorbed.
    if (combined === undefined) combined = b;
    else combined.absorb(b);
  }
  const builder = combined!;
  return { start: name, arch: a.name, builder, csr: builder.toCsr(), streams: parts, events };
}
