import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import {
  createLineFields,
  fieldString,
  lineTime,
  parseLine,
  parseTime,
  REJECT,
  rejectReason,
  splitFields,
  splitPrefix,
} from "../../src/lanl/parse.js";
import { SCHEMAS } from "../../src/lanl/schema.js";

const SAMPLE = "../shared/datasets/lanl/auth_sample_human_days0-2.txt";

function b(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

describe("lineTime / rejectReason", () => {
  it("accepts the first real lines of each stream", () => {
    const lines: Array<[string, string, number]> = [
      ["auth", "1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C1250,C586,NTLM,Network,LogOn,Success", 1],
      ["proc", "1,C1$@DOM1,C1,P16,Start", 1],
      ["flows", "1,0,C1065,389,C3799,N10451,6,10,5323", 1],
      ["dns", "2,C4653,C5030", 2],
      ["redteam", "150885,U620@DOM1,C17693,C1003", 150885],
    ];
    for (const [stream, line, t] of lines) {
      const buf = b(line);
      expect(lineTime(buf, 0, buf.length, SCHEMAS[stream as "auth"].fieldCount), stream).toBe(t);
      expect(rejectReason(buf, 0, buf.length, SCHEMAS[stream as "auth"].fieldCount)).toBeUndefined();
    }
  });
  it("gives clear reasons", () => {
    const cases: Array<[string, number, number, string]> = [
      ["1,C1,C2,C3,C4,C5,C6", 9, REJECT.FIELD_COUNT, "expected 9 fields, got 7"],
      ["x1,C1,C2", 3, REJECT.BAD_TIME, "time is not a non-negative integer: 'x1'"],
      ["-5,C1,C2", 3, REJECT.BAD_TIME, "time is not a non-negative integer: '-5'"],
      [",C1,C2", 3, REJECT.BAD_TIME, "time is not a non-negative integer: ''"],
      ["", 3, REJECT.EMPTY, "empty line"],
      ["\r", 3, REJECT.EMPTY, "empty line"],
      ["1234567890123456,C1,C2", 3, REJECT.BAD_TIME, "time is not a non-negative integer: '1234567890123456'"],
    ];
    for (const [line, n, code, reason] of cases) {
      const buf = b(line);
      expect(lineTime(buf, 0, buf.length, n), line).toBe(code);
      expect(rejectReason(buf, 0, buf.length, n), line).toBe(reason);
    }
  });
  it("works on a sub-range and ignores a trailing CR", () => {
    const buf = b("junk|2,C4653,C5030\r|junk");
    expect(lineTime(buf, 5, 19, 3)).toBe(2);
    const f = createLineFields(3);
    expect(splitFields(buf, 5, 19, f)).toBe(3);
    expect(fieldString(buf, f, 2)).toBe("C5030");
  });
  it("parseTime", () => {
    expect(parseTime(b("007"), 0, 3)).toBe(7);
    expect(parseTime(b("1a"), 0, 2)).toBe(-1);
    expect(parseTime(b(""), 0, 0)).toBe(-1);
  });
  it("splitFields counts beyond capacity without writing past it", () => {
    const buf = b("1,a,b,c,d");
    const f = createLineFields(2);
    expect(splitFields(buf, 0, buf.length, f)).toBe(5);
    expect(fieldString(buf, f, 1)).toBe("a");
  });
  it("splitPrefix records the first k fields as splitFields does and returns where field k starts", () => {
    const buf = b("junk|2,U1@D,C1,,x,y\r|junk");
    const f = createLineFields(6);
    const g = createLineFields(6);
    splitFields(buf, 5, 21, g);
    for (let k = 0; k <= 5; k++) {
      const at = splitPrefix(buf, 5, 21, f, k);
      expect(at).toBe(k === 0 ? 5 : g.ends[k - 1]! + 1);
      for (let i = 0; i < k; i++) expect([f.starts[i], f.ends[i]]).toEqual([g.starts[i], g.ends[i]]);
    }
    expect(splitPrefix(buf, 5, 21, f, 6)).toBe(-1); // six fields: no seventh
    expect(() => splitPrefix(buf, 5, 21, createLineFields(2), 3)).toThrow(/^telemetry-lab\/lanl\/parse: splitPrefix: 3 fields, room for 2$/);
  });
  it("parseLine throws with module prefix and location", () => {
    expect(parseLine("1,C1$@DOM1,C1,P16,Start", "proc")).toEqual({ time: 1, fields: ["C1$@DOM1", "C1", "P16", "Start"] });
    expect(() => parseLine("1,C1,C2", "auth", "auth.txt.gz: line 3")).toThrow(
      "telemetry-lab/lanl/parse: auth.txt.gz: line 3: auth line: expected 9 fields, got 3",
    );
  });
});

describe.skipIf(!existsSync(SAMPLE))("real auth sample", () => {
  it("parses all 15,000 lines with 9 fields", () => {
    const buf = readFileSync(SAMPLE);
    let start = 0;
    let n = 0;
    let lastT = -1;
    let monotone = true;
    const f = createLineFields(9);
    const authTypes = new Map<string, number>();
    while (start < buf.length) {
      let end = buf.indexOf(10, start);
      if (end < 0) end = buf.length;
      const t = lineTime(buf, start, end, 9);
      expect(t, `line ${n + 1}`).toBeGreaterThanOrEqual(0);
      if (t < lastT) monotone = false;
      lastT = t;
      splitFields(buf, start, end, f);
      const a = fieldString(buf, f, 5);
      authTypes.set(a, (authTypes.get(a) ?? 0) + 1);
      n++;
      start = end + 1;
    }
    expect(n).toBe(15_000);
    expect(monotone).toBe(true);
    // measured shares (shared/datasets/lanl/README.md): ? 62.2%, Kerberos 32.6%, NTLM 3.1%
    expect(authTypes.get("?")! / n).toBeCloseTo(0.622, 2);
    expect(authTypes.get("Kerberos")! / n).toBeCloseTo(0.326, 2);
  });
});
