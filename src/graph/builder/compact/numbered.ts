/**
 * Ids of numbered values by direct index (issue 13, interning without a hash
 * lookup for the usual telemetry names).
 *
 * Host, user and process names in security telemetry are mostly a letter, a
 * decimal number and a short fixed tail: LANL's `C17693`, `U6180@DOM5`,
 * `C586$@DOM1`, `P4312`. Such a value's bytes are fully given by its shape (the
 * letter and the tail) and its number, as long as the number is written
 * without a leading zero. So each shape of a field gets a plain array indexed
 * by the number, holding the vertex id once the value has been interned: a
 * repeated value costs a few byte reads and one array read instead of a hash,
 * a probe and a compare of the vertex table. Exact: a value is looked up here
 * only when its bytes are the canonical writing of (shape, number); any other
 * value (a leading zero, a long number, a new shape beyond
 * {@link NUMBERED_SHAPES}) goes to the vertex table as before.
 *
 * Source: direct addressing (Cormen et al., Introduction to Algorithms, 11.1).
 */

const MODULE = "telemetry-lab/graph/builder/compact/numbered";

/** Shapes (letter and tail) per field. */
export const NUMBERED_SHAPES = 16;
/** Longest tail after the number. */
export const NUMBERED_TAIL = 12;
/** Numbers at or above this are not directly indexed (a map's size bound: 4 MiB). */
export const NUMBERED_LIMIT = 1 << 20;
const MAX_DIGITS = 7;

/**
 * @example
 * const n = new NumberedValues();
 * const buf = Buffer.from("U6180@DOM5");
 * n.find(buf, 0, 10); // -1 (not yet)
 * n.remember(42);
 * n.find(buf, 0, 10); // 42
 * n.find(Buffer.from("U06180@DOM5"), 0, 11); // -1 (leading zero: never direct)
 */
export class NumberedValues {
  /** Per shape: its letter, tail bytes (offset into `tails`, length), and its map (id + 1 by number). */
  private readonly letter = new Int32Array(NUMBERED_SHAPES);
  private readonly tailAt = new Int32Array(NUMBERED_SHAPES);
  private readonly tailLen = new Int32Array(NUMBERED_SHAPES);
  private readonly tails = new Uint8Array(NUMBERED_SHAPES * NUMBERED_TAIL);
  private readonly maps: Int32Array[] = [];
  private shapes = 0;
  /** Shape and number of the last {@link find} (for its {@link remember}), -1 = not numbered. */
  private lastShape = -1;
  private lastNumber = 0;

  /** Shapes seen. */
  get size(): number {
    return this.shapes;
  }

  /**
   * The id remembered for the value `buf[s, e)`, or -1 (not numbered, or not
   * remembered yet). Hot path.
   */
  find(buf: Uint8Array, s: number, e: number): number {
    this.lastShape = -1;
    if (e - s < 2) return -1;
    const l = buf[s]!;
    if (!((l >= 65 && l <= 90) || (l >= 97 && l <= 122))) return -1;
    let k = s + 1;
    let x = buf[k]! - 48;
    if (x < 0 || x > 9) return -1;
    k++;
    if (x !== 0) {
      for (; k < e; k++) {
        const d = buf[k]! - 48;
        if (d < 0 || d > 9) break;
        x = x * 10 + d;
      }
      if (k - s - 1 > MAX_DIGITS) return -1;
    } else if (k < e && buf[k]! >= 48 && buf[k]! <= 57) return -1; // a leading zero
    if (x >= NUMBERED_LIMIT) return -1;
    const tl = e - k;
    if (tl > NUMBERED_TAIL) return -1;
    // The shape: its letter and tail among the known ones.
    const tails = this.tails;
    let shape = -1;
    outer: for (let q = 0; q < this.shapes; q++) {
      if (this.letter[q] !== l || this.tailLen[q] !== tl) continue;
      const at = this.tailAt[q]!;
      for (let i = 0; i < tl; i++) if (tails[at + i] !== buf[k + i]) continue outer;
      shape = q;
      break;
    }
    if (shape < 0) {
      if (this.shapes === NUMBERED_SHAPES) return -1;
      shape = this.shapes++;
      this.letter[shape] = l;
      this.tailLen[shape] = tl;
      this.tailAt[shape] = shape * NUMBERED_TAIL;
      for (let i = 0; i < tl; i++) tails[shape * NUMBERED_TAIL + i] = buf[k + i]!;
      this.maps.push(new Int32Array(256));
    }
    this.lastShape = shape;
    this.lastNumber = x;
    const m = this.maps[shape]!;
    return x < m.length ? m[x]! - 1 : -1;
  }

  /** Remembers `id` for the value the last {@link find} did not find (nothing when it was not numbered). */
  remember(id: number): void {
    const shape = this.lastShape;
    if (shape < 0) return;
    if (!(Number.isInteger(id) && id >= 0)) throw new Error(`${MODULE}: id must be a non-negative integer, got ${id}`);
    const x = this.lastNumber;
    let m = this.maps[shape]!;
    if (x >= m.length) {
      let cap = m.length;
      while (cap <= x) cap *= 2;
      const grown = new Int32Array(cap);
      grown.set(m);
      this.maps[shape] = m = grown;
    }
    m[x] = id + 1;
  }
}
