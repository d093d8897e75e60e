import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listFiles } from "../../src/io/list-files.js";

describe("io/list-files", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-ls-"));
  writeFileSync(join(dir, "b.txt"), "bb");
  writeFileSync(join(dir, "a.txt"), "a");
  writeFileSync(join(dir, ".hidden"), "x");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "c.txt"), "ccc");

  it("lists files in name order with sizes, hidden ones skipped, folders to the given depth", () => {
    expect(listFiles(dir)).toEqual([{ path: join(dir, "a.txt"), bytes: 1 }, { path: join(dir, "b.txt"), bytes: 2 }]);
    expect(listFiles(dir, { depth: 1 }).map((f) => f.bytes)).toEqual([1, 2, 3]);
  });

  it("a missing folder is an error naming it, or empty with missingOk", () => {
    expect(() => listFiles(join(dir, "nosuch"))).toThrow(/^telemetry-lab\/io\/list-files: cannot list .*nosuch: ENOENT$/);
    expect(listFiles(join(dir, "nosuch"), { missingOk: true })).toEqual([]);
  });
});
