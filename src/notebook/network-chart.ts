/**
 * A small graph drawn as a plotly figure: nodes placed by ForceAtlas2 (Jacomy et al.,
 * "ForceAtlas2, a Continuous Graph Layout Algorithm for Handy Network Visualization",
 * PLoS ONE 9(6), 2014; graphology-layout-forceatlas2) started from a circle, so the
 * drawing is deterministic; one trace per group of nodes, so the colours have a
 * legend; edges as one grey line trace.
 */
import type { AbstractGraph } from "graphology-types";
import { circular } from "graphology-layout";
import * as fa2 from "graphology-layout-forceatlas2";
import { palette, type Figure } from "./chart.js";

const MODULE = "telemetry-lab/notebook/network-chart";

// A CommonJS package whose function is module.exports: the namespace's `default` under
// Node's ESM loader and tslab's CommonJS interop alike (its typings declare `export default`).
interface ForceAtlas2 {
  assign(graph: AbstractGraph, params: { iterations: number; settings?: Record<string, unknown> }): void;
  inferSettings(graph: AbstractGraph): Record<string, unknown>;
}
const forceAtlas2: ForceAtlas2 = (fa2 as unknown as { default?: ForceAtlas2 }).default ?? (fa2 as unknown as ForceAtlas2);

/** Options of {@link networkFigure}. */
export interface NetworkFigureOptions {
  /** The chart's title. */
  title: string;
  /** The legend group of a node (its colour). */
  groupOf: (node: string) => string;
  /** Group order in the legend, and colours; groups not listed follow in first-seen order. */
  groups?: ReadonlyArray<{ name: string; colour?: string }>;
  /** Text drawn above a node. Default: the node key. */
  label?: (node: string) => string;
  /** Hover text of a node. Default: the key and the degree. */
  hover?: (node: string) => string;
  /** Marker size of a node in pixels. Default 6 + 2·log2(1 + degree). */
  size?: (node: string) => number;
  /** ForceAtlas2 iterations. Default 300. */
  iterations?: number;
  /** Height in pixels. Default 560. */
  height?: number;
}

/** Defaults of {@link NetworkFigureOptions}. */
export const NETWORK_FIGURE_DEFAULTS = Object.freeze({ iterations: 300, height: 560 });

/**
 * Lays out `graph` (its nodes get `x`, `y` attributes) and returns the figure.
 *
 * @example
 * showChart(networkFigure(ego, { title: "Neighbourhood of C586", groupOf: (n) => n.split("::")[0] }));
 * // -> nodes coloured by field, with a legend "computer", "userdomain", ...
 */
export function networkFigure(graph: AbstractGraph, options: NetworkFigureOptions): Figure {
  if (graph.order === 0) throw new Error(`${MODULE}: the graph has no node`);
  circular.assign(graph);
  forceAtlas2.assign(graph, {
    iterations: options.iterations ?? NETWORK_FIGURE_DEFAULTS.iterations,
    settings: { ...forceAtlas2.inferSettings(graph), gravity: 1, edgeWeightInfluence: 0 },
  });
  const pos = (n: string): { x: number; y: number } => graph.getNodeAttributes(n) as { x: number; y: number };
  const ex: (number | null)[] = [];
  const ey: (number | null)[] = [];
  graph.forEachEdge((_e, _a, s, t) => {
    ex.push(pos(s).x, pos(t).x, null);
    ey.push(pos(s).y, pos(t).y, null);
  });
  const byGroup = new Map<string, string[]>();
  for (const g of options.groups ?? []) byGroup.set(g.name, []);
  graph.forEachNode((n) => {
    const g = options.groupOf(n);
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g)!.push(n);
  });
  const given = new Map((options.groups ?? []).filter((g) => g.colour !== undefined).map((g) => [g.name, g.colour!] as const));
  const free = palette(byGroup.size + given.size).filter((c) => ![...given.values()].includes(c));
  let next = 0;
  const label = options.label ?? ((n: string) => n);
  const hover = options.hover ?? ((n: string) => `${n}, degree ${graph.degree(n)}`);
  const size = options.size ?? ((n: string) => 6 + 2 * Math.log2(1 + graph.degree(n)));
  const nodeTraces = [...byGroup.entries()]
    .filter(([, nodes]) => nodes.length > 0)
    .map(([name, nodes]) => ({
      type: "scatter",
      mode: "markers+text",
      name: `${name} (${nodes.length})`,
      x: nodes.map((n) => pos(n).x),
      y: nodes.map((n) => pos(n).y),
      text: nodes.map(label),
      textposition: "top center",
      textfont: { size: 9 },
      marker: { size: nodes.map(size), color: given.get(name) ?? free[next++ % free.length] },
      hovertext: nodes.map(hover),
      hoverinfo: "text",
    }));
  return {
    data: [
      { type: "scatter", mode: "lines", name: `edge (${graph.size})`, x: ex, y: ey, line: { width: 0.6, color: "#bbbbbb" }, hoverinfo: "skip" },
      ...nodeTraces,
    ],
    layout: {
      title: { text: options.title },
      xaxis: { visible: false, title: { text: "layout x (ForceAtlas2, no unit)" } },
      yaxis: { visible: false, scaleanchor: "x", title: { text: "layout y (ForceAtlas2, no unit)" } },
      height: options.height ?? NETWORK_FIGURE_DEFAULTS.height,
      legend: { orientation: "h", y: -0.05 },
    },
  };
}
