/**
 * Python numerics, emulated exactly: the int/float distinction, `round()` (half to even, on the
 * exact binary value, also with `ndigits`), `statistics.mean` of ints, the correctly rounded
 * `statistics.stdev` of Python >= 3.11, `max()` keeping the first maximal element, and the text of
 * `repr(float)`.
 *
 * The Python telemetry-peak-analyzer (VMware, BSD-2) writes these values into its files and log,
 * so a byte-identical port needs them (spec `peak-analyzer.md` §11). References: CPython
 * `Objects/floatobject.c` (`float_repr`, `double_round`), `Lib/statistics.py`
 * (`_float_sqrt_of_frac`, `_integer_sqrt_of_frac_rto`, bpo-45876 / msg407078).
 */

/**
 * A Python number: its double value and whether Python holds it as a `float` (else an `int`).
 * `valueOf()` returns the value, so `<`, `>`, `+` work on it directly; `toString()` is Python's
 * `repr` text.
 *
 * @example
 * String(PyNum.float(1));   // "1.0"
 * String(PyNum.int(1));     // "1"
 * PyNum.float(0.5) < PyNum.int(1); // true
 */
export class PyNum {
  private constructor(
    /** The numeric value (integers are exact up to 2^53). */
    readonly value: number,
    /** `true` for a Python `float`, `false` for an `int`. */
    readonly isFloat: boolean,
  ) {}

  /** A Python `int` (the value must be an integer). */
  static int(value: number): PyNum {
    if (!Number.isInteger(value)) throw new Error(`telemetry-lab/peaks/pyfloat: int expected, got ${value}`);
    return new PyNum(value, false);
  }

  /** A Python `float`. */
  static float(value: number): PyNum {
    return new PyNum(value, true);
  }

  /** `int` when `isFloat` is false, else `float`. */
  static of(value: number, isFloat: boolean): PyNum {
    return isFloat ? PyNum.float(value) : PyNum.int(value);
  }

  valueOf(): number {
    return this.value;
  }

  /** Python `repr()`: `1`, `1.0`, `0.12`, `1e-05`. */
  toString(): string {
    return this.isFloat ? pyFloatRepr(this.value) : pyIntRepr(this.value);
  }

  toJSON(): number {
    return this.value;
  }
}

/** A value that is either a plain JS number (treated as a Python int if integral) or a PyNum. */
export type NumLike = number | PyNum;

/** Wraps a plain number: integral numbers become `int`, others `float`. */
export function toPyNum(x: NumLike): PyNum {
  if (x instanceof PyNum) return x;
  return Number.isInteger(x) ? PyNum.int(x) : PyNum.float(x);
}

/** Text of a Python int held in a double (exact for |n| < 2^53; larger ones print all digits). */
export function pyIntRepr(n: number): string {
  if (Object.is(n, -0)) return "0";
  if (Math.abs(n) < 1e21) return n.toFixed(0);
  return BigInt(n).toString();
}

/**
 * Python `repr(float)`: the shortest round-trip digits (as JS), with `.0` on integral values and
 * exponent notation when the decimal exponent is < -4 or >= 16, written `e-05` / `e+16`.
 *
 * @example
 * pyFloatRepr(1);        // "1.0"
 * pyFloatRepr(1e-5);     // "1e-05"
 * pyFloatRepr(1e16);     // "1e+16"
 * pyFloatRepr(0.0001);   // "0.0001"
 * pyFloatRepr(123456789012345680); // "1.2345678901234568e+17"
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const exp = Math.abs(x).toExponential(); // shortest round-trip digits, "d.ddde+N"
  const at = exp.indexOf("e");
  const digits = exp.slice(0, at).replace(".", "");
  const e = Number(exp.slice(at + 1));
  const decpt = e + 1; // value = 0.digits * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mant = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const absE = Math.abs(e);
  return `${sign}${mant}e${e < 0 ? "-" : "+"}${absE < 10 ? "0" : ""}${absE}`;
}

/** Python text of a PyNum or plain number (`repr`). */
export function pyRepr(x: NumLike): string {
  return toPyNum(x).toString();
}

/**
 * Python `round(x)` for a float: the nearest integer, exact halves to even (2.5 -> 2, 3.5 -> 4).
 *
 * @example
 * roundHalfEven(86.5); // 86
 * roundHalfEven(87.5); // 88
 * roundHalfEven(-2.5); // -2
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`telemetry-lab/peaks/pyfloat: cannot round ${x}`);
  const f = Math.floor(x);
  const diff = x - f; // exact for doubles
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f === 0 ? 0 : f; // avoid -0
  return f % 2 === 0 ? f : f + 1;
}

/** Python `int(round(x))` on a PyNum: ints unchanged, floats half-even. */
export function pyIntRound(x: NumLike): number {
  const p = toPyNum(x);
  return p.isFloat ? roundHalfEven(p.value) : p.value;
}

/** The exact binary value of a finite double: `mantissa * 2^exponent` (mantissa a BigInt). */
export function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (bexp === 0) {
    exponent = -1074;
  } else {
    mant |= 1n << 52n;
    exponent = bexp - 1075;
  }
  return { mantissa: sign * mant, exponent };
}

