/**
 * One unit of work of the graph pipeline: build the graph of one interval
 * (`buildIntervalGraph`) and write it, with its statistics, atomically. Runs in a
 * worker thread (`worker.ts`) or inline; the task is plain data (structured-cloneable),
 * so the architecture travels by registry name and options.
 */
import { statSync } from "node:fs";
import { writeFileAtomic } from "../../io/atomic.js";
import type { ArchOptions } from "../arch/arch.js";
import { getArch } from "../arch/registry.js";
import { CompactBuilder } from "../builder/compact.js";
import { edgeCount } from "../csr.js";
import { encodeGraph } from "../format/tlg.js";
import { buildIntervalGraph, type BuilderKind } from "./interval-graph.js";

/** What a worker needs to build and write one interval's graph. */
export interface IntervalTask {
  /** LANL data folder. */
  dir: string;
  streams: string[];
  /** Interval start, ISO. */
  start: string;
  intervalSeconds: number;
  /** Registered architecture name and its options. */
  arch: string;
  archOptions: ArchOptions;
  builder: BuilderKind;
  /** gzip level of the graph file (1..9). */
  level: number;
  /** Output graph file and statistics file. */
  graphPath: string;
  statsPath: string;
}

/** Statistics of one interval graph, as saved next to it (deterministic: no timings). */
export interface IntervalStats {
  start: string;
  /** Events read, total and per stream. */
  events: number;
  streams: Array<{ stream: string; events: number }>;
  vertices: number;
  edges: number;
  /** Sum of edge weights (edge-weight increments). */
  weight: number;
  /** Size of the graph file in bytes. */
  bytes: number;
}

/** What running a task returns: its statistics and wall time. */
export interface TaskResult {
  stats: IntervalStats;
  seconds: number;
  /** Compressed partition bytes read. */
  inputBytes: number;
}

/** Sum of the edge weights of a CSR graph, each undirected edge once (row u, targets >= u). */
export function totalWeight(offsets: Uint32Array, targets: Uint32Array, weights: Float64Array): number {
  let sum = 0;
  const n = offsets.length - 1;
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    for (let k = offsets[u]!; k < end; k++) if (targets[k]! >= u) sum += weights[k]!;
  }
  return sum;
}

/**
 * Builds and writes one interval's graph: statistics first, then the graph, each
 * atomically, so an existing graph file always has its statistics beside it.
 */
export async function runIntervalTask(task: IntervalTask): Promise<TaskResult> {
  const t0 = performance.now();
  const arch = getArch(task.arch, task.archOptions);
  const g = await buildIntervalGraph(task.dir, task.streams, task.start, arch, { interval: task.intervalSeconds, builder: task.builder });
  // The graph is frozen: the builder's scratch arrays go to the next interval this worker builds.
  if (g.builder instanceof CompactBuilder) g.builder.release();
  const weight = totalWeight(g.csr.offsets, g.csr.targets, g.csr.weights);
  let inputBytes = 0;
  for (const p of g.streams) if (p.file !== null) inputBytes += statSync(p.file).size;
  const stats: IntervalStats = {
    start: g.start,
    events: g.events,
    streams: g.streams.map((p) => ({ stream: p.stream, events: p.events })),
    vertices: g.csr.names.length,
    edges: edgeCount(g.csr),
    weight,
    bytes: 0,
  };
  // The file size goes into the statistics: encode, write the statistics, then the graph.
  const bytes = encodeGraph(g.csr, { gzip: task.graphPath.endsWith(".gz"), level: task.level });
  stats.bytes = bytes.length;
  writeFileAtomic(task.statsPath, JSON.stringify(stats) + "\n");
  writeFileAtomic(task.graphPath, bytes);
  // Written: the graph's arrays go to the next interval this worker builds.
  if (g.builder instanceof CompactBuilder) CompactBuilder.recycle(g.csr);
  return { stats, seconds: (performance.now() - t0) / 1000, inputBytes };
}
