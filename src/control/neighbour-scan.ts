// The safety filter's neighbour scan (SafetyFilter.candidates) as a WebAssembly kernel, and the memory it shares with
// the filter. Same operations in the same order as the JS scan (IEEE add, sub, mul, div, sqrt, min, max are exact in
// both), so the barriers, their order and the distances are bit for bit the JS ones (test/control/safety-wasm.test.ts).
import { F64, I32, encodeModule, op } from '../engine/field/wasm/encoder.js';
import type { FunctionImport, FunctionSpec } from '../engine/field/wasm/encoder.js';

/** Slots (f64) of the parameter block at byte 0: the pass's constants, written by the filter. */
export const P_GAIN = 0;
export const P_BRAKE = 1;
export const P_LIMIT = 2;
export const P_DPAIR = 3;
export const P_CELL = 4;
export const P_OX = 5;
export const P_OY = 6;
/** ... and the scan's results: nearest robot of higher index, inside a barrier (0/1), a barrier asks to leave (0/1). */
export const O_NEAREST = 8;
export const O_INSIDE = 9;
export const O_RECOVERS = 10;
/** Where `coincident` writes a coincident pair's normal. */
const O_NX = 11;
const O_NY = 12;
/** Slots (i32) of the same block: bucket columns, unicycle flag, then the regions' byte offsets and capacities. */
export const I_GX = 32;
export const I_UNICYCLE = 33;
const I_OFFSET = 34; // five regions
const I_CAP = 39; // five regions
/** Bytes of the parameter block. */
const PARAMS = 256;

/** Regions of the memory after the parameter block, and the bytes of one unit of each. */
export const R_RECORDS = 0;
export const R_STARTS = 1;
export const R_CD = 2;
export const R_KIND = 3;
export const R_RAW = 4;
const UNIT = [64, 4, 8, 1, 24];

/**
 * A record (64 bytes) per bucket-sorted robot: f64 x, y, latency radius, desired speed, then (u, v) of its desired
 * velocity, or for a unicycle its heading (cos, sin), and its desired speed along the heading; i32 robot index, movable.
 */
export const REC_F64 = 8;
export const REC_ITEM = 14;
export const REC_MOVABLE = 15;

/**
 * The filter's arrays that the kernel reads or writes, in one memory: robot records, bucket starts, the current robot's
 * candidate distances, and the pass's raw barriers (kind byte; nx, ny, b). Grows by doubling, contents kept; growing
 * detaches every view, so `version` counts the moves.
 */
export class ScanMemory {
  readonly memory: WebAssembly.Memory;
  private caps = [0, 0, 0, 0, 0];
  private offsets = [PARAMS, PARAMS, PARAMS, PARAMS, PARAMS];
  /** Incremented whenever the memory moved (views must be remade). */
  version = 0;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    for (let r = 0; r < UNIT.length; r++) this.reserve(r, 64);
  }

  /** Byte offset and capacity (units) of a region. */
  offset(region: number): number {
    return this.offsets[region];
  }
  capacity(region: number): number {
    return this.caps[region];
  }

  /** Room for `count` units in `region` (at least doubled when it grows), every region's contents kept. */
  reserve(region: number, count: number): void {
    if (this.caps[region] >= count) return;
    const caps = this.caps.slice();
    caps[region] = Math.max(count, 2 * caps[region]);
    const offsets: number[] = [];
    let end = PARAMS;
    for (let r = 0; r < UNIT.length; r++) {
      offsets.push(end);
      end += Math.ceil((caps[r] * UNIT[r]) / 16) * 16;
    }
    const pages = Math.ceil(end / 65536);
    const have = this.memory.buffer.byteLength / 65536;
    if (pages > have) this.memory.grow(pages - have);
    // Offsets only move up: the last region first, so that no region is overwritten before it moved.
    const bytes = new Uint8Array(this.memory.buffer);
    for (let r = UNIT.length - 1; r >= 0; r--) {
      if (offsets[r] !== this.offsets[r]) bytes.copyWithin(offsets[r], this.offsets[r], this.offsets[r] + this.caps[r] * UNIT[r]);
    }
    this.caps = caps;
    this.offsets = offsets;
    const ints = new Int32Array(this.memory.buffer, 0, PARAMS / 4);
    for (let r = 0; r < UNIT.length; r++) {
      ints[I_OFFSET + r] = offsets[r];
      ints[I_CAP + r] = caps[r];
    }
    this.version++;
  }
}

