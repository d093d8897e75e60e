/**
 * The `compact` graph builder: interned vertex ids ({@link VertexTable}), an
 * open-addressing hash of edge weights ({@link EdgeTable}), frozen into CSR.
 * The fast path of graph building: `addCliqueIds` takes ids straight from the
 * byte-level interning of parsed fields (see `src/graph/builder/compact/events.ts`).
 *
 * Measured against graphology in `bench/graph.ts`; toolchain.md reports
 * 1.8 s vs 25-32 s for the same 2e6-edge graph.
 */
import { forEachEdge, type Csr } from "../csr.js";
import { EdgeTable } from "./compact/edge-table.js";
import { VertexTable } from "./compact/vertex-table.js";
import { recycleCsr, rowsToCsr, type EventRowsSource } from "./compact/rows.js";
import { readGraph, writeGraph } from "../format/tlg.js";
import type { GraphBuilder, GraphWriteOptions } from "./builder.js";

/** Options of {@link CompactBuilder}. */
export interface CompactBuilderOptions {
  /** Expected vertices (pre-sizing only). Default 1024. */
  expectedVertices?: number;
  /** Expected distinct edges (pre-sizing only). Default 4096. */
  expectedEdges?: number;
  /**
   * Freeze counted distinct events row by row ({@link rowsToCsr}) instead of
   * adding their edges to the edge table first. Same graph. Default true;
   * false is the previous builder (kept as the bench's baseline).
   */
  rows?: boolean;
}

/** Defaults of {@link CompactBuilderOptions}. */
export const COMPACT_DEFAULTS: Required<CompactBuilderOptions> = { expectedVertices: 1024, expectedEdges: 4096, rows: true };

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

  /** Whether {@link toCsr} builds rows from the pending events ({@link CompactBuilderOptions.rows}). */
  readonly rows: boolean;

  constructor(options: CompactBuilderOptions = {}) {
    const opts = { ...COMPACT_DEFAULTS, ...options };
    this.rows = opts.rows;
    this.vertices = new VertexTable(opts.expectedVertices);
    this.edges = new EdgeTable(opts.expectedEdges);
  }

  get vertexCount(): number {
    return this.vertices.size;
  }

  get edgeCount(): number {
    this.flush();
    return this.edges.size;
  }

  private flushers: (() => void)[] = [];

  /**
   * Registers work to run before the edges are read (e.g. the fast path's
   * counted distinct events, `src/graph/builder/compact/events.ts`).
   */
  onFlush(fn: () => void): void {
    this.flushers.push(fn);
  }

  private sources: (() => EventRowsSource)[] = [];

  /**
   * Registers pending counted events that {@link toCsr} reads in place (row
   * building); {@link flush} must move the same events to the edge table.
   */
  addEventSource(fn: () => EventRowsSource): void {
    this.sources.push(fn);
  }

  private releasers: (() => void)[] = [];

  /** Registers work for {@link release} (e.g. giving a counter's arrays back). */
  onRelease(fn: () => void): void {
    this.releasers.push(fn);
  }

  /**
   * Gives the large scratch arrays of the byte-level fast path (the distinct
   * event counters) back for reuse by later builders of this thread, forgetting
   * the events not yet flushed: call it once the graph is frozen, when the
   * builder is done with (the pipeline's worker does, hour after hour).
   */
  release(): void {
    for (const f of this.releasers) f();
  }

  /**
   * Gives the arrays of a CSR made by a builder of this thread, and no longer
   * used (its graph written), to the next row-wise {@link toCsr} of this thread
   * ({@link recycleCsr}): the pipeline's worker does, hour after hour. The CSR
   * must not be read afterwards. Arrays made elsewhere are left alone.
   */
  static recycle(csr: Csr): void {
    recycleCsr(csr);
  }

  /** Runs the registered flushers: every pending event is in the edge table after this. */
  flush(): void {
    for (const f of this.flushers) f();
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
    const edges = this.edges;
    for (let i = 0; i < n; i++) {
      const a = ids[i]!;
      for (let j = i + 1; j < n; j++) edges.add(a, ids[j]!, weight);
    }
  }

  /** Fast path: one weighted edge between vertex ids. */
  addEdgeIds(u: number, v: number, weight = 1): void {
    this.edges.add(u, v, weight);
  }

  addClique(vertices: readonly string[], weight = 1): void {
    if (vertices.length < 2) return;
    const ids = vertices.map((s) => this.vertices.intern(s));
    this.addCliqueIds(ids, ids.length, weight);
  }

  addEdge(u: string, v: string, weight = 1): void {
    this.edges.add(this.vertices.intern(u), this.vertices.intern(v), weight);
  }

  absorb(other: GraphBuilder | Csr | string): void {
    const g = typeof other === "string" ? readGraph(other) : "offsets" in other ? other : other.toCsr();
    const map = new Int32Array(g.names.length);
    for (let i = 0; i < g.names.length; i++) map[i] = this.vertices.intern(g.names[i]!);
    forEachEdge(g, (u, v, w) => this.edges.add(map[u]!, map[v]!, w));
  }

  toCsr(): Csr {
    if (this.rows) {
      const pending = this.sources.map((f) => f()).filter((s) => s.size > 0);
      if (pending.length > 0) {
        const names = this.vertices.allNames();
        return rowsToCsr(names, pending, this.edges, (ids) => this.vertices.nameOrder(ids, names));
      }
    }
    this.flush();
    const names = this.vertices.allNames();
    return this.edges.toCsr(names, true, (ids) => this.vertices.nameOrder(ids, names));
  }

  write(path: string, options: GraphWriteOptions = {}): void {
    writeGraph(path, this.toCsr(), options);
  }

  /** Bytes held by the vertex and edge tables. */
  get byteLength(): number {
    return this.vertices.byteLength + this.edges.byteLength;
  }
}
