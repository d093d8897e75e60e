/**
 * Seeded pseudo-random numbers for every generator of the project (the peak
 * analyzer's feeds, `src/peaks/synth.ts`; the LANL data set, `src/lanl/synth/`):
 * xoshiro128** seeded through SplitMix32, plus a few simple distributions.
 *
 * Source: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021 (xoshiro128**; public-domain reference code at
 * prng.di.unimi.it). Same seed -> same stream on every platform: only 32-bit
 * integer arithmetic (`Math.imul`, `>>>`) is used, never `Math.random`.
 */

/** 32-bit finaliser of MurmurHash3 (`fmix32`): a bijective avalanche mix. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Hashes a short tuple of integers (each taken modulo 2^32) into 32 bits.
 * Deterministic; used to derive identities (hashes, per-day streams) from a seed.
 *
 * @example
 * hash32(1, 2, 3) === hash32(1, 2, 3); // true
 * hash32(1, 2, 3) === hash32(1, 3, 2); // false (order matters)
 */
export function hash32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = mix32((h ^ (p >>> 0)) + 0x9e3779b9);
  return h;
}

/** A seeded xoshiro128** generator with helpers for the distributions used by the generator. */
export class Prng {
  /** xoshiro128** state (int32 views of the four 32-bit words). */
  private readonly s = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  /**
   * @param seed any integer (or tuple of integers, hashed together).
   * @example
   * const r = new Prng(42);
   * r.float(); // a number in [0, 1), the same on every run
   */
  constructor(...seed: number[]) {
    let x = hash32(...seed);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0; // SplitMix32 step
      this.s[i] = mix32(x);
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** Next 32 random bits as a signed int32. */
  next(): number {
    const s = this.s;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Next 32-bit unsigned integer. */
  u32(): number {
    return this.next() >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return (this.next() >>> 0) * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, n) (n < 2^32). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal deviate (Marsaglia polar method). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, q: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Poisson deviate (Knuth's product method below 30, rounded normal approximation above). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.float();
      while (p > limit) {
        k += 1;
        p *= this.float();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /**
   * Discrete heavy-tailed count >= 1: 1 with probability `pOne`, otherwise
   * `1 + floor(Pareto(xmin = 1, exponent))`, capped at `max`.
   */
  heavyCount(pOne: number, exponent: number, max: number): number {
    if (this.float() < pOne) return 1;
    const x = Math.pow(1 - this.float(), -1 / (exponent - 1));
    return Math.min(max, 1 + Math.floor(x));
  }
}
