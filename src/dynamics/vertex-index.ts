/**
 * Global vertex ids for streaming over interval frames: each vertex name gets a dense
 * integer id the first time it is met (0, 1, 2, … in order of first appearance), so
 * per-vertex state lives in typed arrays indexed by that id, whatever the frame's row
 * order and however many vertices come and go.
 *
 * Source: the interning pattern of the graph builders (`src/graph/builder/compact/vertex-table.ts`) and
 * of graphology-indices (a typed-array index built once, used by the hot loops).
 * Several scorers may share one index (`vertices` option of each scorer): the ids of a
 * frame's `nodes` array are then computed once and cached per array (a WeakMap keyed
 * by the array object), so a frame read once and scored by k scorers costs one Map
 * look-up per vertex, not k.
 */

import { parseIsoUtc } from "../time/interval.js";

const MODULE = "telemetry-lab/dynamics/vertex-index";

/** A growing name → id map with a per-`nodes`-array cache of the ids. */
export class VertexIndex {
  private readonly byName = new Map<string, number>();
  private readonly list: string[] = [];
  private readonly cache = new WeakMap<readonly string[], Uint32Array>();

  /** Number of ids handed out so far. */
  get size(): number {
    return this.list.length;
  }

  /** The id of `name`, assigning the next id when it is new. */
  id(name: string): number {
    let i = this.byName.get(name);
    if (i === undefined) {
      i = this.list.length;
      if (i >= 0xffffffff) throw new Error(`${MODULE}: more than 2^32 − 1 vertices`);
      this.byName.set(name, i);
      this.list.push(name);
    }
    return i;
  }

  /** The id of `name`, or −1 when it was never seen. */
  lookup(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** The name of id `i`. */
  name(i: number): string {
    const s = this.list[i];
    if (s === undefined) throw new Error(`${MODULE}: no vertex with id ${i} (size ${this.list.length})`);
    return s;
  }

  /**
   * The ids of `nodes` (new names get new ids, in row order), cached per array object.
   *
   * @throws when `nodes` holds the same name twice.
   * @example
   * const ix = new VertexIndex();
   * ix.ids(["b", "a"]); // Uint32Array [0, 1]
   * ix.ids(["a", "c"]); // Uint32Array [1, 2]
   */
  ids(nodes: readonly string[]): Uint32Array {
    const hit = this.cache.get(nodes);
    if (hit !== undefined) return hit;
    const before = this.list.length;
    const out = new Uint32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = this.id(nodes[i]!);
    // A duplicate name in one frame would silently merge two rows' state: refuse it.
    if (nodes.length > 1) {
      const seen = new Uint8Array(this.list.length);
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (seen[v] === 1) {
          if (this.list.length > before) this.rollback(before);
          throw new Error(`${MODULE}: vertex '${nodes[i]}' appears twice in one frame`);
        }
        seen[v] = 1;
      }
    }
    this.cache.set(nodes, out);
    return out;
  }

  private rollback(size: number): void {
    while (this.list.length > size) this.byName.delete(this.list.pop()!);
  }
}

/** A Float64Array of at least `n` entries holding `a`'s values (the rest `fill`): `a` itself when long enough. */
export function growFloat64(a: Float64Array, n: number, fill = 0): Float64Array {
  if (a.length >= n) return a;
  const b = new Float64Array(Math.max(n, Math.ceil(a.length * 1.5), 16));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** An Int32Array of at least `n` entries holding `a`'s values (the rest `fill`): `a` itself when long enough. */
export function growInt32(a: Int32Array, n: number, fill = 0): Int32Array {
  if (a.length >= n) return a;
  const b = new Int32Array(Math.max(n, Math.ceil(a.length * 1.5), 16));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * Checks that frames come in strictly increasing time order and returns the frame's
 * start in seconds since the Unix epoch (UTC, via `parseIsoUtc`). `previous` is the last
 * accepted start (NaN before the first frame). Errors carry the caller's `module` prefix.
 */
export function frameTime(module: string, start: string, previous: number): number {
  let t: number;
  try {
    t = parseIsoUtc(start);
  } catch (e) {
    throw new Error(`${module}: frame start '${start}': ${(e as Error).message}`);
  }
  if (!Number.isNaN(previous) && !(t > previous)) {
    throw new Error(`${module}: frames must come in increasing time order, got '${start}' after a frame that starts at or after it`);
  }
  return t;
}
