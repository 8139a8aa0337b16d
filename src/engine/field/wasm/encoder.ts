// A minimal WebAssembly binary encoder: enough to emit a module of a few numeric functions over an imported memory,
// written by hand as instruction lists (see stencil.ts). No toolchain, no .wasm file: the bytes are built at start-up.
// Reference: the WebAssembly core specification 2.0, binary format (sections, LEB128, the 0xfd SIMD prefix).

/** Value type i32 (also the type of memory addresses). */
export const I32 = 0x7f;
/** Value type f64. */
export const F64 = 0x7c;
/** Value type v128 (here: two f64 lanes). */
export const V128 = 0x7b;

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`uleb: not a u32: ${n}`);
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of an integer in the i32 range. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new Error(`sleb: not an i32: ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A UTF-8 name as a vector. */
function name(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

/** A vector of byte sequences. */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: id, size, contents. */
function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
/** memarg: log2 of the alignment hint, then the static offset in bytes. */
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** Instructions, as byte lists to spread into a function body. */
export const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32And: [0x71],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Eqz: [0x45],
  f64Const: (x: number): number[] => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)],
  f64Sub: [0xa1],
  f64Div: [0xa3],
  f64Min: [0xa4],
  f64Max: [0xa5],
  f64Ceil: [0x9b],
  f64Floor: [0x9c],
  f64Gt: [0x64],
  f64Eq: [0x61],
  /** i32.trunc_f64_s (traps outside the i32 range: callers convert only finite, in-range values). */
  i32TruncF64: [0xaa],
  f64ConvertI32: [0xb7],
  /** call of a function by index (imported functions first). */
  call: (index: number): number[] => [0x10, ...uleb(index)],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32Or: [0x72],
  f64Ne: [0x62],
  f64Lt: [0x63],
  f64Le: [0x65],
  f64Ge: [0x66],
  f64Neg: [0x9a],
  f64Abs: [0x99],
  f64Sqrt: [0x9f],
  /** i32.trunc_sat_f64_s: never traps (NaN gives 0, out-of-range values saturate). */
  i32TruncSatF64: [0xfc, 0x02],
  /** i32.load / i32.store / i32.store8 at address + offset (bytes). */
  i32Load: (offset = 0): number[] => [0x28, ...memarg(2, offset)],
  i32Store: (offset = 0): number[] => [0x36, ...memarg(2, offset)],
  i32Store8: (offset = 0): number[] => [0x3a, ...memarg(0, offset)],
  i32Load8U: (offset = 0): number[] => [0x2d, ...memarg(0, offset)],
  /** select: the first of two values when the i32 on top is non-zero, else the second. */
  select: [0x1b],
  /** return from the function (its results on the stack). */
  ret: [0x0f],
  /** if/else with no result (the condition on the stack before it). */
  ifElse: (then: number[][], otherwise: number[][]): number[] => [0x04, 0x40, ...then.flat(), 0x05, ...otherwise.flat(), 0x0b],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  /** f64.load / f64.store at address + offset (bytes). */
  f64Load: (offset = 0): number[] => [0x2b, ...memarg(3, offset)],
  f64Store: (offset = 0): number[] => [0x39, ...memarg(3, offset)],
  /** v128.load / v128.store (any alignment is valid; the hint says 8 bytes, which is what the callers guarantee). */
  v128Load: (offset = 0): number[] => [...simd(0x00), ...memarg(3, offset)],
  v128Store: (offset = 0): number[] => [...simd(0x0b), ...memarg(3, offset)],
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  f64x2Sub: simd(0xf1),
  f64x2Div: simd(0xf3),
  f64x2Min: simd(0xf4),
  f64x2Max: simd(0xf5),
  f64x2Neg: simd(0xed),
  f64x2Sqrt: simd(0xef),
  /** Lane-wise comparisons: all ones where true. */
  f64x2Eq: simd(0x47),
  f64x2Ne: simd(0x48),
  f64x2Lt: simd(0x49),
  f64x2Gt: simd(0x4a),
  f64x2Le: simd(0x4b),
  f64x2ReplaceLane: (lane: number): number[] => [...simd(0x22), lane],
  i32x4ExtractLane: (lane: number): number[] => [...simd(0x1b), lane],
  /** i8x16.shuffle: byte k of the result is byte lanes[k] of the two operands' 32 bytes. */
  i8x16Shuffle: (lanes: readonly number[]): number[] => [...simd(0x0d), ...lanes],
  v128Not: simd(0x4d),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  /** bitselect(a, b, mask): a where the mask's bits are set, else b. */
  v128Bitselect: simd(0x52),
  v128AnyTrue: simd(0x53),
  /** Structured control: block/loop/if (the condition on the stack before it) with no result, branches by depth. */
  block: (...body: number[][]): number[] => [0x02, 0x40, ...body.flat(), 0x0b],
  loop: (...body: number[][]): number[] => [0x03, 0x40, ...body.flat(), 0x0b],
  if: (...body: number[][]): number[] => [0x04, 0x40, ...body.flat(), 0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
};

/** One exported function: parameter and result types, extra locals (by type), body (without the final `end`). */
export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[][];
}

/** An imported function env.<name> (function indices: the imports first, in order, then the module's functions). */
export interface FunctionImport {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/**
 * The module of `bytes()`, compiled on the first call and kept; null where WebAssembly (with the SIMD it uses) is not
 * available or refuses it (callers then run their JS loops).
 */
export function compiledOnce(bytes: () => Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      compiled = null;
      try {
        const b = bytes();
        if (typeof WebAssembly === 'object' && WebAssembly.validate(b)) compiled = new WebAssembly.Module(b);
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/**
 * A module importing one memory as env.memory (at least `minPages` 64 KiB pages) and the given functions, and
 * exporting its functions (each with its own type).
 */
export function encodeModule(functions: readonly FunctionSpec[], minPages = 1, imported: readonly FunctionImport[] = []): Uint8Array<ArrayBuffer> {
  const signature = (f: FunctionImport): number[] => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))];
  const types = [...imported.map(signature), ...functions.map(signature)];
  const imports = [
    [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)],
    ...imported.map((f, i) => [...name('env'), ...name(f.name), 0x00, ...uleb(i)]),
  ];
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(imported.length + i)]);
  const bodies = functions.map((f) => {
    // Locals run-length encoded by type.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const code = [...vec(groups.map(([count, t]) => [...uleb(count), t])), ...f.body.flat(), 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(functions.map((_, i) => uleb(imported.length + i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
