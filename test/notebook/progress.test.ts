import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createProgress, describeProgress, formatBytes, formatCount, formatDuration, PROGRESS_JSON_MARK, progressFraction } from "../../src/notebook/progress.js";

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let buf = "";
  const w = new Writable({
    write(chunk, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  (w as { isTTY: boolean }).isTTY = isTTY;
  return { stream: w, text: () => buf };
}

describe("notebook/progress", () => {
  it("formats counts, bytes and durations", () => {
    expect(formatCount(1_234_567)).toBe("1.23 M");
    expect(formatCount(999)).toBe("999");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatDuration(65)).toBe("1:05");
  });

  it("prefers bytes over units for the fraction done", () => {
    const s = { label: "x", unit: "events", done: 10, bytes: 30, total: 100, totalBytes: 60, elapsedMs: 1000, finished: false };
    expect(progressFraction(s)).toBe(0.5);
    expect(describeProgress(s)).toContain("ETA 0:01");
  });

  it("draws a bar on a TTY and finishes on a new line", () => {
    const out = sink(true);
    const p = createProgress({ label: "partition auth", total: 4, stream: out.stream, intervalMs: 0 });
    p.add(2);
    p.add(2);
    p.finish("4 files");
    expect(out.text()).toContain("[########################] partition auth  100.0%");
    expect(out.text().endsWith("— 4 files\u001b[K\n")).toBe(true);
    expect(p.done).toBe(4);
  });

  it("is quiet when stderr is not a TTY, or with quiet", () => {
    const out = sink(false);
    const p = createProgress({ label: "x", stream: out.stream, output: "auto" });
    p.add(5);
    p.finish();
    const q = sink(true);
    createProgress({ label: "x", stream: q.stream, quiet: true }).finish();
    expect(out.text()).toBe("");
    expect(q.text()).toBe("");
  });

  it("relays JSON lines for runCli", () => {
    const out = sink(false);
    const p = createProgress({ label: "synth", output: "json", stream: out.stream, intervalMs: 0 });
    p.add(3, 100);
    p.finish();
    const lines = out.text().trim().split("\n");
    expect(lines.every((l) => l.startsWith(PROGRESS_JSON_MARK))).toBe(true);
    const last = JSON.parse(lines.at(-1)!.slice(PROGRESS_JSON_MARK.length));
    expect(last).toMatchObject({ label: "synth", done: 3, bytes: 100, finished: true });
  });
});
