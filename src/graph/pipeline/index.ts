/**
 * The hourly artifact-graph pipeline: per (stream, interval) graphs from the LANL
 * partitions, absorbed into one graph per interval and written in the seed's
 * `experiments/<interval>/<start>__<end>/<arch>/graphs/<interval start>.tlg.gz` layout
 * (seed: `make_graph`, `combine_graphs`, `join_experiment`, `join_graphs`).
 *
 * - `interval-graph.ts`: one interval in process (`buildIntervalGraph`), for notebooks;
 * - `pipeline.ts`: every interval of a time frame, parallel and resumable (`buildGraphs`);
 * - `layout.ts`: the folder layout; `task.ts`: one interval, the task an engine runs (`src/engine/`).
 */
export * from "./layout.js";
export * from "./interval-graph.js";
export * from "./task.js";
export * from "./pipeline.js";
