// The safety filter's hot loops as a WebAssembly kernel: the neighbour scan (SafetyFilter.candidates), the pick of the
// nearest barriers (nearestFirst) and the active-set test (in SafetyFilter.filter), and the memory they share with the filter. Same operations in the same order as the JS
// loops (IEEE add, sub, mul, div, sqrt, min, max are exact in both), so the barriers, their order, the distances and
// the commands are bit for bit the JS ones (test/control/safety/safety-wasm.test.ts, safety-kernel.test.ts).
import { F64, I32, V128, compiledOnce, encodeModule, op } from '../../engine/field/wasm/encoder.js';
import type { FunctionImport, FunctionSpec } from '../../engine/field/wasm/encoder.js';

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
/** `nearest`'s radius to look within first (kept from robot to robot: 1.2 x the last robot's farthest of its nearest). */
const P_TOP_RADIUS = 15;
/** Slots (i32) of the same block: bucket columns, unicycle flag, then the regions' byte offsets and capacities. */
export const I_GX = 32;
export const I_UNICYCLE = 33;
const I_OFFSET = 34; // up to eight regions
const I_CAP = 42;
/** Slots (i32) where `nearest` writes the indices of the nearest candidates, nearest first (MAX_NEAREST of them). */
export const I_TOP = 50;
/** How many nearest barriers `nearest` picks (SafetyFilter's MAX_NEIGHBOURS). */
export const MAX_NEAREST = 12;
/** Bytes of the parameter block. */
const PARAMS = 256;

/** Regions of the memory after the parameter block, and the bytes of one unit of each. */
export const R_RECORDS = 0;
export const R_STARTS = 1;
export const R_CD = 2;
export const R_KIND = 3;
export const R_RAW = 4;
/** The 2-D problems' half-planes (ax, ay, b): SafetyFilter's constraints (kept here with the raw barriers). */
export const R_CONS = 5;
/** Per candidate of the current robot: 1 for one of the nearest, 2 for one the active set added (u8). */
export const R_TAKEN = 6;

/**
 * The records of the bucket-sorted robots, as REC_FIELDS arrays of the region's capacity one after the other (f64):
 * x, y, latency radius, desired speed, then (u, v) of its desired velocity, or for a unicycle its heading (cos, sin),
 * and its desired speed along the heading; its robot index and movable flag (as doubles). Two slots more than the
 * robots: the kernel reads robots in pairs.
 */
export const F_X = 0;
export const F_Y = 1;
export const F_R = 2;
export const F_SPEED = 3;
export const F_P = 4;
export const F_Q = 5;
export const F_A = 6;
export const F_ITEM = 7;
export const F_MOV = 8;
export const REC_FIELDS = 9;

/** Bytes of one unit of each region. */
const UNIT = [8 * REC_FIELDS, 4, 8, 1, 24, 24, 1];

/**
 * The filter's arrays that the kernel reads or writes, in one memory: robot records, bucket starts, the current robot's
 * candidate distances, and the pass's raw barriers (kind byte; nx, ny, b). Grows by doubling, contents kept; growing
 * detaches every view, so `version` counts the moves.
 */