/**
 * Python `round(x, ndigits)` for a float: rounds the EXACT binary value of `x` to `ndigits`
 * decimals, exact ties to even, then takes the nearest double (CPython `double_round`).
 * `Number#toFixed` differs on ties such as 0.125 (a true tie, to even: 0.12).
 *
 * @example
 * roundDigits(2.675, 2); // 2.67  (2.675 is really 2.67499999...)
 * roundDigits(0.125, 2); // 0.12  (exact tie, to even)
 * roundDigits(0.375, 2); // 0.38
 * roundDigits(1.125, 2); // 1.12
 */
export function roundDigits(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (!Number.isInteger(ndigits) || ndigits < 0 || ndigits > 300) {
    throw new Error(`telemetry-lab/peaks/pyfloat: ndigits must be an integer in [0, 300], got ${ndigits}`);
  }
  const { mantissa, exponent } = exactBinary(x);
  const neg = mantissa < 0n;
  const m = neg ? -mantissa : mantissa;
  const scale = 10n ** BigInt(ndigits);
  let q: bigint;
  if (exponent >= 0) {
    q = (m << BigInt(exponent)) * scale;
  } else {
    const num = m * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  const text = `${neg ? "-" : ""}${q.toString()}e-${ndigits}`;
  const out = Number(text);
  return out === 0 && neg ? -0 : out;
}

/**
 * Python `round(v, 2)` keeping the type: ints stay ints, floats are rounded as {@link roundDigits}.
 *
 * @example
 * String(pyRound2(PyNum.float(9 / 8))); // "1.12"
 * String(pyRound2(PyNum.int(7)));       // "7"
 */
export function pyRound2(v: NumLike): PyNum {
  const p = toPyNum(v);
  return p.isFloat ? PyNum.float(roundDigits(p.value, 2)) : p;
}

/**
 * Python `statistics.mean` of ints given their sum and count: an `int` when `count` divides `sum`,
 * else the correctly rounded float `sum / count`.
 *
 * @example
 * String(pyMeanOfInts(8, 4));   // "2"
 * String(pyMeanOfInts(9, 8));   // "1.125"
 */
export function pyMeanOfInts(sum: number, count: number): PyNum {
  if (count <= 0) throw new Error("telemetry-lab/peaks/pyfloat: mean requires at least one data point");
  if (sum % count === 0) return PyNum.int(sum / count);
  return PyNum.float(sum / count);
}

/** Number of bits of a non-negative BigInt (Python `int.bit_length`). */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  return n.toString(2).length;
}

/** Integer square root (floor) of a non-negative BigInt (Python `math.isqrt`). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new Error("telemetry-lab/peaks/pyfloat: isqrt of a negative number");
  if (n < 2n) return n;
  if (n < 9007199254740992n) {
    let a = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (a * a > n) a -= 1n;
    while ((a + 1n) * (a + 1n) <= n) a += 1n;
    return a;
  }
  // Newton from an over-estimate.
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * The double nearest to sqrt(n/m) for non-negative integers n, m > 0, as CPython's
 * `statistics._float_sqrt_of_frac`: integer square root rounded to odd with 109 guard bits.
 */
export function sqrtOfFraction(n: bigint, m: bigint): number {
  if (m <= 0n || n < 0n) throw new Error("telemetry-lab/peaks/pyfloat: sqrtOfFraction needs n >= 0, m > 0");
  const g = gcd(n, m);
  if (g > 1n) {
    n /= g;
    m /= g;
  }
  const q = Math.floor((bitLength(n) - bitLength(m) - 109) / 2);
  const rto = (a: bigint, b: bigint): bigint => {
    const r = isqrt(a / b);
    return r * r * b !== a ? r | 1n : r;
  };
  if (q >= 0) {
    const numerator = rto(n, m << BigInt(2 * q)) << BigInt(q);
    return Number(numerator);
  }
  const numerator = rto(n << BigInt(-2 * q), m);
  return bigIntDivPow2(numerator, -q);
}

/** Correctly rounded `numerator / 2^k` (Python true division of ints). */
function bigIntDivPow2(numerator: bigint, k: number): number {
  // Number(BigInt) rounds to nearest-even; the numerator has ~55 bits, so scaling by a power of
  // two afterwards is exact unless the result is subnormal (impossible for these statistics).
  const bits = bitLength(numerator);
  if (bits <= 1000 && k <= 1000) return Number(numerator) / 2 ** k;
  return Number(numerator >> BigInt(k - 1000)) / 2 ** 1000;
}

/**
 * Python (>= 3.11) `statistics.stdev` of integers from the count, sum and sum of squares, correctly
 * rounded: sqrt((n*S2 - S1^2) / (n*(n-1))). Returns `0.0` when n < 2 (the analyzer's convention).
 *
 * @example
 * sampleStdevOfInts(3, 6n, 14n); // 1  (values 1, 2, 3)
 * sampleStdevOfInts(1, 5n, 25n); // 0
 */
export function sampleStdevOfInts(n: number, sum: bigint, sumSquares: bigint): number {
  if (n < 2) return 0;
  const N = BigInt(n);
  const num = N * sumSquares - sum * sum;
  const den = N * (N - 1n);
  return sqrtOfFraction(num, den);
}

/**
 * Python `max(a, b)`: `b` only if strictly greater, so on ties the first value (and its type) wins.
 *
 * @example
 * String(pyMax(PyNum.float(1), PyNum.int(1))); // "1.0"
 */
export function pyMax(a: PyNum, b: PyNum): PyNum {
  return b.value > a.value ? b : a;
}

/** Python true division `a / b` of two numbers: always a float. */
export function pyDiv(a: NumLike, b: NumLike): PyNum {
  return PyNum.float(Number(a) / Number(b));
}