const { get, set, tee, i32, i32Add, i32Shl, f64Add, f64Sub, f64Mul, f64Div, f64Load, f64Store, i32Load, i32Store8 } = op;
const { f64Const, f64Min, f64Max, f64Floor, f64Gt, f64Lt, f64Le, f64Eq, f64Sqrt, f64Neg, f64ConvertI32, i32TruncSatF64 } = op;
const { block, loop, br, brIf, ifElse, i32Eq, i32GtS, i32GeS, i32Mul, i32Or, ret, call, select } = op;

const TOLERANCE = 1e-9;
const COINCIDENT = 1e-9;
const RECOVERY_MARGIN = 0.02;

/**
 * scan(i, x, y, range, inner, fixed, base, ri, keep, commanded, vx, vy, ex, ey, along, from, j0, j1) -> found, or -1
 * when the candidate distances or raw barriers would overflow their regions (the caller grows them and scans again).
 * The loop body of SafetyFilter.candidates (its doc comment has the meaning), rows j0..j1 of buckets.
 */
function scan(): FunctionSpec {
  const params = [I32, F64, F64, F64, F64, F64, F64, F64, F64, I32, F64, F64, F64, F64, F64, I32, I32, I32];
  const [i, x, y, range, inner, fixed, base, ri, keep, commanded, vx, vy, ex, ey, along, from, j0, j1] = params.map((_, k) => k);
  const locals: number[] = [];
  const local = (type: number): number => params.length + locals.push(type) - 1;
  const [gx, unicycle, rec, starts, cdOff, kindOff, rawOff, rawCap, cdCap] = [I32, I32, I32, I32, I32, I32, I32, I32, I32].map(local);
  const [bj, t, end, j, mj, found, r, addr, inside, recovers] = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32].map(local);
  const [g, brake, limit, dPair, cell, ox, oy, r2, nearest, y0, gapY, half, i0f, i1f] = new Array(14).fill(F64).map(local);
  const [px, py, d2, rj, v, reach, bound, d, h, nx, ny, budget, linear, bh, b, halfB, drift] = new Array(17).fill(F64).map(local);
  const param = (slot: number): number[] => [...i32(0), ...f64Load(8 * slot)];
  const intParam = (slot: number): number[] => [...i32(0), ...i32Load(4 * slot)];
  const sq = (l: number): number[] => [...get(l), ...get(l), ...f64Mul];
  const field = (k: number): number[] => [...get(addr), ...f64Load(8 * k)];
  // reach(v) as in SafetyFilter.candidates: max(v / g, brake === Infinity ? 0 : v^2 / brake) (1 + 1e-9) + 1e-6.
  const reachOf = (vl: number): number[] => [
    ...get(vl), ...get(g), ...f64Div,
    ...f64Const(0), ...sq(vl), ...get(brake), ...f64Div, ...get(brake), ...f64Const(Infinity), ...f64Eq, ...select,
    ...f64Max, ...f64Const(1 + 1e-9), ...f64Mul, ...f64Const(1e-6), ...f64Add,
  ];
  // Inside the item loop: block `next` is depth 0 (continue = br to it).
  const item: number[][] = [
    [...get(rec), ...get(t), ...i32(6), ...i32Shl, ...i32Add, ...set(addr)],
    [...field(0), ...set(px), ...field(1), ...set(py)],
    [...get(px), ...get(x), ...f64Sub, ...tee(d2), ...get(d2), ...f64Mul, ...get(py), ...get(y), ...f64Sub, ...tee(d2), ...get(d2), ...f64Mul, ...f64Add, ...set(d2)],
    [...get(d2), ...get(r2), ...f64Gt, ...brIf(0)],
    [...get(addr), ...i32Load(4 * REC_ITEM), ...tee(j), ...get(i), ...i32Eq, ...brIf(0)],
    [...get(addr), ...i32Load(4 * REC_MOVABLE), ...set(mj), ...field(2), ...set(rj)],
    [...get(d2), ...get(inner), ...f64Gt],
    op.if(
      [...get(fixed), ...set(reach)],
      [...get(mj), ...op.if([...get(base), ...field(3), ...f64Add, ...set(v)], [...reachOf(v), ...set(reach)])],
      [...get(limit), ...get(dPair), ...get(ri), ...f64Add, ...get(rj), ...f64Add, ...get(reach), ...f64Add, ...f64Min, ...set(bound)],
      [...get(d2), ...sq(bound), ...f64Gt, ...brIf(1)],
    ),
    [...get(d2), ...f64Sqrt, ...set(d)],
    [...get(j), ...get(i), ...i32GtS, ...get(d), ...get(nearest), ...f64Lt, ...op.i32And],
    op.if([...get(d), ...set(nearest)]),
    [...get(d), ...get(dPair), ...f64Sub, ...get(ri), ...f64Sub, ...get(rj), ...f64Sub, ...set(h)],
    [...get(h), ...f64Const(-TOLERANCE), ...f64Lt, ...op.if([...i32(1), ...set(inside)])],
    [...get(commanded), ...op.i32Eqz, ...brIf(0)],
    [...get(d), ...f64Const(COINCIDENT), ...f64Lt],
    ifElse(
      [[...get(i), ...get(j), ...call(0), ...param(O_NX), ...set(nx), ...param(O_NY), ...set(ny)]],
      [[...get(x), ...get(px), ...f64Sub, ...get(d), ...f64Div, ...set(nx), ...get(y), ...get(py), ...f64Sub, ...get(d), ...f64Div, ...set(ny)]],
    ),
    // From here on without branches (the outcomes are data-dependent): every case computed, the JS one selected.
    // budget = h < -TOL ? -g (-h + RECOVERY_MARGIN dPair) : h < 0 ? 0 : brake === Infinity || linear^2 < bh (1 - 1e-12)
    //   ? linear : min(linear, sqrt(bh)), with linear = g h, bh = brake h.
    [...get(g), ...get(h), ...f64Mul, ...set(linear), ...get(brake), ...get(h), ...f64Mul, ...set(bh)],
    [
      ...get(g), ...f64Neg, ...get(h), ...f64Neg, ...f64Const(RECOVERY_MARGIN), ...get(dPair), ...f64Mul, ...f64Add, ...f64Mul,
      ...f64Const(0),
      ...get(linear), ...get(linear), ...get(bh), ...f64Sqrt, ...f64Min,
      ...get(brake), ...f64Const(Infinity), ...f64Eq, ...sq(linear), ...get(bh), ...f64Const(1 - 1e-12), ...f64Mul, ...f64Lt, ...i32Or,
      ...select,
      ...get(h), ...f64Const(0), ...f64Lt, ...select,
      ...get(h), ...f64Const(-TOLERANCE), ...f64Lt, ...select,
      ...set(budget),
    ],
    // The pair's drift along n (one formula per pass: a predictable branch), clamped to [-half, half].
    [...f64Const(0.5), ...get(budget), ...f64Const(0), ...f64Max, ...f64Mul, ...set(halfB)],
    [...get(unicycle)],
    ifElse(
      [[
        ...f64Const(0.5),
        ...get(nx), ...get(ex), ...f64Mul, ...get(ny), ...get(ey), ...f64Mul, ...f64Add, ...get(along), ...f64Mul,
        ...get(nx), ...field(4), ...f64Mul, ...get(ny), ...field(5), ...f64Mul, ...f64Add, ...field(6), ...f64Mul,
        ...f64Add, ...f64Mul, ...set(drift),
      ]],
      [[
        ...f64Const(0.5),
        ...get(nx), ...get(vx), ...f64Mul, ...get(ny), ...get(vy), ...f64Mul, ...f64Add,
        ...get(nx), ...field(4), ...f64Mul, ...get(ny), ...field(5), ...f64Mul, ...f64Add,
        ...f64Add, ...f64Mul, ...set(drift),
      ]],
    ),
    // b = !mj ? -budget : mj === 2 ? -0.5 budget : -0.5 budget + (drift > half ? half : drift < -half ? -half : drift)
    [
      ...get(budget), ...f64Neg,
      ...f64Const(-0.5), ...get(budget), ...f64Mul,
      ...f64Const(-0.5), ...get(budget), ...f64Mul,
      ...get(halfB), ...get(halfB), ...f64Neg, ...get(drift), ...get(drift), ...get(halfB), ...f64Neg, ...f64Lt, ...select,
      ...get(drift), ...get(halfB), ...f64Gt, ...select,
      ...f64Add,
      ...get(mj), ...i32(2), ...i32Eq, ...select,
      ...get(mj), ...op.i32Eqz, ...select,
      ...set(b),
    ],
    [...get(recovers), ...get(b), ...f64Const(0), ...f64Gt, ...i32Or, ...set(recovers)],
    // Written at the next slot whether kept or not; kept (b > keep, or NaN) when the count moves on.
    [...get(from), ...get(found), ...i32Add, ...set(r)],
    [...get(found), ...get(cdCap), ...i32GeS, ...get(r), ...get(rawCap), ...i32GeS, ...i32Or, ...op.if([...i32(-1), ...ret])],
    [...get(rawOff), ...get(r), ...i32(24), ...i32Mul, ...i32Add, ...set(addr)],
    [...get(addr), ...get(nx), ...f64Store(0), ...get(addr), ...get(ny), ...f64Store(8), ...get(addr), ...get(b), ...f64Store(16)],
    [...get(kindOff), ...get(r), ...i32Add, ...get(d), ...f64Const(COINCIDENT), ...f64Lt, ...i32Store8()],
    [...get(cdOff), ...get(found), ...i32(3), ...i32Shl, ...i32Add, ...get(d), ...f64Store()],
    [...get(found), ...get(b), ...get(keep), ...f64Le, ...op.i32Eqz, ...i32Add, ...set(found)],
  ];
  const row: number[][] = [
    // y0 = oy + bj cell; gapY = max(0, y0 - y, y - y0 - cell): rows beyond the disc are skipped (block `row` depth 0).
    [...get(oy), ...get(bj), ...f64ConvertI32, ...get(cell), ...f64Mul, ...f64Add, ...set(y0)],
    [...f64Const(0), ...get(y0), ...get(y), ...f64Sub, ...f64Max, ...get(y), ...get(y0), ...f64Sub, ...get(cell), ...f64Sub, ...f64Max, ...set(gapY)],
    [...get(gapY), ...get(range), ...f64Gt, ...brIf(0)],
    [...get(r2), ...sq(gapY), ...f64Sub, ...f64Sqrt, ...f64Const(1e-9), ...f64Const(1), ...get(range), ...f64Add, ...f64Mul, ...f64Add, ...set(half)],
    [...f64Const(0), ...get(x), ...get(half), ...f64Sub, ...get(ox), ...f64Sub, ...get(cell), ...f64Div, ...f64Floor, ...f64Max, ...set(i0f)],
    [...get(gx), ...i32(1), ...op.i32Sub, ...f64ConvertI32, ...get(x), ...get(half), ...f64Add, ...get(ox), ...f64Sub, ...get(cell), ...f64Div, ...f64Floor, ...f64Min, ...set(i1f)],
    [...get(i1f), ...get(i0f), ...f64Lt, ...brIf(0)],
    // end = starts[bj gx + i1 + 1]; t = starts[bj gx + i0]
    [...get(starts), ...get(bj), ...get(gx), ...i32Mul, ...get(i1f), ...i32TruncSatF64, ...i32Add, ...i32(1), ...i32Add, ...i32(2), ...i32Shl, ...i32Add, ...i32Load(), ...set(end)],
    [...get(starts), ...get(bj), ...get(gx), ...i32Mul, ...get(i0f), ...i32TruncSatF64, ...i32Add, ...i32(2), ...i32Shl, ...i32Add, ...i32Load(), ...set(t)],
    block(loop(
      [...get(t), ...get(end), ...i32GeS, ...brIf(1)],
      block(...item),
      [...get(t), ...i32(1), ...i32Add, ...set(t)],
      br(0),
    )),
  ];
  return {
    name: 'scan',
    params,
    results: [I32],
    locals,
    body: [
      [...intParam(I_GX), ...set(gx), ...intParam(I_UNICYCLE), ...set(unicycle)],
      [...intParam(I_OFFSET + R_RECORDS), ...set(rec), ...intParam(I_OFFSET + R_STARTS), ...set(starts), ...intParam(I_OFFSET + R_CD), ...set(cdOff)],
      [...intParam(I_OFFSET + R_KIND), ...set(kindOff), ...intParam(I_OFFSET + R_RAW), ...set(rawOff)],
      [...intParam(I_CAP + R_RAW), ...set(rawCap), ...intParam(I_CAP + R_CD), ...set(cdCap)],
      [...param(P_GAIN), ...set(g), ...param(P_BRAKE), ...set(brake), ...param(P_LIMIT), ...set(limit), ...param(P_DPAIR), ...set(dPair)],
      [...param(P_CELL), ...set(cell), ...param(P_OX), ...set(ox), ...param(P_OY), ...set(oy)],
      [...sq(range), ...set(r2), ...f64Const(Infinity), ...set(nearest)],
      [...get(j0), ...set(bj)],
      block(loop(
        [...get(bj), ...get(j1), ...i32GtS, ...brIf(1)],
        block(...row),
        [...get(bj), ...i32(1), ...i32Add, ...set(bj)],
        br(0),
      )),
      [...i32(0), ...get(nearest), ...f64Store(8 * O_NEAREST)],
      [...i32(0), ...get(inside), ...f64ConvertI32, ...f64Store(8 * O_INSIDE)],
      [...i32(0), ...get(recovers), ...f64ConvertI32, ...f64Store(8 * O_RECOVERS)],
      get(found),
    ],
  };
}

