/**
 * The graph-builder abstraction (the seed's `BuilderGraph`, Builder pattern):
 * accumulate weighted edges from event cliques, absorb other graphs, freeze to
 * CSR, write and read. Two builders implement it with identical results:
 * `compact` (typed arrays, the fast path) and `graphology` (interop).
 *
 * Weight semantics are the seed's networkx ones (`BuilderNetworkX.add_clique`):
 * a clique over the artifact list `[a0, a1, ..., ak]` adds `weight` to the edge
 * of every position pair i < j, so a name repeated in the list gives a
 * self-loop `{a, a}` and counts its pairs with the others once per occurrence
 * (networkx `add_edge(a, a)` creates a self-loop). A clique of one vertex adds
 * nothing, not even the vertex: as in networkx, vertices exist only through
 * their edges, so a graph has no isolated vertices. `absorb` adds the other
 * graph's edge weights (`BuilderNetworkX.absorb`).
 */
import type { Csr } from "../csr.js";

/** Options of {@link GraphBuilder.write}. */
export interface GraphWriteOptions {
  /** gzip the file. Default: true when the path ends in `.gz`. */
  gzip?: boolean;
}

/** What every graph builder does. */
export interface GraphBuilder {
  /** Registry name of the builder ("compact", "graphology"). */
  readonly kind: string;
  /** Adds `weight` (default 1) to every pair of positions of `vertices` (see the module comment). */
  addClique(vertices: readonly string[], weight?: number): void;
  /** Adds `weight` (default 1) to the edge {u, v}; u == v is a self-loop. */
  addEdge(u: string, v: string, weight?: number): void;
  /** Adds the edge weights of another builder, a frozen graph, or a graph file. */
  absorb(other: GraphBuilder | Csr | string): void;
  /** Number of vertices so far. */
  readonly vertexCount: number;
  /** Number of distinct undirected edges so far. */
  readonly edgeCount: number;
  /** Freezes into CSR (vertices in name order); the builder stays usable. */
  toCsr(): Csr;
  /** Writes the graph in the on-disk format (`src/graph/format/tlg.ts`), atomically. */
  write(path: string, options?: GraphWriteOptions): void;
}

/** Extension of graph files written by the builders (gzipped on-disk format). */
export const GRAPH_EXT = "tlg.gz";
