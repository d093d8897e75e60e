import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createAtomicStream, removeStaleTemporaries, TMP_SUFFIX, writeFileAtomic } from "../../src/io/atomic.js";

describe("io/atomic", () => {
  it("writes through a temporary file and creates missing folders", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-atomic-"));
    const target = join(dir, "a", "b", "out.json");
    writeFileAtomic(target, "[1]");
    expect(readFileSync(target, "utf8")).toBe("[1]");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["out.json"]);
  });

  it("leaves the target untouched until commit, and untouched on abort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-atomic-"));
    const target = join(dir, "out.txt");
    writeFileSync(target, "old");
    const s = createAtomicStream(target);
    s.stream.write("new content");
    expect(readFileSync(target, "utf8")).toBe("old");
    await s.commit();
    expect(readFileSync(target, "utf8")).toBe("new content");
    const t = createAtomicStream(target);
    t.stream.write("half");
    await t.abort();
    expect(readFileSync(target, "utf8")).toBe("new content");
    expect(existsSync(t.tempPath)).toBe(false);
  });

  it("removes temporaries left by a crashed run, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-atomic-"));
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!; // exited: its leftovers are stale
    writeFileSync(join(dir, `.x.txt.${dead}.1${TMP_SUFFIX}`), "half");
    writeFileSync(join(dir, `.y.txt${TMP_SUFFIX}`), "half, no pid");
    writeFileSync(join(dir, "x.txt"), "done");
    expect(removeStaleTemporaries(dir)).toBe(2);
    expect(readdirSync(dir)).toEqual(["x.txt"]);
    expect(removeStaleTemporaries(join(dir, "missing"))).toBe(0);
  });

  it("leaves the temporaries of a run still going (another process, or this one)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-atomic-"));
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    await once(other, "spawn");
    writeFileSync(join(dir, `.x.txt.${other.pid}.1${TMP_SUFFIX}`), "being written");
    writeFileSync(join(dir, `.y.txt.${process.pid}.7${TMP_SUFFIX}`), "being written");
    expect(removeStaleTemporaries(dir)).toBe(0);
    other.kill();
    await once(other, "exit");
    expect(removeStaleTemporaries(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual([`.y.txt.${process.pid}.7${TMP_SUFFIX}`]);
  });
});