const IMPORTS: FunctionImport[] = [{ name: 'coincident', params: [I32, I32], results: [] }];

/** The module's bytes. */
export function scanModuleBytes(): Uint8Array<ArrayBuffer> {
  return encodeModule([scan()], 1, IMPORTS);
}

/** The kernel's export. */
export type ScanKernel = (
  i: number, x: number, y: number, range: number, inner: number, fixed: number, base: number, ri: number, keep: number, commanded: number,
  vx: number, vy: number, ex: number, ey: number, along: number, from: number, j0: number, j1: number,
) => number;

let compiled: WebAssembly.Module | null | undefined;

/** Golden angle, rad: escape directions of coincident robots (as in safety.ts). */
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** The scan kernel over `memory`, or null where WebAssembly (with saturating conversions) is unavailable. */
export function scanKernel(memory: ScanMemory): ScanKernel | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = scanModuleBytes();
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  // A coincident pair's normal: the difference of the two escape directions (the JS scan's arithmetic).
  const coincident = (i: number, j: number): void => {
    const dx = Math.cos(i * GOLDEN) - Math.cos(j * GOLDEN);
    const dy = Math.sin(i * GOLDEN) - Math.sin(j * GOLDEN);
    const norm = Math.sqrt(dx * dx + dy * dy);
    const out = new Float64Array(memory.memory.buffer, 0, PARAMS / 8);
    out[O_NX] = dx / norm;
    out[O_NY] = dy / norm;
  };
  const instance = new WebAssembly.Instance(compiled, { env: { memory: memory.memory, coincident } });
  return (instance.exports as unknown as { scan: ScanKernel }).scan;
}
