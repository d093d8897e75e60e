import { describe, expect, it } from "vitest";
import { ByteInterner } from "../../src/peaks/intern.js";

const words = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.length);

describe("ByteInterner", () => {
  it("gives one string object per distinct byte string, decoded as UTF-8", () => {
    const b = Buffer.from('"benign" "benign" "malicious" "café" "café"');
    const t = new ByteInterner();
    const a = t.text(b, words(b), 1, 7);
    expect(a).toBe("benign");
    expect(t.text(b, words(b), 10, 16)).toBe(a);
    expect(t.text(b, words(b), 19, 28)).toBe("malicious");
    expect(t.text(b, words(b), 31, 36)).toBe("café");
    expect(t.text(b, words(b), 39, 44)).toBe("café");
    expect(t.size).toBe(3);
  });
  it("tells apart values of the same length and hash bucket, and the empty string", () => {
    const b = Buffer.from("abcdabceXabcd");
    const t = new ByteInterner({ maxEntries: 1 });
    expect(t.text(b, words(b), 0, 4)).toBe("abcd");
    expect(t.text(b, words(b), 4, 8)).toBe("abce");
    expect(t.text(b, words(b), 9, 13)).toBe("abcd");
    expect(t.text(b, words(b), 2, 2)).toBe("");
  });
  it("stays bounded: past maxEntries or maxLength it decodes without remembering", () => {
    const t = new ByteInterner({ maxEntries: 2, maxLength: 8 });
    const b = Buffer.from("one two six a-very-long-value");
    expect([t.text(b, words(b), 0, 3), t.text(b, words(b), 4, 7), t.text(b, words(b), 8, 11)]).toEqual(["one", "two", "six"]);
    expect(t.size).toBe(2);
    expect(t.text(b, words(b), 12, 29)).toBe("a-very-long-value");
    expect(t.size).toBe(2);
    expect(() => new ByteInterner({ maxEntries: 0 })).toThrow(/telemetry-lab\/peaks\/intern: maxEntries/);
  });
});
