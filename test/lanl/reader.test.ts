import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { isGzipFile, readAllLines, readLineBatches } from "../../src/lanl/reader.js";

const dir = mkdtempSync(join(tmpdir(), "tl-reader-"));
const SAMPLE = "../shared/datasets/lanl/auth_sample_human_days0-2.txt";

async function collect(path: string, chunkSize?: number): Promise<{ lines: string[]; numbers: number[] }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  for await (const batch of readLineBatches(path, chunkSize ? { chunkSize } : {})) {
    for (let i = 0; i < batch.count; i++) {
      lines.push(batch.buf.toString("latin1", batch.starts[i], batch.ends[i]));
      numbers.push(batch.firstLine + i);
    }
  }
  return { lines, numbers };
}

describe("readLineBatches", () => {
  it("reads plain and gzip files identically, last line without newline, CRLF", async () => {
    const text = "1,a,b\r\n2,c,d\n\n3,e,f";
    writeFileSync(join(dir, "x.txt"), text);
    writeFileSync(join(dir, "x.txt.gz"), gzipSync(text));
    for (const name of ["x.txt", "x.txt.gz"]) {
      const { lines, numbers } = await collect(join(dir, name));
      expect(lines, name).toEqual(["1,a,b", "2,c,d", "", "3,e,f"]);
      expect(numbers).toEqual([1, 2, 3, 4]);
    }
    expect(isGzipFile(join(dir, "x.txt.gz"))).toBe(true);
    expect(isGzipFile(join(dir, "x.txt"))).toBe(false);
  });
  it("handles lines spanning many chunks and concatenated gzip members", async () => {
    const long = "9," + "x".repeat(5000);
    const lines = Array.from({ length: 500 }, (_, i) => (i % 50 === 7 ? long : `${i},C${i},C${i + 1}`));
    const text = lines.join("\n") + "\n";
    const half = text.indexOf("\n", text.length >> 1) + 1;
    writeFileSync(join(dir, "multi.txt.gz"), Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
    const got = await collect(join(dir, "multi.txt.gz"), 1024);
    expect(got.lines).toEqual(lines);
    expect(got.numbers[499]).toBe(500);
  });
  it("an empty file has no lines; a missing file fails clearly", async () => {
    writeFileSync(join(dir, "empty.txt"), "");
    expect((await collect(join(dir, "empty.txt"))).lines).toEqual([]);
    await expect(collect(join(dir, "nope.txt"))).rejects.toThrow(/telemetry-lab\/lanl\/reader: .*nope.txt/);
  });
  it("a corrupt gzip fails with the file name", async () => {
    const good = gzipSync("1,a,b\n".repeat(10000));
    writeFileSync(join(dir, "bad.txt.gz"), good.subarray(0, good.length - 20));
    await expect(collect(join(dir, "bad.txt.gz"))).rejects.toThrow(/bad.txt.gz/);
  });
  it.skipIf(!existsSync(SAMPLE))("reads the real auth sample (15,000 lines)", async () => {
    writeFileSync(join(dir, "auth.txt.gz"), gzipSync(readFileSync(SAMPLE)));
    const lines = await readAllLines(join(dir, "auth.txt.gz"));
    expect(lines.length).toBe(15_000);
    expect(lines[0]).toBe("1,U101@DOM1,C1862$@DOM1,C1862,C1862,?,?,AuthMap,Success");
  });
});