export class ScanMemory {
  readonly memory: WebAssembly.Memory;
  private caps = UNIT.map(() => 0);
  private offsets = UNIT.map(() => PARAMS);
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

const { get, set, i32, i32Add, i32Shl, f64Add, f64Sub, f64Mul, f64Div, f64Load, f64Store, i32Load, i32Store8 } = op;
const { f64Const, f64Min, f64Max, f64Floor, f64Gt, f64Lt, f64Neg, f64Sqrt, f64ConvertI32, i32TruncSatF64 } = op;
const { block, loop, br, brIf, ifElse, i32GtS, i32GeS, i32Mul, i32Or, ret, call } = op;

const TOLERANCE = 1e-9;
const COINCIDENT = 1e-9;
/** The raw barrier kind of two robots on one point (safety.ts's KIND_COINCIDENT; the scan writes d < COINCIDENT). */
const KIND_COINCIDENT = 1;
const RECOVERY_MARGIN = 0.02;
const intParam = (slot: number): number[] => [...i32(0), ...i32Load(4 * slot)];
const { i32And, f64Ge, f64Abs, f64Eq } = op;

/**
 * scan(i, x, y, range, inner, fixed, base, ri, keep, commanded, vx, vy, ex, ey, along, from, j0, j1) -> found, or -1
 * when the candidate distances or raw barriers would overflow their regions (the caller grows them and scans again).
 * The loop body of SafetyFilter.candidates (its doc comment has the meaning) over rows j0..j1 of buckets, two robots
 * at a time (f64x2 lanes, every lane's arithmetic the JS one), without data-dependent branches: every case is
 * computed and the JS one selected; each lane's barrier is written at the next slot, which moves on when it is kept.
 */
function scan(): FunctionSpec {
  const params = [I32, F64, F64, F64, F64, F64, F64, F64, F64, I32, F64, F64, F64, F64, F64, I32, I32, I32];
  const [i, x, y, range, inner, fixed, base, ri, keep, commanded, vx, vy, ex, ey, along, from, j0, j1] = params.map((_, k) => k);
  const locals: number[] = [];
  const local = (type: number): number => params.length + locals.push(type) - 1;
  const ints = (count: number): number[] => new Array<number>(count).fill(I32).map(local);
  const floats = (count: number): number[] => new Array<number>(count).fill(F64).map(local);
  const vectors = (count: number): number[] => new Array<number>(count).fill(V128).map(local);
  const [gx, unicycle, starts, cdOff, kindOff, rawOff, rawCap, cdCap, bj, t, end, found, room, addr, off, stride] = ints(16);
  const fieldBase = ints(REC_FIELDS);
  const [g, brake, limit, dPair, cell, ox, oy, r2, y0, gapY, half, i0f, i1f] = floats(13);
  const [X, Y, D2, J, M, RJ, V, BOUND, D, H, NX, NY, BUDGET, LIN, BH, B, HALFB, DRIFT, M1, M2, KEEP, NEAR, INSIDE, RECOV, CO, CAP, SQ, TV] = vectors(28);
  const [SX, SY, SI, SR2, SINNER, SFIXED, SBASE, SG, SNG, SBRAKE, BRAKEINF, SLIMIT, SDRI, SDPAIR, SRI, SRMD, SKEEP] = vectors(17);
  const [SEX, SEY, SALONG, SVX, SVY, SEND, ZERO, TWO, CHALF, CMHALF, CMTOL, C1, C6, C12, CCO] = vectors(15);
  const { f64x2Splat: splat, f64x2ExtractLane: lane, f64x2Add: add, f64x2Sub: sub, f64x2Mul: mul, f64x2Div: div } = op;
  const { f64x2Min: vmin, f64x2Max: vmax, f64x2Neg: neg, f64x2Sqrt: sqrt, f64x2Eq: eq, f64x2Ne: ne, f64x2Lt: lt, f64x2Gt: gt, f64x2Le: le } = op;
  const { v128Not: not, v128And: and, v128Or: or, v128Bitselect: bitselect, v128AnyTrue: anyTrue, v128Load, i32x4ExtractLane } = op;
  const param = (slot: number): number[] => [...i32(0), ...f64Load(8 * slot)];
  const vset = (l: number, ...code: number[][]): number[] => [...code.flat(), ...set(l)];
  const splatOf = (l: number, code: number[]): number[] => vset(l, code, splat);
  const load = (k: number): number[] => [...get(fieldBase[k]), ...get(off), ...i32Add, ...v128Load()];
  // Inside the item loop: block `next` is depth 0 (continue = br to it).
  const item: number[][] = [
    [...get(t), ...i32(3), ...i32Shl, ...set(off)],
    vset(X, load(F_X)), vset(Y, load(F_Y)), vset(J, load(F_ITEM)),
    vset(D2, get(X), get(SX), sub, get(X), get(SX), sub, mul, get(Y), get(SY), sub, get(Y), get(SY), sub, mul, add),
    // Lane 1 exists when t + 1 < end; not beyond the range; not robot i itself.
    vset(M1, get(TV), get(SEND), lt,
      get(D2), get(SR2), gt, not, and, get(J), get(SI), ne, and),
    [...get(M1), ...anyTrue, ...op.i32Eqz, ...brIf(0)],
    vset(D, get(D2), sqrt),
    vset(RJ, load(F_R)),
    vset(H, get(D), get(SDPAIR), sub, get(SRI), sub, get(RJ), sub),
    vset(INSIDE, get(INSIDE), get(M1), get(H), get(CMTOL), lt, and, or),
    // The nearest robot counts only within its bound (from its desired speed) or that of a robot standing still, as
    // in JS; the bound is computed only for a lane that would be nearer (rare after the first few).
    vset(M2, get(M1), get(J), get(SI), gt, and, get(D), get(NEAR), lt, and),
    [...get(M2), ...anyTrue],
    op.if(
      vset(M, load(F_MOV)),
      vset(V, get(SBASE), load(F_SPEED), add),
      vset(BOUND,
        get(SLIMIT), get(SDRI), get(RJ), add,
        get(V), get(SG), div, get(ZERO), get(V), get(V), mul, get(SBRAKE), div, get(BRAKEINF), bitselect, vmax, get(C1), mul, get(C6), add,
        get(SFIXED), get(M), get(ZERO), ne, bitselect,
        add, vmin),
      vset(M2, get(M2), get(D2), get(SINNER), gt, not, get(D2), get(BOUND), get(BOUND), mul, gt, not, or, and),
      vset(NEAR, get(D), get(NEAR), get(M2), bitselect),
    ),
    [...get(commanded), ...op.i32Eqz, ...brIf(0)],
    // Barriers for every robot in range: one beyond its bound cannot bind (b <= -own - 2 TOLERANCE < keep: the bound
    // is reach(2 own + u_i + u_j) with margins), so the kept ones are the JS scan's, which skips it first.
    vset(M, load(F_MOV)),
    vset(NX, get(SX), get(X), sub, get(D), div),
    vset(NY, get(SY), get(Y), sub, get(D), div),
    // Robots on one point: each lane's normal from the two escape directions (JS: coincident, rare).
    vset(CO, get(M1), get(D), get(CCO), lt, and),
    [...get(CO), ...anyTrue],
    op.if(
      ...[0, 1].map((L) => [
        ...get(CO), ...i32x4ExtractLane(2 * L),
        ...op.if(
          [...get(i), ...get(J), ...lane(L), ...i32TruncSatF64, ...call(0)],
          vset(NX, [...get(NX), ...param(O_NX), ...op.f64x2ReplaceLane(L)]),
          vset(NY, [...get(NY), ...param(O_NY), ...op.f64x2ReplaceLane(L)]),
        ),
      ]),
    ),
    // budget = h < -TOL ? -g (-h + RECOVERY_MARGIN dPair) : h < 0 ? 0 : brake === Infinity || linear^2 < bh (1 - 1e-12)
    //   ? linear : min(linear, sqrt(bh)), with linear = g h, bh = brake h.
    vset(LIN, get(SG), get(H), mul),
    vset(BH, get(SBRAKE), get(H), mul),
    // The square root only when a lane in range needs it (linear is the budget of every other lane: the same values).
    vset(CAP, get(BRAKEINF), get(LIN), get(LIN), mul, get(BH), get(C12), mul, lt, or),
    vset(SQ, get(LIN)),
    [...get(CAP), ...not, ...get(M1), ...and, ...get(H), ...get(ZERO), ...lt, ...not, ...and, ...anyTrue],
    op.if(vset(SQ, get(LIN), get(LIN), get(BH), sqrt, vmin, get(CAP), bitselect)),
    vset(BUDGET,
      get(SNG), get(H), neg, get(SRMD), add, mul,
      get(ZERO),
      get(SQ),
      get(H), get(ZERO), lt, bitselect,
      get(H), get(CMTOL), lt, bitselect),
    vset(HALFB, get(CHALF), get(BUDGET), get(ZERO), vmax, mul),
    // The pair's drift along n (one formula per pass: a predictable branch).
    [...get(unicycle)],
    ifElse(
      [vset(DRIFT, get(CHALF),
        get(NX), get(SEX), mul, get(NY), get(SEY), mul, add, get(SALONG), mul,
        get(NX), load(F_P), mul, get(NY), load(F_Q), mul, add, load(F_A), mul,
        add, mul)],
      [vset(DRIFT, get(CHALF),
        get(NX), get(SVX), mul, get(NY), get(SVY), mul, add,
        get(NX), load(F_P), mul, get(NY), load(F_Q), mul, add,
        add, mul)],
    ),
    // b = !mj ? -budget : mj === 2 ? -0.5 budget : -0.5 budget + (drift > half ? half : drift < -half ? -half : drift)
    vset(B,
      get(BUDGET), neg,
      get(CMHALF), get(BUDGET), mul,
      get(CMHALF), get(BUDGET), mul,
      get(HALFB), get(HALFB), neg, get(DRIFT), get(DRIFT), get(HALFB), neg, lt, bitselect, get(DRIFT), get(HALFB), gt, bitselect,
      add,
      get(M), get(TWO), eq, bitselect,
      get(M), get(ZERO), eq, bitselect),
    vset(RECOV, get(RECOV), get(M1), get(B), get(ZERO), gt, and, or),
    vset(KEEP, get(M1), get(B), get(SKEEP), le, not, and),
    // Room for both lanes (found + 2 within the distances and from + found + 2 within the raw barriers), or out (the
    // caller grows the regions and scans again).
    [...get(found), ...get(room), ...i32GtS, ...op.if([...i32(-1), ...ret])],
    // Each lane's barrier at the next slot (rawOff and kindOff point at the slot of barrier `from`): (nx, ny) as one
    // store, b, its kind (coincident: CO), its distance; the slot moves on when the lane is kept.
    ...[0, 1].map((L) => [
      ...get(rawOff), ...get(found), ...i32(24), ...i32Mul, ...i32Add, ...set(addr),
      ...get(addr), ...get(NX), ...get(NY), ...op.i8x16Shuffle(L ? [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31] : [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]), ...op.v128Store(),
      ...get(addr), ...get(B), ...lane(L), ...f64Store(16),
      ...get(kindOff), ...get(found), ...i32Add, ...get(CO), ...i32x4ExtractLane(2 * L), ...i32(1), ...op.i32And, ...i32Store8(),
      ...get(cdOff), ...get(found), ...i32(3), ...i32Shl, ...i32Add, ...get(D), ...lane(L), ...f64Store(),
      ...get(found), ...get(KEEP), ...i32x4ExtractLane(2 * L), ...i32(1), ...op.i32And, ...i32Add, ...set(found),
    ]),
  ];
  const row: number[][] = [
    // y0 = oy + bj cell; gapY = max(0, y0 - y, y - y0 - cell): rows beyond the disc are skipped (block `row` depth 0).
    [...get(oy), ...get(bj), ...f64ConvertI32, ...get(cell), ...f64Mul, ...f64Add, ...set(y0)],
    [...f64Const(0), ...get(y0), ...get(y), ...f64Sub, ...f64Max, ...get(y), ...get(y0), ...f64Sub, ...get(cell), ...f64Sub, ...f64Max, ...set(gapY)],
    [...get(gapY), ...get(range), ...f64Gt, ...brIf(0)],
    [...get(r2), ...get(gapY), ...get(gapY), ...f64Mul, ...f64Sub, ...f64Sqrt, ...f64Const(1e-9), ...f64Const(1), ...get(range), ...f64Add, ...f64Mul, ...f64Add, ...set(half)],
    [...f64Const(0), ...get(x), ...get(half), ...f64Sub, ...get(ox), ...f64Sub, ...get(cell), ...f64Div, ...f64Floor, ...f64Max, ...set(i0f)],
    [...get(gx), ...i32(1), ...op.i32Sub, ...f64ConvertI32, ...get(x), ...get(half), ...f64Add, ...get(ox), ...f64Sub, ...get(cell), ...f64Div, ...f64Floor, ...f64Min, ...set(i1f)],
    [...get(i1f), ...get(i0f), ...f64Lt, ...brIf(0)],
    // end = starts[bj gx + i1 + 1]; t = starts[bj gx + i0]
    [...get(starts), ...get(bj), ...get(gx), ...i32Mul, ...get(i1f), ...i32TruncSatF64, ...i32Add, ...i32(1), ...i32Add, ...i32(2), ...i32Shl, ...i32Add, ...i32Load(), ...set(end)],
    [...get(starts), ...get(bj), ...get(gx), ...i32Mul, ...get(i0f), ...i32TruncSatF64, ...i32Add, ...i32(2), ...i32Shl, ...i32Add, ...i32Load(), ...set(t)],
    splatOf(SEND, [...get(end), ...f64ConvertI32]),
    // The lanes' slots (t, t + 1) as doubles, moved on with t.
    [...get(t), ...f64ConvertI32, ...splat, ...get(t), ...i32(1), ...i32Add, ...f64ConvertI32, ...op.f64x2ReplaceLane(1), ...set(TV)],
    block(loop(
      [...get(t), ...get(end), ...i32GeS, ...brIf(1)],
      block(...item),
      [...get(t), ...i32(2), ...i32Add, ...set(t)],
      vset(TV, get(TV), get(TWO), add),
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
      [...intParam(I_OFFSET + R_STARTS), ...set(starts), ...intParam(I_OFFSET + R_CD), ...set(cdOff)],
      [...intParam(I_OFFSET + R_KIND), ...set(kindOff), ...intParam(I_OFFSET + R_RAW), ...set(rawOff)],
      [...intParam(I_CAP + R_RAW), ...set(rawCap), ...intParam(I_CAP + R_CD), ...set(cdCap)],
      // The slots from barrier `from` on; room: the largest found with two more slots in both regions.
      [...get(rawOff), ...get(from), ...i32(24), ...i32Mul, ...i32Add, ...set(rawOff), ...get(kindOff), ...get(from), ...i32Add, ...set(kindOff)],
      [...get(cdCap), ...get(rawCap), ...get(from), ...op.i32Sub, ...get(cdCap), ...get(rawCap), ...get(from), ...op.i32Sub, ...op.i32LtS, ...op.select, ...i32(2), ...op.i32Sub, ...set(room)],
      // The records' fields: arrays of the region's capacity, one after the other.
      [...intParam(I_CAP + R_RECORDS), ...i32(3), ...i32Shl, ...set(stride)],
      ...fieldBase.map((l, k) => [...intParam(I_OFFSET + R_RECORDS), ...get(stride), ...i32(k), ...i32Mul, ...i32Add, ...set(l)]),
      [...param(P_GAIN), ...set(g), ...param(P_BRAKE), ...set(brake), ...param(P_LIMIT), ...set(limit), ...param(P_DPAIR), ...set(dPair)],
      [...param(P_CELL), ...set(cell), ...param(P_OX), ...set(ox), ...param(P_OY), ...set(oy)],
      [...get(range), ...get(range), ...f64Mul, ...set(r2)],
      splatOf(SX, get(x)), splatOf(SY, get(y)), splatOf(SI, [...get(i), ...f64ConvertI32]), splatOf(SR2, get(r2)), splatOf(SINNER, get(inner)),
      splatOf(SFIXED, get(fixed)), splatOf(SBASE, get(base)), splatOf(SG, get(g)), splatOf(SNG, [...get(g), ...f64Neg]), splatOf(SBRAKE, get(brake)),
      vset(BRAKEINF, get(SBRAKE), [...f64Const(Infinity), ...splat], eq),
      splatOf(SLIMIT, get(limit)), splatOf(SDRI, [...get(dPair), ...get(ri), ...f64Add]), splatOf(SDPAIR, get(dPair)), splatOf(SRI, get(ri)),
      splatOf(SRMD, [...f64Const(RECOVERY_MARGIN), ...get(dPair), ...f64Mul]), splatOf(SKEEP, get(keep)),
      splatOf(SEX, get(ex)), splatOf(SEY, get(ey)), splatOf(SALONG, get(along)), splatOf(SVX, get(vx)), splatOf(SVY, get(vy)),
      splatOf(ZERO, f64Const(0)), splatOf(TWO, f64Const(2)), splatOf(CHALF, f64Const(0.5)), splatOf(CMHALF, f64Const(-0.5)),
      splatOf(CMTOL, f64Const(-TOLERANCE)), splatOf(C1, f64Const(1 + 1e-9)), splatOf(C6, f64Const(1e-6)), splatOf(C12, f64Const(1 - 1e-12)),
      splatOf(CCO, f64Const(COINCIDENT)), splatOf(NEAR, f64Const(Infinity)),
      [...get(j0), ...set(bj)],
      block(loop(
        [...get(bj), ...get(j1), ...i32GtS, ...brIf(1)],
        block(...row),
        [...get(bj), ...i32(1), ...i32Add, ...set(bj)],
        br(0),
      )),
      [...i32(0), ...get(NEAR), ...lane(0), ...get(NEAR), ...lane(1), ...f64Min, ...f64Store(8 * O_NEAREST)],
      [...i32(0), ...get(INSIDE), ...anyTrue, ...f64ConvertI32, ...f64Store(8 * O_INSIDE)],
      [...i32(0), ...get(RECOV), ...anyTrue, ...f64ConvertI32, ...f64Store(8 * O_RECOVERS)],
      get(found),
    ],
  };
}

/**
 * nearest(kept) -> m: the MAX_NEAREST nearest of the `kept` candidates (distances in the cd region), nearest first
 * (ties: the earlier first), their indices into the I_TOP slots, each marked 1 in the taken region; m = their number.
 * SafetyFilter.nearestFirst's insertion into a sorted list, only of the candidates within a radius that holds at
 * least MAX_NEAREST of them (the last robot's, a little wider; all of them when it holds fewer, or one is NaN).
 */
function nearest(): FunctionSpec {
  const kept = 0;
  const [q, m, at, cdOff, takenOff, prev, within, nan] = [1, 2, 3, 4, 5, 6, 7, 8];
  const [d, worst, radius] = [9, 10, 11];
  const cdAt = (index: number): number[] => [...get(cdOff), ...get(index), ...i32(3), ...i32Shl, ...i32Add, ...f64Load()];
  // The address of top[k] (byte offset 4 I_TOP in the parameter block is the load's or store's own offset).
  const topAddr = (index: number[]): number[] => [...index, ...i32(2), ...i32Shl];
  return {
    name: 'nearest',
    params: [I32],
    results: [I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64],
    body: [
      [...intParam(I_OFFSET + R_CD), ...set(cdOff), ...intParam(I_OFFSET + R_TAKEN), ...set(takenOff)],
      // One pass within the last robot's radius, counting the candidates within it; again over all of them when it held
      // fewer than MAX_NEAREST or a distance is NaN (as nearestFirst decides before its pass: the same result).
      [...i32(0), ...f64Load(8 * P_TOP_RADIUS), ...set(radius)],
      block(loop(
        [...i32(0), ...set(m), ...i32(0), ...set(q), ...f64Const(Infinity), ...set(worst), ...i32(0), ...set(within), ...i32(0), ...set(nan)],
        block(loop(
          [...get(q), ...get(kept), ...i32GeS, ...brIf(1)],
          block(
            [...cdAt(q), ...set(d)],
            [...get(within), ...get(d), ...get(radius), ...op.f64Le, ...i32Add, ...set(within)],
            [...get(nan), ...get(d), ...get(d), ...op.f64Ne, ...i32Or, ...set(nan)],
            // Beyond the radius, or not nearer than the MAX_NEAREST-th so far: skipped.
            [...get(d), ...get(radius), ...f64Gt, ...brIf(0)],
            [...get(d), ...get(worst), ...f64Lt, ...op.i32Eqz, ...get(m), ...i32(MAX_NEAREST), ...op.i32Eq, ...op.i32And, ...brIf(0)],
            [...get(m), ...i32(MAX_NEAREST), ...op.i32LtS],
            ifElse([[...get(m), ...set(at), ...get(m), ...i32(1), ...i32Add, ...set(m)]], [[...get(m), ...i32(1), ...op.i32Sub, ...set(at)]]),
            // Shift the farther ones up.
            block(loop(
              [...get(at), ...op.i32Eqz, ...brIf(1)],
              [...topAddr([...get(at), ...i32(1), ...op.i32Sub]), ...i32Load(4 * I_TOP), ...set(prev)],
              [...get(d), ...cdAt(prev), ...f64Lt, ...op.i32Eqz, ...brIf(1)],
              [...topAddr(get(at)), ...get(prev), ...op.i32Store(4 * I_TOP)],
              [...get(at), ...i32(1), ...op.i32Sub, ...set(at)],
              br(0),
            )),
            [...topAddr(get(at)), ...get(q), ...op.i32Store(4 * I_TOP)],
            [...get(m), ...i32(MAX_NEAREST), ...op.i32Eq],
            op.if([...topAddr(i32(MAX_NEAREST - 1)), ...i32Load(4 * I_TOP), ...set(prev), ...cdAt(prev), ...set(worst)]),
          ),
          [...get(q), ...i32(1), ...i32Add, ...set(q)],
          br(0),
        )),
        // Done with this radius unless it held too few (or a NaN) and was finite: then again within Infinity.
        [...get(nan), ...get(within), ...i32(MAX_NEAREST), ...op.i32LtS, ...i32Or, ...get(radius), ...f64Const(Infinity), ...op.f64Ne, ...i32And, ...op.i32Eqz, ...brIf(1)],
        [...f64Const(Infinity), ...set(radius)],
        br(0),
      )),
      [...i32(0), ...set(at)],
      block(loop(
        [...get(at), ...get(m), ...i32GeS, ...brIf(1)],
        [...get(takenOff), ...topAddr(get(at)), ...i32Load(4 * I_TOP), ...i32Add, ...i32(1), ...i32Store8()],
        [...get(at), ...i32(1), ...i32Add, ...set(at)],
        br(0),
      )),
      [...i32(0), ...f64Const(1.2), ...get(worst), ...f64Mul, ...f64Store(8 * P_TOP_RADIUS)],
      get(m),
    ],
  };
}

/**
 * check(from, active, ux, uy, relaxed, unicycle, ex, ey, start) -> the first candidate t >= start of the current
 * robot (raw barrier from + t) not taken whose barrier (u, v) breaks, or -1: the active-set test of
 * SafetyFilter.filter, with its arithmetic. `relaxed` (the problem was infeasible): robots on one point are skipped
 * and a barrier's right-hand side is at most 0; a unicycle's normal is projected on its heading (ex, ey).
 */
function check(): FunctionSpec {
  const [from, active, ux, uy, relaxed, unicycle, ex, ey, start] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [t, r, addr, kindOff, rawOff, takenOff, coincident] = [9, 10, 11, 12, 13, 14, 15];
  const [ax, ay, b, k] = [16, 17, 18, 19];
  return {
    name: 'check',
    params: [I32, I32, F64, F64, I32, I32, F64, F64, I32],
    results: [I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64],
    body: [
      [...intParam(I_OFFSET + R_KIND), ...set(kindOff), ...intParam(I_OFFSET + R_RAW), ...set(rawOff), ...intParam(I_OFFSET + R_TAKEN), ...set(takenOff)],
      [...get(start), ...set(t)],
      block(loop(
        [...get(t), ...get(active), ...i32GeS, ...brIf(1)],
        block(
          [...get(takenOff), ...get(t), ...i32Add, ...op.i32Load8U(), ...brIf(0)],
          [...get(from), ...get(t), ...i32Add, ...set(r)],
          [...get(kindOff), ...get(r), ...i32Add, ...op.i32Load8U(), ...i32(KIND_COINCIDENT), ...op.i32Eq, ...set(coincident)],
          [...get(relaxed), ...get(coincident), ...i32And, ...brIf(0)],
          [...get(rawOff), ...get(r), ...i32(24), ...i32Mul, ...i32Add, ...set(addr)],
          [...get(addr), ...f64Load(0), ...set(ax), ...get(addr), ...f64Load(8), ...set(ay), ...get(addr), ...f64Load(16), ...set(b)],
          [...get(relaxed), ...op.if([...get(b), ...f64Const(0), ...f64Min, ...set(b)])],
          [...get(unicycle), ...op.if(
            [...get(ax), ...get(ex), ...f64Mul, ...get(ay), ...get(ey), ...f64Mul, ...f64Add, ...set(k)],
            [...get(k), ...get(ex), ...f64Mul, ...set(ax), ...get(k), ...get(ey), ...f64Mul, ...set(ay)],
          )],
          [...get(ax), ...get(ux), ...f64Mul, ...get(ay), ...get(uy), ...f64Mul, ...f64Add, ...get(b), ...f64Const(TOLERANCE), ...f64Sub, ...f64Ge, ...brIf(0)],
          [...get(t), ...ret],
        ),
        [...get(t), ...i32(1), ...i32Add, ...set(t)],
        br(0),
      )),
      i32(-1),
    ],
  };
}

/**
 * blend(from, to, vx, vy, dx, dy) -> the smallest t in [0, 1] such that v + t d meets the raw barriers [from, to), a
 * recovery one as not closing in (b at most 0) and robots on one point skipped: SafetyFilter.blendToSafe for a
 * holonomic robot (d = safe - v), with its arithmetic.
 */
function blend(): FunctionSpec {
  const [from, to, vx, vy, dx, dy] = [0, 1, 2, 3, 4, 5];
  const [k, addr, kindOff] = [6, 7, 8];
  const [ax, ay, b, slack, gain, t] = [9, 10, 11, 12, 13, 14];
  return {
    name: 'blend',
    params: [I32, I32, F64, F64, F64, F64],
    results: [F64],
    locals: [I32, I32, I32, F64, F64, F64, F64, F64, F64],
    body: [
      [...intParam(I_OFFSET + R_KIND), ...set(kindOff)],
      [...intParam(I_OFFSET + R_RAW), ...get(from), ...i32(24), ...i32Mul, ...i32Add, ...set(addr), ...get(from), ...set(k)],
      [...f64Const(0), ...set(t)],
      block(loop(
        [...get(k), ...get(to), ...i32GeS, ...brIf(1)],
        block(
          [...get(kindOff), ...get(k), ...i32Add, ...op.i32Load8U(), ...i32(KIND_COINCIDENT), ...op.i32Eq, ...brIf(0)],
          [...get(addr), ...f64Load(0), ...set(ax), ...get(addr), ...f64Load(8), ...set(ay)],
          [...f64Const(0), ...get(addr), ...f64Load(16), ...f64Min, ...set(b)],
          [...get(ax), ...get(vx), ...f64Mul, ...get(ay), ...get(vy), ...f64Mul, ...f64Add, ...get(b), ...f64Sub, ...set(slack)],
          [...get(slack), ...f64Const(-TOLERANCE), ...f64Ge, ...brIf(0)],
          [...get(ax), ...get(dx), ...f64Mul, ...get(ay), ...get(dy), ...f64Mul, ...f64Add, ...set(gain)],
          [...get(t)],
          [...f64Const(1), ...get(slack), ...f64Neg, ...get(gain), ...f64Div, ...f64Min, ...f64Const(1), ...get(gain), ...f64Const(0), ...f64Gt, ...op.select],
          [...f64Max, ...set(t)],
        ),
        [...get(addr), ...i32(24), ...i32Add, ...set(addr), ...get(k), ...i32(1), ...i32Add, ...set(k)],
        br(0),
      )),
      get(t),
    ],
  };
}

const IMPORTS: FunctionImport[] = [{ name: 'coincident', params: [I32, I32], results: [] }];

/** The module's bytes. */
export function scanModuleBytes(): Uint8Array<ArrayBuffer> {
  return encodeModule([scan(), nearest(), check(), blend()], 1, IMPORTS);
}

/**
 * The kernel's exports: the neighbour scan, the nearest candidates, the active-set test and the blend to a safe command
 * (the functions above describe them).
 */
export interface Kernel {
  readonly scan: ScanKernel;
  readonly nearest: (kept: number) => number;
  readonly check: (from: number, active: number, ux: number, uy: number, relaxed: number, unicycle: number, ex: number, ey: number, start: number) => number;
  readonly blend: (from: number, to: number, vx: number, vy: number, dx: number, dy: number) => number;
}

/** The scan's signature. */
export type ScanKernel = (
  i: number, x: number, y: number, range: number, inner: number, fixed: number, base: number, ri: number, keep: number, commanded: number,
  vx: number, vy: number, ex: number, ey: number, along: number, from: number, j0: number, j1: number,
) => number;

/** The kernel's module, compiled once (null: no WebAssembly SIMD here). */
const scanModule = compiledOnce(scanModuleBytes);

/** Golden angle, rad: escape directions of coincident robots (as in safety.ts). */
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** The kernel over `memory`, or null where WebAssembly (with SIMD) is unavailable. */
export function scanKernel(memory: ScanMemory): Kernel | null {
  const compiled = scanModule();
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
  return instance.exports as unknown as Kernel;
}
