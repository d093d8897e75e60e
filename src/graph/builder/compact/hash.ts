/**
 * Hashing of byte ranges for the graph hash tables: MurmurHash3 (x86, 32-bit)
 * mixing, four bytes per multiply, with a seed. Not cryptographic.
 *
 * Source: Austin Appleby, MurmurHash3 (public domain), `MurmurHash3_x86_32`.
 */

/**
 * MurmurHash3_x86_32 of `buf[s, e)` with `seed`, as a signed int32.
 *
 * @example
 * hashBytes(Buffer.from("C586"), 0, 4, 0); // a fixed int32
 */
export function hashBytes(buf: Uint8Array, s: number, e: number, seed: number): number {
  let h = seed | 0;
  let i = s;
  for (; i + 4 <= e; i += 4) h = mixWord(h, buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
  let k = 0;
  for (let j = 0; i < e; i++, j += 8) k |= buf[i]! << j;
  if (k !== 0) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  return finalMix(h ^ (e - s));
}

/**
 * One MurmurHash3 block step: the 32-bit word `k` mixed into the state `h`.
 *
 * @example
 * finalMix(mixWord(0, 0x36383543) ^ 4); // hashBytes(Buffer.from("C586"), 0, 4, 0)
 */
export function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalization (avalanche) of the state `h` (the length already mixed in). */
export function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
