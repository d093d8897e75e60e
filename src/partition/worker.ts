/**
 * Worker-thread entry of the partitioner: receives blocks of lines, returns their
 * per-interval gzip members (`partitionBlock` in `bucket.ts`). Loaded from `dist/` by
 * `pool.ts` through `compiledModule("src/partition/worker")`.
 *
 * Message in: `{ id, block, ctx }` (the block's ArrayBuffer transferred). Message out:
 * `{ id, result }` where every bucket's `data` is a view into one transferred ArrayBuffer,
 * or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads";
import { partitionBlock, type BucketContext } from "./bucket.js";
import { packResult } from "./pool.js";
import { isStopMessage } from "../io/worker-stop.js";

if (parentPort) {
  const port = parentPort;
  port.on("message", (msg: { id: number; block: Uint8Array; ctx: BucketContext }) => {
    if (isStopMessage(msg, port)) return;
    try {
      const result = partitionBlock(msg.block, msg.ctx);
      const packed = packResult(result);
      port.postMessage({ id: msg.id, result: packed }, [packed.data.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: msg.id, error: String((err as Error)?.stack ?? err) });
    }
  });
}
