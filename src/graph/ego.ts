/**
 * The ego network of a vertex: the vertex, its strongest neighbours, and every edge
 * among them (the induced subgraph), as a small graphology graph for drawing and for
 * graphology-metrics' measures. The "ego network" is the standard view of one node's
 * surroundings (Wasserman and Faust, "Social Network Analysis", 1994, §2.3); ReFeX's
 * egonet features (`src/embedding/egonet.ts`) count on the full one-hop version.
 */
import { UndirectedGraph } from "graphology";
import { edgeWeight, type Csr } from "./csr.js";

const MODULE = "telemetry-lab/graph/ego";

/** Options of {@link egoVertices}. */
export interface EgoOptions {
  /** How many neighbours to keep, strongest (heaviest edge) first. Default 30. */
  neighbours?: number;
}

/** Defaults of {@link EgoOptions}. */
export const EGO_DEFAULTS = Object.freeze({ neighbours: 30 });

/**
 * The centre and its `neighbours` strongest neighbours (ties by vertex id), centre first.
 * A self-loop does not make the centre its own neighbour.
 *
 * @example
 * // star a–b (weight 3), a–c (1), a–d (2)
 * egoVertices(g, 0, { neighbours: 2 }) // [0, 1, 3]
 */
export function egoVertices(g: Csr, centre: number, options: EgoOptions = {}): number[] {
  if (!Number.isInteger(centre) || centre < 0 || centre >= g.names.length) {
    throw new Error(`${MODULE}: vertex ${centre} is not in the graph (${g.names.length} vertices)`);
  }
  const k = options.neighbours ?? EGO_DEFAULTS.neighbours;
  const slots: number[] = [];
  for (let e = g.offsets[centre]!; e < g.offsets[centre + 1]!; e++) if (g.targets[e] !== centre) slots.push(e);
  slots.sort((a, b) => g.weights[b]! - g.weights[a]! || g.targets[a]! - g.targets[b]!);
  return [centre, ...slots.slice(0, Math.max(0, k)).map((e) => g.targets[e]!)];
}

/**
 * The subgraph induced by `vertices` as a graphology graph: nodes keyed by vertex name
 * (in the given order), edges with a `weight` attribute; self-loops left out.
 *
 * @example
 * const ego = inducedGraphology(g, egoVertices(g, 0));
 * ego.order // 4; ego.getEdgeAttribute("a", "b", "weight") // 3
 */
export function inducedGraphology(g: Csr, vertices: readonly number[]): UndirectedGraph {
  const out = new UndirectedGraph();
  for (const u of vertices) if (!out.hasNode(g.names[u]!)) out.addNode(g.names[u]!);
  for (let i = 0; i < vertices.length; i++) {
    for (let j = i + 1; j < vertices.length; j++) {
      const [u, v] = [vertices[i]!, vertices[j]!];
      if (u === v) continue;
      const w = edgeWeight(g, u, v);
      if (w > 0 && !out.hasEdge(g.names[u]!, g.names[v]!)) out.addEdge(g.names[u]!, g.names[v]!, { weight: w });
    }
  }
  return out;
}
