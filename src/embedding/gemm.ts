/**
 * Dense matrix-product kernels for the NMF updates (`nmf.ts`), on one Float64 heap
 * addressed by offsets, in two bit-identical implementations: plain JavaScript, and
 * WebAssembly with 128-bit SIMD (f64x2), assembled here from a few dozen opcodes so that
 * no tool or binary file is needed.
 *
 *   gemmRows: C[r·kk + c] = Σ_j A[r·m + j] · Bt[j·kk + c]    (r < rows, c < kk)
 *             C = A·Bt, with Bt stored m×kk: e.g. V·Hᵀ given Hᵀ, or W·H given H;
 *   gemmTn:   C[c·mm + j] = Σ_r A[r·ka + c] · B[r·mm + j]    (c < ka, j < mm)
 *             C = Aᵀ·B over `rows` rows: e.g. Wᵀ·V, Wᵀ·W.
 *
 * Every entry is summed sequentially in its reduction index (j, resp. r), starting from
 * 0: the SIMD kernels vectorise across output entries (two per f64x2 lane pair), never
 * across a sum, so both implementations give the same bits, and the same bits as a naive
 * triple loop. The WebAssembly module imports its memory (`env.mem`), shared or not;
 * pointers are byte offsets below 2 GiB.
 *
 * Source for the encoding: WebAssembly Core Specification 2.0 (binary format, §5) and
 * its fixed-width SIMD opcodes (v128.load 0x00, v128.load64_splat 0x0a, v128.store 0x0b,
 * v128.const 0x0c, f64x2.add 0xf0, f64x2.mul 0xf2, prefix 0xfd).
 */

/**
 * C[cOff + r·kk + c] = Σ_j M[aOff + r·m + j] · M[bOff + j·kk + c] (see the module
 * comment); 2×4 register tiles, each entry summed in j order.
 *
 * @example
 * // A = [[1, 2]], Bt = [[3, 4], [5, 6]] (2×2): C = A·Bt = [[13, 16]]
 * const M = Float64Array.of(1, 2, 3, 4, 5, 6, 0, 0);
 * gemmRows(M, 0, 2, 6, 1, 2, 2); // M[6], M[7] = 13, 16
 */
export function gemmRows(M: Float64Array, aOff: number, bOff: number, cOff: number, rows: number, m: number, kk: number): void {
  const k4 = kk - (kk % 4);
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a0 = aOff + r * m;
    const a1 = a0 + m;
    const o0 = cOff + r * kk;
    const o1 = o0 + kk;
    let c = 0;
    for (; c < k4; c += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let j = 0, b = bOff + c; j < m; j++, b += kk) {
        const u = M[a0 + j]!;
        const v = M[a1 + j]!;
        const p = M[b]!;
        const q = M[b + 1]!;
        const w = M[b + 2]!;
        const z = M[b + 3]!;
        s00 += u * p;
        s01 += u * q;
        s02 += u * w;
        s03 += u * z;
        s10 += v * p;
        s11 += v * q;
        s12 += v * w;
        s13 += v * z;
      }
      M[o0 + c] = s00;
      M[o0 + c + 1] = s01;
      M[o0 + c + 2] = s02;
      M[o0 + c + 3] = s03;
      M[o1 + c] = s10;
      M[o1 + c + 1] = s11;
      M[o1 + c + 2] = s12;
      M[o1 + c + 3] = s13;
    }
    for (; c < kk; c++) {
      let s0 = 0;
      let s1 = 0;
      for (let j = 0, b = bOff + c; j < m; j++, b += kk) {
        const p = M[b]!;
        s0 += M[a0 + j]! * p;
        s1 += M[a1 + j]! * p;
      }
      M[o0 + c] = s0;
      M[o1 + c] = s1;
    }
  }
  for (; r < rows; r++) {
    const a0 = aOff + r * m;
    const o0 = cOff + r * kk;
    for (let c = 0; c < kk; c++) {
      let s0 = 0;
      for (let j = 0, b = bOff + c; j < m; j++, b += kk) s0 += M[a0 + j]! * M[b]!;
      M[o0 + c] = s0;
    }
  }
}

