/**
 * Nested maps keyed by dimension values, one level per dimension: the Python original's nested
 * dicts (`{d0: {d1: table}}`, VMware telemetry-peak-analyzer; spec `peak-analyzer.md` §4), whose
 * insertion order is the first-occurrence order that fixes the order of tables and peaks.
 * Shared by the local tables (`lst.ts`) and the backend statistics (`daily-stats.ts`).
 */

/** A tree whose inner levels are maps and whose leaves are `T` (never a `Map`). */
export type KeyTree<T> = Map<string, KeyTree<T> | T>;

/**
 * The level holding the leaf of `dims` (keyed by `dims[depth - 1]`), creating the levels on
 * the way. A key of a new level is added to `numericKeys` when `isNumber[d]` says it came from
 * a JSON number.
 *
 * @example
 * const root: KeyTree<number> = new Map();
 * leafLevel(root, ["benign", "PeExeFile"], 2).set("PeExeFile", 1);
 * root.get("benign"); // Map { "PeExeFile" => 1 }
 */
export function leafLevel<T>(root: KeyTree<T>, dims: readonly string[], depth: number, isNumber?: readonly boolean[], numericKeys?: Set<string>): KeyTree<T> {
  let level = root;
  for (let d = 0; d < depth - 1; d++) {
    const key = dims[d] as string;
    let next = level.get(key) as KeyTree<T> | undefined;
    if (next === undefined) {
      next = new Map();
      level.set(key, next);
      if (isNumber?.[d]) numericKeys?.add(key);
    }
    level = next;
  }
  return level;
}

/**
 * The leaves in tree order (depth-first, first occurrence first).
 *
 * @example
 * leavesOf(new Map([["a", new Map([["x", 1], ["y", 2]])], ["b", new Map([["x", 3]])]])); // [1, 2, 3]
 */
export function leavesOf<T>(root: KeyTree<T>): T[] {
  const out: T[] = [];
  const walk = (level: KeyTree<T>): void => {
    for (const v of level.values()) {
      if (v instanceof Map) walk(v as KeyTree<T>);
      else out.push(v as T);
    }
  };
  walk(root);
  return out;
}
