import { describe, expect, it } from "vitest";
import {
  PyNum,
  exactBinary,
  isqrt,
  pyFloatRepr,
  pyMax,
  pyMeanOfInts,
  pyRound2,
  roundDigits,
  roundHalfEven,
  sampleStdevOfInts,
  sqrtOfFraction,
} from "../../src/peaks/pyfloat.js";

// Expected values follow from Python's documented semantics (spec peak-analyzer.md §11):
// round() is half-to-even on the exact binary value; repr is shortest round-trip with Python's
// exponent rules; statistics.stdev (3.11+) is correctly rounded.

describe("roundHalfEven (Python round(x))", () => {
  it.each([
    [2.5, 2],
    [3.5, 4],
    [4.5, 4],
    [86.5, 86],
    [87.5, 88],
    [0.5, 0],
    [1.5, 2],
    [-2.5, -2],
    [-3.5, -4],
    [2.4999999999999996, 2],
    [12.5, 12],
    [2.675, 3],
    [7, 7],
  ])("round(%s) = %s", (x, want) => {
    expect(roundHalfEven(x)).toBe(want);
  });
  it("differs from Math.round on halves", () => {
    expect(Math.round(2.5)).toBe(3);
    expect(roundHalfEven(2.5)).toBe(2);
  });
  it("returns +0, never -0", () => {
    expect(Object.is(roundHalfEven(-0.4), 0)).toBe(true);
    expect(Object.is(roundHalfEven(-0.5), 0)).toBe(true);
  });
});

describe("roundDigits (Python round(x, 2))", () => {
  it.each([
    [2.675, 2.67], // binary value is 2.67499999...
    [0.125, 0.12], // exact tie -> even
    [0.375, 0.38],
    [0.625, 0.62],
    [0.875, 0.88],
    [1.125, 1.12],
    [0.045, 0.04], // 0.04499999...
    [426 / 11083, 0.04], // README: 426 / 11083
    [11083 / 3028, 3.66], // README: 11083 / 3028
    [0.5, 0.5],
    [1 / 3, 0.33],
    [2 / 3, 0.67],
    [-0.125, -0.12],
    [1.005, 1.0], // 1.00499999...
    [123.456, 123.46],
  ])("round(%s, 2) = %s", (x, want) => {
    expect(roundDigits(x, 2)).toBe(want);
  });
  it("toFixed gets two exact ties wrong, roundDigits does not", () => {
    expect(Number((0.125).toFixed(2))).toBe(0.13);
    expect(Number((0.625).toFixed(2))).toBe(0.63);
    expect(roundDigits(0.125, 2)).toBe(0.12);
    expect(roundDigits(0.625, 2)).toBe(0.62);
  });
  it("other ndigits", () => {
    expect(roundDigits(2.5, 0)).toBe(2);
    expect(roundDigits(0.0625, 3)).toBe(0.062);
    expect(roundDigits(1e20, 2)).toBe(1e20);
  });
  it("pyRound2 keeps ints and prints like Python", () => {
    expect(String(pyRound2(PyNum.int(7)))).toBe("7");
    expect(String(pyRound2(PyNum.float(9 / 8)))).toBe("1.12");
    expect(String(pyRound2(PyNum.float(1)))).toBe("1.0");
    expect(String(pyRound2(PyNum.float(11.54471)))).toBe("11.54");
  });
  it("exactBinary decomposes doubles", () => {
    expect(exactBinary(0.5)).toEqual({ mantissa: 1n << 52n, exponent: -53 });
    expect(exactBinary(-3)).toEqual({ mantissa: -(3n << 51n), exponent: -51 });
  });
});