/**
 * C[cOff + c·mm + j] = Σ_r M[aOff + r·ka + c] · M[bOff + r·mm + j] (see the module
 * comment); 4×2 register tiles, each entry summed in r order.
 *
 * @example
 * // A = [[1], [2]] (2×1), B = [[3, 4], [5, 6]]: C = Aᵀ·B = [[13, 16]]
 * const M = Float64Array.of(1, 2, 3, 4, 5, 6, 0, 0);
 * gemmTn(M, 0, 2, 6, 2, 1, 2); // M[6], M[7] = 13, 16
 */
export function gemmTn(M: Float64Array, aOff: number, bOff: number, cOff: number, rows: number, ka: number, mm: number): void {
  const k4 = ka - (ka % 4);
  const m2 = mm - (mm % 2);
  let c = 0;
  for (; c < k4; c += 4) {
    let j = 0;
    for (; j < m2; j += 2) {
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0; // prettier-ignore
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += mm) {
        const u = M[bo]!;
        const v = M[bo + 1]!;
        const w0 = M[ao]!;
        const w1 = M[ao + 1]!;
        const w2 = M[ao + 2]!;
        const w3 = M[ao + 3]!;
        s00 += w0 * u;
        s01 += w0 * v;
        s10 += w1 * u;
        s11 += w1 * v;
        s20 += w2 * u;
        s21 += w2 * v;
        s30 += w3 * u;
        s31 += w3 * v;
      }
      const o = cOff + c * mm + j;
      M[o] = s00;
      M[o + 1] = s01;
      M[o + mm] = s10;
      M[o + mm + 1] = s11;
      M[o + 2 * mm] = s20;
      M[o + 2 * mm + 1] = s21;
      M[o + 3 * mm] = s30;
      M[o + 3 * mm + 1] = s31;
    }
    for (; j < mm; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += mm) {
        const u = M[bo]!;
        s0 += M[ao]! * u;
        s1 += M[ao + 1]! * u;
        s2 += M[ao + 2]! * u;
        s3 += M[ao + 3]! * u;
      }
      const o = cOff + c * mm + j;
      M[o] = s0;
      M[o + mm] = s1;
      M[o + 2 * mm] = s2;
      M[o + 3 * mm] = s3;
    }
  }
  for (; c < ka; c++) {
    for (let j = 0; j < mm; j++) {
      let s0 = 0;
      for (let r = 0, ao = aOff + c, bo = bOff + j; r < rows; r++, ao += ka, bo += mm) s0 += M[ao]! * M[bo]!;
      M[cOff + c * mm + j] = s0;
    }
  }
}

/** The exports of the SIMD module: the two kernels with byte pointers into its memory. */
export interface SimdGemm {
  gemmRows(aByte: number, bByte: number, cByte: number, rows: number, m: number, kk: number): void;
  gemmTn(aByte: number, bByte: number, cByte: number, rows: number, ka: number, mm: number): void;
}

// ------------------------------- assembler -------------------------------

type Bytes = number[];

