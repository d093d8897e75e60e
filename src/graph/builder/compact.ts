/**
 * The `compact` graph builder: interned vertex ids ({@link VertexTable}), an
 * open-addressing hash of edge weights ({@link EdgeTable}), frozen into CSR.
 * The fast path of graph building: `addCliqueIds` takes ids straight from the
 * byte-level interning of parsed fields (see `src/graph/events.ts`), and the
 * distinct event bodies of clique plans stay as bodies until the freeze, which
 * assembles the CSR from bodies, edge table and absorbed graphs at once
 * (`src/graph/assemble.ts`). The frozen graph is kept until the next change.
 *
 * Measured against graphology in `bench/graph.ts`; toolchain.md reports
 * 1.8 s vs 25-32 s for the same 2e6-edge graph.
 */
import { type Csr } from "../csr.js";
import { EdgeTable } from "../edge-table.js";
import { assembleCsr, type CliqueBodies, type MappedCsr } from "../assemble.js";
import { typedCliqueCsr } from "../typed-cliques.js";
import { VertexTable } from "../vertex-table.js";
import { readGraph, writeGraph } from "../format/tlg.js";
import type { GraphBuilder, GraphWriteOptions } from "./builder.js";

/** Options of {@link CompactBuilder}. */
export interface CompactBuilderOptions {
  /** Expected vertices (pre-sizing only). Default 1024. */
  expectedVertices?: number;
  /** Expected distinct edges (pre-sizing only). Default 4096. */
  expectedEdges?: number;
}

/** Defaults of {@link CompactBuilderOptions}. */
export const COMPACT_DEFAULTS: Required<CompactBuilderOptions> = { expectedVertices: 1024, expectedEdges: 4096 };

/**
 * @example
 * const b = new CompactBuilder();
 * b.addClique(["a", "b", "c"]);
 * b.addClique(["a", "b"]);
 * b.edgeCount; // 3
 * b.toCsr().names; // ["a", "b", "c"]; weight {a, b} = 2
 */
export class CompactBuilder implements GraphBuilder {
  readonly kind = "compact";
  /** The vertex table (shared with the byte-level fast path). */
  readonly vertices: VertexTable;
  /** The edge-weight accumulator. */
  readonly edges: EdgeTable;

  constructor(options: CompactBuilderOptions = {}) {
    const opts = { ...COMPACT_DEFAULTS, ...options };
    this.vertices = new VertexTable(opts.expectedVertices);
    this.edges = new EdgeTable(opts.expectedEdges);
  }

  get vertexCount(): number {
    return this.vertices.size;
  }