describe("pyFloatRepr (Python repr(float))", () => {
  it.each([
    [1, "1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [3.66, "3.66"],
    [0.12, "0.12"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [2.5e-7, "2.5e-07"],
    [1e16, "1e+16"],
    [1.2345e20, "1.2345e+20"],
    [9999999999999998, "9999999999999998.0"],
    [123456789, "123456789.0"],
    [1e22, "1e+22"],
    [1e100, "1e+100"],
    [5e-324, "5e-324"],
    [1.1402714932126696, "1.1402714932126696"],
    [-2.5, "-2.5"],
    [100, "100.0"],
    [1e15, "1000000000000000.0"],
    [NaN, "nan"],
    [Infinity, "inf"],
  ])("repr(%s) = %s", (x, want) => {
    expect(pyFloatRepr(x)).toBe(want);
  });
  it("PyNum prints ints without .0", () => {
    expect(String(PyNum.int(1))).toBe("1");
    expect(String(PyNum.float(1))).toBe("1.0");
    expect(() => PyNum.int(1.5)).toThrow(/telemetry-lab\/peaks\/pyfloat/);
  });
});

describe("statistics.mean of ints", () => {
  it("is an int when exact, a float otherwise", () => {
    expect(String(pyMeanOfInts(8, 4))).toBe("2");
    expect(pyMeanOfInts(8, 4).isFloat).toBe(false);
    expect(String(pyMeanOfInts(9, 8))).toBe("1.125");
    expect(String(pyMeanOfInts(11083, 3028))).toBe("3.6601717305151915");
    expect(String(pyMeanOfInts(3, 3))).toBe("1");
  });
});

// Exact rational check that d is the double nearest to sqrt(num/den):
// the midpoints between d and its neighbours bracket the root.
function nextDouble(x: number, dir: 1 | -1): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) + BigInt(dir));
  return v.getFloat64(0);
}
function midpointSquaredCmp(a: number, b: number, num: bigint, den: bigint): number {
  // compare ((a+b)/2)^2 with num/den exactly
  const ea = exactBinary(a);
  const eb = exactBinary(b);
  const e = Math.min(ea.exponent, eb.exponent);
  const m = (ea.mantissa << BigInt(ea.exponent - e)) + (eb.mantissa << BigInt(eb.exponent - e)); // (a+b) = m * 2^e
  const sq = m * m; // ((a+b)/2)^2 = sq * 2^(2e-2)
  const exp = 2 * e - 2;
  const lhs = exp >= 0 ? (sq << BigInt(exp)) * den : sq * den;
  const rhs = exp >= 0 ? num : num << BigInt(-exp);
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}
function isNearest(d: number, num: bigint, den: bigint): boolean {
  return midpointSquaredCmp(nextDouble(d, -1), d, num, den) <= 0 && midpointSquaredCmp(d, nextDouble(d, 1), num, den) >= 0;
}
function stdevOf(v: number[]): { got: number; num: bigint; den: bigint } {
  const n = v.length;
  const s = v.reduce((a, b) => a + b, 0);
  const s2 = v.reduce((a, b) => a + b * b, 0);
  const num = BigInt(n) * BigInt(s2) - BigInt(s) * BigInt(s);
  const den = BigInt(n) * BigInt(n - 1);
  return { got: sampleStdevOfInts(n, BigInt(s), BigInt(s2)), num, den };
}

describe("statistics.stdev (correctly rounded)", () => {
  it("simple values", () => {
    expect(stdevOf([1, 2, 3]).got).toBe(1);
    expect(stdevOf([1, 1, 7]).got).toBe(3.4641016151377544);
    expect(stdevOf([1, 1]).got).toBe(0);
    expect(sampleStdevOfInts(1, 5n, 25n)).toBe(0);
    expect(sampleStdevOfInts(0, 0n, 0n)).toBe(0);
  });
  // Cases where the naive float formula, and Math.sqrt of the correctly rounded variance, are
  // one ulp off; the expected value is proven nearest by exact rational arithmetic.
  it.each([
    [[12, 16, 3], 6.6583281184793925, 6.658328118479393],
    [[1, 19, 6], 9.29157324317757, 9.291573243177568],
    [[11, 5, 3, 16], 5.909032633745279, 5.909032633745278],
    [[22, 8, 4, 5, 3, 7, 20], 7.819389819088005, 7.819389819088006],
    [[18, 25, 14, 4, 8, 14, 1, 3, 5], 8.027729719194864, 8.027729719194863],
  ])("stdev(%j) = %s (naive %s)", (v, want, naive) => {
    const { got, num, den } = stdevOf(v as number[]);
    expect(got).toBe(want);
    expect(isNearest(want as number, num, den)).toBe(true);
    expect(isNearest(naive as number, num, den)).toBe(false);
    const n = (v as number[]).length;
    const mean = (v as number[]).reduce((a, b) => a + b, 0) / n;
    expect(Math.sqrt((v as number[]).reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))).toBe(naive);
  });
  it("is the nearest double on many random tables", () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let t = 0; t < 300; t++) {
      const n = 2 + Math.floor(rnd() * 40);
      const v = Array.from({ length: n }, () => 1 + Math.floor(rnd() * rnd() * 500));
      const { got, num, den } = stdevOf(v);
      if (num === 0n) expect(got).toBe(0);
      else expect(isNearest(got, num, den)).toBe(true);
    }
  });
  it("handles huge sums (BigInt path)", () => {
    const { got, num, den } = stdevOf([1, 100_000_000, 3, 99_999_999]);
    expect(isNearest(got, num, den)).toBe(true);
    expect(sqrtOfFraction(4n, 1n)).toBe(2);
    expect(sqrtOfFraction(2n, 1n)).toBe(Math.SQRT2);
  });
  it("isqrt", () => {
    expect(isqrt(0n)).toBe(0n);
    expect(isqrt(15n)).toBe(3n);
    expect(isqrt(16n)).toBe(4n);
    const big = (1n << 200n) + 12345n;
    const r = isqrt(big);
    expect(r * r <= big && (r + 1n) * (r + 1n) > big).toBe(true);
  });
});

describe("max keeps the first maximal element", () => {
  it("keeps type on ties", () => {
    expect(String(pyMax(PyNum.float(1), PyNum.int(1)))).toBe("1.0");
    expect(String(pyMax(PyNum.int(1), PyNum.float(1)))).toBe("1");
    expect(String(pyMax(PyNum.int(1), PyNum.float(1.5)))).toBe("1.5");
  });
});