function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (i: number): Bytes => [0x20, ...uleb(i)];
const set = (i: number): Bytes => [0x21, ...uleb(i)];
const tee = (i: number): Bytes => [0x22, ...uleb(i)];
const i32 = (v: number): Bytes => [0x41, ...sleb(v)];
const ADD = [0x6a];
const SUB = [0x6b];
const MUL = [0x6c];
const SHL = [0x74];
const LT_S = [0x48];
const GT_S = [0x4a];
const LE_S = [0x4c];
const EQZ = [0x45];
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
const FADD = [0xa0];
const FMUL = [0xa2];
const f64load = (off: number): Bytes => [0x2b, 3, ...uleb(off)];
const f64store = (off: number): Bytes => [0x39, 3, ...uleb(off)];
const simd = (op: number): Bytes => [0xfd, ...uleb(op)];
const vload = (off: number): Bytes => [...simd(0x00), 3, ...uleb(off)];
const vsplat = (off: number): Bytes => [...simd(0x0a), 3, ...uleb(off)];
const vstore = (off: number): Bytes => [...simd(0x0b), 3, ...uleb(off)];
const VZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const VADD = simd(0xf0);
const VMUL = simd(0xf2);
/** while (cond) body — `cond` leaves an i32 on the stack. */
const whileLoop = (cond: Bytes, body: Bytes): Bytes => [0x02, 0x40, 0x03, 0x40, ...cond, ...EQZ, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
/** byte address base + index·8 */
const addr = (base: Bytes, index: Bytes): Bytes => [...base, ...index, ...i32(3), ...SHL, ...ADD];

interface Fn {
  locals: [number, number][];
  code: Bytes;
}

/**
 * gemmRows: rows in pairs (then a last single row); columns in tiles of 8 (4 × f64x2),
 * then 2, then 1 (scalar). A pair shares each load of Bt.
 */
function genGemmRows(): Fn {
  // params 0 A, 1 Bt, 2 C, 3 rows, 4 m, 5 kk; i32 locals 6..15; v128 16..26; f64 27..29
  const [A, Bt, C, rows, m, kk] = [0, 1, 2, 3, 4, 5];
  const [r, c, aRow, bp, cp, kkB, aEnd, ap, mB, dst] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const V0 = 16; // 8 accumulators
  const T0 = 24; // splats of the two rows
  const BV = 26;
  const S0 = 27; // scalar accumulators of the two rows
  const FB = 29;
  const tile = (pr: number, w: number): Bytes => {
    const nv = w >> 1;
    const body: Bytes = [];
    if (w === 1) for (let q = 0; q < pr; q++) body.push(...F64_ZERO, ...set(S0 + q));
    else for (let v = 0; v < pr * nv; v++) body.push(...VZERO, ...set(V0 + v));
    body.push(...get(aRow), ...set(ap), ...addr(get(Bt), get(c)), ...set(bp));
    const inner: Bytes = [];
    if (w === 1) {
      inner.push(...get(bp), ...f64load(0), ...set(FB));
      inner.push(...get(S0), ...get(ap), ...f64load(0), ...get(FB), ...FMUL, ...FADD, ...set(S0));
      if (pr === 2) inner.push(...get(S0 + 1), ...get(ap), ...get(mB), ...ADD, ...f64load(0), ...get(FB), ...FMUL, ...FADD, ...set(S0 + 1));
    } else {
      inner.push(...get(ap), ...vsplat(0), ...set(T0));
      if (pr === 2) inner.push(...get(ap), ...get(mB), ...ADD, ...vsplat(0), ...set(T0 + 1));
      for (let v = 0; v < nv; v++) {
        inner.push(...get(bp), ...vload(16 * v), ...set(BV));
        for (let q = 0; q < pr; q++) inner.push(...get(V0 + q * nv + v), ...get(T0 + q), ...get(BV), ...VMUL, ...VADD, ...set(V0 + q * nv + v));
      }
    }
    inner.push(...get(ap), ...i32(8), ...ADD, ...set(ap), ...get(bp), ...get(kkB), ...ADD, ...set(bp));
    body.push(...whileLoop([...get(ap), ...get(aEnd), ...LT_S], inner));
    body.push(...addr(get(cp), get(c)), ...set(dst));
    for (let q = 0; q < pr; q++) {
      const at = q === 0 ? get(dst) : [...get(dst), ...get(kkB), ...ADD];
      if (w === 1) body.push(...at, ...get(S0 + q), ...f64store(0));
      else for (let v = 0; v < nv; v++) body.push(...at, ...get(V0 + q * nv + v), ...vstore(16 * v));
    }
    body.push(...get(c), ...i32(w), ...ADD, ...set(c));
    return whileLoop([...get(c), ...i32(w), ...ADD, ...get(kk), ...LE_S], body);
  };
  const rowBody = (pr: number): Bytes => [
    ...addr(get(A), [...get(r), ...get(m), ...MUL]), ...tee(aRow),
    ...get(mB), ...ADD, ...set(aEnd),
    ...addr(get(C), [...get(r), ...get(kk), ...MUL]), ...set(cp),
    ...i32(0), ...set(c),
    ...tile(pr, 8), ...tile(pr, 2), ...tile(pr, 1),
    ...get(r), ...i32(pr), ...ADD, ...set(r),
  ]; // prettier-ignore
  const code: Bytes = [
    ...get(kk), ...i32(3), ...SHL, ...set(kkB), ...get(m), ...i32(3), ...SHL, ...set(mB), ...i32(0), ...set(r),
    ...whileLoop([...get(r), ...i32(2), ...ADD, ...get(rows), ...LE_S], rowBody(2)),
    ...whileLoop([...get(r), ...get(rows), ...LT_S], rowBody(1)),
  ]; // prettier-ignore
  return { locals: [[10, I32], [11, V128], [3, F64]], code };
}

/** gemmTn: output tiles of 4 rows (c) × 4, 2 or 1 columns (j), then 1 row × the same. */
function genGemmTn(): Fn {
  // params 0 A, 1 B, 2 C, 3 rows, 4 ka, 5 mm; i32 6..13; v128 14..27; f64 28..32
  const [A, B, C, rows, ka, mm, c, j, ap, bp, kaB, mmB, cnt] = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13];
  const V0 = 14;
  const SP = 22;
  const BV = 26;
  const FS = 28;
  const FB = 32;
  const tile = (cw: number, jw: number): Bytes => {
    const nv = jw >> 1;
    const body: Bytes = [];
    if (nv > 0) for (let t = 0; t < cw * nv; t++) body.push(...VZERO, ...set(V0 + t));
    else for (let t = 0; t < cw; t++) body.push(...F64_ZERO, ...set(FS + t));
    body.push(...addr(get(A), get(c)), ...set(ap), ...addr(get(B), get(j)), ...set(bp), ...get(rows), ...set(cnt));
    const inner: Bytes = [];
    if (nv > 0) {
      for (let t = 0; t < nv; t++) inner.push(...get(bp), ...vload(16 * t), ...set(BV + t));
      for (let q = 0; q < cw; q++) {
        inner.push(...get(ap), ...vsplat(8 * q), ...set(SP + q));
        for (let t = 0; t < nv; t++) inner.push(...get(V0 + q * nv + t), ...get(SP + q), ...get(BV + t), ...VMUL, ...VADD, ...set(V0 + q * nv + t));
      }
    } else {
      inner.push(...get(bp), ...f64load(0), ...set(FB));
      for (let q = 0; q < cw; q++) inner.push(...get(FS + q), ...get(ap), ...f64load(8 * q), ...get(FB), ...FMUL, ...FADD, ...set(FS + q));
    }
    inner.push(...get(ap), ...get(kaB), ...ADD, ...set(ap), ...get(bp), ...get(mmB), ...ADD, ...set(bp), ...get(cnt), ...i32(1), ...SUB, ...set(cnt));
    body.push(...whileLoop([...get(cnt), ...i32(0), ...GT_S], inner));
    for (let q = 0; q < cw; q++) {
      body.push(...addr(get(C), [...get(c), ...i32(q), ...ADD, ...get(mm), ...MUL, ...get(j), ...ADD]), ...set(ap));
      if (nv > 0) for (let t = 0; t < nv; t++) body.push(...get(ap), ...get(V0 + q * nv + t), ...vstore(16 * t));
      else body.push(...get(ap), ...get(FS + q), ...f64store(0));
    }
    body.push(...get(j), ...i32(jw), ...ADD, ...set(j));
    return whileLoop([...get(j), ...i32(jw), ...ADD, ...get(mm), ...LE_S], body);
  };
  const rowsOf = (cw: number): Bytes =>
    whileLoop([...get(c), ...i32(cw), ...ADD, ...get(ka), ...LE_S], [...i32(0), ...set(j), ...tile(cw, 4), ...tile(cw, 2), ...tile(cw, 1), ...get(c), ...i32(cw), ...ADD, ...set(c)]);
  const code: Bytes = [...get(ka), ...i32(3), ...SHL, ...set(kaB), ...get(mm), ...i32(3), ...SHL, ...set(mmB), ...i32(0), ...set(c), ...rowsOf(4), ...rowsOf(1)];
  return { locals: [[8, I32], [14, V128], [5, F64]], code };
}

