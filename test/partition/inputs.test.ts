/**
 * Input checks: a 0-byte `.gz` is not an empty stream but an invalid gzip file (an error
 * naming it); a truncated gzip names the last complete line reached.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { readLineBatches } from "../../src/lanl/reader.js";
import { partitionLanl } from "../../src/partition/partition.js";
import { makeLines, tempDir } from "./helpers.js";

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => new Error("no error"),
    (e: Error) => e,
  );
}

async function readAll(path: string): Promise<number> {
  let n = 0;
  for await (const b of readLineBatches(path)) n += b.count;
  return n;
}

describe("input checks", () => {
  it("rejects a 0-byte .gz input, naming it (partition and reader)", async () => {
    const dir = tempDir("zero");
    mkdirSync(join(dir, "raw"), { recursive: true });
    writeFileSync(join(dir, "raw/dns.txt.gz"), "");
    const e = await failure(partitionLanl(dir, { jobs: 0, quiet: true }));
    expect(e.message).toContain(join(dir, "raw/dns.txt.gz"));
    expect(e.message).toMatch(/0 bytes: not a valid gzip file/);
    const r = await failure(readAll(join(dir, "raw/dns.txt.gz")));
    expect(r.message).toMatch(/raw\/dns\.txt\.gz: 0 bytes: not a valid gzip file/);
  });

  it("names the last complete line of a truncated gzip (partition and reader)", async () => {
    const dir = tempDir("trunc");
    mkdirSync(join(dir, "raw"), { recursive: true });
    const lines = makeLines(40_000, 3, 5, 1, 0.3);
    const gz = gzipSync(Buffer.from(lines.join("\n") + "\n", "latin1"));
    const path = join(dir, "raw/dns.txt.gz");
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    // what a complete reader gets from the cut stream: the lines up to the last newline
    const { createGunzip } = await import("node:zlib");
    const partial: Buffer[] = [];
    await new Promise<void>((res) => {
      const g = createGunzip();
      g.on("data", (c: Buffer) => partial.push(c));
      g.on("error", () => res());
      g.on("end", () => res());
      g.end(readFileSync(path));
    });
    const text = Buffer.concat(partial);
    const complete = text.subarray(0, text.lastIndexOf(10) + 1).toString("latin1").split("\n").length - 1;
    expect(complete).toBeGreaterThan(1000);
    const e = await failure(partitionLanl(dir, { jobs: 0, quiet: true, blockSize: 8192 }));
    expect(e.message).toContain(path);
    expect(e.message).toContain(`truncated or corrupt gzip stream after line ${complete} (the last complete line`);
    const r = await failure(readAll(path));
    expect(r.message).toContain(`truncated or corrupt gzip stream after line ${complete} (the last complete line)`);
  });
});
