import { describe, expect, it } from "vitest";
import { PyNum } from "../../src/peaks/pyfloat.js";
import { compareCodePoints, dumpPyJson, parsePyJson, pyJsonString, type PyJson } from "../../src/peaks/pyjson.js";

// Expected text is what Python's json.dump(obj, f, indent=2, sort_keys=True) writes
// (spec peak-analyzer.md §5.1): "," + newline + indent between items, ": " after keys,
// no trailing newline, ASCII only with lowercase \uXXXX escapes, floats as repr.
describe("dumpPyJson", () => {
  it("writes the Python layout", () => {
    const obj = new Map<string, PyJson>([
      ["b", [PyNum.int(1), PyNum.float(2), "x"]],
      ["a", new Map()],
      ["c", []],
    ]);
    expect(dumpPyJson(obj)).toBe('{\n  "a": {},\n  "b": [\n    1,\n    2.0,\n    "x"\n  ],\n  "c": []\n}');
  });
  it("writes {} for an empty table", () => {
    expect(dumpPyJson(new Map())).toBe("{}");
  });
  it("sorts keys by code point, not UTF-16 unit", () => {
    const obj = new Map<string, PyJson>([
      ["\u{1F600}", PyNum.int(1)],
      ["\uFF21", PyNum.int(2)],
      ["Z", PyNum.int(3)],
      ["a", PyNum.int(4)],
    ]);
    expect(dumpPyJson(obj)).toBe('{\n  "Z": 3,\n  "a": 4,\n  "\\uff21": 2,\n  "\\ud83d\\ude00": 1\n}');
    expect(compareCodePoints("\u{1F600}", "\uFF21")).toBeGreaterThan(0);
  });
  it("sorts int-origin keys numerically", () => {
    const obj = new Map<string, PyJson>([
      ["100", PyNum.int(1)],
      ["70", PyNum.int(2)],
    ]);
    expect(dumpPyJson(obj, { numericKeys: new Set(["100", "70"]) })).toBe('{\n  "70": 2,\n  "100": 1\n}');
    expect(dumpPyJson(obj)).toBe('{\n  "100": 1,\n  "70": 2\n}');
  });
  it("escapes like ensure_ascii", () => {
    expect(pyJsonString('é"\\\n\t\u0001\u007f/')).toBe('"\\u00e9\\"\\\\\\n\\t\\u0001\\u007f/"');
  });
  it("writes Python float text and special values", () => {
    expect(dumpPyJson([PyNum.float(1e-5), PyNum.float(NaN), PyNum.float(Infinity), PyNum.int(0), null, true])).toBe(
      "[\n  1e-05,\n  NaN,\n  Infinity,\n  0,\n  null,\n  true\n]",
    );
  });
});

describe("parsePyJson", () => {
  it("keeps int versus float", () => {
    const v = parsePyJson('{"a": [1, 1.0, 1e5, -0, 2.5]}') as Map<string, PyNum[]>;
    expect(v.get("a")!.map(String)).toEqual(["1", "1.0", "100000.0", "0", "2.5"]);
  });
  it("round-trips dump output", () => {
    const text = '{\n  "benign": {\n    "PeExeFile": [\n      "2021-09-01 00:00:00",\n      1,\n      4.5\n    ]\n  }\n}';
    expect(dumpPyJson(parsePyJson(text))).toBe(text);
  });
  it("reports position of errors", () => {
    expect(() => parsePyJson('{"a": }')).toThrow(/Expecting value: line 1 column 7/);
    expect(() => parsePyJson("{\n  ")).toThrow(/line 2/);
    expect(() => parsePyJson("{} x")).toThrow(/Extra data/);
    expect(() => parsePyJson("")).toThrow(/Expecting value/);
  });
  it("decodes escapes", () => {
    expect(parsePyJson('"\\u00e9\\n"')).toBe("é\n");
  });
});
