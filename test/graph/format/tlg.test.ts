import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CompactBuilder } from "../../../src/graph/builder/compact.js";
import { GraphologyBuilder } from "../../../src/graph/builder/graphology.js";
import { csrDiff, emptyCsr } from "../../../src/graph/csr.js";
import { crc32, crc32Js } from "../../../src/graph/format/crc32.js";
import { decodeGraph, encodeGraph, readGraph, writeGraph, TLG_HEADER_BYTES } from "../../../src/graph/format/tlg.js";

function sample(): CompactBuilder {
  const b = new CompactBuilder();
  b.addClique(["computer_source::C1", "computer_destination::C586", "auth::?", "result::Success"]);
  b.addClique(["computer_source::C2", "computer_destination::C586", "auth::?", "result::Success"]);
  b.addClique(["computer::C5", "computer::C5", "user::Zoë"]); // a self-loop, UTF-8
  return b;
}

const dir = mkdtempSync(join(tmpdir(), "tlg-test-"));

describe("crc32", () => {
  it("matches the standard check value, natively and in JS", () => {
    const check = Buffer.from("123456789");
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Js(check)).toBe(0xcbf43926);
    const big = Buffer.alloc(10000, 7);
    expect(crc32Js(big)).toBe(crc32(big));
  });
});

describe(".tlg format", () => {
  it("round-trips integral and fractional weights, gzipped or not, from both builders", () => {
    const b = sample();
    const g = b.toCsr();
    for (const name of ["a.tlg", "a.tlg.gz"]) {
      const path = join(dir, name);
      b.write(path);
      expect(csrDiff(readGraph(path), g)).toBeUndefined();
      expect(readGraph(path).names).toEqual(g.names);
    }
    expect(readFileSync(join(dir, "a.tlg.gz"))[0]).toBe(0x1f);
    expect(csrDiff(CompactBuilder.read(join(dir, "a.tlg.gz")).toCsr(), g)).toBeUndefined();
    expect(csrDiff(GraphologyBuilder.read(join(dir, "a.tlg")).toCsr(), g)).toBeUndefined();
    const gb = new GraphologyBuilder();
    gb.absorb(g);
    gb.addEdge("x", "y", 0.25);
    gb.write(join(dir, "b.tlg"));
    const back = readGraph(join(dir, "b.tlg"));
    expect(csrDiff(back, gb.toCsr())).toBeUndefined();
    expect(readFileSync(join(dir, "b.tlg")).readUInt32LE(28)).toBe(0); // float64 weights
    expect(readFileSync(join(dir, "a.tlg")).readUInt32LE(28)).toBe(1); // uint32 weights
  });

  it("round-trips the empty graph and is deterministic", () => {
    expect(csrDiff(decodeGraph(encodeGraph(emptyCsr()), "mem"), emptyCsr())).toBeUndefined();
    expect(encodeGraph(sample().toCsr()).equals(encodeGraph(sample().toCsr()))).toBe(true);
  });

  it("absorbs a graph file (the seed's absorb(path))", () => {
    const path = join(dir, "c.tlg.gz");
    writeGraph(path, sample().toCsr());
    const b = sample();
    b.absorb(path);
    const g = b.toCsr();
    const one = sample().toCsr();
    expect(g.names).toEqual(one.names);
    for (let k = 0; k < g.weights.length; k++) expect(g.weights[k]).toBe(2 * one.weights[k]!);
  });

  describe("rejects corrupt files clearly, naming the file", () => {
    const good = encodeGraph(sample().toCsr());
    const check = (bytes: Uint8Array, what: RegExp): void => {
      const path = join(dir, "bad.tlg");
      writeFileSync(path, bytes);
      expect(() => readGraph(path)).toThrow(new RegExp(`^telemetry-lab/graph/format/tlg: ${path.replace(/[.]/g, "[.]")}: ` + what.source));
    };
    it("truncated", () => {
      check(good.subarray(0, good.length - 5), /truncated: payload is \d+ bytes, the header announces \d+/);
      check(good.subarray(0, 20), /truncated: 20 bytes, the header alone needs 64/);
    });
    it("bad magic", () => check(Buffer.from("hello world, this is not a graph at all, not at all, no no no no no"), /not a telemetry-lab graph file/));
    it("flipped payload byte", () => {
      const bad = Buffer.from(good);
      bad[TLG_HEADER_BYTES + 10]! ^= 0xff;
      check(bad, /payload checksum mismatch/);
    });
    it("flipped header byte", () => {
      const bad = Buffer.from(good);
      bad[17]! ^= 1;
      check(bad, /header checksum mismatch/);
    });
    it("newer version", () => {
      const bad = Buffer.from(good);
      bad.writeUInt32LE(2, 8);
      check(bad, /unsupported format version 2/);
    });
    it("trailing bytes", () => check(Buffer.concat([good, Buffer.from([0])]), /1 unexpected bytes after the payload/));
    it("truncated gzip", () => {
      const gz = gzipSync(good);
      check(gz.subarray(0, gz.length - 10), /corrupt or truncated gzip stream/);
    });
    it("missing file", () => expect(() => readGraph(join(dir, "none.tlg"))).toThrow(/none\.tlg: cannot read/));
  });
});