  get edgeCount(): number {
    const g = this.toCsr();
    let loops = 0;
    for (let u = 0; u < g.names.length; u++) {
      for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) if (g.targets[k] === u) loops++;
    }
    return (g.targets.length + loops) / 2;
  }

  private flushers: (() => void)[] = [];
  private bodies: (CliqueBodies & { clear(): void })[] = [];
  private graphs: MappedCsr[] = [];
  private frozen: Csr | undefined;

  /**
   * Registers work to run before the edges are read (e.g. the fast path's
   * counted distinct events of pair plans, `src/graph/events.ts`).
   */
  onFlush(fn: () => void): void {
    this.flushers.push(fn);
  }

  /**
   * Registers distinct clique bodies (the fast path's event counter): read,
   * not copied, at every freeze. Their owner calls {@link changed} when they
   * change; {@link consolidate} clears them.
   */
  addBodies(bodies: CliqueBodies & { clear(): void }): void {
    this.bodies.push(bodies);
    this.frozen = undefined;
  }

  /** Drops the frozen graph: called by every change (and by owners of registered bodies). */
  changed(): void {
    this.frozen = undefined;
  }

  /** Runs the registered flushers: every pending event is in the edge table or a body source after this. */
  flush(): void {
    for (const f of this.flushers) f();
  }

  /**
   * Folds everything added so far into one frozen graph, then empties the edge
   * table and the registered bodies (bounded memory on long intervals).
   */
  consolidate(): void {
    this.flush();
    const m = this.assemble();
    this.graphs = m.csr.names.length > 0 ? [m] : [];
    this.edges.clear();
    for (const b of this.bodies) b.clear();
    this.frozen = undefined; // more may be added in the same batch
  }

  private assemble(): MappedCsr {
    const names = this.vertices.allNames();
    const sortIds = (ids: number[]): number[] => this.vertices.nameOrder(ids, names);
    const vertexCount = this.vertices.size;
    // Bodies with one vertex type per position are frozen block by block; the rest merge row by row.
    const graphs = [...this.graphs];
    const bodies: CliqueBodies[] = [];
    for (const b of this.bodies) {
      if (b.size === 0) continue;
      const m = typedCliqueCsr(b, { vertexCount, names, sortIds });
      if (m === undefined) bodies.push(b);
      else if (m.csr.names.length > 0) graphs.push(m);
    }
    if (bodies.length === 0 && this.edges.size === 0 && graphs.length === 1) return graphs[0]!;
    return assembleCsr({ vertexCount, bodies, edges: this.edges, graphs }, { names, sortIds });
  }

  /** A builder holding the graph of a file (`.tlg`/`.tlg.gz`), to add to or absorb into. */
  static read(path: string, options: CompactBuilderOptions = {}): CompactBuilder {
    const b = new CompactBuilder(options);
    b.absorb(path);
    return b;
  }

  /** Id of a vertex name (interned). */
  id(name: string): number {
    return this.vertices.intern(name);
  }

  /** Fast path: the clique over `ids[0..n)` (positions, networkx semantics). */
  addCliqueIds(ids: ArrayLike<number>, n: number, weight = 1): void {
    this.frozen = undefined;
    const edges = this.edges;
    for (let i = 0; i < n; i++) {
      const a = ids[i]!;
      for (let j = i + 1; j < n; j++) edges.add(a, ids[j]!, weight);
    }
  }

  /** Fast path: one weighted edge between vertex ids. */
  addEdgeIds(u: number, v: number, weight = 1): void {
    this.frozen = undefined;
    this.edges.add(u, v, weight);
  }

  addClique(vertices: readonly string[], weight = 1): void {
    if (vertices.length < 2) return;
    const ids = vertices.map((s) => this.vertices.intern(s));
    this.addCliqueIds(ids, ids.length, weight);
  }

  addEdge(u: string, v: string, weight = 1): void {
    this.frozen = undefined;
    this.edges.add(this.vertices.intern(u), this.vertices.intern(v), weight);
  }

  /** Adds another graph's weights: a frozen graph is kept as is (mapped to this table's ids) and merged at the freeze. */
  absorb(other: GraphBuilder | Csr | string): void {
    const g = typeof other === "string" ? readGraph(other) : "offsets" in other ? other : other.toCsr();
    if (g.names.length === 0) return;
    const ids = new Int32Array(g.names.length);
    for (let i = 0; i < g.names.length; i++) ids[i] = this.vertices.intern(g.names[i]!);
    this.graphs.push({ csr: g, ids });
    this.frozen = undefined;
  }

  /** The graph frozen (vertices in name order); the same object until the next change. */
  toCsr(): Csr {
    this.flush();
    if (this.frozen === undefined) this.frozen = this.assemble().csr;
    return this.frozen;
  }

  write(path: string, options: GraphWriteOptions = {}): void {
    writeGraph(path, this.toCsr(), options);
  }

  /** Bytes held by the vertex table, the edge table, the registered bodies and the frozen graphs kept. */
  get byteLength(): number {
    let n = this.vertices.byteLength + this.edges.byteLength;
    for (const b of this.bodies) n += "byteLength" in b ? (b as { byteLength: number }).byteLength : b.payload.byteLength + b.counts.byteLength;
    for (const g of this.graphs) n += g.ids.byteLength + g.csr.offsets.byteLength + g.csr.targets.byteLength + g.csr.weights.byteLength;
    return n;
  }
}
