/**
 * Python `json` emulation for the peak analyzer's files: `json.dump(obj, indent=2, sort_keys=True,
 * default=str)` text (keys sorted by code point, `",\n"` item separator, `": "` key separator,
 * ASCII-only `\uXXXX` escapes, no trailing newline, floats as `repr`) and a `json.load` that keeps
 * the int/float distinction of every number (`1` vs `1.0`), which `JSON.parse` loses.
 *
 * Reference: CPython `Lib/json/encoder.py` (`_make_iterencode`, `py_encode_basestring_ascii`) and
 * `Lib/json/decoder.py` / `scanner.py`.
 */
import { PyNum } from "./pyfloat.js";

/** A JSON value as Python holds it: numbers keep int/float, objects keep insertion order. */
export type PyJson = null | boolean | string | PyNum | PyJson[] | PyJsonObject;
/** A JSON object (insertion-ordered). */
export type PyJsonObject = Map<string, PyJson>;

/** Options of {@link dumpPyJson}. */
export interface DumpOptions {
  /** Indent width (Python `indent=`). Default 2. */
  indent?: number;
  /**
   * Keys that came from Python ints: a level with such a key, whose keys all look like ints,
   * is sorted numerically (as Python sorts int keys) instead of by code point.
   */
  numericKeys?: ReadonlySet<string>;
}

/** Compares two strings by Unicode code point (Python `str` order; JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate (astral) sorts after any BMP unit
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Python `json.dumps(s)` with `ensure_ascii=True`.
 *
 * @example
 * pyJsonString('é"\n'); // '"\\u00e9\\"\\n"'
 */
export function pyJsonString(s: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    if (i > from) out += s.slice(from, i);
    from = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += "\\\\"; break;
      case 0x0a: out += "\\n"; break;
      case 0x0d: out += "\\r"; break;
      case 0x09: out += "\\t"; break;
      case 0x08: out += "\\b"; break;
      case 0x0c: out += "\\f"; break;
      default: out += "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  if (from < s.length) out += s.slice(from);
  return out + '"';
}

function pyJsonNumber(n: PyNum): string {
  if (n.isFloat) {
    if (Number.isNaN(n.value)) return "NaN";
    if (n.value === Infinity) return "Infinity";
    if (n.value === -Infinity) return "-Infinity";
  }
  return n.toString();
}

const INT_KEY = /^-?(?:0|[1-9]\d*)$/;

function sortedKeys(keys: string[], numericKeys: ReadonlySet<string> | undefined): string[] {
  // Python sorts int keys numerically; keys read back from a file are strings, so a level is
  // sorted numerically when one of its keys came from an int in this run and all look like ints.
  if (numericKeys !== undefined && keys.some((k) => numericKeys.has(k)) && keys.every((k) => INT_KEY.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b));
  }
  return keys.sort(compareCodePoints);
}

/**
 * Python `json.dump(value, f, indent=2, sort_keys=True, default=str)` text (no trailing newline).
 *
 * @example
 * dumpPyJson(new Map([["b", [PyNum.int(1), PyNum.float(2)]], ["a", new Map()]]));
 * // '{\n  "a": {},\n  "b": [\n    1,\n    2.0\n  ]\n}'
 */
export function dumpPyJson(value: PyJson, options: DumpOptions = {}): string {
  const step = " ".repeat(options.indent ?? 2);
  const parts: string[] = [];
  const write = (v: PyJson, indent: string): void => {
    if (v === null) parts.push("null");
    else if (v === true) parts.push("true");
    else if (v === false) parts.push("false");
    else if (typeof v === "string") parts.push(pyJsonString(v));
    else if (v instanceof PyNum) parts.push(pyJsonNumber(v));
    else if (Array.isArray(v)) {
      if (v.length === 0) {
        parts.push("[]");
        return;
      }
      const inner = indent + step;
      parts.push("[\n" + inner);
      v.forEach((item, i) => {
        if (i > 0) parts.push(",\n" + inner);
        write(item, inner);
      });
      parts.push("\n" + indent + "]");
    } else {
      if (v.size === 0) {
        parts.push("{}");
        return;
      }
      const inner = indent + step;
      parts.push("{\n" + inner);
      sortedKeys([...v.keys()], options.numericKeys).forEach((k, i) => {
        if (i > 0) parts.push(",\n" + inner);
        parts.push(pyJsonString(k) + ": ");
        write(v.get(k) as PyJson, inner);
      });
      parts.push("\n" + indent + "}");
    }
  };
  write(value, "");
  return parts.join("");
}

/** A JSON syntax error with Python-like position text. */
export class PyJsonError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`${reason}: line ${line} column ${column} (char ${offset})`);
  }
}

/**
 * Python `json.loads` keeping number types (`1` is an int, `1.0` and `1e5` are floats) and
 * object key order; accepts `NaN`, `Infinity`, `-Infinity` like Python.
 *
 * @example
 * const v = parsePyJson('{"a": [1, 1.0]}') as Map<string, PyNum[]>;
 * String(v.get("a")![1]); // "1.0"
 */
export function parsePyJson(text: string): PyJson {
  let i = 0;
  const n = text.length;
  const fail = (reason: string, at = i): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        line += 1;
        lineStart = k + 1;
      }
    }
    throw new PyJsonError(reason, line, at - lineStart + 1, at);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = "";
    let from = i;
    for (;;) {
      if (i >= n) fail("Unterminated string starting at", start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(from, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("Invalid control character at");
      if (c === 0x5c) {
        out += text.slice(from, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\uXXXX escape", i + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          fail("Invalid \\escape", i);
        }
        from = i;
        continue;
      }
      i++;
    }
  };
  const num = (): PyNum => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return fail("Expecting value");
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) return PyNum.int(Number(m[0]) || 0);
    return PyNum.float(Number(m[0]));
  };
  const value = (): PyJson => {
    ws();
    if (i >= n) return fail("Expecting value");
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: PyJsonObject = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Expecting property name enclosed in double quotes");
        const k = str();
        ws();
        if (text[i] !== ":") fail("Expecting ':' delimiter");
        i++;
        obj.set(k, value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === "[") {
      i++;
      const arr: PyJson[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return str();
    if (text.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return false;
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return null;
    }
    if (text.startsWith("NaN", i)) {
      i += 3;
      return PyNum.float(NaN);
    }
    if (text.startsWith("Infinity", i)) {
      i += 8;
      return PyNum.float(Infinity);
    }
    if (text.startsWith("-Infinity", i)) {
      i += 9;
      return PyNum.float(-Infinity);
    }
    return num();
  };
  const v = value();
  ws();
  if (i < n) fail("Extra data");
  return v;
}
