/**
 * The `graphology` graph builder: an `UndirectedGraph` (self-loops allowed,
 * no multi-edges) whose edges carry a `weight` attribute, for interop with
 * graphology-metrics, layouts and Gephi; and the conversions CSR <-> graphology.
 * Gives the same graphs as the `compact` builder (tested), an order of
 * magnitude slower (bench/graph.ts).
 *
 * Source: graphology (https://graphology.github.io), `updateEdge` merge semantics.
 */
import { UndirectedGraph } from "graphology";
import type { AbstractGraph } from "graphology-types";
import { csrFromEdges, forEachEdge, type Csr } from "../../csr.js";
import { readGraph, writeGraph } from "../../format/tlg.js";
import type { GraphBuilder, GraphWriteOptions } from "../builder.js";

/** Edge attributes of graphology graphs built here. */
export interface WeightAttributes {
  weight: number;
}

/** A graphology graph as built here. */
export type WeightedGraph = UndirectedGraph<Record<string, unknown>, WeightAttributes>;

/**
 * Converts a CSR graph to graphology (node keys = vertex names, `weight` edge attribute).
 *
 * @example
 * const g = csrToGraphology(csr);
 * g.getEdgeAttribute("a", "b", "weight"); // 3
 */
export function csrToGraphology(csr: Csr): WeightedGraph {
  const g: WeightedGraph = new UndirectedGraph({ allowSelfLoops: true, multi: false });
  for (const name of csr.names) g.addNode(name);
  forEachEdge(csr, (u, v, w) => {
    g.addUndirectedEdge(csr.names[u]!, csr.names[v]!, { weight: w });
  });
  return g;
}

/**
 * Converts a graphology graph (undirected or mixed; edges without `weight`
 * count 1; parallel edges add up) to CSR, vertices in name order. Isolated
 * nodes are kept only with `keepIsolated`.
 */
export function csrFromGraphology(g: AbstractGraph, keepIsolated = false): Csr {
  const names: string[] = [];
  const ids = new Map<string, number>();
  g.forEachNode((key) => {
    ids.set(key, names.length);
    names.push(key);
  });
  const us: number[] = [];
  const vs: number[] = [];
  const ws: number[] = [];
  g.forEachEdge((_e: string, attr: Record<string, unknown>, s: string, t: string) => {
    us.push(ids.get(s)!);
    vs.push(ids.get(t)!);
    const w = attr["weight"];
    ws.push(typeof w === "number" ? w : 1);
  });
  return csrFromEdges(names, us, vs, ws, { sortByName: true, dropIsolated: !keepIsolated });
}

/**
 * @example
 * const b = new GraphologyBuilder();
 * b.addClique(["a", "b", "c"]);
 * b.graph.getEdgeAttribute("a", "c", "weight"); // 1
 */
export class GraphologyBuilder implements GraphBuilder {
  readonly kind = "graphology";
  /** The graph being built. */
  readonly graph: WeightedGraph;

  constructor(graph?: WeightedGraph) {
    this.graph = graph ?? new UndirectedGraph({ allowSelfLoops: true, multi: false });
  }

  /** A builder holding the graph of a file (`.tlg`/`.tlg.gz`). */
  static read(path: string): GraphologyBuilder {
    return new GraphologyBuilder(csrToGraphology(readGraph(path)));
  }

  get vertexCount(): number {
    return this.graph.order;
  }

  get edgeCount(): number {
    return this.graph.size;
  }

  addEdge(u: string, v: string, weight = 1): void {
    this.graph.updateEdge(u, v, (attr) => ({ weight: (attr.weight ?? 0) + weight }));
  }

  addClique(vertices: readonly string[], weight = 1): void {
    const n = vertices.length;
    for (let i = 0; i < n; i++) {
      const a = vertices[i]!;
      for (let j = i + 1; j < n; j++) this.addEdge(a, vertices[j]!, weight);
    }
  }

  absorb(other: GraphBuilder | Csr | string): void {
    if (other instanceof GraphologyBuilder) {
      other.graph.forEachEdge((_e, attr, s, t) => this.addEdge(s, t, attr.weight));
      return;
    }
    const g = typeof other === "string" ? readGraph(other) : "offsets" in other ? other : other.toCsr();
    forEachEdge(g, (u, v, w) => this.addEdge(g.names[u]!, g.names[v]!, w));
  }

  toCsr(): Csr {
    return csrFromGraphology(this.graph);
  }

  write(path: string, options: GraphWriteOptions = {}): void {
    writeGraph(path, this.toCsr(), options);
  }
}
