/**
 * The hourly artifact-graph pipeline (work in progress): per (stream, interval) graphs from the
 * LANL partitions, absorbed into one graph per interval and written in the seed's
 * `experiments/<interval>/<start>__<end>/<arch>/graphs/<interval start>.<ext>` layout
 * (seed: make_graph, combine_graphs, join_experiment, join_graphs).
 */
export {};
