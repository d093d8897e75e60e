/**
 * A full disk: the partitioner's error names the output being written (never the input)
 * and says "no space left on device". Runs on a small tmpfs mounted over the partitions
 * folder; skipped with a message where tmpfs cannot be mounted (not root, no mount(8)).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { partitionLanl } from "../../src/partition/partition.js";
import { makeLines, tempDir, writeGz } from "./helpers.js";

const mounted: string[] = [];

function mountTmpfs(path: string, size: string): string | undefined {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", path], { stdio: "pipe" });
    mounted.push(path);
    return undefined;
  } catch (err) {
    return (err as Error).message.split("\n")[0];
  }
}

afterAll(() => {
  for (const p of mounted) execFileSync("umount", [p], { stdio: "pipe" });
});

describe("partition on a full disk", () => {
  it("names the output file and says 'no space left on device'", async (ctx) => {
    const dir = tempDir("enospc");
    writeGz(join(dir, "raw/auth.txt.gz"), makeLines(60_000, 9, 7, 1, 0.3));
    const why = mountTmpfs(join(dir, "partitions"), "96k");
    if (why !== undefined) {
      console.warn(`skipped: cannot mount a tmpfs (${why})`);
      ctx.skip();
    }
    const err = await partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 16384 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/no space left on device/);
    expect(err!.message).toContain(join(dir, "partitions", "P0DT1H0M0S"));
    expect(err!.message).not.toContain("raw/auth.txt.gz");
    expect(err!.message).not.toMatch(/\.partial|\.inprogress/);
  });
});
