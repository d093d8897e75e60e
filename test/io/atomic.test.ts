import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
    writeFileSync(join(dir, `.x.txt.123.1${TMP_SUFFIX}`), "half");
    writeFileSync(join(dir, "x.txt"), "done");
    expect(removeStaleTemporaries(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual(["x.txt"]);
    expect(removeStaleTemporaries(join(dir, "missing"))).toBe(0);
  });
});
