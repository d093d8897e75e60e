import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeFsError, isSystemError } from "../../src/io/fs-error.js";
import { displayPath } from "../../src/io/display-path.js";
import { relativeToRoot } from "../../src/notebook/cli.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}

describe("io/fs-error, io/display-path, notebook/cli relativeToRoot", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-fserr-"));
  writeFileSync(join(dir, "file"), "x");

  it("words the errors of a folder that is a file, a missing file, a folder read as a file", () => {
    const eexist = thrown(() => mkdirSync(join(dir, "file"), { recursive: true }));
    expect(isSystemError(eexist)).toBe(true);
    expect(describeFsError(eexist, join(dir, "file", "x.tsv"))).toBe(`${join(dir, "file", "x.tsv")}: '${join(dir, "file")}' is a file, where a folder is needed`);
    const enotdir = thrown(() => mkdirSync(join(dir, "file", "raw", "deeper"), { recursive: true }));
    expect(describeFsError(enotdir)).toMatch(/'.*file' is a file, where a folder is needed$/);
    expect(describeFsError(thrown(() => readFileSync(join(dir, "nosuch"))))).toBe(`${join(dir, "nosuch")}: no such file or folder`);
    expect(describeFsError(thrown(() => readFileSync(dir)))).toMatch(/is a folder, where a file is needed$/);
    expect(describeFsError(new Error("plain"))).toBe("plain");
    expect(isSystemError(new Error("plain"))).toBe(false);
  });

  it("shows paths under the working directory relative to it", () => {
    expect(displayPath("/home/me/repo/data/lanl", "/home/me/repo")).toBe("data/lanl");
    expect(displayPath("/home/me/repo", "/home/me/repo")).toBe(".");
    expect(displayPath("/home/me/other", "/home/me/repo")).toBe("/home/me/other");
    expect(displayPath("data/x", "/home/me/repo")).toBe("data/x");
  });

  it("shows the repository's absolute paths in command output relative to it", () => {
    expect(relativeToRoot("partitions: /r/repo/data/lanl/partitions\nsummary: /r/repo/data/x.json", "/r/repo")).toBe("partitions: data/lanl/partitions\nsummary: data/x.json");
    expect(relativeToRoot("/r/repository/x", "/r/repo")).toBe("/r/repository/x");
  });
});