function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, bytes: Bytes): Bytes {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s: string): Bytes {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/** The binary module: imports `env.mem` (shared or not, up to 65536 pages), exports gemmRows and gemmTn. */
export function simdGemmBinary(shared: boolean): Uint8Array {
  const fns = [genGemmRows(), genGemmTn()];
  const type = [0x60, ...vec(new Array<Bytes>(6).fill([I32])), 0x00];
  const mem = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const bodies = fns.map((f) => {
    const b = [...vec(f.locals.map(([count, t]) => [...uleb(count), t])), ...f.code, 0x0b];
    return [...uleb(b.length), ...b];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name("env"), ...name("mem"), 0x02, ...mem]])),
    ...section(3, vec([uleb(0), uleb(0)])),
    ...section(7, vec([[...name("gemmRows"), 0x00, 0], [...name("gemmTn"), 0x00, 1]])),
    ...section(10, vec(bodies)),
  ]); // prettier-ignore
}

/** Opaque compiled module (the project's TypeScript libs carry no WebAssembly types). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A WebAssembly memory: its bytes. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

/** The members of the WebAssembly JavaScript API used here. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

const modules = new Map<boolean, WasmModule | null>();

/**
 * The compiled SIMD module for shared or unshared memory, or `undefined` when this
 * runtime has no WebAssembly SIMD (the JavaScript kernels then do the work).
 *
 * @example
 * simdGemmModule(false) !== undefined; // true on Node 20
 */
