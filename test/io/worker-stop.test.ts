import { describe, expect, it } from "vitest";
import { MessageChannel, Worker } from "node:worker_threads";
import { isStopMessage, STOP_MESSAGE, stopWorkers } from "../../src/io/worker-stop.js";

/** A worker that answers messages and closes its port on the stop message (as the project's workers do). */
const SERVING = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => {
  if (m === ${JSON.stringify(STOP_MESSAGE)}) return parentPort.close();
  parentPort.postMessage(m * 2);
});`;

describe("stopWorkers", () => {
  it("lets serving workers end by themselves (exit code 0, not terminated)", async () => {
    const workers = [new Worker(SERVING, { eval: true }), new Worker(SERVING, { eval: true })];
    const codes = workers.map((w) => new Promise<number>((resolve) => w.once("exit", resolve)));
    const answer = await new Promise((resolve) => {
      workers[0]!.once("message", resolve);
      workers[0]!.postMessage(21);
    });
    expect(answer).toBe(42);
    await stopWorkers(workers);
    expect(await Promise.all(codes)).toEqual([0, 0]);
    expect(workers.every((w) => w.threadId === -1)).toBe(true);
    await stopWorkers(workers); // already exited: returns at once
  });

  it("terminates a worker that does not end within the grace time", async () => {
    const busy = new Worker(`require("node:worker_threads").parentPort.on("message", () => {}); setInterval(() => {}, 1000);`, { eval: true });
    const code = new Promise<number>((resolve) => busy.once("exit", resolve));
    await new Promise((resolve) => busy.once("online", resolve));
    const t0 = Date.now();
    await stopWorkers([busy], { graceMs: 200 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await code).toBe(1); // terminated
  });
});

describe("isStopMessage", () => {
  it("closes the port on the stop message only", async () => {
    const { port1, port2 } = new MessageChannel();
    const closed = new Promise((resolve) => port1.once("close", resolve));
    expect(isStopMessage({ id: 1 }, port1)).toBe(false);
    expect(isStopMessage(STOP_MESSAGE, port1)).toBe(true);
    await closed;
    port2.close();
  });
});
