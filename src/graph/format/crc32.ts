/**
 * CRC-32 (IEEE 802.3, the zlib/gzip/PNG polynomial 0xEDB88320, reflected).
 * Uses `zlib.crc32` (Node >= 20.15) when present, else a table-driven version.
 *
 * Source: ISO 3309 / ITU-T V.42; the table method of Sarwate (CACM 1988).
 */
import * as zlib from "node:zlib";

let table: Int32Array | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC-32 in plain JS (exported for tests; {@link crc32} prefers zlib's). */
export function crc32Js(data: Uint8Array, value = 0): number {
  table ??= makeTable();
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;

/**
 * CRC-32 of `data`, continuing from `value`.
 *
 * @example
 * crc32(Buffer.from("123456789")); // 0xcbf43926 = 3421780262
 */
export function crc32(data: Uint8Array, value = 0): number {
  return typeof native === "function" ? native(data, value) >>> 0 : crc32Js(data, value);
}