export function simdGemmModule(shared: boolean): WasmModule | undefined {
  if (!modules.has(shared)) {
    let mod: WasmModule | null = null;
    try {
      const api = wasmApi();
      if (api !== undefined) mod = new api.Module(simdGemmBinary(shared));
    } catch {
      mod = null;
    }
    modules.set(shared, mod);
  }
  return modules.get(shared) ?? undefined;
}

/** A heap of Float64 values in a WebAssembly memory, with the SIMD kernels bound to it. */
export interface SimdHeap {
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly kernels: SimdGemm;
  /** The first `elements` values of the memory. */
  readonly M: Float64Array;
}

/**
 * A zeroed heap of `elements` float64 values in a new WebAssembly memory (shared when
 * `shared`, so worker threads can instantiate the same module on it), or `undefined`
 * when SIMD is unavailable or the heap would exceed 2 GiB (i32 pointers).
 *
 * @example
 * const h = simdHeap(8, false)!;
 * h.M.set([1, 2, 3, 4, 5, 6]);
 * h.kernels.gemmRows(0, 16, 48, 1, 2, 2); // h.M[6], h.M[7] = 13, 16
 */
export function simdHeap(elements: number, shared: boolean): SimdHeap | undefined {
  const bytes = 8 * elements;
  if (bytes > 2 ** 31 - 2 ** 20) return undefined;
  const module = simdGemmModule(shared);
  const api = wasmApi();
  if (module === undefined || api === undefined) return undefined;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = shared ? new api.Memory({ initial: pages, maximum: pages, shared: true }) : new api.Memory({ initial: pages });
  const kernels = new api.Instance(module, { env: { mem: memory } }).exports as SimdGemm;
  return { memory, module, kernels, M: new Float64Array(memory.buffer, 0, elements) };
}
