/**
 * Content-defined blocks of whole lines, cut from a decompressed byte stream.
 *
 * The partitioner hands blocks to worker threads; each block's lines of one interval
 * become one gzip member of that interval's file. For the output bytes to depend only
 * on the input bytes (not on how zlib or the disk happened to deliver them, nor on the
 * number of workers), a block is defined by content alone: starting where the previous
 * one ended, it is the shortest run of bytes of length >= `blockSize` that ends with a
 * `\n` (or the rest of the file).
 */

const NL = 10;

/**
 * Accumulates chunks and emits blocks of whole lines.
 *
 * @example
 * const s = new BlockSplitter(4);
 * s.push(Buffer.from("ab\ncdef\ng")); // [Buffer "ab\ncdef\n"]
 * s.end();                            // [Buffer "g"]
 */
export class BlockSplitter {
  private buf: Buffer;
  private len = 0;
  private scanFrom = 0;

  constructor(readonly blockSize: number) {
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) {
      throw new Error(`telemetry-lab/partition/blocks: blockSize must be a positive integer, got ${blockSize}`);
    }
    this.buf = Buffer.allocUnsafeSlow(Math.max(1024, blockSize * 2));
  }

  /** Adds decompressed bytes; returns the blocks completed (each a fresh, transferable Buffer). */
  push(chunk: Uint8Array): Buffer[] {
    if (this.len + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.len + chunk.length));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.len < this.blockSize) break;
      const from = Math.max(this.blockSize - 1, this.scanFrom);
      const nl = this.buf.subarray(0, this.len).indexOf(NL, from);
      if (nl < 0) {
        this.scanFrom = this.len;
        break;
      }
      out.push(this.take(nl + 1));
    }
    return out;
  }

  /** Ends the stream; returns the last block (lines after the last full block), if any. */
  end(): Buffer[] {
    if (this.len === 0) return [];
    return [this.take(this.len)];
  }

  private take(n: number): Buffer {
    const block = Buffer.allocUnsafeSlow(n);
    this.buf.copy(block, 0, 0, n);
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    this.scanFrom = 0;
    return block;
  }
}
