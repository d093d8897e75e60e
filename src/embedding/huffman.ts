/**
 * Huffman code lengths and the Huffman description cost of a list of symbols, the model
 * cost of the LLNL RolX variant (the quantised entries of G and F are coded with a
 * Huffman code built on their own frequencies).
 *
 * Sources:
 * - D. A. Huffman, "A method for the construction of minimum-redundancy codes",
 *   Proc. IRE 40(9), 1952.
 * - LLNL refex-rolx `HuffmanCost.m` (K. Henderson): cost = Σ over the symbols of
 *   (symBits + code length), the code table, plus Σ over the entries of (code length +
 *   posBits). It merges the two lightest trees with a Java PriorityQueue keyed by weight
 *   only, so its tie-breaking is the heap's; here ties go to the tree created first (leaves
 *   in symbol order, then merged trees in creation order). The entries' total Σ count·length
 *   is the same for every tie-breaking (every Huffman code is optimal); the table term
 *   Σ length can differ between tie-breakings.
 *
 * One used symbol gets length 0 (no merge happens, as in `HuffmanCost.m`); unused symbols
 * (count 0) get length 0 and no table entry.
 */

const MODULE = "telemetry-lab/embedding/huffman";

/**
 * The Huffman code length of each symbol from its count (two-queue construction over the
 * leaves sorted by count, ties to the lower symbol index and to leaves before merged trees).
 *
 * @throws when a count is negative or not finite.
 * @example
 * huffmanCodeLengths([5, 2, 1, 1]); // Uint32Array [1, 2, 3, 3]
 * huffmanCodeLengths([1, 1, 1, 1]); // Uint32Array [2, 2, 2, 2]
 * huffmanCodeLengths([7]);          // Uint32Array [0]
 * huffmanCodeLengths([3, 0, 1]);    // Uint32Array [1, 0, 1]
 */
export function huffmanCodeLengths(counts: ArrayLike<number>): Uint32Array {
  const m = counts.length;
  const used: number[] = [];
  for (let i = 0; i < m; i++) {
    const c = counts[i]!;
    if (!(c >= 0) || !Number.isFinite(c)) throw new Error(`${MODULE}: count ${i} is ${c}, expected a finite number ≥ 0`);
    if (c > 0) used.push(i);
  }
  const lengths = new Uint32Array(m);
  const u = used.length;
  if (u <= 1) return lengths;
  used.sort((a, b) => counts[a]! - counts[b]! || a - b);
  // nodes 0..u-1 are the sorted leaves, u..2u-2 the merged trees (created in weight order)
  const weight = new Float64Array(2 * u - 1);
  const parent = new Int32Array(2 * u - 1).fill(-1);
  for (let t = 0; t < u; t++) weight[t] = counts[used[t]!]!;
  let leaf = 0;
  let tree = u;
  let next = u;
  const pop = (): number => {
    // the lighter of the queue heads; on equal weights the leaf (created first) wins
    if (leaf < u && (tree >= next || weight[leaf]! <= weight[tree]!)) return leaf++;
    return tree++;
  };
  for (; next < 2 * u - 1; next++) {
    const a = pop();
    const b = pop();
    weight[next] = weight[a]! + weight[b]!;
    parent[a] = next;
    parent[b] = next;
  }
  // depths from the root (the last node) downwards: parents are created after children
  const depth = new Uint32Array(2 * u - 1);
  for (let t = 2 * u - 3; t >= 0; t--) depth[t] = depth[parent[t]!]! + 1;
  for (let t = 0; t < u; t++) lengths[used[t]!] = depth[t]!;
  return lengths;
}

/** Options of `huffmanCost`. */
export interface HuffmanCostOptions {
  /** Bits to store one symbol in the code table (LLNL passes log2 of the number of levels). */
  readonly symbolBits?: number;
  /** Bits to store the position of each entry (LLNL passes 0). */
  readonly positionBits?: number;
}

/** Defaults of `huffmanCost` (LLNL's `HuffmanCost(V, symBits, 0)` with symBits set by the caller). */
export const HUFFMAN_COST_DEFAULTS = Object.freeze({ symbolBits: 0, positionBits: 0 });

/**
 * The bits to store a list of symbols (non-negative integers) with a Huffman code on
 * their own frequencies, as LLNL's `HuffmanCost.m`: for each used symbol, `symbolBits` +
 * its code length (the code table), plus for each entry its code length + `positionBits`.
 *
 * @throws when a symbol is not a non-negative integer.
 * @example
 * // counts 5, 2, 1, 1 -> lengths 1, 2, 3, 3; entries 5·1 + 2·2 + 3 + 3 = 15; table 4·2 + 9 = 17
 * huffmanCost([0, 0, 0, 0, 0, 1, 1, 2, 3], { symbolBits: 2 }); // 32
 */
export function huffmanCost(symbols: ArrayLike<number>, options: HuffmanCostOptions = {}): number {
  const o = { ...HUFFMAN_COST_DEFAULTS, ...options };
  let max = -1;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    if (!Number.isInteger(s) || s < 0) throw new Error(`${MODULE}: symbol ${i} is ${s}, expected an integer ≥ 0`);
    if (s > max) max = s;
  }
  const counts = new Float64Array(max + 1);
  for (let i = 0; i < symbols.length; i++) counts[symbols[i]!]! += 1;
  const lengths = huffmanCodeLengths(counts);
  let c = 0;
  for (let s = 0; s <= max; s++) if (counts[s]! > 0) c += o.symbolBits + lengths[s]! + counts[s]! * (lengths[s]! + o.positionBits);
  return c;
}
